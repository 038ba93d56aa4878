#!/usr/bin/env python3
"""TLS peers for tests/tls (127.0.0.1 only; Python 3.11 standard library + `websockets`).

    servers.py MODE --cert PEM --key KEY --port-file PATH

MODE
  echo          `websockets` server over TLS: echo every message with its type
  plain         `websockets` server WITHOUT TLS (a client speaking TLS must fail)
  alert         TLS (ssl.MemoryBIO): upgrade by hand, send half of a text frame, then make
                OpenSSL send a fatal alert (bad_record_mac, provoked by a forged record)
  truncate      TLS: upgrade, send one text frame's record minus its last 5 bytes, wait 1 s, close TCP
  close-notify  TLS: upgrade, send the text message "hi", then close_notify before any
                WebSocket Close; TCP stays open 2 s
  eof-clean     TLS: upgrade, send "hi", then close TCP without close_notify (between records)
Runs until SIGTERM.
"""
import argparse
import asyncio
import base64
import hashlib
import os
import re
import socket
import ssl
import sys
import threading
import time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def write_port(path, port):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(port))
    os.replace(tmp, path)


def server_ctx(cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


async def ws_main(args, ctx):
    from websockets.asyncio.server import serve

    async def echo(conn):
        try:
            async for m in conn:
                await conn.send(m)
        except Exception:
            pass

    async with serve(echo, "127.0.0.1", 0, ssl=ctx, max_size=2**26, compression=None,
                     ping_interval=None) as srv:
        write_port(args.port_file, srv.sockets[0].getsockname()[1])
        await asyncio.Future()


def frame(opcode, payload):
    n = len(payload)
    assert n < 126
    return bytes([0x80 | opcode, n]) + payload


def evil_conn(sock, ctx, mode):
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, out, server_side=True)

    def flush():
        d = out.read()
        if d:
            sock.sendall(d)

    def feed():
        d = sock.recv(65536)
        if not d:
            raise EOFError
        inc.write(d)

    try:
        while True:
            try:
                obj.do_handshake()
                break
            except ssl.SSLWantReadError:
                flush()
                feed()
        flush()
        req = b""
        while b"\r\n\r\n" not in req:
            try:
                req += obj.read(65536)
            except ssl.SSLWantReadError:
                flush()
                feed()
        key = re.search(rb"(?i)sec-websocket-key:\s*(\S+)", req).group(1)
        acc = base64.b64encode(hashlib.sha1(key + GUID).digest())
        obj.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                  b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + acc + b"\r\n\r\n")
        flush()
        time.sleep(0.2)
        if mode == "alert":
            obj.write(bytes([0x81, 10]) + b"hello")  # half of a 10-byte text frame
            flush()
            time.sleep(0.2)
            inc.write(b"\x17\x03\x03\x00\x20" + os.urandom(32))  # forged record
            try:
                obj.read(65536)
            except ssl.SSLError:
                pass
            flush()  # OpenSSL's fatal alert
            time.sleep(1.0)
        elif mode == "truncate":
            obj.write(frame(1, b"hello world"))
            rec = out.read()
            sock.sendall(rec[:-5])
            time.sleep(1.0)  # the client must sleep meanwhile (a partial record is not readable data)
        elif mode == "close-notify":
            obj.write(frame(1, b"hi"))
            flush()
            time.sleep(0.2)
            try:
                obj.unwrap()
            except (ssl.SSLWantReadError, ssl.SSLError):
                pass
            flush()
            time.sleep(2.0)
        elif mode == "eof-clean":
            obj.write(frame(1, b"hi"))
            flush()
            time.sleep(0.2)
    except (EOFError, OSError, ssl.SSLError, AttributeError):
        pass
    finally:
        sock.close()


def evil_main(args, ctx):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(8)
    write_port(args.port_file, ls.getsockname()[1])
    while True:
        c, _ = ls.accept()
        threading.Thread(target=evil_conn, args=(c, ctx, args.mode), daemon=True).start()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["echo", "plain", "alert", "truncate", "close-notify", "eof-clean"])
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    if args.mode == "plain":
        asyncio.run(ws_main(args, None))
    elif args.mode == "echo":
        asyncio.run(ws_main(args, server_ctx(args.cert, args.key)))
    else:
        evil_main(args, server_ctx(args.cert, args.key))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
