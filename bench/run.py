#!/usr/bin/env python3
"""Runs the httpc-ws loopback echo benchmark matrix and prints a markdown report.

Called by scripts/bench.sh once everything is built (see bench/README.md); standard library only.

For each row (message size, depth, text/binary) and each client:
  * timed runs: N rounds, the clients interleaved within a round; msgs/s of a run is the
    count of timed echoes over the time from the warmup-th echo to the last (the client
    measures it and prints a RESULT line); the table shows the median;
  * one counting run (apart, never timed): perf stat on the client process (all its threads),
    started with the counters disabled; the client enables them through perf's control FIFO
    when its clock starts and disables them when it stops, so exactly the timed messages are
    counted (connect, handshake, warmup, close and process start are not). Where perf or its
    syscall tracepoints are missing: strace -c -f at count/2 and at count messages, per-message
    figures the difference over the difference, context switches from getrusage.
Server and client are pinned to the same CPU with taskset.
"""

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

KIB = 1024
MIB = 1024 * 1024

# (size, depth, count in full mode)
ROWS = [
    (64, 1, 20000),
    (1 * KIB, 1, 20000),
    (64 * KIB, 1, 3000),
    (1 * MIB, 1, 300),
    (64, 32, 100000),
]
SMOKE_DIV = 40

COUNTER_DESC = {
    "perf": "perf stat, counters enabled over the timed messages only (one run)",
    "strace": "strace -c -f, difference of runs at count/2 and count (context switches: getrusage)",
}

CLIENTS = ["raw", "tungstenite", "wslay", "httpc-poll", "httpc-task", "httpc-blocking"]
HTTPC = ["httpc-poll", "httpc-task", "httpc-blocking"]

PERF_EVENTS = {
    "cs": "context-switches",
    "sys": "raw_syscalls:sys_enter",
    "sendto": "syscalls:sys_enter_sendto",
    "sendmsg": "syscalls:sys_enter_sendmsg",
    "writev": "syscalls:sys_enter_writev",
    "write": "syscalls:sys_enter_write",
    "recvfrom": "syscalls:sys_enter_recvfrom",
    "read": "syscalls:sys_enter_read",
    "poll": "syscalls:sys_enter_poll",
    "ppoll": "syscalls:sys_enter_ppoll",
    "futex": "syscalls:sys_enter_futex",
    "epoll_wait": "syscalls:sys_enter_epoll_wait",
}


def size_name(n):
    if n >= MIB:
        return f"{n // MIB} MiB"
    if n >= KIB:
        return f"{n // KIB} KiB"
    return f"{n} B"


def row_name(size, depth, typ):
    return f"{size_name(size)} d{depth} {typ}"


class Bench:
    def __init__(self, a):
        self.a = a
        self.cpu = a.cpu
        self.server = None
        self.port = None
        self.counter = None

    # ---------------------------------------------------------------------------------------
    def start_server(self):
        cmd = ["taskset", "-c", str(self.cpu), self.a.wsbench, "server"]
        self.server = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        line = self.server.stdout.readline()
        m = re.match(r"LISTEN (\d+)", line)
        if not m:
            self.stop_server()
            sys.exit(f"bench: the echo server did not start ({line!r})")
        self.port = int(m.group(1))

    def stop_server(self):
        if self.server is not None:
            self.server.terminate()
            try:
                self.server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.server.kill()
            self.server = None

    def client_cmd(self, client, size, depth, typ, count, warmup):
        url = f"ws://127.0.0.1:{self.port}/"
        common = ["--size", str(size), "--depth", str(depth), "--count", str(count),
                  "--warmup", str(warmup), "--type", typ]
        if client in ("raw", "tungstenite"):
            return [self.a.wsbench, client, url] + common
        if client == "wslay":
            return [self.a.wslay, url] + common
        model = client.split("-", 1)[1]
        return [self.a.httpc, "--model", model, url] + common

    # ---------------------------------------------------------------------------------------
    def timed_run(self, cmd):
        p = subprocess.run(["taskset", "-c", str(self.cpu)] + cmd, capture_output=True,
                           text=True, timeout=self.a.timeout)
        m = re.search(r"RESULT msgs=(\d+) secs=([0-9.]+)", p.stdout)
        if p.returncode != 0 or not m:
            raise RuntimeError(f"{' '.join(cmd)}: exit {p.returncode}: {p.stderr.strip()[-400:]}")
        msgs, secs = int(m.group(1)), float(m.group(2))
        return msgs / secs if secs > 0 else float("nan")

    def detect_counter(self):
        """perf stat with syscall tracepoints if it works here, else strace -c -f."""
        if shutil.which("perf"):
            with tempfile.NamedTemporaryFile("r", suffix=".perf") as f:
                ev = ",".join(PERF_EVENTS.values())
                d = tempfile.mkdtemp()
                ctl, ack = os.path.join(d, "ctl"), os.path.join(d, "ack")
                os.mkfifo(ctl)
                os.mkfifo(ack)
                p = subprocess.run(["perf", "stat", "-x,", "-o", f.name, "-D", "-1", "--control",
                                    f"fifo:{ctl},{ack}", "-e", ev, "--", "true"],
                                   capture_output=True, text=True)
                shutil.rmtree(d, ignore_errors=True)
                if p.returncode == 0 and "raw_syscalls:sys_enter" in f.read():
                    self.counter = "perf"
                    return
        if shutil.which("strace"):
            self.counter = "strace"
            return
        sys.exit("bench: neither perf (with syscall tracepoints) nor strace works here")

    def count_run(self, cmd):
        """Counts for one client run: syscalls by name and context switches."""
        with tempfile.NamedTemporaryFile("r", suffix=".cnt") as f:
            if self.counter == "perf":
                d = tempfile.mkdtemp()
                ctl, ack = os.path.join(d, "ctl"), os.path.join(d, "ack")
                os.mkfifo(ctl)
                os.mkfifo(ack)
                full = ["taskset", "-c", str(self.cpu), "perf", "stat", "-x,", "-o", f.name,
                        "-D", "-1", "--control", f"fifo:{ctl},{ack}",
                        "-e", ",".join(PERF_EVENTS.values()), "--"] + cmd
                env = dict(os.environ, BENCH_PERF_CTL=ctl, BENCH_PERF_ACK=ack)
                try:
                    p = subprocess.run(full, capture_output=True, text=True, env=env,
                                       timeout=self.a.timeout * 3)
                finally:
                    shutil.rmtree(d, ignore_errors=True)
                if p.returncode != 0 or "RESULT" not in p.stdout:
                    raise RuntimeError(f"perf stat {' '.join(cmd)}: exit {p.returncode}: {p.stderr[-400:]}")
                by_event = {}
                for line in f.read().splitlines():
                    parts = line.split(",")
                    if len(parts) > 2 and parts[0].strip().isdigit():
                        by_event[parts[2]] = int(parts[0])
                return {k: by_event.get(ev, 0) for k, ev in PERF_EVENTS.items()}
            # strace: syscall counts of every thread; context switches from getrusage.
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            full = ["taskset", "-c", str(self.cpu), "strace", "-f", "-c", "-o", f.name] + cmd
            p = subprocess.run(full, capture_output=True, text=True, timeout=self.a.timeout * 10)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if p.returncode != 0 or "RESULT" not in p.stdout:
                raise RuntimeError(f"strace {' '.join(cmd)}: exit {p.returncode}: {p.stderr[-400:]}")
            calls = {}
            for line in f.read().splitlines():
                parts = line.split()
                if len(parts) >= 5 and parts[-1] not in ("total", "syscall") and parts[3].isdigit():
                    calls[parts[-1]] = int(parts[3])
            out = {k: calls.get(k, 0) for k in PERF_EVENTS if k not in ("cs", "sys")}
            out["sys"] = sum(calls.values())
            out["cs"] = (after.ru_nvcsw + after.ru_nivcsw) - (before.ru_nvcsw + before.ru_nivcsw)
            return out

    # ---------------------------------------------------------------------------------------
    def run(self):
        a = self.a
        self.detect_counter()
        rows = []
        for size, depth, count in ROWS:
            for typ in ("text", "binary"):
                name = row_name(size, depth, typ)
                if a.rows and not any(re.search(r, name) for r in a.rows):
                    continue
                if a.smoke:
                    count = max(count // SMOKE_DIV, 4)
                rows.append((size, depth, typ, count))
        if not rows:
            sys.exit("bench: no row matches --rows")
        clients = [c for c in CLIENTS if not a.clients or c in a.clients]
        results = {}
        self.start_server()
        t0 = time.time()
        try:
            for size, depth, typ, count in rows:
                name = row_name(size, depth, typ)
                warmup = max(count // 10, 1)
                rates = {c: [] for c in clients}
                for r in range(a.runs):
                    for c in clients:
                        rates[c].append(self.timed_run(self.client_cmd(c, size, depth, typ, count, warmup)))
                counts = {}
                if not a.no_count:
                    for c in clients:
                        hi = self.count_run(self.client_cmd(c, size, depth, typ, count, warmup))
                        if self.counter == "perf":       # Exactly the timed messages.
                            counts[c] = {k: v / count for k, v in hi.items()}
                            continue
                        half = max(count // 2, 1)
                        lo = self.count_run(self.client_cmd(c, size, depth, typ, half, warmup))
                        counts[c] = {k: (hi[k] - lo[k]) / (count - half) for k in hi}
                results[name] = {
                    "size": size, "depth": depth, "type": typ, "count": count, "warmup": warmup,
                    "rates": rates, "per_msg": counts,
                }
                med = "  ".join(f"{c}={statistics.median(v):,.0f}" for c, v in rates.items())
                print(f"[bench] {name}: {med}", file=sys.stderr, flush=True)
        finally:
            self.stop_server()
        return results, time.time() - t0


# -------------------------------------------------------------------------------------------
# Report

def fmt_rate(v):
    if v >= 100000:
        return f"{v / 1000:,.0f}k"
    if v >= 10000:
        return f"{v / 1000:,.1f}k"
    return f"{v:,.0f}"


def spread(v):
    m = statistics.median(v)
    return (max(v) - min(v)) / m * 100 if m and len(v) > 1 else 0.0


def report(results, a, meta, elapsed):
    clients = [c for c in CLIENTS if not a.clients or c in a.clients]
    httpc = [c for c in HTTPC if c in clients]
    L = []
    L.append(f"# httpc-ws loopback echo benchmark, {meta['date']}")
    L.append("")
    L.append(f"- mode: {'smoke (one short run per cell: proves the harness works, numbers mean little)' if a.smoke else f'{a.runs} runs per cell, median'}"
             f"; counting: {COUNTER_DESC.get(meta['counter'], meta['counter'])}{' (skipped)' if a.no_count else ''}; {elapsed:.0f} s")
    L.append(f"- CPU: {meta['cpu_model']}; server and client pinned to CPU {a.cpu} (taskset); {meta['kernel']}")
    L.append(f"- httpc-ws {meta['git']} (release profile of Cargo.toml, POSIX port {meta['port']}), "
             f"connection buffer 65535 B; tungstenite / tokio-tungstenite {meta['tungstenite']}; wslay {meta['wslay']}; {meta['rustc']}; {meta['cc']}")
    L.append("- msgs/s: echoes per second in steady state (after a 10 % warmup); % of raw: of the raw reference client on the same row")
    L.append("")

    L.append("## Throughput: msgs/s (% of raw)")
    L.append("")
    hdr = ["row"] + clients
    has_cmp = httpc and ("tungstenite" in clients or "wslay" in clients)
    if has_cmp:
        hdr += ["best httpc-ws", "vs tungstenite", "vs wslay"]
    L.append("| " + " | ".join(hdr) + " |")
    L.append("|" + "---|" * len(hdr))
    worst_spread = (0.0, "")
    for name, r in results.items():
        med = {c: statistics.median(r["rates"][c]) for c in clients}
        raw = med.get("raw")
        cells = [name]
        for c in clients:
            pct = f" ({med[c] / raw * 100:.0f}%)" if raw and c != "raw" else ""
            cells.append(fmt_rate(med[c]) + pct)
            s = spread(r["rates"][c])
            if s > worst_spread[0]:
                worst_spread = (s, f"{c}, {name}")
        if has_cmp:
            best = max(httpc, key=lambda c: med[c])
            cells.append(best.replace("httpc-", ""))
            cells.append(f"{med[best] / med['tungstenite']:.2f}x" if "tungstenite" in med else "-")
            cells.append(f"{med[best] / med['wslay']:.2f}x" if "wslay" in med else "-")
        L.append("| " + " | ".join(cells) + " |")
    L.append("")
    if a.runs > 1:
        L.append(f"Largest run-to-run spread (max - min over the median): {worst_spread[0]:.0f} % ({worst_spread[1]}).")
        L.append("")

    if not a.no_count:
        def table(title, key_fn, fmt="{:.2f}", note=None):
            L.append(f"## {title}")
            L.append("")
            if note:
                L.append(note)
                L.append("")
            L.append("| row | " + " | ".join(clients) + " |")
            L.append("|---|" + "---|" * len(clients))
            for name, r in results.items():
                L.append("| " + name + " | " + " | ".join(fmt.format(key_fn(r["per_msg"][c], r)) for c in clients) + " |")
            L.append("")

        table("System calls per message (client process, all threads)", lambda p, r: p["sys"])
        table("Context switches per message (client process, all threads)", lambda p, r: p["cs"])
        table("Sends per message (send/sendto/sendmsg/writev on the socket)",
              lambda p, r: p["sendto"] + p["sendmsg"] + p["writev"])
        table("Breakdown per message: send / recv / wait (poll, futex) / pipe write",
              lambda p, r: f"{p['sendto'] + p['sendmsg'] + p['writev']:.2f} / {p['recvfrom'] + p['read']:.2f} / "
                           f"{p['poll'] + p['ppoll'] + p['epoll_wait'] + p['futex']:.2f} / {p['write']:.2f}",
              fmt="{}", note="recv counts recvfrom and read (the wake pipe's drain is a read); write is the wake pipe (no client writes a socket with write()).")
        big = [(n, r) for n, r in results.items() if r["size"] >= 64 * KIB]
        if big:
            L.append("## Sends per MiB of payload")
            L.append("")
            L.append("| row | " + " | ".join(clients) + " |")
            L.append("|---|" + "---|" * len(clients))
            for name, r in big:
                L.append("| " + name + " | " + " | ".join(
                    f"{(r['per_msg'][c]['sendto'] + r['per_msg'][c]['sendmsg'] + r['per_msg'][c]['writev']) * MIB / r['size']:.1f}"
                    for c in clients) + " |")
            L.append("")

    L.append("## Goals of issue #15")
    L.append("")
    L.extend(goals(results, clients, httpc, a))
    L.append("")
    return "\n".join(L)


def goals(results, clients, httpc, a):
    out = []
    if not httpc or not results:
        return ["(no httpc-ws client or no row in this run)"]

    def med(r, c):
        return statistics.median(r["rates"][c])

    def mark(ok):
        return "met" if ok else "NOT met"

    if "tungstenite" in clients:
        worst = min(((max(med(r, c) for c in httpc) / med(r, "tungstenite"), n) for n, r in results.items()))
        out.append(f"- best httpc-ws model >= 1.0x tungstenite on every row: lowest {worst[0]:.2f}x ({worst[1]}): {mark(worst[0] >= 1.0)}")
    if "wslay" in clients:
        big = [(max(med(r, c) for c in httpc) / med(r, "wslay"), n) for n, r in results.items() if r["size"] >= 64 * KIB]
        if big:
            w = min(big)
            out.append(f"- best httpc-ws model >= 1.3x wslay at 64 KiB and 1 MiB: lowest {w[0]:.2f}x ({w[1]}): {mark(w[0] >= 1.3)}")
    d1 = [(n, r) for n, r in results.items() if r["size"] == 64 and r["depth"] == 1]
    d32 = [(n, r) for n, r in results.items() if r["size"] == 64 and r["depth"] == 32]
    if "httpc-blocking" in clients and "httpc-poll" in clients:
        for n, r in d1:
            ratio = med(r, "httpc-blocking") / med(r, "httpc-poll")
            cs = r["per_msg"].get("httpc-blocking", {}).get("cs")
            cs_s = f", {cs:.2f} context switches/msg" if cs is not None else ""
            ok = ratio >= 0.9 and (cs is None or cs <= 1.0)
            out.append(f"- blocking >= 90 % of poll with <= 1 context switch/msg, {n}: {ratio * 100:.0f} %{cs_s}: {mark(ok)}")
    if not a.no_count:
        for rows, lim in ((d1, 2.2), (d32, 1.2)):
            for n, r in rows:
                vals = ", ".join(f"{c.replace('httpc-', '')} {r['per_msg'][c]['sys']:.2f}" for c in httpc)
                best = min(r["per_msg"][c]["sys"] for c in httpc)
                out.append(f"- syscalls/msg <= {lim}, {n}: {vals}: {mark(best <= lim)} (best model)")
        for n, r in results.items():
            if r["size"] >= MIB:
                vals = {c: (r["per_msg"][c]["sendto"] + r["per_msg"][c]["sendmsg"] + r["per_msg"][c]["writev"]) * MIB / r["size"] for c in httpc}
                s = ", ".join(f"{c.replace('httpc-', '')} {v:.1f}" for c, v in vals.items())
                out.append(f"- sends per MiB <= 16, {n}: {s}: {mark(min(vals.values()) <= 16)} (best model)")
    return out


def meta_info(a):
    def sh(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, shell=True).stdout.strip()
        except OSError:
            return "?"
    cpu_model = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ncpu = os.cpu_count()
    return {
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "cpu_model": f"{cpu_model} ({ncpu} CPUs, {platform.machine()})",
        "kernel": f"Linux {platform.release()}",
        "git": sh("git rev-parse --short HEAD") + (" (modified)" if sh("git status --porcelain -- src ports") else ""),
        "port": a.port_label,
        "tungstenite": sh("grep -A1 'name = \"tungstenite\"' bench/Cargo.lock | sed -n 's/version = \"\\(.*\\)\"/\\1/p'"),
        "wslay": sh("dpkg-query -W -f='${Version}' libwslay-dev") or "?",
        "rustc": sh("rustc --version"),
        "cc": sh("${CC:-cc} --version | head -1"),
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--wsbench", required=True)
    p.add_argument("--httpc", required=True)
    p.add_argument("--wslay", required=True)
    p.add_argument("--smoke", action="store_true")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--cpu", type=int, default=(os.cpu_count() or 1) - 1)
    p.add_argument("--clients", type=lambda s: s.split(","), default=None)
    p.add_argument("--rows", type=lambda s: s.split(","), default=None, help="regexes on row names, e.g. '^64 B'")
    p.add_argument("--no-count", action="store_true", help="skip the perf/strace counting runs")
    p.add_argument("--timeout", type=int, default=120)
    p.add_argument("--port-label", default="ports/posix")
    p.add_argument("--out", required=True, help="markdown report; the raw numbers go to the same name .json")
    a = p.parse_args()
    if a.smoke:
        a.runs = 1
    for c in a.clients or []:
        if c not in CLIENTS:
            sys.exit(f"bench: unknown client {c} (one of {', '.join(CLIENTS)})")

    b = Bench(a)
    results, elapsed = b.run()
    meta = meta_info(a)
    meta["counter"] = b.counter
    text = report(results, a, meta, elapsed)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        f.write(text)
    with open(os.path.splitext(a.out)[0] + ".json", "w") as f:
        json.dump({"meta": meta, "args": vars(a), "results": results}, f, indent=1)
    print(text)


if __name__ == "__main__":
    main()
