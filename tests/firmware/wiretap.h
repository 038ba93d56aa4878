/*
 * wiretap.h: a WebSocket frame parser on the raw byte streams the port moves (test equipment of
 * the firmware example, not part of an application). It skips the HTTP head, then records every
 * frame: opcode, FIN, mask bit, payload length and how the length was encoded (7, 16 or 64 bits),
 * and the unmasked payload of control frames. The tests check the wire with it: the length
 * encodings of 125/126/65535/65536-byte messages, the frames of a fragmented message, masking, and
 * the pong that answers the server's ping.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef FW_WIRETAP_H
#define FW_WIRETAP_H

#include <stdint.h>

#define TAP_LOG_LEN 32u

typedef struct {
    uint8_t opcode;
    uint8_t fin;
    uint8_t masked;
    uint8_t enc; /* 7, 16 or 64: how the payload length was written */
    uint32_t len;
} TAP_FRAME;

typedef struct {
    /* parser */
    uint32_t head_match; /* progress through "\r\n\r\n" */
    int in_frames;
    uint8_t hdr[14];
    uint32_t hdr_len;
    uint32_t hdr_need;
    uint32_t left_hi;
    uint32_t left;       /* payload bytes left in the current frame (low 32 bits) */
    uint32_t pos;
    uint8_t mask[4];
    uint8_t ctl[125];
    TAP_FRAME cur;
    /* records */
    uint32_t count;      /* frames completed */
    uint32_t per_opcode[16];
    TAP_FRAME log[TAP_LOG_LEN]; /* the last TAP_LOG_LEN frames, log[count % TAP_LOG_LEN] next */
    uint8_t last_ping[125];
    uint32_t last_ping_len;
    uint8_t last_pong[125];
    uint32_t last_pong_len;
    uint8_t last_close[125];
    uint32_t last_close_len;
    uint32_t errors;     /* malformed framing seen */
} TAP_DIR;

extern TAP_DIR TapTx; /* client -> server */
extern TAP_DIR TapRx; /* server -> client */

void wiretap_feed(TAP_DIR *d, const uint8_t *p, uint32_t len);
void wiretap_tx(const uint8_t *p, uint32_t len);
void wiretap_rx(const uint8_t *p, uint32_t len);
/* Frame number k (0-based since the start) if still in the log, else 0. */
const TAP_FRAME *wiretap_frame(const TAP_DIR *d, uint32_t k);

#endif
