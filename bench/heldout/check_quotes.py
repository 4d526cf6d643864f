#!/usr/bin/env python3
"""Check the held-out gold: every target/deadline quote is an exact substring of
its line in the passage (decoded as UTF-8, else GB18030), and every passage has
a gold file. Run from anywhere: python3 bench/heldout/check_quotes.py"""
import os
import sys
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
bad = 0
golds = sorted(f for f in os.listdir(os.path.join(HERE, "gold")) if f.endswith(".yaml"))
for g in golds:
    doc = yaml.safe_load(open(os.path.join(HERE, "gold", g), encoding="utf-8"))
    raw = open(os.path.join(HERE, "passages", doc["source"]), "rb").read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    lines = text.split("\n")
    for part in ("targets", "deadlines"):
        for item in doc.get(part) or []:
            line = lines[item["line"] - 1] if 0 < item["line"] <= len(lines) else ""
            if item["quote"] not in line:
                bad += 1
                print(f"{g}: {part} line {item['line']}: quote not on line: {item['quote']!r}")
passages = {os.path.splitext(f)[0] for f in os.listdir(os.path.join(HERE, "passages"))}
missing = passages - {os.path.splitext(g)[0] for g in golds}
for m in sorted(missing):
    bad += 1
    print(f"no gold for passage {m}")
print(f"{len(golds)} gold files checked, {bad} problem(s)")
sys.exit(1 if bad else 0)
