#!/usr/bin/env python3
"""HTTP/1.1 and WebSocket server for httpc-ws tests of a legacy application that makes REST
calls and then opens a WebSocket on the same connection: a real peer, built on aiohttp.

    .venv/bin/python tests/servers/aio_server.py [--port N] [--port-file PATH]

Listens on 127.0.0.1 only. --port 0 (the default) lets the kernel pick a free port; --port-file
gets the bound port (written atomically) once the server is listening. Keep-alive connections,
no compression. Stops cleanly on SIGTERM/SIGINT.

Routes:
  GET  /count      200 text/plain: how many requests this TCP connection has carried so far
                   (so a client can prove its requests share one connection)
  POST /echo       200 application/octet-stream: the request body (by length or chunked)
  GET  /stream/N   200 application/octet-stream, chunked: N bytes (byte i = i % 251), streamed
                   in 16 KiB chunks
  POST /sink       200 text/plain: the length and a checksum (sum of bytes mod 2^32) of the
                   request body, read as a stream ("<len> <sum>")
  GET  /ws         WebSocket: echoes every message with its type until the client closes
  GET  /reset      200 with Content-Length 100000, 1000 bytes of it, then a TCP reset
  POST /stall      never reads the request body, answers only after 60 s (a server that stops
                   reading during an upload)
"""

import argparse
import asyncio
import os
import signal
import socket
import struct
import sys

from aiohttp import WSMsgType, web

HOST = "127.0.0.1"


def _conn_count(request: web.Request) -> int:
    transport = request.transport
    counts = request.app["counts"]
    key = id(transport)
    counts[key] = counts.get(key, 0) + 1
    return counts[key]


async def count(request: web.Request) -> web.Response:
    return web.Response(text=str(_conn_count(request)))


async def echo(request: web.Request) -> web.Response:
    _conn_count(request)
    body = await request.read()
    return web.Response(body=body, content_type="application/octet-stream")


async def stream(request: web.Request) -> web.StreamResponse:
    _conn_count(request)
    n = int(request.match_info["n"])
    resp = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
    resp.enable_chunked_encoding()
    await resp.prepare(request)
    # A whole number of periods, long enough for any 16 KiB slice at any phase.
    pattern = bytes(i % 251 for i in range(251 * 67))
    sent = 0
    while sent < n:
        piece = min(16384, n - sent)
        start = sent % 251
        await resp.write(pattern[start : start + piece])
        sent += piece
    await resp.write_eof()
    return resp


async def sink(request: web.Request) -> web.Response:
    _conn_count(request)
    total = 0
    checksum = 0
    async for chunk in request.content.iter_any():
        total += len(chunk)
        checksum = (checksum + sum(chunk)) & 0xFFFFFFFF
    return web.Response(text=f"{total} {checksum}")


async def reset(request: web.Request) -> web.StreamResponse:
    _conn_count(request)
    resp = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
    resp.content_length = 100000
    await resp.prepare(request)
    await resp.write(bytes(i % 251 for i in range(1000)))
    await asyncio.sleep(0.05)
    transport = request.transport
    sock = transport.get_extra_info("socket")
    # SO_LINGER 0: the close is a reset, not a FIN.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    return resp


async def stall(request: web.Request) -> web.Response:
    _conn_count(request)
    await asyncio.sleep(60)
    return web.Response(text="late")


async def ws(request: web.Request) -> web.WebSocketResponse:
    _conn_count(request)
    sock = web.WebSocketResponse(autoping=True, compress=False, max_msg_size=1 << 24)
    await sock.prepare(request)
    async for msg in sock:
        if msg.type == WSMsgType.TEXT:
            await sock.send_str(msg.data)
        elif msg.type == WSMsgType.BINARY:
            await sock.send_bytes(msg.data)
    return sock


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    args = ap.parse_args()
    app = web.Application(client_max_size=1 << 26)
    app["counts"] = {}
    app.add_routes(
        [
            web.get("/count", count),
            web.post("/echo", echo),
            web.get(r"/stream/{n:\d+}", stream),
            web.post("/sink", sink),
            web.get("/ws", ws),
            web.get("/reset", reset),
            web.post("/stall", stall),
        ]
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, HOST, args.port)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.replace(tmp, args.port_file)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
