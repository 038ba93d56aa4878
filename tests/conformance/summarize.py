#!/usr/bin/env python3
"""Summarize an Autobahn|Testsuite client report (index.json) and apply the gate.

    summarize.py INDEX_JSON --run NAME AGENT DRIVER_RC [--run ...] [--deflate]
                 [--expect-count N] [--out SUMMARY_TXT]

index.json is shaped {agent: {case_id: {behavior, behaviorClose, duration, remoteCloseCode,
reportfile}}}. For every run (one driver mode, one agent name) this prints a table per category
(the first number of the case id) with the counts of each `behavior` and `behaviorClose` result,
lists every case whose behavior or behaviorClose is not OK/INFORMATIONAL, and writes the same text
to --out.

Gate (exit 1 unless it holds for every run):
  default     every case OK or INFORMATIONAL in both behavior and behaviorClose, case count ==
              --expect-count (301: all cases but 12.* and 13.*), and the driver exited 0.
  --deflate   (12.* and 13.* only, permessage-deflate, which httpc-ws does not offer) every case
              UNIMPLEMENTED in behavior (behaviorClose OK, INFORMATIONAL or UNIMPLEMENTED), case
              count == --expect-count (216), driver exited 0.
"""

import argparse
import json
import sys
from collections import Counter, OrderedDict

COLUMNS = ["OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"]
SHORT = {"OK": "OK", "NON-STRICT": "NS", "INFORMATIONAL": "INFO", "UNIMPLEMENTED": "UNIMPL",
         "FAILED": "FAILED", "OTHER": "OTHER"}
PASS = {"OK", "INFORMATIONAL"}


def case_key(case_id: str):
    return tuple(int(p) if p.isdigit() else p for p in case_id.split("."))


def table(cases: dict) -> list:
    """Rows: category -> (Counter behavior, Counter behaviorClose)."""
    cats = OrderedDict()
    for cid in sorted(cases, key=case_key):
        cat = cid.split(".")[0]
        b, bc = cats.setdefault(cat, (Counter(), Counter()))
        b[cases[cid].get("behavior", "?")] += 1
        bc[cases[cid].get("behaviorClose", "?")] += 1
    return cats


def fmt_counts(counter: Counter, columns) -> list:
    cells = [counter.get(c, 0) for c in columns if c != "OTHER"]
    if "OTHER" in columns:
        cells.append(sum(v for k, v in counter.items() if k not in COLUMNS))
    return cells


def render(name: str, agent: str, cases: dict) -> list:
    cats = table(cases)
    all_values = set()
    for b, bc in cats.values():
        all_values.update(b)
        all_values.update(bc)
    columns = COLUMNS + (["OTHER"] if all_values - set(COLUMNS) else [])
    heads = [SHORT[c] for c in columns]
    w = max(6, *(len(h) for h in heads))
    cell = lambda v: f"{v:>{w}}"
    lines = [f"mode {name} (agent {agent}): {len(cases)} cases"]
    lines.append(
        f"{'cat':>5} {'cases':>5} | behavior: " + " ".join(cell(h) for h in heads)
        + " | behaviorClose: " + " ".join(cell(h) for h in heads)
    )
    tot_b, tot_bc = Counter(), Counter()
    for cat, (b, bc) in cats.items():
        tot_b.update(b)
        tot_bc.update(bc)
        lines.append(
            f"{cat:>5} {sum(b.values()):>5} |           " + " ".join(cell(v) for v in fmt_counts(b, columns))
            + " |                " + " ".join(cell(v) for v in fmt_counts(bc, columns))
        )
    lines.append(
        f"{'total':>5} {sum(tot_b.values()):>5} |           " + " ".join(cell(v) for v in fmt_counts(tot_b, columns))
        + " |                " + " ".join(cell(v) for v in fmt_counts(tot_bc, columns))
    )
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("index")
    ap.add_argument("--run", nargs=3, action="append", metavar=("NAME", "AGENT", "DRIVER_RC"), required=True)
    ap.add_argument("--deflate", action="store_true")
    ap.add_argument("--expect-count", type=int)
    ap.add_argument("--out")
    args = ap.parse_args()
    expect = args.expect_count if args.expect_count is not None else (216 if args.deflate else 301)

    try:
        with open(args.index) as f:
            index = json.load(f)
    except (OSError, ValueError) as e:
        index = {}
        print(f"summarize: cannot read {args.index}: {e}", file=sys.stderr)

    out, verdicts = [], []
    for name, agent, rc in args.run:
        problems = []
        cases = index.get(agent, {})
        if not cases:
            problems.append(f"no results for agent {agent} in {args.index}")
        else:
            out.extend(render(name, agent, cases))
        if len(cases) != expect:
            problems.append(f"{len(cases)} cases, expected {expect}")
        if rc != "0":
            problems.append(f"driver exited with status {rc}")
        bad = []
        for cid in sorted(cases, key=case_key):
            r = cases[cid]
            b, bc = r.get("behavior", "?"), r.get("behaviorClose", "?")
            if args.deflate:
                ok = b == "UNIMPLEMENTED" and bc in PASS | {"UNIMPLEMENTED"}
            else:
                ok = b in PASS and bc in PASS
            if not ok:
                bad.append(f"  {cid:<10} behavior={b:<14} behaviorClose={bc:<14} "
                           f"remoteCloseCode={r.get('remoteCloseCode')} {r.get('reportfile', '')}")
        if bad:
            want = "UNIMPLEMENTED" if args.deflate else "OK/INFORMATIONAL"
            problems.append(f"{len(bad)} cases not {want}")
            out.append(f"cases of mode {name} not {want} ({len(bad)}):")
            out.extend(bad)
        verdict = "PASS" if not problems else "FAIL: " + "; ".join(problems)
        verdicts.append(f"gate{' (deflate)' if args.deflate else ''} mode {name}: {verdict}")
        out.append("")
    out.extend(verdicts)
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    return 0 if all(v.endswith(": PASS") for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
