#!/usr/bin/env python3
"""Prints what libplancmp_re2_callsites.so recorded, slowest call site first,
with the calling function (and the one it was inlined into) from addr2line.

Usage: bench/re2_callsites.py RECORD.txt
"""
import subprocess
import sys

KINDS = ["unanchored", "anchored", "capture", "set-any", "set-list", "partial"]


def function_of(obj, offset):
    out = subprocess.run(["addr2line", "-i", "-f", "-C", "-e", obj, offset],
                         capture_output=True, text=True).stdout.splitlines()
    names = [name for name in out[0::2] if name][:2]
    return " < ".join(name[:70] for name in names) or "?"


def main():
    rows = []
    with open(sys.argv[1]) as record:
        for line in record:
            where, kind, ns, searched, calls = line.split()
            obj, offset = where.rsplit("+", 1)
            rows.append((float(ns) / 1e6, int(searched) / 1e6, int(calls), KINDS[int(kind)],
                         function_of(obj, offset)))
    rows.sort(reverse=True)
    print(f"{sum(r[0] for r in rows):.1f} ms in RE2 (with ~40 ns of timing per call)")
    print(f"{'ms':>8} {'MB searched':>12} {'calls':>8}  kind        call site")
    for ms, mb, calls, kind, site in rows:
        print(f"{ms:8.1f} {mb:12.1f} {calls:8d}  {kind:<11} {site}")


if __name__ == "__main__":
    main()
