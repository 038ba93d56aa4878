#!/usr/bin/env python3
"""Reference Autobahn|Testsuite client driver, built on Python `websocket-client` (pinned in
tests/requirements.txt). It validates tests/conformance/run.sh, and gives a known score to compare
ours with (conformance.md: websocket-client 1.9.2 = 294 OK, 4 NON-STRICT, 3 INFORMATIONAL).

    .venv/bin/python tests/conformance/reference_driver.py [ignored...] ws://127.0.0.1:PORT AGENT

Same command-line contract as the C driver: the last two arguments are the fuzzing server's URL and
the agent name. Protocol: /getCaseCount, then /runCase?case=N&agent=AGENT for N in 1..count
(echo every text/binary message with its type until the connection closes; a case that fails the
connection just moves on to the next), then /updateReports?agent=AGENT.
Exit status: 0 when the case count was read and the reports were updated, whatever the cases did.
"""

import sys
import time
import urllib.parse

import websocket
from websocket import ABNF

CASE_TIMEOUT = 120.0  # seconds without traffic before a case is given up


def get_case_count(url: str) -> int:
    ws = websocket.create_connection(f"{url}/getCaseCount", timeout=CASE_TIMEOUT)
    try:
        return int(ws.recv())
    finally:
        ws.close()


def run_case(url: str, case: int, agent: str) -> str:
    """Echo until the connection closes. Returns how the case ended (for the log)."""
    ws = None
    status = websocket.STATUS_NORMAL
    outcome = "closed"
    try:
        ws = websocket.create_connection(
            f"{url}/runCase?case={case}&agent={urllib.parse.quote(agent)}", timeout=CASE_TIMEOUT
        )
        while True:
            # recv_data reassembles fragments, answers pings and answers a close frame (then
            # returns it). Its own UTF-8 check (without wsaccel) accepts a message that ends inside
            # a code point, so text is decoded here as well, as websocket-client's own compliance
            # script does; the decoded str goes back as a text message.
            opcode, data = ws.recv_data()
            if opcode == ABNF.OPCODE_TEXT:
                ws.send(data.decode("utf-8"), ABNF.OPCODE_TEXT)
            elif opcode == ABNF.OPCODE_BINARY:
                ws.send(data, ABNF.OPCODE_BINARY)
            elif opcode == ABNF.OPCODE_CLOSE:
                break
    except (websocket.WebSocketPayloadException, UnicodeDecodeError) as e:  # invalid UTF-8
        status, outcome = websocket.STATUS_INVALID_PAYLOAD, f"failed 1007: {e}"
    except websocket.WebSocketProtocolException as e:
        status, outcome = websocket.STATUS_PROTOCOL_ERROR, f"failed 1002: {e}"
    except websocket.WebSocketConnectionClosedException:
        outcome = "connection closed"
    except Exception as e:  # keep going whatever happened
        outcome = f"error: {type(e).__name__}: {e}"
    finally:
        if ws is not None:
            try:
                ws.close(status, timeout=3)
            except Exception:
                pass
    return outcome


def update_reports(url: str, agent: str) -> None:
    ws = websocket.create_connection(
        f"{url}/updateReports?agent={urllib.parse.quote(agent)}", timeout=CASE_TIMEOUT
    )
    try:
        while True:
            opcode, _ = ws.recv_data()
            if opcode == ABNF.OPCODE_CLOSE:
                break
    except websocket.WebSocketConnectionClosedException:
        pass
    finally:
        ws.close()


def main(argv) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    url, agent = argv[-2].rstrip("/"), argv[-1]
    start = time.monotonic()
    count = get_case_count(url)
    print(f"reference_driver: websocket-client {websocket.__version__}, agent {agent}, {count} cases", flush=True)
    for case in range(1, count + 1):
        outcome = run_case(url, case, agent)
        if outcome.startswith("error"):
            print(f"  case {case}: {outcome}", flush=True)
        if case % 50 == 0 or case == count:
            print(f"  {case}/{count} cases, {time.monotonic() - start:.0f} s", flush=True)
    update_reports(url, agent)
    print(f"reference_driver: reports updated for {agent}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
