/*
 * wiretap.c: see wiretap.h.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "wiretap.h"

TAP_DIR TapTx;
TAP_DIR TapRx;

static void frame_done(TAP_DIR *d)
{
    TAP_FRAME *f = &d->log[d->count % TAP_LOG_LEN];
    uint32_t n = d->cur.len < 125u ? d->cur.len : 125u;
    uint32_t i;
    uint8_t *dst = 0;
    uint32_t *dst_len = 0;

    *f = d->cur;
    d->count++;
    d->per_opcode[d->cur.opcode & 0xFu]++;
    switch (d->cur.opcode) {
    case 0x8: dst = d->last_close; dst_len = &d->last_close_len; break;
    case 0x9: dst = d->last_ping; dst_len = &d->last_ping_len; break;
    case 0xA: dst = d->last_pong; dst_len = &d->last_pong_len; break;
    default: break;
    }
    if (dst != 0) {
        for (i = 0; i < n; i++) {
            dst[i] = d->ctl[i];
        }
        *dst_len = n;
    }
    d->hdr_len = 0;
    d->hdr_need = 2;
}

void wiretap_feed(TAP_DIR *d, const uint8_t *p, uint32_t len)
{
    static const char end_of_head[4] = {'\r', '\n', '\r', '\n'};
    uint32_t i = 0;

    while (i < len) {
        uint8_t b = p[i++];
        if (!d->in_frames) {
            d->head_match = (b == (uint8_t)end_of_head[d->head_match]) ? d->head_match + 1u
                            : (b == '\r' ? 1u : 0u);
            if (d->head_match == 4u) {
                d->in_frames = 1;
                d->hdr_len = 0;
                d->hdr_need = 2;
            }
            continue;
        }
        if (d->hdr_len < d->hdr_need) {
            d->hdr[d->hdr_len++] = b;
            if (d->hdr_len == 2u) {
                uint32_t len7 = d->hdr[1] & 0x7Fu;
                d->hdr_need = 2u + (len7 == 126u ? 2u : len7 == 127u ? 8u : 0u) +
                              ((d->hdr[1] & 0x80u) ? 4u : 0u);
            }
            if (d->hdr_len == d->hdr_need) {
                uint32_t len7 = d->hdr[1] & 0x7Fu;
                uint32_t off = 2;
                d->cur.fin = (uint8_t)(d->hdr[0] >> 7);
                d->cur.opcode = (uint8_t)(d->hdr[0] & 0x0Fu);
                d->cur.masked = (uint8_t)(d->hdr[1] >> 7);
                if ((d->hdr[0] & 0x70u) != 0u) {
                    d->errors++;
                }
                if (len7 < 126u) {
                    d->cur.enc = 7;
                    d->left_hi = 0;
                    d->left = len7;
                } else if (len7 == 126u) {
                    d->cur.enc = 16;
                    d->left_hi = 0;
                    d->left = ((uint32_t)d->hdr[2] << 8) | d->hdr[3];
                    off = 4;
                } else {
                    d->cur.enc = 64;
                    d->left_hi = ((uint32_t)d->hdr[2] << 24) | ((uint32_t)d->hdr[3] << 16) |
                                 ((uint32_t)d->hdr[4] << 8) | d->hdr[5];
                    d->left = ((uint32_t)d->hdr[6] << 24) | ((uint32_t)d->hdr[7] << 16) |
                              ((uint32_t)d->hdr[8] << 8) | d->hdr[9];
                    off = 10;
                }
                d->cur.len = d->left_hi != 0u ? 0xFFFFFFFFu : d->left;
                if (d->cur.masked) {
                    d->mask[0] = d->hdr[off];
                    d->mask[1] = d->hdr[off + 1u];
                    d->mask[2] = d->hdr[off + 2u];
                    d->mask[3] = d->hdr[off + 3u];
                }
                d->pos = 0;
                if (d->left == 0u && d->left_hi == 0u) {
                    frame_done(d);
                }
            }
            continue;
        }
        /* payload byte */
        if (d->pos < sizeof d->ctl) {
            d->ctl[d->pos] = d->cur.masked ? (uint8_t)(b ^ d->mask[d->pos & 3u]) : b;
        }
        d->pos++;
        if (d->left == 0u) {
            d->left_hi--;
        }
        d->left--;
        if (d->left == 0u && d->left_hi == 0u) {
            frame_done(d);
        }
    }
}

void wiretap_tx(const uint8_t *p, uint32_t len)
{
    wiretap_feed(&TapTx, p, len);
}

void wiretap_rx(const uint8_t *p, uint32_t len)
{
    wiretap_feed(&TapRx, p, len);
}

const TAP_FRAME *wiretap_frame(const TAP_DIR *d, uint32_t k)
{
    if (k >= d->count || d->count - k > TAP_LOG_LEN) {
        return 0;
    }
    return &d->log[k % TAP_LOG_LEN];
}
