#!/usr/bin/env python3
"""Runner of the httpc-ws adversarial (hostile-server) liveness cases.

    run.py --client build/tests/adversarial/adv_client [-j N] [--mode poll|task|all]
           [--case PATTERN] [--wrap "valgrind -q --error-exitcode=99"] [--slack F]
           [--cpu-limit PCT] [--list] [--json-dir DIR] [-v]

For each case x mode (poll, task) x variant (non-blocking API, and blocking where the case has
one) it starts server.py with the case, runs adv_client against it (under --wrap if given),
parses the one line of JSON the client prints, and checks four things:

  (a) outcome: the hooks' errors and close codes / statuses and the API results (EXPECT below)
  (b) timing:  elapsed_ms (from the case's trigger mark to the end) inside the case's window;
               the upper margins (and the lower one) are multiplied by --slack
  (c) CPU:     for cases that wait on a peer, cpu_ms < --cpu-limit % (default 5) of the wall
               time of the same window (the process's user+sys, every thread); at least
               --cpu-floor-ms x --slack (default 5 ms) is always allowed for the fixed work at
               the window's end (teardown, hooks), which matters only in short windows
  (d) every message sent completed exactly once (no lost, no duplicated completion)

plus: the client ended on its own (no watchdog) with exit status 0 (so a sanitizer or valgrind
report fails the case). Prints a table, then "N passed, N failed"; exit 1 on any failure.

Python stdlib only.
"""

import argparse
import concurrent.futures
import fnmatch
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_PYTHON = os.path.join(ROOT, ".venv", "bin", "python")

# ------------------------------------------------------------------------------------------------
# Library constants (include/http-c.h)
# ------------------------------------------------------------------------------------------------
DEF_FAIL, DEF_OK = 0, 1
ERR_NONE = 1
ERR_CONN_SIGNAL_TIMEOUT = 92
ERR_CONN_SOCK_CONNECT = 101
ERR_CONN_SOCK_TX = 102
ERR_CONN_SOCK_CLOSED = 106
ERR_RESP_CONTENT_LEN_INVALID = 187
ERR_RESP_HDR_TOO_LARGE = 190
ERR_RESP_WEBSOCK_ACCEPT_INVALID = 193
ERR_WEBSOCK_INVALID_RX_LEN = 205
ERR_WEBSOCK_RX_INVALID_OPCODE = 224
ERR_WEBSOCK_REQ_MEM_ERR = 227
ERR_WEBSOCK_SEND_ERROR = 232
ERR_WEBSOCK_CLOSE_TIMEOUT = 236
ERR_WEBSOCK_PONG_TIMEOUT = 237

ST_NONE, ST_ERR_INTERNAL, ST_SERVER, ST_APP = 0, 1, 2, 4  # HTTPc_CONN_CLOSE_STATUS_*
HTTP_101, HTTP_400 = 1, 23                   # HTTP_STATUS_CODE enum indices

OP_TEXT, OP_BIN, OP_CLOSE = 1, 2, 8

# The client's settings (adv_client.c): keep in step.
CLOSE_TO = 1000
TX_STALL_TO = 1500
TRANS_TO = 2000
CONNECT_TO = 1000
PING_IVL = 300
PONG_TO = 700

# Timing margins (ms) around a deadline; multiplied by --slack.
EARLY_MS = 100
LATE_MS = 350


class _Any:
    """Any value (e.g. the response status of a failed upgrade: whatever was parsed so far)."""

    def __eq__(self, other):
        return True

    def __repr__(self):
        return "*"


ANY = _Any()


class AnyOf:
    """An expected value that may be any of several (used where the spec does not pin it)."""

    def __init__(self, *values):
        self.values = values

    def __eq__(self, other):
        return other in self.values

    def __repr__(self):
        return "|".join(repr(v) for v in self.values)


# ------------------------------------------------------------------------------------------------
# THE EXPECTATIONS: one entry per case. Adjust here.
#
#   server   server.py case (default: the case name)
#   block    also run the --block variant (blocking open / upgrade / sends)
#   expect   outcome of connection 0 (see check_outcome): every key present is checked
#              errs          WebSocket OnErr errors, in order
#              ws_close      WebSocket OnClose codes (one per call; [] = never called)
#              conn_close    connection OnClose (status, err) pairs
#              req_err       request OnErr errors
#              connect       OnConnect statuses (non-blocking opens only)
#              trans         OnTransComplete (status, resp_status index) pairs
#              open          number of OnOpen calls
#              rx            received messages [(type, payload text)], in order
#              api           {(call, n): (ret, err)}: the n-th call of that name (n < 0 counts
#                            from the end) returned ret with err
#   block_expect  overrides of expect for the --block variant
#   slot1    outcome of connection 1 (msgq_size_bound)
#   timing   ("deadline", D): elapsed in [D - EARLY, D + LATE]
#            ("within", W):   elapsed in [0, W + LATE]
#            ("between", A, B): elapsed in [A - EARLY, B + LATE]
#   cpu      check (c); cpu_from: the mark its window starts at (default: the trigger)
#   unsure   fields whose exact expected value the spec does not pin (guesses, to reconcile);
#            shown in --list
# ------------------------------------------------------------------------------------------------
#
# Statuses and hook shapes follow docs/MIGRATION.md, "Observable behaviour matched to the legacy
# source" (commit db8605d): once a WebSocket was open the connection OnClose says NONE with
# ERR_NONE (clean) or the error, SERVER with ERR_NONE when the server dropped TCP first (the
# drop itself is the WebSocket OnErr 106), APP after HTTPc_ConnClose; a failed upgrade reports
# the request OnErr in both modes, non-blocking also OnTransComplete(DEF_FAIL), then the
# connection OnClose (ERR_INTERNAL with the error; SERVER when the server dropped TCP).
# ------------------------------------------------------------------------------------------------
FILL = "client keeps 4 x 16 KiB binary messages queued, re-sending as each completes"
FAILED_UPGRADE_TRANS = [(DEF_FAIL, ANY)]  # non-blocking: OnTransComplete(DEF_FAIL), status as parsed


def failed_upgrade(err, status=ST_ERR_INTERNAL):
    """Expectations of an upgrade that fails with err (both variants)."""
    return dict(expect=dict(errs=[], ws_close=[], open=0, trans=FAILED_UPGRADE_TRANS, req_err=[err],
                            conn_close=[(status, err)]),
                block_expect=dict(trans=[], api={("WebSockUpgrade", 0): (DEF_FAIL, err)}))


EXPECT = {
    "stall_then_ping": dict(
        what="server never reads (small SO_RCVBUF), pings 1 s after the upgrade; " + FILL,
        trigger="stall (send path blocked)", block=True,
        expect=dict(errs=[ERR_CONN_SOCK_TX], ws_close=[1006], conn_close=[(ST_NONE, ERR_CONN_SOCK_TX)],
                    req_err=[], open=1),
        block_expect=dict(api={("WebSockSend", -1): (DEF_FAIL, AnyOf(ERR_CONN_SOCK_TX, ERR_WEBSOCK_SEND_ERROR))}),
        timing=("deadline", TX_STALL_TO), cpu=True,
        unsure=["block: the blocked send's err (102 or 232)"]),
    "stall_then_violation": dict(
        what="server never reads; 0.5 s after the upgrade a frame with reserved opcode 0x3; " + FILL +
             " (tx-stall timeout 5 s here: the close timeout is the deadline in play)",
        trigger="first_err (OnErr 224)",
        expect=dict(errs=[ERR_WEBSOCK_RX_INVALID_OPCODE], ws_close=[1002],
                    conn_close=[(ST_NONE, ERR_WEBSOCK_RX_INVALID_OPCODE)], req_err=[], open=1),
        timing=("deadline", CLOSE_TO), cpu=True),
    "stall_while_closing": dict(
        what="server never reads; client fills, then sends Close(1000) once its send path has been "
             "blocked 200 ms (tx-stall timeout 5 s here)",
        trigger="close_call",
        expect=dict(errs=[ERR_WEBSOCK_CLOSE_TIMEOUT], ws_close=[1006],
                    conn_close=[(ST_NONE, ERR_WEBSOCK_CLOSE_TIMEOUT)], req_err=[], open=1),
        timing=("deadline", CLOSE_TO), cpu=True),
    "stall_pong_timeout": dict(
        what="server never reads; " + FILL + "; ping interval 300 ms, pong timeout 700 ms: the ping "
             "is decided but cannot be written (tx-stall timeout 5 s here)",
        trigger="open",
        expect=dict(errs=[ERR_WEBSOCK_PONG_TIMEOUT], ws_close=[1006],
                    conn_close=[(ST_NONE, ERR_WEBSOCK_PONG_TIMEOUT)], req_err=[], open=1),
        timing=("deadline", PING_IVL + PONG_TO), cpu=True, cpu_from="stall",
        unsure=["ws_close 1006 (no Close could be exchanged)"]),
    "trickle_handshake": dict(
        what="the 101 response at 1 byte / 100 ms",
        trigger="upgrade_call", block=True, **failed_upgrade(ERR_CONN_SIGNAL_TIMEOUT),
        timing=("deadline", TRANS_TO), cpu=True),
    "silent_upgrade": dict(
        what="server reads the request and never answers",
        trigger="upgrade_call", block=True, **failed_upgrade(ERR_CONN_SIGNAL_TIMEOUT),
        timing=("deadline", TRANS_TO), cpu=True),
    "trickle_frame": dict(
        what="after the upgrade a 1000-byte text frame trickled at 1 B / 100 ms; client sends Close "
             "1 s after open; server never answers it",
        trigger="close_call",
        expect=dict(errs=[ERR_WEBSOCK_CLOSE_TIMEOUT], ws_close=[1006],
                    conn_close=[(ST_NONE, ERR_WEBSOCK_CLOSE_TIMEOUT)], req_err=[], open=1, rx=[]),
        timing=("deadline", CLOSE_TO), cpu=True, cpu_from="open"),
    "never_answers_close": dict(
        what="client sends Close right after open; server reads everything, never replies",
        trigger="close_call", block=True,
        expect=dict(errs=[ERR_WEBSOCK_CLOSE_TIMEOUT], ws_close=[1006],
                    conn_close=[(ST_NONE, ERR_WEBSOCK_CLOSE_TIMEOUT)], req_err=[], open=1),
        block_expect=dict(api={("WebSockSend", -1): (DEF_OK, ERR_NONE)}),
        timing=("deadline", CLOSE_TO), cpu=True),
    "close_no_fin": dict(
        what="server answers the client's Close but never closes TCP",
        trigger="close_call",
        expect=dict(errs=[], ws_close=[1000], conn_close=[(ST_NONE, ERR_NONE)], req_err=[], open=1),
        timing=("within", CLOSE_TO), cpu=True),
    "server_close_no_fin": dict(
        what="server sends Close(1000) 200 ms after the upgrade, reads the reply, never closes TCP",
        trigger="open",
        expect=dict(errs=[], ws_close=[1000], conn_close=[(ST_NONE, ERR_NONE)], req_err=[], open=1),
        timing=("between", 200, 200 + CLOSE_TO), cpu=True,
        unsure=["the close timeout also bounds the wait for the server's FIN after its own Close"]),
    "server_close_then_flood": dict(
        what="server sends Close(1000) 200 ms after the upgrade, then binary frames as fast as it "
             "can, never reads, never closes TCP",
        trigger="open",
        expect=dict(errs=[], ws_close=[1000], conn_close=[(ST_NONE, ERR_NONE)], req_err=[], open=1),
        timing=("between", 200, 200 + CLOSE_TO), cpu=False,
        unsure=["data after the server's Close is ignored (no error)"]),
    "reset_mid_frame": dict(
        what="server never reads; 300 ms after the upgrade half a frame, then an RST 50 ms later; " + FILL,
        trigger="open",
        expect=dict(errs=[ERR_CONN_SOCK_CLOSED], ws_close=[1006],
                    conn_close=[(ST_SERVER, ERR_NONE)], req_err=[], open=1),
        timing=("deadline", 350), cpu=False,
        unsure=["a reset maps to 106 (the port reports CLOSED for ECONNRESET), not a fatal RX error"]),
    "half_close": dict(
        what="server shuts down its write side 1 s after the upgrade, keeps reading; client "
             "sends a 32-byte text every 100 ms",
        trigger="open",
        expect=dict(errs=[ERR_CONN_SOCK_CLOSED], ws_close=[1006],
                    conn_close=[(ST_SERVER, ERR_NONE)], req_err=[], open=1),
        timing=("deadline", 1000), cpu=True),
    "ping_flood": dict(
        what="server sends 50 000 pings as fast as the client takes them, reading 4 KiB / 10 ms and "
             "echoing; then Close(1000); client sends a 32-byte text every 100 ms",
        trigger="open",
        expect=dict(errs=[], ws_close=[1000], conn_close=[(ST_NONE, ERR_NONE)], req_err=[], open=1),
        timing=("within", 15000), cpu=False),
    "upgrade_plus_frames": dict(
        what="the 101, two text frames and a Close(1000) in one TCP segment",
        trigger="upgrade_call",
        expect=dict(errs=[], ws_close=[1000], conn_close=[(ST_NONE, ERR_NONE)], req_err=[], open=1,
                    trans=[(DEF_OK, HTTP_101)], rx=[(OP_TEXT, "one"), (OP_TEXT, "two")]),
        timing=("within", 500), cpu=False),
    "huge_content_length": dict(
        what="refused upgrade (400) with Content-Length 4294967295, body at 10 B / 100 ms",
        trigger="upgrade_call", block=True, **failed_upgrade(ERR_CONN_SIGNAL_TIMEOUT),
        timing=("deadline", TRANS_TO), cpu=True),
    "huge_content_length_overflow": dict(
        what="as huge_content_length with Content-Length 4294967296 (wraps to 0 in 32 bits)",
        trigger="upgrade_call", block=True,
        expect=dict(errs=[], ws_close=[], open=0, trans=[(DEF_OK, HTTP_400)], req_err=[],
                    conn_close=[(ST_SERVER, ERR_NONE)]),
        block_expect=dict(trans=[], api={("WebSockUpgrade", 0): (DEF_OK, ERR_NONE)}),
        timing=("within", 500), cpu=False,
        unsure=["whole outcome: the refusal reported at once and the connection closed (body "
                "cannot be delimited); 187 or a 2 s transaction timeout would be defensible too"]),
    "long_header_line": dict(
        what="a 101 whose first header line is 64 KiB",
        trigger="upgrade_call", block=True, **failed_upgrade(ERR_RESP_HDR_TOO_LARGE),
        timing=("within", 500), cpu=False),
    "many_headers": dict(
        what="a 101 with 10 000 small headers before the valid ones",
        trigger="upgrade_call", block=True, **failed_upgrade(ERR_RESP_HDR_TOO_LARGE),
        timing=("within", 500), cpu=False),
    "eof_during_upgrade": dict(
        what="server reads the request and closes (FIN) without a response",
        trigger="upgrade_call", block=True, **failed_upgrade(ERR_CONN_SOCK_CLOSED, ST_SERVER),
        timing=("within", 300), cpu=False),
    "bad_accept": dict(
        what="a 101 whose Sec-WebSocket-Accept is for another key",
        trigger="upgrade_call", block=True, **failed_upgrade(ERR_RESP_WEBSOCK_ACCEPT_INVALID),
        timing=("within", 300), cpu=False),
    "close_during_upgrade": dict(
        what="server never answers the upgrade; client calls HTTPc_ConnClose 300 ms after it "
             "(legacy: OnTransComplete(DEF_FAIL), request OnErr 106, OnClose APP)",
        trigger="close_call",
        expect=dict(errs=[], ws_close=[], open=0, trans=FAILED_UPGRADE_TRANS, req_err=[ERR_CONN_SOCK_CLOSED],
                    conn_close=[(ST_APP, ERR_NONE)]),
        timing=("within", 100), cpu=False),
    "frame_len_overflow": dict(
        what="a binary frame header with a 64-bit length whose top bit is set; server answers the "
             "client's Close, then FIN",
        trigger="open",
        expect=dict(errs=[ERR_WEBSOCK_INVALID_RX_LEN], ws_close=[AnyOf(1002, 1009)],
                    conn_close=[(ST_NONE, ERR_WEBSOCK_INVALID_RX_LEN)], req_err=[], open=1),
        timing=("within", 500), cpu=False,
        unsure=["close code 1002 or 1009"]),
    "pong_timeout": dict(
        what="server reads but never answers pings; ping interval 300 ms, pong timeout 700 ms",
        trigger="open",
        expect=dict(errs=[ERR_WEBSOCK_PONG_TIMEOUT], ws_close=[1006],
                    conn_close=[(ST_NONE, ERR_WEBSOCK_PONG_TIMEOUT)], req_err=[], open=1),
        timing=("deadline", PING_IVL + PONG_TO), cpu=True,
        unsure=["ws_close 1006 (no Close sent, or 1011 if one is)"]),
    "connect_timeout": dict(
        what="server listens with backlog 0, never accepts, accept queue pre-filled: SYNs dropped",
        trigger="connect_call", block=True,
        expect=dict(connect=[DEF_FAIL], conn_close=[], open=0, errs=[], req_err=[]),
        block_expect=dict(connect=[], api={("ConnOpen", 0): (DEF_FAIL, ERR_CONN_SOCK_CONNECT)}),
        timing=("deadline", CONNECT_TO), cpu=True),
    "msgq_size_bound": dict(
        what="MsgQ_Size = 1; two connections upgrade at once, server delays its 101 by 0.5 s",
        trigger="upgrade_call",
        expect=dict(errs=[], ws_close=[1000], conn_close=[(ST_NONE, ERR_NONE)], req_err=[], open=1,
                    api={("WebSockUpgrade", 0): (DEF_FAIL, ERR_NONE)}),
        slot1=dict(open=0, errs=[], req_err=[], conn_close=[(ST_APP, ERR_NONE)],
                   api={("WebSockUpgrade", 0): (DEF_FAIL, ERR_WEBSOCK_REQ_MEM_ERR)}),
        timing=("within", 1500), cpu=False),
}

# ------------------------------------------------------------------------------------------------
# Checks
# ------------------------------------------------------------------------------------------------


def events_of(res, slot, ev):
    return [e for e in res.get("events", []) if e["c"] == slot and e["ev"] == ev]


def api_of(res, slot, call):
    return [a for a in res.get("api", []) if a["c"] == slot and a["call"] == call]


def observed(res, slot):
    """The outcome of one connection, in the shape of the expectations."""
    return dict(
        errs=[e["err"] for e in events_of(res, slot, "ws_err")],
        ws_close=[e["code"] for e in events_of(res, slot, "ws_close")],
        conn_close=[(e["status"], e["err"]) for e in events_of(res, slot, "conn_close")],
        req_err=[e["err"] for e in events_of(res, slot, "req_err")],
        connect=[e["status"] for e in events_of(res, slot, "connect")],
        trans=[(e["status"], e["resp_status"]) for e in events_of(res, slot, "trans_complete")],
        open=len(events_of(res, slot, "open")),
        rx=[(r["type"], r["data"]) for r in res.get("rx", []) if r["c"] == slot],
    )


def check_outcome(res, slot, exp, fails):
    obs = observed(res, slot)
    tag = f"conn{slot} " if slot else ""
    for key, want in exp.items():
        if key == "api":
            for (call, n), (ret, err) in want.items():
                calls = api_of(res, slot, call)
                try:
                    a = calls[n]
                except IndexError:
                    fails.append(f"{tag}api {call}[{n}]: not called")
                    continue
                if a["ret"] < 0:
                    fails.append(f"{tag}api {call}[{n}]: never returned (blocked since {a['t0']:.0f} ms)")
                elif not (match(ret, a["ret"]) and match(err, a["err"])):
                    fails.append(f"{tag}api {call}[{n}]: ret {a['ret']} err {a['err']}, expected ret {ret} err {err!r}")
            continue
        got = obs[key]
        if not match(want, got):
            fails.append(f"{tag}{key}: got {got!r}, expected {want!r}")


def match(want, got):
    """want == got, where want may hold AnyOf values, and lists/tuples compare element-wise."""
    if isinstance(want, _Any):
        return True
    if isinstance(want, AnyOf):
        return any(match(v, got) for v in want.values)
    if isinstance(want, (list, tuple)):
        return (isinstance(got, (list, tuple)) and len(want) == len(got)
                and all(match(w, g) for w, g in zip(want, got)))
    return want == got


# Hooks of one connection must come in this order (equal ranks may interleave): the open, the
# upgrade's outcome, the WebSocket's life, its errors before its OnClose, the connection's last.
ORDER = {"connect": 0, "trans_complete": 1, "req_err": 1, "open": 2, "rx": 3, "pong": 3, "ws_err": 3,
         "ws_close": 4, "conn_close": 5}


def check_order(res, slot, fails):
    last = None
    for e in res.get("events", []):
        if e["c"] != slot or e["ev"] not in ORDER:
            continue
        if last is not None and ORDER[e["ev"]] < ORDER[last]:
            fails.append(f"{'conn1 ' if slot else ''}hook order: {e['ev']} after {last}")
            return
        last = e["ev"]


def check(job, res, args):
    """Returns (fails, info) for one run."""
    spec = EXPECT[job.case]
    fails = []
    if res is None:
        return ["no JSON from the client"], {}
    if res.get("result") != "ended":
        fails.append(f"client result '{res.get('result')}' (watchdog: the case never ended)")
    if job.rc != 0 and res.get("result") == "ended":
        fails.append(f"client exit status {job.rc} (sanitizer / valgrind report?)")

    # (a) outcome
    exp = dict(spec["expect"])
    if job.block:
        exp.update(spec.get("block_expect", {}))
    check_outcome(res, 0, exp, fails)
    if "slot1" in spec:
        check_outcome(res, 1, spec["slot1"], fails)

    for slot in range(2 if "slot1" in spec else 1):
        check_order(res, slot, fails)

    # (b) timing
    elapsed = res.get("elapsed_ms")
    kind = spec["timing"]
    s = args.slack
    if kind[0] == "deadline":
        lo, hi = kind[1] - EARLY_MS * s, kind[1] + LATE_MS * s
    elif kind[0] == "within":
        lo, hi = 0, kind[1] + LATE_MS * s
    else:
        lo, hi = kind[1] - EARLY_MS * s, kind[2] + LATE_MS * s
    lo = max(0, lo)
    if elapsed is None:
        fails.append(f"elapsed: trigger mark '{res.get('trigger')}' or end never happened")
    elif not (lo <= elapsed <= hi):
        fails.append(f"elapsed {elapsed:.0f} ms outside [{lo:.0f}, {hi:.0f}]")

    # (c) CPU while waiting
    cpu_pct = None
    cpu = wall = 0.0
    marks = res.get("marks", {})
    cpu_from = spec.get("cpu_from", res.get("trigger"))
    if cpu_from in marks and "end" in marks:
        wall = marks["end"]["t"] - marks[cpu_from]["t"]
        cpu = marks["end"]["cpu"] - marks[cpu_from]["cpu"]
        if wall > 0:
            cpu_pct = 100.0 * cpu / wall
    if spec.get("cpu"):
        if cpu_pct is None:
            fails.append(f"cpu: window from '{cpu_from}' to 'end' not measured")
        elif cpu >= max(args.cpu_limit / 100.0 * wall, args.cpu_floor_ms * args.slack):
            win = res.get("port_window") or {}
            fails.append(f"cpu {cpu:.1f} ms = {cpu_pct:.1f}% of the {wall:.0f} ms wait >= {args.cpu_limit}% (busy loop?"
                         f" window: {win.get('send_wouldblock', '?')} send would-blocks,"
                         f" {win.get('recv_wouldblock', '?')} recv would-blocks,"
                         f" {win.get('wait_calls', '?')} waits, {win.get('pass_zero', '?')} zero-sleep passes)")

    # (d) each message completed exactly once
    comps = res.get("completions", [])
    bad = [(i, n) for i, n in enumerate(comps) if n != 1]
    if bad:
        lost = sum(1 for _, n in bad if n == 0)
        dup = sum(1 for _, n in bad if n > 1)
        fails.append(f"completions: {lost} lost, {dup} duplicated of {len(comps)} (first: send {bad[0][0]} x{bad[0][1]})")
    if res.get("sends_dropped"):
        fails.append("completions: too many sends to track")
    unknown = [e for e in res.get("events", []) if e["ev"] == "tx_complete" and e.get("send", 0) < 0]
    if unknown:
        fails.append(f"completions: {len(unknown)} OnMsgTxComplete for an unknown message")

    info = dict(elapsed=elapsed, window=(lo, hi), cpu_pct=cpu_pct)
    return fails, info


# ------------------------------------------------------------------------------------------------
# Running
# ------------------------------------------------------------------------------------------------


class Job:
    def __init__(self, case, mode, block):
        self.case, self.mode, self.block = case, mode, block
        self.res = None
        self.rc = None
        self.stderr = ""
        self.fails = []
        self.info = {}
        self.duration = 0.0

    @property
    def name(self):
        return self.case + (" --block" if self.block else "")


def start_server(args, case, tmp):
    port_file = os.path.join(tmp, "port")
    log = open(os.path.join(tmp, "server.log"), "w")
    proc = subprocess.Popen([args.python, os.path.join(HERE, "server.py"), "--case", EXPECT[case].get("server", case),
                             "--port-file", port_file, "--lifetime", "30"],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if os.path.exists(port_file):
            with open(port_file) as f:
                text = f.read().strip()
            if text:
                return proc, int(text)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    stop(proc)
    raise RuntimeError("server did not start: " + open(os.path.join(tmp, "server.log")).read()[-2000:])


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_job(job, args):
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="httpc-ws-adv.") as tmp:
        try:
            server, port = start_server(args, job.case, tmp)
        except RuntimeError as e:
            job.fails = [str(e)]
            return job
        try:
            watchdog_ms = int(20000 * max(1.0, args.slack))
            cmd = shlex.split(args.wrap) if args.wrap else []
            cmd += [args.client, "--mode", job.mode, "--case", job.case, "--url", f"ws://127.0.0.1:{port}/adv",
                    "--watchdog-ms", str(watchdog_ms)]
            if job.block:
                cmd.append("--block")
            try:
                p = subprocess.run(cmd, capture_output=True, text=True, timeout=watchdog_ms / 1000 + 60)
                job.rc, out, job.stderr = p.returncode, p.stdout, p.stderr
            except subprocess.TimeoutExpired as e:
                job.rc, out = -1, (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
                job.stderr = "client killed: ran past its own watchdog"
            for line in reversed(out.splitlines()):
                if line.startswith("{"):
                    try:
                        job.res = json.loads(line)
                    except json.JSONDecodeError as e:
                        job.stderr += f"\nbad JSON: {e}"
                    break
        finally:
            stop(server)
            job.server_log = open(os.path.join(tmp, "server.log")).read()
    job.fails, job.info = check(job, job.res, args)
    if job.res is None:
        job.fails.append(f"client exit status {job.rc}: {job.stderr.strip()[-500:]}")
    job.duration = time.monotonic() - t0
    if args.json_dir:
        os.makedirs(args.json_dir, exist_ok=True)
        fn = f"{job.case}{'_block' if job.block else ''}_{job.mode}.json"
        with open(os.path.join(args.json_dir, fn), "w") as f:
            json.dump(dict(result=job.res, rc=job.rc, stderr=job.stderr, fails=job.fails,
                           server_log=job.server_log), f, indent=1)
    return job


def summary_cells(job):
    res = job.res or {}
    obs = observed(res, 0) if res else {}
    errs = []
    if obs:
        errs = [str(e) for e in obs["req_err"]] + [str(e) for e in obs["errs"]]
        for call in ("ConnOpen", "WebSockUpgrade", "WebSockSend"):
            for a in api_of(res, 0, call)[-1:]:
                if a["ret"] < 0:
                    errs.append(f"{call}:blocked")
                elif a["err"] != ERR_NONE:
                    errs.append(f"{call}:{a['err']}")
        if "slot1" in EXPECT[job.case]:
            for a in api_of(res, 1, "WebSockUpgrade"):
                errs.append(f"c1 Upgrade:{a['err']}")
    close = ""
    if obs:
        ws = ",".join(str(c) for c in obs["ws_close"]) or "-"
        cc = ",".join(f"{s}/{e}" for s, e in obs["conn_close"]) or "-"
        close = f"{ws} {cc}"
        if DEF_FAIL in obs["connect"] and not obs["conn_close"]:
            close = "connect:" + ",".join(str(c) for c in obs["connect"])
    el = job.info.get("elapsed")
    lo, hi = job.info.get("window", (0, 0))
    elapsed = "-" if el is None else f"{el:.0f} [{lo:.0f}-{hi:.0f}]"
    cpu = job.info.get("cpu_pct")
    if cpu is None or (not EXPECT[job.case].get("cpu") and (el or 0) < 50):
        cpu = "-"
    elif EXPECT[job.case].get("cpu"):
        cpu = f"{cpu:.1f}%"
    else:
        cpu = f"({cpu:.0f}%)"  # not checked: floods, or windows too short to mean anything
    if res.get("result") == "timeout":
        elapsed = "TIMEOUT"
    return [job.name, job.mode, "PASS" if not job.fails else "FAIL", elapsed, cpu, " ".join(errs) or "-", close]


def print_table(rows):
    head = ["case", "mode", "result", "elapsed ms [window]", "cpu", "errors", "ws_close conn_close"]
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    fmt = "  ".join(f"{{:{w}}}" for w in widths)
    print(fmt.format(*head))
    print(fmt.format(*("-" * w for w in widths)))
    for r in rows:
        print(fmt.format(*r))


def list_cases(args):
    for name, spec in EXPECT.items():
        modes = "poll,task" + (" (+ --block)" if spec.get("block") else "")
        t = spec["timing"]
        if t[0] == "deadline":
            timing = f"at {t[1]} ms"
        elif t[0] == "within":
            timing = f"within {t[1]} ms"
        else:
            timing = f"between {t[1]} and {t[2]} ms"
        print(f"{name}  [{modes}]")
        print(f"    server : {spec['what']}")
        print(f"    expect : {spec['expect']}")
        if spec.get("block"):
            print(f"    block  : {spec.get('block_expect', {})}")
        if "slot1" in spec:
            print(f"    conn1  : {spec['slot1']}")
        print(f"    timing : {timing} after {spec['trigger']}; cpu check: {'yes' if spec.get('cpu') else 'no'}"
              + (f" (from {spec['cpu_from']})" if spec.get("cpu_from") else ""))
        for u in spec.get("unsure", []):
            print(f"    UNSURE : {u}")


def main():
    ap = argparse.ArgumentParser(description="httpc-ws adversarial liveness cases",
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--client", help="path of the built adv_client")
    ap.add_argument("--python", default=DEFAULT_PYTHON, help="python for server.py (default: the .venv)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="cases run at once (default 2)")
    ap.add_argument("--mode", choices=["poll", "task", "all"], default="all")
    ap.add_argument("--case", action="append", help="only cases matching this glob (or substring); repeatable")
    ap.add_argument("--no-block", action="store_true", help="skip the --block variants")
    ap.add_argument("--only-block", action="store_true", help="only the --block variants")
    ap.add_argument("--wrap", help='prefix command for the client, e.g. "valgrind -q --error-exitcode=99"')
    ap.add_argument("--slack", type=float, default=1.0, help="multiply the timing margins (valgrind: 5-10)")
    ap.add_argument("--cpu-limit", type=float, default=5.0, help="CPU limit, %% of the wait (default 5)")
    ap.add_argument("--cpu-floor-ms", type=float, default=5.0,
                    help="CPU always allowed in a window (its end's teardown work), x --slack (default 5)")
    ap.add_argument("--json-dir", help="keep each run's JSON, stderr and server log here")
    ap.add_argument("--list", action="store_true", help="list the cases and their expectations")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the client's stderr of failed runs")
    args = ap.parse_args()

    if args.list:
        list_cases(args)
        return 0
    if not args.client:
        ap.error("--client is required")
    args.client = os.path.abspath(args.client)
    if not os.access(args.client, os.X_OK):
        ap.error(f"{args.client}: not an executable")
    if not os.access(args.python, os.X_OK):
        print(f"run.py: skipped: no {args.python} (run scripts/setup.sh)", file=sys.stderr)
        return 77

    modes = ["poll", "task"] if args.mode == "all" else [args.mode]
    jobs = []
    for name, spec in EXPECT.items():
        if args.case and not any(fnmatch.fnmatch(name, p) or p in name for p in args.case):
            continue
        variants = []
        if not args.only_block:
            variants.append(False)
        if spec.get("block") and not args.no_block:
            variants.append(True)
        for mode in modes:
            for block in variants:
                jobs.append(Job(name, mode, block))
    if not jobs:
        print("run.py: no case matches", file=sys.stderr)
        return 2

    lock = threading.Lock()
    done = [0]
    t0 = time.monotonic()

    def one(job):
        run_job(job, args)
        with lock:
            done[0] += 1
            print(f"[{done[0]}/{len(jobs)}] {job.name} ({job.mode}): {'PASS' if not job.fails else 'FAIL'}"
                  f" in {job.duration:.1f} s", file=sys.stderr, flush=True)
        return job

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        list(ex.map(one, jobs))

    print()
    print_table([summary_cells(j) for j in jobs])
    failed = [j for j in jobs if j.fails]
    if failed:
        print("\nFailures:")
        for j in failed:
            print(f"  {j.name} ({j.mode}):")
            for f in j.fails:
                print(f"    - {f}")
            if args.verbose and j.stderr.strip():
                print("    client stderr: " + j.stderr.strip()[-1500:].replace("\n", "\n      "))
    print(f"\n({time.monotonic() - t0:.0f} s; slack {args.slack}, cpu limit {args.cpu_limit}%"
          + (f", wrap: {args.wrap}" if args.wrap else "") + ")")
    print(f"{len(jobs) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
