#!/usr/bin/env python3
"""Times `cchc metrics` against the same aggregation in DuckDB SQL on the same file.

Runs alternate (cchc, duckdb, cchc, duckdb, ...) in one session; each run is its own
process, and its peak memory is that process's maximum resident set (wait4). The
script first checks that both produce the same counts for every unit, then reports the
median wall time of each, their ratio and both peak memories.

    cargo build --release
    python3 benches/generate.py --rows 10000000 --out benches/data/log-1e7.csv
    python3 benches/compare.py benches/data/log-1e7.csv --runs 5
"""
import argparse
import csv
import io
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CCHC = os.path.join(ROOT, "target", "release", "cchc")

# PRODUCT.md's metrics table, period [from, to]; refused dossiers count nowhere.
DUCKDB_SQL = """
COPY (
WITH d AS (
  SELECT unit_id, channel, status,
         CAST(substr(CAST(received_at AS VARCHAR), 1, 10) AS DATE) AS r,
         CAST(substr(CAST(due_at AS VARCHAR), 1, 10) AS DATE) AS du,
         CAST(substr(CAST(finished_at AS VARCHAR), 1, 10) AS DATE) AS f,
         coalesce(TRY_CAST(fee AS DECIMAL(18, 2)), 0) > 0 AS has_fee,
         coalesce(CAST(paid_online AS VARCHAR) IN ('1', 'true', 'x'), false) AS paid,
         coalesce(CAST(digitized AS VARCHAR) IN ('1', 'true', 'x'), false) AS dig,
         coalesce(CAST(e_result AS VARCHAR) IN ('1', 'true', 'x'), false) AS er,
         TRY_CAST(rating AS INTEGER) AS rating
  FROM {source}
  WHERE status <> 'refused'
), c AS (
  SELECT unit_id,
    count(*) FILTER (WHERE r BETWEEN DATE '{frm}' AND DATE '{to}') AS received,
    count(*) FILTER (WHERE r < DATE '{frm}' AND (f IS NULL OR f >= DATE '{frm}')) AS carried_over,
    count(*) FILTER (WHERE status = 'resolved' AND f BETWEEN DATE '{frm}' AND DATE '{to}') AS resolved,
    count(*) FILTER (WHERE status = 'resolved' AND f BETWEEN DATE '{frm}' AND DATE '{to}' AND f < du) AS early,
    count(*) FILTER (WHERE status = 'resolved' AND f BETWEEN DATE '{frm}' AND DATE '{to}' AND f = du) AS on_time,
    count(*) FILTER (WHERE status = 'resolved' AND f BETWEEN DATE '{frm}' AND DATE '{to}' AND f > du) AS late,
    count(*) FILTER (WHERE status IN ('returned', 'withdrawn') AND f BETWEEN DATE '{frm}' AND DATE '{to}') AS returned,
    count(*) FILTER (WHERE r <= DATE '{to}' AND (f IS NULL OR f > DATE '{to}')) AS pending,
    count(*) FILTER (WHERE r <= DATE '{to}' AND (f IS NULL OR f > DATE '{to}') AND du < DATE '{to}') AS pending_overdue,
    count(*) FILTER (WHERE r BETWEEN DATE '{frm}' AND DATE '{to}' AND channel = 'online') AS online,
    count(*) FILTER (WHERE r BETWEEN DATE '{frm}' AND DATE '{to}' AND channel = 'postal') AS postal,
    count(*) FILTER (WHERE r BETWEEN DATE '{frm}' AND DATE '{to}' AND has_fee) AS fee_received,
    count(*) FILTER (WHERE r BETWEEN DATE '{frm}' AND DATE '{to}' AND has_fee AND paid) AS fee_paid,
    count(*) FILTER (WHERE r BETWEEN DATE '{frm}' AND DATE '{to}' AND dig) AS digitized,
    count(*) FILTER (WHERE status = 'resolved' AND f BETWEEN DATE '{frm}' AND DATE '{to}' AND er) AS e_result,
    count(*) FILTER (WHERE status = 'resolved' AND f BETWEEN DATE '{frm}' AND DATE '{to}' AND rating BETWEEN 1 AND 5) AS rated,
    count(*) FILTER (WHERE status = 'resolved' AND f BETWEEN DATE '{frm}' AND DATE '{to}' AND rating >= 4) AS satisfied
  FROM d GROUP BY unit_id
)
SELECT unit_id, received, carried_over, resolved, early, on_time, late, returned, pending,
       pending_overdue, online, postal,
       round(100 * (early + on_time) / nullif(resolved, 0), 2) AS on_time_rate,
       round(100 * online / nullif(received, 0), 2) AS online_share,
       round(100 * fee_paid / nullif(fee_received, 0), 2) AS payment_online_share,
       round(100 * digitized / nullif(received, 0), 2) AS digitized_rate,
       round(100 * e_result / nullif(resolved, 0), 2) AS e_result_rate,
       round(100 * satisfied / nullif(rated, 0), 2) AS satisfaction_rate
FROM c ORDER BY unit_id
) TO '{out}' (FORMAT csv, HEADER true)
"""

COUNTS = ["received", "carried_over", "resolved", "early", "on_time", "late", "returned",
          "pending", "pending_overdue", "online", "postal"]


def duckdb_script(path, out, frm, to):
    if os.path.isdir(path):
        source = f"read_parquet('{path}/**/*.parquet', hive_partitioning = false)"
    elif path.endswith(".parquet"):
        source = f"read_parquet('{path}')"
    else:
        source = f"read_csv('{path}', header = true, all_varchar = true)"
    sql = DUCKDB_SQL.format(source=source, frm=frm, to=to, out=out)
    return ["python3", "-c", f"import duckdb; duckdb.connect().execute({sql!r})"]


def timed(cmd):
    """Runs cmd; returns (seconds, peak RSS in MiB)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
    err = p.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{cmd[0]} failed: {err}")
    return dt, usage.ru_maxrss / 1024


def counts(path):
    with open(path) as f:
        return {r["unit_id"]: [int(r[c]) for c in COUNTS] for r in csv.DictReader(f)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("log")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--period", default="2025")
    a = ap.parse_args()
    frm, to = "2025-01-01", "2025-12-31"
    out_c, out_d = "/tmp/cchc-bench-cchc.csv", "/tmp/cchc-bench-duckdb.csv"
    cchc = [CCHC, "metrics", "--dossiers", a.log, "--period", a.period, "--quiet",
            "--format", "csv", "--out", out_c]
    duck = duckdb_script(os.path.abspath(a.log), out_d, frm, to)
    results = {"cchc": [], "duckdb": []}
    for i in range(a.runs):
        for name, cmd in (("cchc", cchc), ("duckdb", duck)):
            results[name].append(timed(cmd))
            print(f"run {i + 1} {name:6} {results[name][-1][0]:7.2f} s  {results[name][-1][1]:7.0f} MiB", flush=True)
    same = counts(out_c) == counts(out_d)
    med = {k: statistics.median(t for t, _ in v) for k, v in results.items()}
    peak = {k: max(m for _, m in v) for k, v in results.items()}
    size = (sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(a.log) for f in fs)
            if os.path.isdir(a.log) else os.path.getsize(a.log)) / 1e9
    print()
    print(f"file: {a.log} ({size:.2f} GB), {platform.machine()}, {os.cpu_count()} cores, runs: {a.runs}")
    print(f"same counts for every unit: {'yes' if same else 'NO'}")
    print(f"cchc   median {med['cchc']:.2f} s, peak {peak['cchc']:.0f} MiB")
    print(f"duckdb median {med['duckdb']:.2f} s, peak {peak['duckdb']:.0f} MiB")
    print(f"ratio cchc/duckdb: {med['cchc'] / med['duckdb']:.2f}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
