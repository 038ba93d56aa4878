#!/usr/bin/env python3
"""Flash and RAM of a firmware image by part, read from its GNU ld map file.

    fw_sizes.py --map httpc_ws_firmware_tls.map [--metrics FILE]

Every input section the linker placed in .text, .rodata, .ARM.exidx, .data or .bss is charged
to a part by the file it came from (archive or object) and, for the TLS image's own storage, by
its section name:

  httpc-ws library     libhttpc_ws.a (the Rust engine; its compiler_builtins objects, libgcc's
                       equivalents that other parts may pull in, count as C library)
  TLS layer            ports/mbedtls (libhttpc_ws_port_mbedtls.a) + the layer's state and
                       session slot (HTTPc_PORT_TLS, HTTPc_PORT_TLS_SESS: application storage)
  lwIP port            ports/lwip (libhttpc_ws_port_lwip.a or httpc_port_lwip.c.obj)
  mbedTLS              libhttpc_ws_mbedtls.a (mbedTLS 2.28.3 as configured by
                       mbedtls_config_fw.h)
  mbedTLS arena        the static array every mbedTLS allocation comes from (RAM only)
  lwIP                 libhttpc_ws_lwip.a (lwIP 2.1.3: code, heap, pools)
  C library            newlib (mem*, str*), libgcc, compiler_builtins
  rest                 the test firmware: start-up, board, LAN9118 driver and lwIP glue,
                       applications, wire taps, stack meter, arena/stack instruments, the CA
                       buffer (read at boot here; a const array in flash on a board)

Flash = .text + .rodata + .ARM.exidx + the initial values of .data; RAM = .data + .bss (the
stack is apart). Linker fill between sections goes to "rest". With --metrics FILE, the
TLS-METRIC lines of a firmware run are appended (arena and stack high-water marks, handshake).
"""
import argparse
import re
import sys

PARTS = ["httpc-ws library", "TLS layer", "lwIP port", "mbedTLS", "mbedTLS arena", "lwIP",
         "C library", "rest"]
OUT_SECTIONS = {".text": "flash", ".rodata": "flash", ".ARM.exidx": "flash", ".data": "data",
                ".bss": "bss"}


def part_of(path, section):
    base = path.replace("\\", "/")
    if "libhttpc_ws.a(compiler_builtins" in base:
        # Rust's runtime helpers (libgcc's equivalents: 64-bit division...), in the archive but
        # pulled in by whoever calls them first in link order (mbedTLS's bignum here).
        return "C library"
    if "libhttpc_ws.a" in base:
        return "httpc-ws library"
    if "libhttpc_ws_port_mbedtls.a" in base:
        return "TLS layer"
    if "libhttpc_ws_port_lwip.a" in base or base.endswith("httpc_port_lwip.c.obj"):
        return "lwIP port"
    if "libhttpc_ws_mbedtls.a" in base:
        return "mbedTLS"
    if "libhttpc_ws_lwip.a" in base:
        return "lwIP"
    if re.search(r"/lib(c|c_nano|g|g_nano|gcc|nosys)\.a", base):
        return "C library"
    if base.endswith("tls/fw_tls.c.obj"):
        if section in (".bss.Arena", ".data.Arena"):
            return "mbedTLS arena"
        if section in (".bss.Tls", ".bss.Sess"):
            return "TLS layer"
    return "rest"


def parse(path):
    """(flash by part, RAM by part, stack size) from the map's input sections."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    try:
        start = lines.index("Linker script and memory map")
    except ValueError:
        sys.exit(f"fw_sizes.py: {path}: no memory map")
    num = r"0x[0-9a-fA-F]+"
    entries = []  # (output section, address, size, part)
    stack = 0
    out = None
    pending = None  # an input section name whose address and size are on the next line
    for line in lines[start + 1:]:
        m = re.match(r"^(\.[\w.]+)\s*(" + num + r")?\s*(" + num + r")?", line)
        if m and not line.startswith(" "):
            out = m.group(1)
            if out == ".stack" and m.group(3):
                stack = int(m.group(3), 16)
            pending = None
            continue
        if out not in OUT_SECTIONS:
            continue
        if pending is not None:
            m = re.match(r"^\s+(" + num + r")\s+(" + num + r")\s+(\S.*)$", line)
            name, pending = pending, None
            if m:
                entries.append((out, int(m.group(1), 16), int(m.group(2), 16), part_of(m.group(3).strip(), name)))
            continue
        m = re.match(r"^ (\*fill\*)\s+(" + num + r")\s+(" + num + r")", line)
        if m:
            entries.append((out, int(m.group(2), 16), int(m.group(3), 16), "rest"))
            continue
        m = re.match(r"^ ([.\w][^\s]*|COMMON)\s+(" + num + r")\s+(" + num + r")\s+(\S.*)$", line)
        if m:
            entries.append((out, int(m.group(2), 16), int(m.group(3), 16), part_of(m.group(4).strip(), m.group(1))))
            continue
        m = re.match(r"^ ([.\w][^\s]*|COMMON)\s*$", line)
        if m:
            pending = m.group(1)
    flash = dict.fromkeys(PARTS, 0)
    ram = dict.fromkeys(PARTS, 0)
    # Merged strings (SHF_MERGE) can make input sections overlap: each byte is charged once.
    end = {}
    for out, addr, size, part in sorted(entries, key=lambda e: (e[0], e[1])):
        lo = max(addr, end.get(out, 0))
        n = max(0, addr + size - lo)
        end[out] = max(end.get(out, 0), addr + size)
        kind = OUT_SECTIONS[out]
        if kind == "flash":
            flash[part] += n
        elif kind == "data":
            flash[part] += n  # initial values, copied from flash at reset
            ram[part] += n
        else:
            ram[part] += n
    return flash, ram, stack


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--map", required=True)
    ap.add_argument("--metrics", help="firmware output with TLS-METRIC lines")
    args = ap.parse_args()
    flash, ram, stack = parse(args.map)
    metrics = {}
    if args.metrics:
        with open(args.metrics, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("TLS-METRIC "):
                    for kv in line.split()[1:]:
                        k, _, v = kv.partition("=")
                        metrics.setdefault(k, v)
    print(f"{'part':<20} {'flash (B)':>10} {'RAM static (B)':>15}")
    for p in PARTS:
        print(f"{p:<20} {flash[p]:>10} {ram[p]:>15}")
    print(f"{'total':<20} {sum(flash.values()):>10} {sum(ram.values()):>15}   + stack {stack} B")
    if metrics:
        print(f"arena: high-water mark {metrics.get('arena_high', '?')} B of the {ram['mbedTLS arena']} B array"
              f" (peak live {metrics.get('arena_live_peak', '?')} B); stack: peak {metrics.get('stack_peak', '?')}"
              f" B of {stack} B")
    return 0


if __name__ == "__main__":
    sys.exit(main())
