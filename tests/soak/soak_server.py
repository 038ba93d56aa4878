#!/usr/bin/env python3
"""WebSocket echo server with fault injection, for the httpc-ws soak test (tests/soak/).

    .venv/bin/python tests/soak/soak_server.py [--port N] [--port-file PATH] [--stats-file PATH]
        [--fault-every N] [--fault-scope conn|global] [--faults reset,stall,badframe]
        [--stall-ms MS]

Listens on 127.0.0.1 only, on --port (0, the default: a free port chosen by the kernel; the
bound port is written atomically to --port-file once listening). Built on the `websockets`
asyncio API like tests/servers/echo_server.py: compression off, keepalive pings off, messages up
to 64 MiB. Every message is echoed with its type (text stays text, binary stays binary), on any
request path. websockets validates what it receives, so a client that sent invalid UTF-8 in a
text message or a malformed frame would show up in the statistics as a server-side close.

Fault injection (off unless --fault-every N > 0): every N-th message — counted per connection
(--fault-scope conn, the default) or over all connections (global) — triggers, instead of its
echo, the next fault of --faults, in turn (round robin over all faults injected):
  reset     abort the TCP connection with an RST (SO_LINGER 0, then abort): the client sees a
            reset, its WebSocket closes with 1006 and the message is never echoed
  stall     stop reading (the transport is paused) and writing for --stall-ms (default 2000),
            then resume and echo the message; the connection survives
  badframe  write a raw invalid frame on the transport (reserved opcode 3 or 0xB, or RSV1/RSV2/
            RSV3 set without an extension, in turn), then echo nothing more and wait (10 s at
            most) for the client's Close, which must carry 1002 (protocol error)

Statistics (JSON, written to --stats-file at exit, and one line on stderr): connections,
messages and bytes echoed, faults injected by kind, how clients answered bad frames
(badframe_close_1002 must equal badframe), close codes clients sent otherwise, server-side
protocol failures. Stops cleanly on SIGTERM/SIGINT.
"""

import argparse
import asyncio
import collections
import json
import logging
import os
import signal
import socket
import struct
import sys

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

HOST = "127.0.0.1"
FAULT_KINDS = ("reset", "stall", "badframe")
BAD_FRAMES = (
    bytes([0x83, 0x00]),  # FIN, reserved opcode 0x3
    bytes([0x8B, 0x00]),  # FIN, reserved control opcode 0xB
    bytes([0xC2, 0x00]),  # FIN, RSV1, binary, empty
    bytes([0xA1, 0x00]),  # FIN, RSV2, text, empty
    bytes([0x92, 0x00]),  # FIN, RSV3, binary, empty
)
BADFRAME_CLOSE_WAIT_S = 10.0


class Soak:
    def __init__(self, args):
        self.every = args.fault_every
        self.scope = args.fault_scope
        self.faults = args.faults
        self.stall_s = args.stall_ms / 1000.0
        self.global_msgs = 0
        self.fault_index = 0
        self.stats = collections.Counter()
        self.client_close_codes = collections.Counter()  # Close codes sent by clients (no badframe)
        self.server_close_codes = collections.Counter()  # Close codes the server sent first
        self.badframe_close_codes = collections.Counter()

    def pick_fault(self, conn_msgs):
        """The fault for this message, or None."""
        if self.every <= 0 or not self.faults:
            return None
        n = conn_msgs if self.scope == "conn" else self.global_msgs
        if n % self.every != 0:
            return None
        kind = self.faults[self.fault_index % len(self.faults)]
        self.fault_index += 1
        return kind

    def snapshot(self):
        out = dict(self.stats)
        for kind in FAULT_KINDS:
            out.setdefault(kind, 0)
        for key in ("connections", "messages", "bytes", "text", "binary", "badframe_close_1002",
                    "badframe_no_close", "handler_errors", "server_failed"):
            out.setdefault(key, 0)
        out["client_close_codes"] = {str(k): v for k, v in sorted(self.client_close_codes.items(), key=str)}
        out["server_close_codes"] = {str(k): v for k, v in sorted(self.server_close_codes.items(), key=str)}
        out["badframe_close_codes"] = {str(k): v for k, v in sorted(self.badframe_close_codes.items(), key=str)}
        return out

    # ----- faults -----------------------------------------------------------------------------

    @staticmethod
    def reset(ws: ServerConnection):
        sock = ws.transport.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        ws.transport.abort()

    async def stall(self, ws: ServerConnection):
        transport = ws.transport
        transport.pause_reading()
        await asyncio.sleep(self.stall_s)
        # websockets pauses reading itself when its frame queue is full: leave that to it.
        if not ws.recv_messages.paused and not transport.is_closing():
            transport.resume_reading()

    async def badframe(self, ws: ServerConnection):
        frame = BAD_FRAMES[self.stats["badframe"] % len(BAD_FRAMES)]
        ws.transport.write(frame)  # raw, behind websockets' back: nothing else is being written
        self.stats["badframe"] += 1
        try:
            async with asyncio.timeout(BADFRAME_CLOSE_WAIT_S):
                async for _ in ws:  # whatever was in flight: not echoed any more
                    pass
        except ConnectionClosed:
            pass
        except TimeoutError:
            self.stats["badframe_no_close"] += 1
            self.reset(ws)
            return
        rcvd = ws.protocol.close_rcvd
        code = rcvd.code if rcvd is not None else None
        self.badframe_close_codes[code] += 1
        if code == 1002:
            self.stats["badframe_close_1002"] += 1

    # ----- the connection ---------------------------------------------------------------------

    async def handler(self, ws: ServerConnection):
        self.stats["connections"] += 1
        self.stats["active"] += 1
        conn_msgs = 0
        try:
            async for message in ws:
                conn_msgs += 1
                self.global_msgs += 1
                fault = self.pick_fault(conn_msgs)
                if fault == "reset":
                    self.stats["reset"] += 1
                    self.reset(ws)
                    return
                if fault == "badframe":
                    await self.badframe(ws)
                    return
                if fault == "stall":
                    self.stats["stall"] += 1
                    await self.stall(ws)
                await ws.send(message)
                self.stats["messages"] += 1
                self.stats["bytes"] += len(message) if isinstance(message, bytes) else len(message.encode())
                self.stats["text" if isinstance(message, str) else "binary"] += 1
            self._record_close(ws)
        except ConnectionClosed:
            self._record_close(ws)
        except Exception:  # a bug here, not the client's: counted, logged
            self.stats["handler_errors"] += 1
            logging.getLogger("soak_server").exception("handler failed")
        finally:
            self.stats["active"] -= 1

    def _record_close(self, ws: ServerConnection):
        proto = ws.protocol
        if proto.close_rcvd is not None and proto.close_rcvd_then_sent is not False:
            # The client closed first (or both at once).
            self.client_close_codes[proto.close_rcvd.code] += 1
        elif proto.close_sent is not None:
            # The server failed the connection (a protocol violation by the client) or closed.
            self.server_close_codes[proto.close_sent.code] += 1
            if proto.close_sent.code not in (1000, 1001):
                self.stats["server_failed"] += 1
        else:
            self.client_close_codes["none"] += 1


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, default=0, help="port (0 = pick a free one)")
    parser.add_argument("--port-file", help="write the bound port here once listening")
    parser.add_argument("--stats-file", help="write the statistics (JSON) here at exit")
    parser.add_argument("--fault-every", type=int, default=0, metavar="N",
                        help="inject a fault every N messages (0: never)")
    parser.add_argument("--fault-scope", choices=("conn", "global"), default="conn",
                        help="count messages per connection (default) or over all connections")
    parser.add_argument("--faults", default="reset,stall,badframe",
                        help="comma-separated fault kinds, used in turn (default: all three)")
    parser.add_argument("--stall-ms", type=int, default=2000, help="stall length (default 2000)")
    args = parser.parse_args()
    args.faults = [f for f in args.faults.split(",") if f]
    for f in args.faults:
        if f not in FAULT_KINDS:
            parser.error(f"unknown fault '{f}' (known: {', '.join(FAULT_KINDS)})")
    if args.fault_every < 0 or args.stall_ms < 0:
        parser.error("--fault-every and --stall-ms must be >= 0")
    if args.fault_every == 1 and args.fault_scope == "conn" and any(f != "stall" for f in args.faults):
        parser.error("--fault-every 1 per connection would end every connection before any echo")

    soak = Soak(args)
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))

    async with serve(
        soak.handler,
        HOST,
        args.port,
        max_size=2**26,
        compression=None,
        ping_interval=None,
        backlog=1024,
    ) as server:
        port = server.sockets[0].getsockname()[1]
        if args.port_file:
            tmp = f"{args.port_file}.tmp.{os.getpid()}"
            with open(tmp, "w") as f:
                f.write(f"{port}\n")
            os.replace(tmp, args.port_file)
        await stop

    stats = soak.snapshot()
    if args.stats_file:
        tmp = f"{args.stats_file}.tmp.{os.getpid()}"
        with open(tmp, "w") as f:
            json.dump(stats, f, sort_keys=True)
            f.write("\n")
        os.replace(tmp, args.stats_file)
    print("soak_server: " + " ".join(f"{k}={v}" for k, v in sorted(stats.items()) if not isinstance(v, dict))
          + " " + " ".join(f"{k}={json.dumps(v, separators=(',', ':'))}" for k, v in sorted(stats.items())
                           if isinstance(v, dict)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    logging.basicConfig(stream=sys.stderr, level=logging.ERROR,
                        format="soak_server: %(levelname)s %(name)s: %(message)s")
    sys.exit(asyncio.run(main()))
