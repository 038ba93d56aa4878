#!/usr/bin/env python3
"""WebSocket echo server for httpc-ws tests: a real peer, built on Python `websockets` (asyncio API).

    .venv/bin/python tests/servers/echo_server.py [--port N] [--port-file PATH]

Listens on 127.0.0.1 only. --port 0 (the default) lets the kernel pick a free port; --port-file
gets the bound port (written atomically) once the server is listening. Settings: max_size=2**26,
compression=None (no permessage-deflate), keepalive pings off (ping_interval=None) so that the
only pings a client sees are the ones a test asks for; incoming pings are answered (library
default). Stops cleanly on SIGTERM/SIGINT. Logs to stderr on errors only.

Behaviour by request path:
  /echo (and any path not listed)  echo every message with its type (text stays text,
                                   binary stays binary) until the client closes
  /close-after-first               echo one message, then close with 1000 "bye"
  /close-after-delay               close with 1000 "bye" 0.2 s after open (echo meanwhile)
  /server-ping                     send a ping with payload b"hello" right after open, then echo
  /subprotocol                     supports ["chat", "superchat"]: selects the first of those (in
                                   that order) that the client offers, none if it offers neither;
                                   then echo. Other paths never select a subprotocol.
  /fragmented                      send the text message "frag-ment-ed" as exactly 3 frames
                                   "frag-" "ment-" "ed" (text, continuation, continuation+FIN),
                                   then echo
  /reject                          refuse the upgrade with HTTP 403 (body "Forbidden\\n")
"""

import argparse
import asyncio
import http
import logging
import os
import signal
import sys

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

HOST = "127.0.0.1"
SUBPROTOCOLS = ["chat", "superchat"]
FRAGMENTS = ["frag-", "ment-", "ed"]


def _path(connection: ServerConnection) -> str:
    return connection.request.path.split("?", 1)[0]


def process_request(connection, request):
    if request.path.split("?", 1)[0] == "/reject":
        return connection.respond(http.HTTPStatus.FORBIDDEN, "Forbidden\n")
    return None


def select_subprotocol(connection, offered):
    if _path(connection) != "/subprotocol":
        return None
    for proto in SUBPROTOCOLS:
        if proto in offered:
            return proto
    return None


async def echo(ws: ServerConnection, limit=None) -> None:
    count = 0
    async for message in ws:  # str for text, bytes for binary: send() keeps the type
        await ws.send(message)
        count += 1
        if limit is not None and count >= limit:
            return


async def send_fragmented(ws: ServerConnection, fragments) -> None:
    """Send one text message as exactly len(fragments) frames, FIN on the last one.

    websockets' own fragmentation API (send() given a list or an async iterator) always ends the
    message with an extra empty continuation frame carrying FIN (4 frames for 3 items), so this
    drives the connection's Sans-I/O protocol the way send() does internally.
    """
    last = len(fragments) - 1
    for i, fragment in enumerate(fragments):
        async with ws.send_context():
            if i == 0:
                ws.protocol.send_text(fragment.encode(), fin=(i == last))
            else:
                ws.protocol.send_continuation(fragment.encode(), fin=(i == last))


async def handler(ws: ServerConnection) -> None:
    path = _path(ws)
    try:
        if path == "/close-after-delay":
            try:
                await asyncio.wait_for(echo(ws), timeout=0.2)
            except asyncio.TimeoutError:
                pass
            await ws.close(1000, "bye")
            return
        if path == "/close-after-first":
            await echo(ws, limit=1)
            await ws.close(1000, "bye")
            return
        if path == "/server-ping":
            await ws.ping(b"hello")  # the pong waiter is not awaited: echo straight away
        elif path == "/fragmented":
            await send_fragmented(ws, FRAGMENTS)
        await echo(ws)
    except ConnectionClosed:
        pass


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, default=0, help="port (0 = pick a free one)")
    parser.add_argument("--port-file", help="write the bound port here once listening")
    args = parser.parse_args()

    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))

    async with serve(
        handler,
        HOST,
        args.port,
        max_size=2**26,
        compression=None,
        ping_interval=None,
        subprotocols=SUBPROTOCOLS,
        select_subprotocol=select_subprotocol,
        process_request=process_request,
    ) as server:
        port = server.sockets[0].getsockname()[1]
        if args.port_file:
            tmp = f"{args.port_file}.tmp.{os.getpid()}"
            with open(tmp, "w") as f:
                f.write(f"{port}\n")
            os.replace(tmp, args.port_file)
        await stop
    return 0


if __name__ == "__main__":
    logging.basicConfig(stream=sys.stderr, level=logging.ERROR, format="echo_server: %(levelname)s %(name)s: %(message)s")
    sys.exit(asyncio.run(main()))
