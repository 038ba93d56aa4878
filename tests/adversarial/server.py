#!/usr/bin/env python3
"""Scriptable hostile WebSocket server for the httpc-ws adversarial liveness cases.

    python tests/adversarial/server.py --case NAME --port-file PATH [--lifetime S]
    python tests/adversarial/server.py --list

Raw TCP on 127.0.0.1 only (port 0: the kernel picks one; written to --port-file atomically
once listening). It does the opening handshake itself where a case needs one (the
Sec-WebSocket-Accept is computed from the request's key) and writes raw, unmasked server frames.
Python stdlib only (asyncio with the loop's sock_* calls, so that bytes are read only when a
case asks: a case that "never reads" really leaves them in the kernel).

It ends by itself: when every connection of the case has been handled, or after --lifetime
seconds (default 25, at most 30), or on SIGTERM/SIGINT. Each case's behaviour is described in
CASES below and in README.md.
"""

import argparse
import asyncio
import base64
import contextlib
import hashlib
import os
import signal
import socket
import struct
import sys
import time

HOST = "127.0.0.1"
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
LIFETIME_MAX = 30.0
REQUEST_MAX = 16384
SMALL_RCVBUF = 4096  # the kernel doubles it; still a tiny window

OP_CONT, OP_TEXT, OP_BIN, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


def log(*args):
    print("[adv-server]", *args, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------
# Wire helpers
# ------------------------------------------------------------------------------------------------


def accept_value(key: bytes) -> bytes:
    return base64.b64encode(hashlib.sha1(key + GUID).digest())


def response_101(key: bytes, accept: bytes = None, extra: bytes = b"") -> bytes:
    if accept is None:
        accept = accept_value(key)
    return (
        b"HTTP/1.1 101 Switching Protocols\r\n"
        + extra
        + b"Upgrade: websocket\r\n"
        b"Connection: Upgrade\r\n"
        b"Sec-WebSocket-Accept: " + accept + b"\r\n"
        b"\r\n"
    )


def frame(op: int, payload: bytes = b"", fin: bool = True, rsv: int = 0) -> bytes:
    """A server frame (unmasked)."""
    b0 = (0x80 if fin else 0) | ((rsv & 7) << 4) | (op & 0xF)
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", b0, n)
    elif n < 65536:
        head = struct.pack("!BBH", b0, 126, n)
    else:
        head = struct.pack("!BBQ", b0, 127, n)
    return head + payload


def close_frame(code: int = 1000, reason: bytes = b"") -> bytes:
    return frame(OP_CLOSE, struct.pack("!H", code) + reason)


def parse_frames(buf: bytearray):
    """Consume every complete client frame at the front of buf; yield (opcode, payload)."""
    out = []
    while True:
        if len(buf) < 2:
            break
        b0, b1 = buf[0], buf[1]
        n = b1 & 0x7F
        pos = 2
        if n == 126:
            if len(buf) < 4:
                break
            n = struct.unpack_from("!H", buf, 2)[0]
            pos = 4
        elif n == 127:
            if len(buf) < 10:
                break
            n = struct.unpack_from("!Q", buf, 2)[0]
            pos = 10
        masked = b1 & 0x80
        if masked:
            if len(buf) < pos + 4:
                break
            key = bytes(buf[pos:pos + 4])
            pos += 4
        if len(buf) < pos + n:
            break
        payload = bytes(buf[pos:pos + n])
        if masked:
            payload = bytes(b ^ key[i & 3] for i, b in enumerate(payload)) if n <= 4096 else _unmask(payload, key)
        del buf[:pos + n]
        out.append((b0 & 0x0F, payload))
    return out


def _unmask(payload: bytes, key: bytes) -> bytes:
    k = (key * (len(payload) // 4 + 1))[: len(payload)]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(k, "big")).to_bytes(len(payload), "big")


# ------------------------------------------------------------------------------------------------
# Connection helpers (every socket is non-blocking; all I/O goes through the loop's sock_*)
# ------------------------------------------------------------------------------------------------


class Conn:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.loop = asyncio.get_running_loop()
        self.rx = bytearray()
        self.eof = False

    async def recv(self, n: int = 65536) -> bytes:
        try:
            data = await self.loop.sock_recv(self.sock, n)
        except (ConnectionError, OSError):
            data = b""
        if not data:
            self.eof = True
        return data

    async def send(self, data: bytes) -> bool:
        try:
            await self.loop.sock_sendall(self.sock, data)
            return True
        except (ConnectionError, OSError):
            return False

    async def read_request(self):
        """Read the upgrade request; return the Sec-WebSocket-Key (None at EOF / no key)."""
        while b"\r\n\r\n" not in self.rx:
            if len(self.rx) > REQUEST_MAX:
                return None
            data = await self.recv(4096)
            if not data:
                return None
            self.rx += data
        head, _, rest = bytes(self.rx).partition(b"\r\n\r\n")
        self.rx = bytearray(rest)
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"sec-websocket-key":
                return value.strip()
        return b""

    async def trickle(self, data: bytes, step: int, delay: float) -> bool:
        for i in range(0, len(data), step):
            if not await self.send(data[i:i + step]):
                return False
            await asyncio.sleep(delay)
        return True

    async def frames_until_close(self, answer_close: bool, fin_after_close: bool, timeout: float = None):
        """Read client frames; on the client's Close answer it (echoing the code) if asked, then
        FIN (shutdown) if asked, then keep reading (discarding) until EOF. Returns at EOF."""
        deadline = None if timeout is None else time.monotonic() + timeout
        closed = False
        while True:
            if deadline is not None and time.monotonic() >= deadline:
                return
            data = await self.recv()
            if not data:
                return
            if closed:
                continue
            self.rx += data
            for op, payload in parse_frames(self.rx):
                if op == OP_CLOSE and not closed:
                    closed = True
                    if answer_close:
                        code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1000
                        await self.send(close_frame(code))
                    if fin_after_close:
                        with contextlib.suppress(OSError):
                            self.sock.shutdown(socket.SHUT_WR)
                elif op == OP_PING and not closed:
                    await self.send(frame(OP_PONG, payload))

    async def discard_forever(self):
        while await self.recv():
            pass

    def reset(self):
        """Close with an RST (SO_LINGER 0)."""
        with contextlib.suppress(OSError):
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close()

    def close(self):
        with contextlib.suppress(OSError):
            self.sock.close()


async def sleep_forever():
    await asyncio.Event().wait()


# ------------------------------------------------------------------------------------------------
# Cases: one coroutine per accepted connection
# ------------------------------------------------------------------------------------------------


async def h_stall_then_ping(c: Conn):
    """Handshake, then never read (small SO_RCVBUF); a ping 1 s after the upgrade."""
    key = await c.read_request()
    await c.send(response_101(key))
    await asyncio.sleep(1.0)
    await c.send(frame(OP_PING, b"hi"))
    await sleep_forever()


async def h_stall_then_violation(c: Conn):
    """Handshake, never read; 0.5 s later (the client has filled its send path by then) a frame
    with the reserved non-control opcode 0x3."""
    key = await c.read_request()
    await c.send(response_101(key))
    await asyncio.sleep(0.5)
    await c.send(frame(0x3, b"bad"))
    await sleep_forever()


async def h_never_read(c: Conn):
    """Handshake, then never read and never send."""
    key = await c.read_request()
    await c.send(response_101(key))
    await sleep_forever()


async def h_trickle_handshake(c: Conn):
    """The 101 response at 1 byte per 100 ms (takes well over 10 s)."""
    key = await c.read_request()
    await c.trickle(response_101(key), 1, 0.1)
    await c.discard_forever()


async def h_silent_upgrade(c: Conn):
    """Read the request, never answer; keep reading."""
    await c.read_request()
    await c.discard_forever()


async def h_trickle_frame(c: Conn):
    """Announce a 1000-byte text frame and trickle it at 1 B / 100 ms; read everything, never
    answer the client's Close."""
    key = await c.read_request()
    await c.send(response_101(key))
    reader = asyncio.ensure_future(c.discard_forever())
    await c.send(struct.pack("!BBH", 0x81, 126, 1000))
    for _ in range(1000):
        if reader.done():
            break
        if not await c.send(b"a"):
            break
        await asyncio.sleep(0.1)
    await reader


async def h_never_answers_close(c: Conn):
    """Read everything, never reply to anything, never close."""
    key = await c.read_request()
    await c.send(response_101(key))
    await c.discard_forever()


async def h_close_no_fin(c: Conn):
    """Answer the client's Close properly but never close TCP."""
    key = await c.read_request()
    await c.send(response_101(key))
    await c.frames_until_close(answer_close=True, fin_after_close=False)


async def h_server_close_no_fin(c: Conn):
    """Send Close(1000) 200 ms after the upgrade, read the reply, never close TCP."""
    key = await c.read_request()
    await c.send(response_101(key))
    await asyncio.sleep(0.2)
    await c.send(close_frame(1000, b"srv"))
    await c.discard_forever()


async def h_server_close_then_flood(c: Conn):
    """Send Close(1000) 200 ms after the upgrade, then binary frames as fast as the client
    takes them (data after a Close, which the client must ignore); never read, never FIN."""
    key = await c.read_request()
    await c.send(response_101(key))
    await asyncio.sleep(0.2)
    await c.send(close_frame(1000, b"srv"))
    chunk = frame(OP_BIN, b"x" * 1000) * 16
    end = time.monotonic() + 15.0
    while time.monotonic() < end:
        if not await c.send(chunk):
            break


async def h_reset_mid_frame(c: Conn):
    """Never read (the client's messages stay queued); 300 ms after the upgrade, half of a
    100-byte binary frame, then 50 ms later an RST (SO_LINGER 0)."""
    key = await c.read_request()
    await c.send(response_101(key))
    await asyncio.sleep(0.3)
    await c.send(struct.pack("!BB", 0x82, 100) + b"h" * 50)
    await asyncio.sleep(0.05)
    c.reset()


async def h_half_close(c: Conn):
    """1 s after the upgrade shut down the write side (FIN), keep reading."""
    key = await c.read_request()
    await c.send(response_101(key))
    reader = asyncio.ensure_future(c.discard_forever())
    await asyncio.sleep(1.0)
    with contextlib.suppress(OSError):
        c.sock.shutdown(socket.SHUT_WR)
    await reader


PING_FLOOD_N = 50000


async def h_ping_flood(c: Conn):
    """50 000 pings as fast as the client takes them while reading slowly (4 KiB per 10 ms),
    echoing the client's data messages in between; then Close(1000); FIN after the client's
    Close."""
    key = await c.read_request()
    await c.send(response_101(key))
    echo = []
    got_close = asyncio.Event()
    stats = {"pongs": 0, "data": 0}

    async def reader():
        while True:
            data = await c.recv(4096)
            if not data:
                got_close.set()
                return
            c.rx += data
            for op, payload in parse_frames(c.rx):
                if op in (OP_TEXT, OP_BIN):
                    stats["data"] += 1
                    echo.append(frame(op, payload))
                elif op == OP_PONG:
                    stats["pongs"] += 1
                elif op == OP_CLOSE:
                    got_close.set()
            await asyncio.sleep(0.01)

    rtask = asyncio.ensure_future(reader())
    sent = 0
    end = time.monotonic() + 10.0
    ok = True
    while ok and sent < PING_FLOOD_N and time.monotonic() < end and not got_close.is_set():
        out = bytearray()
        while echo:
            out += echo.pop(0)
        k = min(500, PING_FLOOD_N - sent)
        for i in range(k):
            out += frame(OP_PING, struct.pack("!I", sent + i))
        ok = await c.send(bytes(out))
        sent += k
    out = bytearray()
    while echo:
        out += echo.pop(0)
    out += close_frame(1000, b"flood over")
    await c.send(bytes(out))
    log(f"ping_flood: {sent} pings sent; {stats['pongs']} pongs, {stats['data']} data messages so far")
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(got_close.wait(), 10.0)
    with contextlib.suppress(OSError):
        c.sock.shutdown(socket.SHUT_WR)
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(rtask, 2.0)
    log(f"ping_flood: done; {stats['pongs']} pongs, {stats['data']} data messages")


async def h_upgrade_plus_frames(c: Conn):
    """The 101, two text frames and a Close(1000) in ONE send; FIN after the client's Close."""
    key = await c.read_request()
    await c.send(response_101(key) + frame(OP_TEXT, b"one") + frame(OP_TEXT, b"two") + close_frame(1000, b"done"))
    await c.frames_until_close(answer_close=False, fin_after_close=True, timeout=10.0)


async def h_huge_content_length(c: Conn):
    """A refused upgrade (400) announcing Content-Length 4294967295; the body at 10 B / 100 ms."""
    await c.read_request()
    await c.send(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 4294967295\r\n\r\n")
    while await c.send(b"0123456789"):
        await asyncio.sleep(0.1)


async def h_huge_content_length_overflow(c: Conn):
    """As huge_content_length with Content-Length 4294967296 (2^32: wraps to 0 in 32 bits)."""
    await c.read_request()
    await c.send(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 4294967296\r\n\r\n")
    while await c.send(b"0123456789"):
        await asyncio.sleep(0.1)


async def h_long_header_line(c: Conn):
    """A 101 whose first header line is 64 KiB long (then valid headers)."""
    key = await c.read_request()
    await c.send(b"HTTP/1.1 101 Switching Protocols\r\nX-Long: " + b"a" * 65536 + b"\r\n" + response_101(key).split(b"\r\n", 1)[1])
    await c.frames_until_close(answer_close=True, fin_after_close=True, timeout=10.0)


async def h_many_headers(c: Conn):
    """A 101 with 10 000 small headers (then valid headers)."""
    key = await c.read_request()
    pad = b"".join(b"X-Pad-%05d: v\r\n" % i for i in range(10000))
    await c.send(b"HTTP/1.1 101 Switching Protocols\r\n" + pad + response_101(key).split(b"\r\n", 1)[1])
    await c.frames_until_close(answer_close=True, fin_after_close=True, timeout=10.0)


async def h_eof_during_upgrade(c: Conn):
    """Read the request, then close (FIN) without a response."""
    await c.read_request()
    with contextlib.suppress(OSError):
        c.sock.shutdown(socket.SHUT_WR)
    await c.discard_forever()


async def h_bad_accept(c: Conn):
    """A 101 whose Sec-WebSocket-Accept is for another key."""
    await c.read_request()
    await c.send(response_101(b"", accept=base64.b64encode(b"\0" * 20)))
    await c.frames_until_close(answer_close=True, fin_after_close=True, timeout=10.0)


async def h_frame_len_overflow(c: Conn):
    """A binary frame header with a 64-bit length whose top bit is set; answer the client's
    Close, then FIN."""
    key = await c.read_request()
    await c.send(response_101(key))
    await asyncio.sleep(0.05)
    await c.send(struct.pack("!BBQ", 0x82, 127, 1 << 63))
    await c.frames_until_close(answer_close=True, fin_after_close=True, timeout=10.0)


async def h_pong_timeout(c: Conn):
    """Read everything, answer nothing (no pongs), never send."""
    key = await c.read_request()
    await c.send(response_101(key))
    await c.discard_forever()


async def h_msgq(c: Conn):
    """Delay the 101 by 0.5 s; then answer the client's Close and FIN."""
    key = await c.read_request()
    if key is None:
        return  # the client closed this connection without upgrading
    await asyncio.sleep(0.5)
    await c.send(response_101(key))
    await c.frames_until_close(answer_close=True, fin_after_close=True, timeout=10.0)


# name: (handler, connections to handle (0: never accept), small SO_RCVBUF)
CASES = {
    "stall_then_ping": (h_stall_then_ping, 1, True),
    "stall_then_violation": (h_stall_then_violation, 1, True),
    "stall_while_closing": (h_never_read, 1, True),
    "stall_pong_timeout": (h_never_read, 1, True),
    "trickle_handshake": (h_trickle_handshake, 1, False),
    "silent_upgrade": (h_silent_upgrade, 1, False),
    "trickle_frame": (h_trickle_frame, 1, False),
    "never_answers_close": (h_never_answers_close, 1, False),
    "close_no_fin": (h_close_no_fin, 1, False),
    "server_close_no_fin": (h_server_close_no_fin, 1, False),
    "server_close_then_flood": (h_server_close_then_flood, 1, True),
    "reset_mid_frame": (h_reset_mid_frame, 1, True),
    "half_close": (h_half_close, 1, False),
    "ping_flood": (h_ping_flood, 1, False),
    "upgrade_plus_frames": (h_upgrade_plus_frames, 1, False),
    "huge_content_length": (h_huge_content_length, 1, False),
    "huge_content_length_overflow": (h_huge_content_length_overflow, 1, False),
    "long_header_line": (h_long_header_line, 1, False),
    "many_headers": (h_many_headers, 1, False),
    "eof_during_upgrade": (h_eof_during_upgrade, 1, False),
    "bad_accept": (h_bad_accept, 1, False),
    "close_during_upgrade": (h_silent_upgrade, 1, False),
    "frame_len_overflow": (h_frame_len_overflow, 1, False),
    "pong_timeout": (h_pong_timeout, 1, False),
    "connect_timeout": (None, 0, False),
    "msgq_size_bound": (h_msgq, 2, False),
}


# ------------------------------------------------------------------------------------------------
# Main
# ------------------------------------------------------------------------------------------------


def write_port_file(path: str, port: int):
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(f"{port}\n")
    os.replace(tmp, path)


async def run_case(name: str, port_file: str):
    handler, nconn, small_rcvbuf = CASES[name]
    loop = asyncio.get_running_loop()
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if small_rcvbuf:
        # Set before listen(): accepted sockets inherit it, and the window scale is chosen
        # from it, so the client's data really stops once this much is queued.
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SMALL_RCVBUF)
    lsock.bind((HOST, 0))
    port = lsock.getsockname()[1]
    prefill = []
    if nconn == 0:
        # connect_timeout: backlog 0, never accept, and fill the accept queue ourselves so that
        # the kernel drops the client's SYNs (tcp_abort_on_overflow=0): its connect hangs.
        lsock.listen(0)
        for _ in range(3):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            with contextlib.suppress(BlockingIOError, OSError):
                s.connect((HOST, port))
            prefill.append(s)
        await asyncio.sleep(0.3)
    else:
        lsock.listen(8)
    lsock.setblocking(False)
    write_port_file(port_file, port)
    log(f"case {name}: listening on {HOST}:{port}")

    if nconn == 0:
        try:
            await sleep_forever()
        finally:
            for s in prefill:
                s.close()
            lsock.close()

    tasks = []
    try:
        for _ in range(nconn):
            sock, _addr = await loop.sock_accept(lsock)
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            c = Conn(sock)

            async def serve(c=c):
                try:
                    await handler(c)
                finally:
                    c.close()

            tasks.append(asyncio.ensure_future(serve()))
        await asyncio.gather(*tasks)
    finally:
        for t in tasks:
            t.cancel()
        lsock.close()


async def main_async(args):
    loop = asyncio.get_running_loop()
    main_task = asyncio.current_task()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, main_task.cancel)
    try:
        await asyncio.wait_for(run_case(args.case, args.port_file), timeout=args.lifetime)
        log(f"case {args.case}: done")
    except asyncio.TimeoutError:
        log(f"case {args.case}: lifetime of {args.lifetime:.0f} s reached")
    except asyncio.CancelledError:
        log(f"case {args.case}: stopped by signal")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--case", help="behaviour (see --list)")
    ap.add_argument("--port-file", help="write the listening port here once ready")
    ap.add_argument("--lifetime", type=float, default=25.0, help="end after this many seconds (max 30)")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    args = ap.parse_args()
    if args.list:
        for name, (handler, _, _) in CASES.items():
            doc = (handler.__doc__ or "never accept: backlog 0, accept queue pre-filled").split("\n")[0]
            print(f"{name:30} {doc}")
        return 0
    if args.case not in CASES or not args.port_file:
        ap.error("--case NAME (see --list) and --port-file are required")
    args.lifetime = max(1.0, min(args.lifetime, LIFETIME_MAX))
    try:
        asyncio.run(main_async(args))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
