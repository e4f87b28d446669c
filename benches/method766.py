#!/usr/bin/env python3
"""Times `cchc metrics --method 766` (the official service index) against `--method cchc`
on the same log, in alternate runs of one session: the official method reads 8 more
columns and judges every dossier under the portal's rules (supplements, open dossiers
at the period's end, procedures' maximum times). The bar (#25): within 1.3× of the
default method, under 256 MiB. Each run is its own process; peak memory is its maximum
resident set (wait4).

    cargo build --release
    python3 benches/generate.py --rows 10000000 --official --out benches/data/log-1e7-official.csv
    python3 benches/method766.py benches/data/log-1e7-official.csv --runs 5

`--procedures FILE` gives both runs a catalogue (the official method then reads each
procedure's rules); the default makes one of 50 procedures (TT0–TT49, as generate.py
names them), seeded, beside the log.
"""
import argparse
import os
import platform
import random
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import timed  # noqa: E402  (one process: its wall time, peak memory, query time)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CCHC = os.environ.get("CCHC_BENCH_BIN") or os.path.join(ROOT, "target", "release", "cchc")


def catalogue(path, n=50, seed=766):
    """A seeded catalogue of generate.py's procedures."""
    r = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        f.write("procedure_id,online,has_fee,payment_integrated,paper_result,for_citizens,"
                "decided_on,effective_on,published_on,parts_complete,population_db,max_time,time_unit\n")
        for i in range(n):
            f.write(f"TT{i},{r.choice(['none', 'partial', 'full'])},{r.randint(0, 1)},{r.randint(0, 1)},"
                    f"{r.randint(0, 1)},1,2025-0{r.randint(1, 9)}-10,2025-10-01,2025-10-0{r.randint(1, 9)},"
                    f"{r.randint(0, 1)},{r.randint(0, 1)},{r.randint(1, 20)},working_days\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("log")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--period", default="2025")
    ap.add_argument("--procedures")
    a = ap.parse_args()
    procs = a.procedures or os.path.join(os.path.dirname(os.path.abspath(a.log)), "procedures-official.csv")
    if not a.procedures:
        catalogue(procs)
    base = [CCHC, "metrics", "--dossiers", a.log, "--procedures", procs, "--period", a.period,
            "--format", "csv", "--quiet"]
    # The default method reads `procedures` as its register (processing_days): every
    # row of the log has a due_at, so it is never consulted; give it none.
    runs = {"cchc": [CCHC, "metrics", "--dossiers", a.log, "--period", a.period, "--format", "csv",
                     "--quiet", "--method", "cchc"],
            "766": base + ["--method", "766"]}
    times = {k: [] for k in runs}
    peaks = {k: [] for k in runs}
    for _ in range(a.runs):
        for k, cmd in runs.items():
            dt, peak, _ = timed(cmd)
            times[k].append(dt)
            peaks[k].append(peak)
    med = {k: statistics.median(v) for k, v in times.items()}
    size = os.path.getsize(a.log) / 1e6
    print(f"{a.log} ({size:.0f} MB), {a.runs} paired runs, {platform.node()}, {os.cpu_count()} cores")
    for k in runs:
        print(f"  --method {k:4}: median {med[k]:.2f} s (runs {', '.join(f'{t:.2f}' for t in times[k])}), "
              f"peak {max(peaks[k]):.0f} MiB")
    print(f"  ratio 766 / cchc: {med['766'] / med['cchc']:.2f}")


if __name__ == "__main__":
    main()
