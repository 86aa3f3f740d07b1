#!/usr/bin/env python3
"""Reads bench/run.sh's measurements and prints the results table with the target ratios."""
import json, os, re, statistics, sys, datetime, platform

out, ns = sys.argv[1], [int(n) for n in sys.argv[2].split()]

def wall(tool, n):
    p = f"{out}/{tool}-{n}.json"
    if not os.path.exists(p):
        return None
    r = json.load(open(p))["results"][0]
    return statistics.median(r["times"])

def rss(tool, n):
    p = f"{out}/{tool}-{n}.rss"
    try:
        return int(open(p).read().strip()) / 1024
    except (OSError, ValueError):
        return None

wrk = open(f"{out}/wrk.txt").read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
floor_ms = 1000.0 / rps

def per_request(tool):
    a, b = wall(tool, 100), wall(tool, 1000)
    return None if a is None or b is None else (b - a) / 900 * 1000

def fmt(v, unit="", digits=1):
    return "–" if v is None else f"{v:.{digits}f}{unit}"

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(f"# runner benchmark, {datetime.date.today()} ({os.cpu_count()} cores, {cpu})\n")
print(f"Command: `bench/run.sh` (RUNS={os.environ.get('RUNS', 5)}; medians; whole processes; server: examples/bench_server.rs on 127.0.0.1)\n")
print("| tool | " + " | ".join(f"N={n} wall" for n in ns) + " | per request | peak RSS N=1000 | peak RSS N=10000 |")
print("|---" * (len(ns) + 4) + "|")
print(f"| raw floor (wrk -t1 -c1) | " + " | ".join("–" for _ in ns) + f" | {floor_ms:.3f} ms | – | – |")
for tool in ["runner", "hurl", "curl", "newman"]:
    if wall(tool, ns[0]) is None:
        continue
    cells = []
    for n in ns:
        w = wall(tool, n)
        cells.append("–" if w is None else (f"{w*1000:.0f} ms" if w < 10 else f"{w:.1f} s"))
    pr = per_request(tool)
    print(f"| {tool} | " + " | ".join(cells) + f" | {fmt(pr, ' ms', 3)} | {fmt(rss(tool, 1000), ' MB')} | {fmt(rss(tool, 10000), ' MB')} |")

r_pr, h_pr = per_request("runner"), per_request("hurl")
print("\n| target | measured | met |\n|---|---|---|")
def row(name, value, ok):
    print(f"| {name} | {value} | {'yes' if ok else '**no**'} |")
if r_pr:
    row("per request ≤ 1.3× raw floor", f"{r_pr / floor_ms:.2f}×", r_pr / floor_ms <= 1.3)
if r_pr and h_pr:
    row("per request ≤ 0.6× Hurl", f"{r_pr / h_pr:.2f}×", r_pr / h_pr <= 0.6)
if wall("runner", 1) and wall("hurl", 1):
    row("N=1 wall ≤ 0.6× Hurl", f"{wall('runner', 1) / wall('hurl', 1):.2f}× ({wall('runner', 1)*1000:.1f} ms vs {wall('hurl', 1)*1000:.1f} ms)", wall("runner", 1) / wall("hurl", 1) <= 0.6)
m1, m10 = rss("runner", 1000), rss("runner", 10000)
if m1:
    row("peak RSS at N=1000 ≤ 20 MB", f"{m1:.1f} MB", m1 <= 20)
if m1 and m10:
    row("RSS growth N=1000→10000 < 5 MB", f"{m10 - m1:.1f} MB", m10 - m1 < 5)
try:
    big_r = wall("big-runner", "")
except Exception:
    big_r = None
def jwall(name):
    p = f"{out}/{name}.json"
    return statistics.median(json.load(open(p))["results"][0]["times"]) * 1000 if os.path.exists(p) else None
br, bf = jwall("big-runner"), jwall("big-fetch")
try:
    serde = float(open(f"{out}/big-serde.txt").read().strip())
except (OSError, ValueError):
    serde = None
if br and bf and serde:
    added = br - bf
    row("10 MiB JSON + 5 JSONPath assertions adds ≤ 1.5× serde_json parse", f"{added:.1f} ms added (runner {br:.1f} ms − fetch {bf:.1f} ms) vs serde_json {serde:.1f} ms = {added / serde:.2f}×", added / serde <= 1.5)
