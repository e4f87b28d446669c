#!/usr/bin/env python3
"""Times `cchc metrics` against the same aggregation in DuckDB SQL on the same files.

For each log given (CSV, Parquet, or a dataset folder), runs alternate in one session:
cchc, DuckDB with the bench's query (`text`: every column cast to text and parsed, as
a text log needs), DuckDB with a simpler query (`native`: DuckDB's own type detection
and casts, `CAST(received_at AS DATE)`), cchc, ... Each run is its own process; its
peak memory is that process's maximum resident set (wait4). Before the timed runs, each
of the three runs once untimed (`--warmup`; the first run after another tool's or another
log's was the slowest of a series, for cchc and DuckDB alike). Both DuckDB queries must
give cchc's counts for every unit. A DuckDB run also reports its query's own time,
from `connect` to the query's end (`native query alone`): Python's start and `import
duckdb` take ~0.2-0.3 s of each DuckDB process, a fixed cost that is not DuckDB's work
(cchc's time is its whole process, its start included). Prints each log's medians,
ratios (to the whole process and to the query alone) and peaks, then one Markdown
table of every log.

    cargo build --release
    python3 benches/generate.py --rows 10000000 --out benches/data/log-1e7.csv
    python3 benches/compare.py benches/data/log-1e7.csv benches/data/log-1e7-typed.parquet --runs 3
    python3 benches/compare.py benches/data/log-1e8.csv --runs 1 --cchc-arg=--id-check-memory=32
    python3 benches/compare.py --shapes --rows 10000000 --runs 3     # the shape matrix (#28)
    python3 benches/compare.py --shapes dmy,quoted --rows 100000 --runs 1
    python3 benches/compare.py --shapes --typed --rows 10000000 --runs 3   # as typed Parquet
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
CCHC = os.environ.get("CCHC_BENCH_BIN") or os.path.join(ROOT, "target", "release", "cchc")

# PRODUCT.md's metrics table, period [from, to]; refused dossiers count nowhere. Both
# queries share it and differ only in how the rows are read ({dossiers}).
AGGREGATE = """
COPY (
WITH d AS ({dossiers}
  FROM {source}
  WHERE lower(status) <> 'refused'
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

# A log's channel and status as the aggregate compares them: the shapes' spellings
# (`TRUC_TIEP`, `truc_tuyen`, `bcci`, statuses in capitals) mapped to the usual ones.
NAMES = """CASE lower(channel) WHEN 'truc_tiep' THEN 'direct' WHEN 'truc_tuyen' THEN 'online'
           WHEN 'bcci' THEN 'postal' ELSE lower(channel) END AS channel, lower(status) AS status"""

def rows_query(native, dmy):
    """The rows both queries aggregate. The bench query (`native` false) casts every
    column to text and parses it, as a text log needs; the native query takes DuckDB's
    own types (its CSV detection, or the Parquet types). `dmy`: day-first dates."""
    if dmy:
        day = lambda x: f"CAST(strptime(substr(CAST({x} AS VARCHAR), 1, 10), '%d/%m/%Y') AS DATE)"
    elif native:
        day = lambda x: f"CAST({x} AS DATE)"
    else:
        day = lambda x: f"CAST(substr(CAST({x} AS VARCHAR), 1, 10) AS DATE)"
    flag = (lambda c: f"coalesce(CAST({c} AS INTEGER), 0) = 1") if native \
        else (lambda c: f"coalesce(CAST({c} AS VARCHAR) IN ('1', 'true', 'x'), false)")
    fee = "coalesce(CAST(fee AS DOUBLE), 0) > 0" if native else "coalesce(TRY_CAST(fee AS DECIMAL(18, 2)), 0) > 0"
    rating = "CAST(rating AS INTEGER)" if native else "TRY_CAST(rating AS INTEGER)"
    return f"""
  SELECT unit_id, {NAMES},
         {day('received_at')} AS r, {day('due_at')} AS du, {day('finished_at')} AS f,
         {fee} AS has_fee, {flag('paid_online')} AS paid, {flag('digitized')} AS dig,
         {flag('e_result')} AS er, {rating} AS rating"""


COUNTS = ["received", "carried_over", "resolved", "early", "on_time", "late", "returned",
          "pending", "pending_overdue", "online", "postal"]


def duckdb_script(path, out, frm, to, native=False, dmy=False):
    if os.path.isdir(path):
        source = f"read_parquet('{path}/**/*.parquet', hive_partitioning = false)"
    elif path.endswith(".parquet"):
        source = f"read_parquet('{path}')"
    elif native and dmy:
        # DuckDB's own date types, told the day-first format (its sniffer may guess).
        source = (f"read_csv('{path}', header = true, dateformat = '%d/%m/%Y', "
                  f"timestampformat = '%d/%m/%Y %H:%M')")
        dmy = False
    elif native:
        source = f"read_csv('{path}', header = true)"
    else:
        source = f"read_csv('{path}', header = true, all_varchar = true)"
    rows = rows_query(native, dmy)
    sql = AGGREGATE.format(dossiers=rows, source=source, frm=frm, to=to, out=out)
    # The query's own time is taken inside the process too: Python's start and `import
    # duckdb` are ~0.25 s of every DuckDB run, a fixed cost that is not the query's.
    return ["python3", "-c", "import duckdb, sys, time\n"
            "t = time.perf_counter()\n"
            f"duckdb.connect().execute({sql!r})\n"
            "sys.stderr.write(f'query-seconds {time.perf_counter() - t}\\n')"]


def timed(cmd):
    """Runs cmd; returns (seconds, peak RSS in MiB, the query's own seconds). The last is
    what a DuckDB run reports on stderr (from `connect` to the query's end: Python's
    start and its import left out); for cchc, the whole process, its start included."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
    err = p.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{cmd[0]} failed: {err}")
    query = [float(l.split()[1]) for l in err.splitlines() if l.startswith("query-seconds ")]
    return dt, usage.ru_maxrss / 1024, query[0] if query else dt


def counts(path):
    """Each unit's counts; a unit with nothing counted is left out (cchc lists a unit
    with rows outside the period windows as zeros, DuckDB's GROUP BY when it has any
    row at all — only sparse logs, 10,000 units on a small log, show the difference)."""
    with open(path) as f:
        rows = {r["unit_id"]: [int(r[c]) for c in COUNTS] for r in csv.DictReader(f)}
    return {u: c for u, c in rows.items() if any(c)}


def size_gb(path):
    if os.path.isdir(path):
        return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs) / 1e9
    return os.path.getsize(path) / 1e9


def warm(path):
    """Reads every byte of the log once, untimed: the first tool timed must not be the
    only one to pay for a file that is not in the page cache (a 9.2 GB CSV: 26 s for
    cchc cold against 15 s cached)."""
    files = [os.path.join(d, f) for d, _, fs in os.walk(path) for f in fs] \
        if os.path.isdir(path) else [path]
    for name in files:
        with open(name, "rb") as f:
            while f.read(1 << 24):
                pass


def compare(log, runs, period, extra, dmy=False, warmup=1):
    """Times one log; returns its summary row (None if the counts differ)."""
    frm, to = "2025-01-01", "2025-12-31"
    outs = {"cchc": "/tmp/cchc-bench-cchc.csv", "duckdb": "/tmp/cchc-bench-duckdb.csv",
            "native": "/tmp/cchc-bench-native.csv"}
    cmds = {
        "cchc": [CCHC, "metrics", "--dossiers", log, "--period", period, "--quiet",
                 "--format", "csv", "--out", outs["cchc"]] + extra,
        "duckdb": duckdb_script(os.path.abspath(log), outs["duckdb"], frm, to, dmy=dmy),
        "native": duckdb_script(os.path.abspath(log), outs["native"], frm, to, native=True, dmy=dmy),
    }
    results = {k: [] for k in cmds}
    warm(log)
    for _ in range(warmup):
        for cmd in cmds.values():
            timed(cmd)
    for i in range(runs):
        for name, cmd in cmds.items():
            results[name].append(timed(cmd))
            t, m, q = results[name][-1]
            print(f"run {i + 1} {name:6} {t:7.2f} s  {m:7.0f} MiB  (query {q:.2f} s)", flush=True)
    same = {k: counts(outs["cchc"]) == counts(outs[k]) for k in ("duckdb", "native")}
    med = {k: statistics.median(t for t, _, _ in v) for k, v in results.items()}
    query = statistics.median(q for _, _, q in results["native"])
    peak = {k: max(m for _, m, _ in v) for k, v in results.items()}
    print(f"\nfile: {log} ({size_gb(log):.2f} GB), {platform.machine()}, {os.cpu_count()} cores, runs: {runs}")
    for k in ("duckdb", "native"):
        print(f"same counts as DuckDB {k}: {'yes' if same[k] else 'NO'}")
    for k, v in med.items():
        print(f"{k:6} median {v:.2f} s, peak {peak[k]:.0f} MiB")
    print(f"ratio cchc/duckdb (bench query): {med['cchc'] / med['duckdb']:.2f}")
    print(f"ratio cchc/duckdb (native query): {med['cchc'] / med['native']:.2f}")
    print(f"ratio cchc/duckdb (native query alone, {query:.2f} s): {med['cchc'] / query:.2f}\n",
          flush=True)
    row = (f"| {os.path.basename(log.rstrip('/'))} ({size_gb(log):.2f} GB), {runs} run(s) "
           f"| {med['cchc']:.2f} s | {med['duckdb']:.2f} s | {med['native']:.2f} s | {query:.2f} s "
           f"| **{med['cchc'] / med['duckdb']:.2f}** | **{med['cchc'] / med['native']:.2f}** "
           f"| **{med['cchc'] / query:.2f}** "
           f"| {peak['cchc']:.0f} MiB | {peak['duckdb']:.0f} / {peak['native']:.0f} MiB "
           f"| {'yes' if all(same.values()) else 'NO'} |")
    return row, all(same.values())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("logs", nargs="*")
    ap.add_argument("--shapes", nargs="?", const="all", metavar="NAMES",
                    help="the shape matrix of generate.py's SHAPES (comma-separated names, or all): "
                         "each generated once at --rows into benches/data/shapes/, then compared")
    ap.add_argument("--typed", action="store_true",
                    help="with --shapes: the shapes as typed Parquet (those that shape Parquet too: "
                         "units, procedures, seconds, extra and reordered columns)")
    ap.add_argument("--rows", type=int, default=10_000_000, help="rows of a generated shape")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1,
                    help="untimed runs of each tool before the timed ones, per log")
    ap.add_argument("--period", default="2025")
    ap.add_argument("--cchc-arg", action="append", default=[],
                    help="an extra argument for cchc (e.g. --cchc-arg=--id-check-memory=32)")
    a = ap.parse_args()
    logs = [(log, False) for log in a.logs]
    if a.shapes:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from generate import SHAPES
        names = list(SHAPES) if a.shapes == "all" else a.shapes.split(",")
        csv_only = {"dmy", "--quoted", "--crlf", "--bom", "--aliases"}
        if a.typed:
            names = [n for n in names if not csv_only & set(SHAPES[n])]
        for name in names:
            ext, fmt = ("parquet", ["--format", "typed"]) if a.typed else ("csv", [])
            path = os.path.join(ROOT, "benches", "data", "shapes", f"{name}-{a.rows}.{ext}")
            if not os.path.exists(path):
                subprocess.run([sys.executable, os.path.join(ROOT, "benches", "generate.py"),
                                "--rows", str(a.rows), "--out", path] + fmt + SHAPES[name], check=True)
            logs.append((path, "dmy" in SHAPES[name]))
    if not logs:
        ap.error("name a log, or --shapes")
    rows, ok = [], True
    for log, dmy in logs:
        row, same = compare(log, a.runs, a.period, a.cchc_arg, dmy=dmy, warmup=a.warmup)
        rows.append(row)
        ok = ok and same
    print(f"{time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, "
          f"cchc args: {' '.join(a.cchc_arg) or '-'}, warm-up runs: {a.warmup}\n")
    print("| log | cchc | DuckDB (bench query) | DuckDB (native query) | native query alone "
          "| ratio (bench) | ratio (native) | ratio (query alone) | cchc peak | DuckDB peaks "
          "| same counts |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
