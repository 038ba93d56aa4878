#!/usr/bin/env python3
"""Writes the committed seed corpora: fuzz/corpus/<target>/seed-<name>.

Each seed starts with the target's decision bytes (see the target's header comment), then
real frames or handshake responses. Re-run after changing a target's input layout:
    python3 fuzz/gen_seeds.py
"""
import base64
import hashlib
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
NONCE = b"httpc-ws fuzzing"  # the targets' fixed handshake nonce
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
KEY = base64.b64encode(NONCE)
ACCEPT = base64.b64encode(hashlib.sha1(KEY + GUID).digest())


def frame(op, payload=b"", fin=True, rsv=0, mask=None):
    b0 = (0x80 if fin else 0) | (rsv << 4) | op
    n = len(payload)
    if n < 126:
        hdr = bytes([b0, n | (0x80 if mask else 0)])
    elif n <= 0xFFFF:
        hdr = bytes([b0, 126 | (0x80 if mask else 0)]) + struct.pack(">H", n)
    else:
        hdr = bytes([b0, 127 | (0x80 if mask else 0)]) + struct.pack(">Q", n)
    if mask:
        payload = bytes(c ^ mask[i % 4] for i, c in enumerate(payload))
        hdr += mask
    return hdr + payload


def plan(steps):
    """A Plan: a length byte (n-1) and n steps."""
    assert 1 <= len(steps) <= 16
    return bytes([len(steps) - 1]) + bytes(steps)


def response(status=b"101 Switching Protocols", extra=b"", accept=ACCEPT, upgrade=True,
             connection=True):
    r = b"HTTP/1.1 " + status + b"\r\n"
    if upgrade:
        r += b"Upgrade: websocket\r\n"
    if connection:
        r += b"Connection: Upgrade\r\n"
    if accept is not None:
        r += b"Sec-WebSocket-Accept: " + accept + b"\r\n"
    return r + extra + b"\r\n"


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


# ----- rx_session: [config][chunk plan][take plan][server bytes] ------------------------------
RX = {
    "text": frame(1, b"Hello"),
    "fragmented": frame(1, b"Hel", fin=False) + frame(0, b"lo"),
    "ping-pong-bin": frame(9, b"ping") + frame(10, b"") + frame(2, bytes(range(256)) + b"x" * 44),
    "close-normal": frame(8, struct.pack(">H", 1000) + b"bye"),
    "close-empty": frame(8),
    "ping-inside-fragments": frame(1, b"a\xc3", fin=False) + frame(9, b"p")
    + frame(0, b"\xa9b", fin=True) + frame(8, struct.pack(">H", 1001)),
    "bad-utf8": frame(1, b"ok\xff"),
    "truncated-utf8": frame(1, b"\xe2\x82"),
    "masked": frame(2, b"abc", mask=b"\x01\x02\x03\x04"),
    "rsv": frame(1, b"x", rsv=4),
    "bad-close-code": frame(8, struct.pack(">H", 1005)),
    "continuation-first": frame(0, b"x"),
    "control-too-long": bytes([0x89, 126, 0, 126]) + b"p" * 126,
    "len64": bytes([0x82, 127]) + struct.pack(">Q", 70000) + b"z" * 64,
    "many-small": b"".join(frame(2, bytes([i])) for i in range(20)) + frame(1, "€uro".encode()),
}
for name, stream in RX.items():
    for cfg, chunks, takes, tag in [
        (0x07, [0xFF], [0xFF], "whole"),
        (0x07, [0], [1], "bytewise"),
        (0x05, [2, 5, 0xFF, 0], [3, 0, 0xFF], "mixed"),
    ]:
        write("rx_session", f"{name}-{tag}", bytes([cfg]) + plan(chunks) + plan(takes) + stream)

# ----- handshake_parser: [config][chunk plan][response] ---------------------------------------
HS = {
    "ok": (0x00, response()),
    "ok-lower-case": (0x00, response().replace(b"Upgrade: websocket", b"upgrade:  WebSocket ")),
    "ok-no-reason": (0x00, response(status=b"101")),
    "ok-protocol": (0x10, response(extra=b"Sec-WebSocket-Protocol: chat\r\n")),
    "ok-more-headers": (0x20, response(extra=b"Server: x\r\nSec-WebSocket-Protocol: v2.proto\r\n"
                                      b"Sec-WebSocket-Extensions:\r\nDate: today\r\n")),
    "refused": (0x00, b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"),
    "wrong-accept": (0x00, response(accept=b"dGhlIHNhbXBsZSBub25jZQ==")),
    "two-accepts": (0x00, response(extra=b"Sec-WebSocket-Accept: " + ACCEPT + b"\r\n")),
    "no-connection": (0x00, response(connection=False)),
    "no-upgrade": (0x00, response(upgrade=False)),
    "extension": (0x00, response(extra=b"Sec-WebSocket-Extensions: permessage-deflate\r\n")),
    "protocol-not-offered": (0x00, response(extra=b"Sec-WebSocket-Protocol: chat\r\n")),
    "obs-fold": (0x00, response(extra=b"X-A: a\r\n b\r\n")),
    "http10": (0x00, response().replace(b"HTTP/1.1", b"HTTP/1.0", 1)),
    "bare-lf": (0x00, response().replace(b"\r\n", b"\n")),
    "small-limits": (0x05, response()),
    "tiny-line": (0x02, b"HTTP/1.1 101\r\n\r\n"),
}
for name, (cfg, resp) in HS.items():
    write("handshake_parser", name + "-whole", bytes([cfg]) + plan([0xFF]) + resp)
    write("handshake_parser", name + "-split", bytes([cfg]) + plan([0, 7, 1, 30]) + resp)

# ----- utf8_diff: [chunk plan][text] ----------------------------------------------------------
U8 = {
    "ascii": b"Hello, world",
    "mixed": "héllo wörld – ∑ 𝄞 日本語".encode(),
    "overlong": b"\xc0\xaf",
    "surrogate": b"\xed\xa0\x80",
    "above-max": b"\xf4\x90\x80\x80",
    "f5": b"a\xf5",
    "stray-cont": b"ab\x80cd",
    "truncated": b"abc\xe2\x82",
    "truncated-then-ascii": b"\xe2\x82A",
    "e0-overlong": b"\xe0\x80\x80",
    "long-ascii-then-bad": b"x" * 40 + b"\xff",
    "max": "\U0010ffff".encode(),
}
for name, text in U8.items():
    write("utf8_diff", name, plan([0, 3, 0xFF]) + text)
# ----- http_response: [config][chunk plan][response] --------------------------------------
# Config: bits 0-1 line limit (1024/64/8/200), 2-3 head limit (8192/256/40/0), 0x10 the request
# was HEAD, 0x20 call eof() at the end.
HTTP = {
    "length": (0x00, b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"),
    "chunked": (0x00, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      b"5;ext=1\r\nhello\r\n1\r\n \r\n0\r\nX-Trailer: t\r\n\r\n"),
    "until-close": (0x20, b"HTTP/1.0 200 OK\r\n\r\nuntil the close"),
    "head": (0x10, b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"),
    "interim": (0x00, b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"),
    "not-modified": (0x00, b"HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n"),
    "cl-and-te": (0x00, b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"),
    "two-lengths": (0x00, b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
    "chunk-overflow": (0x00, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1ffffffff\r\n"),
    "bad-chunk-end": (0x00, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n"),
    "data-after-end": (0x00, b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1"),
    "truncated": (0x20, b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"),
    "obs-fold": (0x00, b"HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n"),
    "long-line": (0x01, b"HTTP/1.1 200 OK\r\nX: " + b"a" * 80 + b"\r\n\r\n"),
    "small-head": (0x08, b"HTTP/1.1 200 OK\r\nServer: x\r\nDate: y\r\n\r\n"),
}
for name, (cfg, resp) in HTTP.items():
    write("http_response", name + "-whole", bytes([cfg]) + plan([0xFF]) + resp)
    write("http_response", name + "-split", bytes([cfg]) + plan([0, 7, 1, 30]) + resp)
print("seeds written")

# ----- capi_script: [mode][buffer size][reaction][timers] then ops (see the target) -----------
TEST_NONCE = b"httpc-ws testing"  # tests/support's port nonce
TEST_ACCEPT = base64.b64encode(hashlib.sha1(base64.b64encode(TEST_NONCE) + GUID).digest())
PASS = [0]
EOF_OP = [15]
CONN_CLOSE = [14]


def op_frame(opidx, length, fin=True, raw=None, code_idx=0):
    """opidx: 0 cont, 1 text, 2 bin, 3 close, 4 ping, 5 pong, 6 rsv 3, 7 rsv 0xB."""
    b = (0x80 if fin else 0) | opidx | (0x40 if raw is not None else 0)
    out = [3, b, length]
    if opidx == 3 and length >= 2:
        return out + [code_idx]
    return out + list(raw if raw is not None else bytes(length))


def op_send_buf(i, text, length, block=False):
    return [9, i, 1 if text else 0, length & 0xFF, length >> 8, 0 if block else 1]


def op_send_hook(i, text, length, c1, c2, init=None, block=False):
    out = [10, i, 1 if text else 0, length & 0xFF, length >> 8, c1, c2]
    out += [0, init] if init is not None else [1]
    return out + [0 if block else 1]


def op_send_frag(i, text, chunks, block=False):
    out = [11, i, 1 if text else 0, len(chunks)]
    for c in chunks:
        out += [0] if c is None else [1, c]  # None: "nothing yet"
    return out + [0 if block else 1]


def op_ctrl(i, ping, length):
    return [12, i, 1 if ping else 0, length, 1]


def op_close(i, code_idx, reason_len):
    return [13, i, code_idx, reason_len, 1]


def capi(name, header, ops):
    data = bytes(header)
    for op in ops:
        data += bytes(op)
    write("capi_script", name, data)


capi("echo", [0, 0, 0, 0], [
    PASS, PASS, PASS, op_frame(1, 5), PASS, op_send_buf(0, True, 5), PASS, PASS,
    op_close(4, 0, 3), PASS, PASS, op_frame(3, 2, code_idx=0), PASS, EOF_OP, PASS, PASS,
])
capi("send-modes", [0, 0, 0, 0], [
    PASS, PASS, PASS,
    op_send_buf(0, False, 300), op_send_hook(1, True, 200, 40, 0), op_send_frag(2, True, [3, None, 5]),
    op_ctrl(3, True, 4), PASS, PASS, PASS, op_frame(5, 4), PASS, PASS, PASS,
    op_send_hook(1, False, 10, 255, 1, init=4), PASS, PASS, CONN_CLOSE,
])
capi("buffer-mode", [1, 20, 0, 0], [
    PASS, PASS, PASS, op_frame(2, 40), op_frame(1, 3, fin=False), op_frame(4, 2),
    op_frame(0, 4), PASS, PASS, op_frame(2, 200), PASS, op_frame(3, 2, code_idx=1), PASS, PASS,
    EOF_OP, PASS,
])
hs = (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      b"Sec-WebSocket-Accept: " + TEST_ACCEPT + b"\r\n\r\n")
capi("fuzzed-handshake", [2, 0, 0, 0], [
    PASS, PASS, [2, len(hs)] + list(hs), PASS, op_frame(1, 2), PASS, PASS,
])
capi("refused-handshake", [2, 0, 0, 0], [
    PASS, PASS, [2, 44] + list(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")[:44],
    PASS, PASS,
])
capi("timers", [0, 0, 0, 0x1 | (2 << 1) | (1 << 4) | (1 << 6)], [
    PASS, PASS, PASS, [8, 200, 0], [8, 200, 0], [8, 100, 0], op_close(4, 1, 0), PASS,
    [8, 0x88, 0x13], [8, 0x88, 0x13],
])
capi("reactions-echo", [0, 0, 0x13, 0], [  # RxComplete -> Echo
    PASS, PASS, PASS, op_frame(1, 3), PASS, PASS, op_frame(1, 2), PASS, PASS,
])
capi("reactions-close", [0, 0, 0x04 | (0 << 4), 0], [  # TxComplete -> ConnClose
    PASS, PASS, PASS, op_send_buf(0, True, 3), op_send_buf(1, True, 3), PASS, PASS,
])
capi("faults", [4, 0, 0, 0], [
    PASS, PASS, PASS, PASS, [7, 1, 1], [16, 80, 80], op_send_buf(0, False, 90),
    [6, 3, 10], [6, 0], [6, 2], PASS, PASS, [5, 1], PASS, PASS,
])
capi("blocking", [0, 0, 0, 0], [
    PASS, PASS, PASS, op_send_buf(0, True, 20, block=True), op_send_frag(1, False, [9, 0], block=True),
    op_frame(9, 1), [5, 2], op_send_buf(2, True, 5, block=True),
])
capi("protocol-error", [0, 0, 0, 0], [
    PASS, PASS, PASS, op_frame(6, 1), PASS, PASS, [2, 4, 0x81, 0x81, 1, 2], PASS, EOF_OP, PASS,
])
print("capi_script seeds written")
