#!/usr/bin/env python3
"""Runs `cchc metrics --emit-sql spark` in local Spark on the test fixtures and compares
every cell with cchc's own table (as tests/sql.rs does for DuckDB); and, for the
official method, scores the counts Spark computes (`--method 766 --emit-sql spark`, then
`--counts`) and compares the table, by unit and by procedure, with the log's (as
tests/sql766.rs does for DuckDB).

    pip install pyspark          # and a JRE (Debian: openjdk-17-jre-headless)
    cargo build --release
    python3 benches/spark_sql.py

A CSV log is registered as the view `dossiers` (every column a string), as the query's
header comment asks; the session time zone is Vietnam's. Prints one line per case and
exits 1 if any cell differs.
"""
import csv
import io
import os
import platform
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CCHC = os.environ.get("CCHC", os.path.join(ROOT, "target", "release", "cchc"))
HAND = "tests/fixtures/dossiers/dossiers.csv"
PROCS = ["--procedures", "tests/fixtures/dossiers/procedures.csv"]

CASES = [
    [HAND, "--period", "2025-04"],
    [HAND, "--period", "2025-Q2", "--by", "unit,month"],
    [HAND, "--period", "2025-Q2", "--by", "procedure"],
    [HAND, "--period", "2025-Q2", "--by", "channel"],
    [HAND, "--period", "2024-11-01..2025-01-31", "--by", "month"],
    [HAND, "--period", "2025-04", "--units", "tests/fixtures/dossiers/units.csv"],
    [HAND, "--period", "2025-04", "--convention", "21-20"],
    [HAND, "--period", "2025-04", "--rate-definition", "online_share=received+carried_over",
     "--rate-definition", "on_time_rate=due_in_period"],
    ["tests/fixtures/dossiers/dossiers-typed.parquet", "--period", "2025-04"],
    ["tests/fixtures/dossiers/dossiers-typed-utc.parquet", "--period", "2025-04"],
    ["tests/fixtures/dossiers/dossiers.parquet", "--period", "2025-04"],
    ["fixtures/demo/dossiers.csv", "--period", "2025", "--procedures", "fixtures/demo/procedures.csv"],
]


def cchc(args):
    p = subprocess.run([CCHC, "metrics", "--dossiers"] + args, cwd=ROOT, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"cchc {' '.join(args)}: {p.stderr}")
    return p.stdout


def rows_of(text):
    return [r for r in csv.reader(io.StringIO(text))]


def hand_dataset():
    """The hand log as a hive-partitioned dataset of several Parquet files (DuckDB writes it)."""
    import duckdb
    out = os.path.join(tempfile.mkdtemp(prefix="cchc-spark-"), "logs")
    duckdb.sql(f"COPY (SELECT *, status AS part FROM read_csv('{os.path.join(ROOT, HAND)}', "
               f"header = true, all_varchar = true)) TO '{out}' (FORMAT parquet, PARTITION_BY (part))")
    return out


OFFICIAL = ["tests/fixtures/service766", "fixtures/service-766"]


def run(args):
    p = subprocess.run([CCHC] + args, cwd=ROOT, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"cchc {' '.join(args)}: {p.stderr}")
    return p.stdout


def official_case(spark, project):
    """The official counts computed by Spark, scored by cchc, against the log's table."""
    sql = run(["metrics", project, "--method", "766", "--emit-sql", "spark"])
    (spark.read.csv(os.path.join(ROOT, project, "dossiers.csv"), header=True, encoding="UTF-8")
     .createOrReplaceTempView("dossiers"))
    df = spark.sql(sql)
    counts = os.path.join(tempfile.mkdtemp(prefix="cchc-spark-"), "counts.csv")
    with open(counts, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(df.columns)
        for r in df.collect():
            w.writerow(["" if v is None else str(v) for v in r])
    failed = 0
    for by in ["unit", "procedure"]:
        args = ["metrics", project, "--method", "766", "--by", by, "--format", "csv", "--quiet"]
        ours, theirs = run(args), run(args + ["--counts", counts])
        same = ours == theirs
        failed += not same
        print(f"{'same' if same else 'DIFFERENT'}  {ours.count(chr(10)) - 1:3} rows  {project} --method 766 --by {by} (Spark's counts)", flush=True)
    return failed


def main():
    from pyspark.sql import SparkSession

    CASES.append([hand_dataset(), "--period", "2025-Q2", "--by", "unit,month"])

    spark = (SparkSession.builder.master("local[2]").appName("cchc-sql")
             .config("spark.sql.session.timeZone", "Asia/Ho_Chi_Minh")
             .config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    failed = 0
    t0 = time.time()
    for case in CASES:
        args = case + (PROCS if "--procedures" not in case else [])
        ours = rows_of(cchc(args + ["--format", "csv", "--quiet"]))
        sql = cchc(args + ["--emit-sql", "spark"])
        if case[0].endswith(".csv"):
            sep = ";" if open(os.path.join(ROOT, case[0]), encoding="utf-8-sig").readline().count(";") else ","
            (spark.read.csv(os.path.join(ROOT, case[0]), header=True, sep=sep, encoding="UTF-8")
             .createOrReplaceTempView("dossiers"))
        df = spark.sql(sql)
        theirs = [list(df.columns)] + [["" if v is None else str(v) for v in r] for r in df.collect()]
        same = ours == theirs
        failed += not same
        print(f"{'same' if same else 'DIFFERENT'}  {len(ours) - 1:3} rows  {' '.join(case)}", flush=True)
        if not same:
            for a, b in zip(ours, theirs):
                if a != b:
                    print("  cchc :", a, "\n  spark:", b)
    for project in OFFICIAL:
        failed += official_case(spark, project)
    print(f"\nSpark {spark.version}, {platform.machine()}, {os.cpu_count()} cores, "
          f"{len(CASES) + 2 * len(OFFICIAL)} cases in {time.time() - t0:.0f} s: "
          f"{len(CASES) + 2 * len(OFFICIAL) - failed} equal, {failed} different")
    spark.stop()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
