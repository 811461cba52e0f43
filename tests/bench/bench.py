#!/usr/bin/env python3
"""Sluice benchmarks: wall time, records/s and peak RSS of sluicectl against reference tools run in the same
invocation (sqlite3's .import, sqlite-utils), printed as a table with the ratios the performance targets use.

    python3 tests/bench/bench.py [--quick] [--rows N] [--runs K] [--sluicectl PATH]

Timing is reported, never asserted: the machines are noisy, ratios within one run are what count.
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
COLUMNS = ["id", "name", "email", "age", "city", "created_at", "updated_at", "score", "active", "notes"]
CITIES = ["Lyon", "Porto", "Oslo", "Kyoto", "Quito", "Accra", "Perth", "Turin", "Cork", "Hanoi"]
WORDS = ["river", "gate", "stone", "amber", "delta", "north", "quiet", "swift", "cedar", "ember", "lumen"]


def generate(path_csv, path_jsonl, rows, seed=42, update=False):
    """Deterministic rows; update=True gives the same ids with later updated_at and other values."""
    rng = random.Random(seed + (1 if update else 0))
    with open(path_csv, "w", newline="") as c, open(path_jsonl, "w") as j:
        c.write(",".join(COLUMNS) + "\n")
        for i in range(1, rows + 1):
            name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()}"
            email = f"user{i}@example.org"
            age = rng.randint(18, 90)
            city = rng.choice(CITIES)
            day = 1 + i % 28
            created = f"2024-01-{day:02d}T10:{i % 60:02d}:00Z"
            updated = f"2024-{3 if update else 2}-{day:02d}T11:{i % 60:02d}:{i % 60:02d}Z"
            score = round(rng.random() * 100, 3)
            active = rng.random() < 0.5
            notes = f"{rng.choice(WORDS)}, {rng.choice(WORDS)}, {rng.choice(WORDS)} and {rng.choice(WORDS)} {i % 997}"
            notes = (notes + " " * 40)[:40].rstrip()
            c.write(f'{i},{name},{email},{age},{city},{created},{updated},{score},{"true" if active else "false"},"{notes}"\n')
            j.write(json.dumps({"id": i, "name": name, "email": email, "age": age, "city": city,
                                "created_at": created, "updated_at": updated, "score": score,
                                "active": active, "notes": notes}, separators=(",", ":")) + "\n")


def run(cmd, cwd=None, stdin=None, env=None):
    """Runs a command; returns (seconds, peak RSS in MB of that process)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {err[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024.0


class Sluice:
    def __init__(self, exe, work):
        self.exe = exe
        self.work = work

    def fresh(self, name, source, streams, dest="out.sqlite"):
        home = os.path.join(self.work, name + ".home")
        shutil.rmtree(home, ignore_errors=True)
        dest_path = os.path.join(self.work, name + "." + dest)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(dest_path + suffix):
                os.remove(dest_path + suffix)
        conn = {"name": name, "source": source,
                "destination": {"type": "sqlite", "config": {"path": dest_path}},
                "streams": streams, "settings": {"retry": {"max_attempts": 1}}}
        path = os.path.join(self.work, name + ".json")
        with open(path, "w") as f:
            json.dump(conn, f)
        subprocess.run([self.exe, "--home", home, "connection", "create", path], check=True,
                       stdout=subprocess.DEVNULL)
        return home

    def sync(self, home, name):
        return run([self.exe, "--home", home, "sync", name])


def median_run(fn, runs):
    times, rss = [], []
    for _ in range(runs):
        t, r = fn()
        times.append(t)
        rss.append(r)
    return statistics.median(times), max(rss)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="100k rows, one run each (CI smoke)")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sluicectl", default=os.path.join(ROOT, "build", "dev", "app", "sluicectl"))
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()
    rows = 100_000 if args.quick else args.rows
    runs = 1 if args.quick else args.runs
    work = tempfile.mkdtemp(prefix="sluice-bench-")
    results = []

    def record(case, seconds, rss, n, ratio_label="", ratio=None, target=""):
        results.append((case, seconds, n / seconds if seconds else 0, rss, ratio_label, ratio, target))

    try:
        csv_path, jsonl_path = os.path.join(work, "data.csv"), os.path.join(work, "data.jsonl")
        upd_csv, upd_jsonl = os.path.join(work, "upd.csv"), os.path.join(work, "upd.jsonl")
        generate(csv_path, jsonl_path, rows)
        s = Sluice(os.path.abspath(args.sluicectl), work)

        # 1. CSV -> SQLite against sqlite3 .import into a typed table.
        def sqlite_import():
            db = os.path.join(work, "ref.sqlite")
            if os.path.exists(db):
                os.remove(db)
            script = ("CREATE TABLE t(id INTEGER, name TEXT, email TEXT, age INTEGER, city TEXT, created_at TEXT, "
                      "updated_at TEXT, score REAL, active TEXT, notes TEXT);\n"
                      f".import --csv --skip 1 {csv_path} t\n")
            with tempfile.TemporaryFile() as f:
                f.write(script.encode())
                f.seek(0)
                return run(["sqlite3", db], stdin=f)

        def sluice_csv():
            home = s.fresh("csv", {"type": "file", "config": {"path": csv_path}},
                           [{"name": "data", "sync_mode": "full_refresh", "destination_sync_mode": "append"}])
            return s.sync(home, "csv")

        ref_t, ref_rss = median_run(sqlite_import, runs)
        t, rss = median_run(sluice_csv, runs)
        record("sqlite3 .import (reference)", ref_t, ref_rss, rows)
        record("CSV -> SQLite (sluice)", t, rss, rows, "sluice / sqlite3", t / ref_t, "<= 1.0")

        # 2. JSONL -> SQLite against sqlite-utils insert --nl.
        def sqlite_utils():
            db = os.path.join(work, "ref2.sqlite")
            if os.path.exists(db):
                os.remove(db)
            return run(["sqlite-utils", "insert", db, "t", jsonl_path, "--nl"])

        def sluice_jsonl():
            home = s.fresh("jsonl", {"type": "file", "config": {"path": jsonl_path}},
                           [{"name": "data", "sync_mode": "full_refresh", "destination_sync_mode": "append"}])
            return s.sync(home, "jsonl")

        if shutil.which("sqlite-utils"):
            ref_t, ref_rss = median_run(sqlite_utils, 1)
            record("sqlite-utils insert --nl (reference)", ref_t, ref_rss, rows)
        else:
            ref_t = None
        t, rss = median_run(sluice_jsonl, runs)
        record("JSONL -> SQLite (sluice)", t, rss, rows, "sqlite-utils / sluice", ref_t / t if ref_t else None, ">= 8")

        # 3. An Airbyte-protocol connector printing RECORD lines -> SQLite.
        records = os.path.join(work, "records.jsonl")
        with open(jsonl_path) as src, open(records, "w") as out:
            for line in src:
                out.write('{"type":"RECORD","record":{"stream":"data","emitted_at":1700000000000,"data":'
                          + line.rstrip("\n") + "}}\n")
        catalog = {"type": "CATALOG", "catalog": {"streams": [{"name": "data", "json_schema": {
            "type": "object", "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"},
                "age": {"type": "integer"}, "city": {"type": "string"}, "created_at": {"type": "string"},
                "updated_at": {"type": "string"}, "score": {"type": "number"}, "active": {"type": "boolean"},
                "notes": {"type": "string"}}}, "supported_sync_modes": ["full_refresh"]}]}}
        connector = os.path.join(work, "connector.sh")
        with open(connector, "w") as f:
            f.write("#!/bin/sh\ncase \"$1\" in\n"
                    "  spec) echo '{\"type\":\"SPEC\",\"spec\":{\"connectionSpecification\":{}}}' ;;\n"
                    "  check) echo '{\"type\":\"CONNECTION_STATUS\",\"connectionStatus\":{\"status\":\"SUCCEEDED\"}}' ;;\n"
                    f"  discover) echo '{json.dumps(catalog)}' ;;\n"
                    f"  read) cat '{records}' ;;\n"
                    "esac\n")
        os.chmod(connector, 0o755)

        def sluice_airbyte():
            home = s.fresh("airbyte", {"type": "airbyte", "config": {"command": [connector]}},
                           [{"name": "data", "sync_mode": "full_refresh", "destination_sync_mode": "append"}])
            return s.sync(home, "airbyte")

        t, rss = median_run(sluice_airbyte, runs)
        record("airbyte connector -> SQLite (sluice)", t, rss, rows, "records/s", rows / t, ">= 150k")

        # 4. Incremental append + dedupe: all rows, then an update of every row.
        generate(upd_csv, upd_jsonl, rows, update=True)
        live = os.path.join(work, "live.csv")

        def dedupe_pair():
            shutil.copy(csv_path, live)
            home = s.fresh("dedupe", {"type": "file", "config": {"path": live}},
                           [{"name": "live", "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
                             "cursor_field": ["updated_at"], "primary_key": [["id"]]}])
            first = s.sync(home, "dedupe")
            shutil.copy(upd_csv, live)
            second = s.sync(home, "dedupe")
            return first, second

        pairs = [dedupe_pair() for _ in range(runs)]
        first = statistics.median(p[0][0] for p in pairs)
        second = statistics.median(p[1][0] for p in pairs)
        record("dedupe: first sync (sluice)", first, max(p[0][1] for p in pairs), rows)
        record("dedupe: update every key (sluice)", second, max(p[1][1] for p in pairs), rows,
               "second / first", second / first, "<= 1.5")

        # 5. Memory: peak RSS for 5x the rows within 1.2x of 1x.
        big_csv = os.path.join(work, "big.csv")
        with open(big_csv, "w") as out, open(csv_path) as src:
            header = src.readline()
            out.write(header)
            body = src.read()
            lines = body.splitlines(keepends=True)
            for k in range(5):
                for line in lines:
                    comma = line.index(",")
                    out.write(str(int(line[:comma]) + k * rows) + line[comma:])

        def sluice_big():
            home = s.fresh("big", {"type": "file", "config": {"path": big_csv}},
                           [{"name": "big", "sync_mode": "full_refresh", "destination_sync_mode": "append"}])
            return s.sync(home, "big")

        _, rss1 = sluice_csv()
        tb, rss5 = sluice_big()
        record(f"memory: {rows} rows", 0, rss1, rows)
        record(f"memory: {5 * rows} rows", tb, rss5, 5 * rows, "RSS 5x / 1x", rss5 / rss1, "<= 1.2, < 200 MB")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(f"\nSluice benchmarks: {rows} rows, median of {runs} run(s), {os.cpu_count()} cores")
    print(f"{'case':42} {'seconds':>8} {'records/s':>11} {'peak RSS MB':>12}  {'ratio':>22} {'target':>16}")
    for case, sec, rps, rss, label, ratio, target in results:
        r = "" if ratio is None else (f"{label} = {ratio:,.0f}" if label == "records/s" else f"{label} = {ratio:.2f}")
        print(f"{case:42} {sec:8.2f} {rps:11,.0f} {rss:12.1f}  {r:>22} {target:>16}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
