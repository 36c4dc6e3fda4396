#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The table of usertools/svnic-bench.sh, from the JSON lines of
svnic_bench_run.py and the output of svnic-bench-memcpy (doc/benchmarks.rst).

Exit status: 0 if every configuration has a median for every peer and the
svnic leg ran; 1 otherwise. The last line is always
"ratio svnic/memif 64B: X.XX" or "ratio svnic/memif 64B: n/a".
"""
import argparse
import json
import re
import statistics
import sys

PEERS = ("svnic", "memif", "vhost")
SIZES = (64, 1500)
# Other processes used more than this share of one of the benchmark's CPUs in a
# window (svnic_bench_run.py took it again once): the number is marked.
OTHER_MAX = 0.10
# The memcpy program got less than this share of its CPU: marked too.
CPU_SHARE_OK = 0.90


def load_results(path):
    runs, errors = [], []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                r = json.loads(line)
            except ValueError:
                errors.append("%s:%d: not JSON: %s" % (path, n, line[:120]))
                continue
            if r.get("probe"):
                continue
            (errors if "error" in r else runs).append(r)
    return runs, errors


def load_memcpy(path):
    per_size = {}
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        return per_size
    for m in re.finditer(r"size=(\d+) .*?mpps=([\d.]+) gbps=([\d.]+) cpu=([\d.]+)", text):
        per_size.setdefault(int(m.group(1)), []).append(
            (float(m.group(2)), float(m.group(3)), float(m.group(4))))
    return per_size


def median_of(samples, key):
    return statistics.median(s[key] for s in samples)


def fmt(v, width, prec=2):
    return ("%*.*f" % (width, prec, v)) if v is not None else "%*s" % (width, "n/a")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("results")
    ap.add_argument("--memcpy", required=True)
    ap.add_argument("--rounds", type=int, required=True)
    ap.add_argument("--far-cpu", type=int, default=0)
    ap.add_argument("--near-cpu", type=int, default=1)
    ap.add_argument("--warmup", default="2")
    ap.add_argument("--window", default="3")
    ap.add_argument("--svnic-error")
    ap.add_argument("--huge-note")
    ap.add_argument("--page-files", action="store_true",
                    help="the hugepage runs had one file per page: vhost was left out")
    args = ap.parse_args()

    runs, errors = load_results(args.results)
    memcpy = load_memcpy(args.memcpy)
    huge_modes = [False] + ([] if args.huge_note else [True])
    ok = not args.svnic_error and not errors

    med = {}
    for r in runs:
        med.setdefault((r["peer"], r["size"], r["huge"]), []).append(r)

    print()
    print("Packets received per second by the testpmd on CPU %d (io forwarding loop, 512 "
          "packets" % args.near_cpu)
    print("in flight), median of %d round(s) with the peers alternating; the far end on "
          "CPU %d;" % (args.rounds, args.far_cpu))
    print("one CPU and one forwarding lcore per process; %s s warm-up, %s s window."
          % (args.warmup, args.window))
    print("Gbit/s: the frames, size x 8, without FCS or preamble. cpu n/f: CPU share of the "
          "near")
    print("and the far process; others: the most of either CPU other processes used in the "
          "window.")
    print("Compare within this run only.")
    print()
    head = "%5s  %-4s  %-6s %8s %8s  %10s  %-9s %7s  %s" % (
        "size", "huge", "peer", "Mpps", "Gbit/s", "svnic/peer", "cpu n/f", "others",
        "per round (Mpps)")
    print(head)
    print("-" * len(head))
    disturbed = False
    medians = {}
    for huge in huge_modes:
        for size in SIZES:
            for peer in PEERS:
                s = med.get((peer, size, huge), [])
                medians[(peer, size, huge)] = median_of(s, "mpps") if s else None
            sv = medians[("svnic", size, huge)]
            for peer in PEERS:
                s = sorted(med.get((peer, size, huge), []), key=lambda r: r["round"])
                mpps = medians[(peer, size, huge)]
                gbps = median_of(s, "gbps") if s else None
                left_out = args.page_files and huge and peer == "vhost"
                if len(s) < args.rounds and not (peer == "svnic" and args.svnic_error) \
                        and not left_out:
                    ok = False
                ratio = "-" if peer == "svnic" else (
                    "%.2f" % (sv / mpps) if sv is not None and mpps else "n/a")
                cpu = ("%.2f/%.2f" % (median_of(s, "cpu_near"), median_of(s, "cpu_far"))
                       if s else "-")
                others = ("%3.0f%%" % (100 * median_of(s, "other"))) if s else "-"
                rounds = " ".join("%.2f%s" % (r["mpps"], "*" if r["other"] > OTHER_MAX else "")
                                  for r in s) or "-"
                disturbed = disturbed or "*" in rounds
                print("%5d  %-4s  %-6s %s %s  %10s  %-9s %7s  %s" % (
                    size, "yes" if huge else "no", peer, fmt(mpps, 8), fmt(gbps, 8), ratio,
                    cpu, others, rounds))
            print()

    print("memcpy floor: one core (CPU %d) copying each packet once, buffers 2176 B apart"
          % args.far_cpu)
    for size in SIZES:
        m = memcpy.get(size)
        if not m:
            print("%5d  memcpy: n/a" % size)
            ok = False
            continue
        mpps = statistics.median(x[0] for x in m)
        gbps = statistics.median(x[1] for x in m)
        low = any(x[2] < CPU_SHARE_OK for x in m)
        disturbed = disturbed or low
        close = []
        for huge in huge_modes:
            sv = medians.get(("svnic", size, huge))
            close.append("%s %s" % ("with hugepages" if huge else "without",
                                    "%.1f%%" % (100 * sv / mpps) if sv else "n/a"))
        print("%5d  memcpy %8.2f Mpps %8.2f Gbit/s%s  svnic reaches %s of it"
              % (size, mpps, gbps, "*" if low else " ", ", ".join(close)))
    print()

    if disturbed:
        print("* other processes used more than %d%% of CPU %d or %d in that window, even "
              "after waiting" % (OTHER_MAX * 100, args.far_cpu, args.near_cpu))
        print("  and taking it again: that number is low (memcpy: it had less than %d%% of "
              "its CPU)." % (CPU_SHARE_OK * 100))
    if args.huge_note:
        print("hugepage runs skipped: %s" % args.huge_note)
    elif args.page_files:
        print("hugepage runs with one file per page (--page-files): vhost left out, "
              "virtio-user shares at most 8 memory regions")
    for e in errors:
        print("failed: %s %s B hugepages %s round %s: %s" % (
            e.get("peer"), e.get("size"), "yes" if e.get("huge") else "no", e.get("round"),
            e.get("error")))
    if args.svnic_error:
        print("svnic leg failed: %s" % args.svnic_error)
    sv, mf = medians.get(("svnic", 64, False)), medians.get(("memif", 64, False))
    if sv is not None and mf:
        print("ratio svnic/memif 64B: %.2f" % (sv / mf))
    else:
        print("ratio svnic/memif 64B: n/a")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
