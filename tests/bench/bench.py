#!/usr/bin/env python3
"""Sluice benchmarks: wall time, CPU time, records/s and peak RSS of sluicectl against reference tools run in the
same invocation (sqlite3's .import, sqlite-utils, psql's \\copy), printed as a table with the ratios the
performance targets use, then the GUI figures of bench_gui when it is built.

    python3 tests/bench/bench.py [--quick] [--rows N] [--runs K] [--sluicectl PATH] [--bench-gui PATH]

Timing is reported, never asserted: the machines are noisy, ratios within one run are what count. Each
reference run alternates with the Sluice run it is compared with, so that a change of load hits both.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

from bench_support import GNU_TIME, PgServer, generate, repeat_csv, run

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
def append(stream):
    """Full refresh | Append of one stream (a file source names its stream after the file)."""
    return [{"name": stream, "sync_mode": "full_refresh", "destination_sync_mode": "append"}]


def dedupe(stream):
    """Incremental | Append + Dedupe of one stream keyed by id, with updated_at as its cursor."""
    return [{"name": stream, "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
             "cursor_field": ["updated_at"], "primary_key": [["id"]]}]


class Sluice:
    def __init__(self, exe, work):
        self.exe = exe
        self.work = work

    def fresh(self, name, source, streams, destination=None):
        """A new home with one connection `name`; its SQLite destination file is new too."""
        home = os.path.join(self.work, name + ".home")
        shutil.rmtree(home, ignore_errors=True)
        if destination is None:
            dest_path = os.path.join(self.work, name + ".out.sqlite")
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(dest_path + suffix):
                    os.remove(dest_path + suffix)
            destination = {"type": "sqlite", "config": {"path": dest_path}}
        conn = {"name": name, "source": source, "destination": destination, "streams": streams,
                "settings": {"retry": {"max_attempts": 1}}}
        path = os.path.join(self.work, name + ".json")
        with open(path, "w") as f:
            json.dump(conn, f)
        run([self.exe, "--home", home, "connection", "create", path])
        return home

    def sync(self, home, name, expect=None):
        """Times one sync; a sync that committed other than `expect` records is an error, not a figure."""
        m = run([self.exe, "--home", home, "sync", name, "--json"], capture=True)
        committed = json.loads(m.stdout).get("records_committed")
        if expect is not None and committed != expect:
            raise RuntimeError(f"sync of {name} committed {committed} records, expected {expect}")
        return m


def median(measured):
    """The median run's wall and CPU time, and the largest peak RSS."""
    return (statistics.median(m.seconds for m in measured), statistics.median(m.cpu_s for m in measured),
            max(m.rss_mb for m in measured))


class Table:
    def __init__(self):
        self.rows = []

    def add(self, case, measured, n, label="", ratio=None, target="", met=None):
        wall, cpu, rss = median(measured) if measured else (0, 0, 0)
        self.rows.append((case, wall, cpu, n / wall if wall else 0, rss, label, ratio, target, met))

    def skip(self, case, why, target=""):
        self.rows.append((case, None, None, None, None, "skipped: " + why, None, target, None))

    def print(self, rows, runs):
        print(f"\nSluice benchmarks: {rows} rows, median of {runs} run(s), {os.cpu_count()} cores"
              + ("" if GNU_TIME else " (no /usr/bin/time: RSS is an upper bound)"))
        print(f"{'case':40} {'wall s':>7} {'cpu s':>7} {'records/s':>10} {'RSS MB':>7}  {'ratio':>26} "
              f"{'target':>16} {'met':>4}")
        for case, wall, cpu, rps, rss, label, ratio, target, met in self.rows:
            if wall is None:
                print(f"{case:40} {label}")
                continue
            r = "" if ratio is None else (f"{label} = {ratio:,.0f}" if label == "records/s" else f"{label} = {ratio:.2f}")
            ok = "" if met is None else ("yes" if met else "NO")
            print(f"{case:40} {wall:7.2f} {cpu:7.2f} {rps:10,.0f} {rss:7.1f}  {r:>26} {target:>16} {ok:>4}")


def bench_gui(args, work, csv_path, rows):
    """bench_gui's figures (target 7), or the reason there are none."""
    exe = args.bench_gui or os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(args.sluicectl))),
                                         "tests", "bench", "bench_gui")
    if not os.access(exe, os.X_OK):
        return None, f"no bench_gui at {exe} (build the bench_gui target)"
    env = dict(os.environ)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    home = os.path.join(work, "gui-window.home")
    run([exe, "prepare", "--home", home, "--connections", "100", "--jobs", "10000"], env=env)
    window = [run([exe, "window", "--home", home], env=env, capture=True) for _ in range(3)]
    shown = statistics.median(json.loads(w.stdout)["window_exposed_ms"] for w in window)
    filled = statistics.median(json.loads(w.stdout)["list_filled_ms"] for w in window)
    stall = run([exe, "stall", "--home", os.path.join(work, "gui-stall.home"), "--csv", csv_path], env=env,
                capture=True)
    return {"shown": shown, "filled": filled, "process": statistics.median(w.seconds for w in window),
            "stall": json.loads(stall.stdout), "rows": rows}, None


def print_gui(gui, why):
    print("\nGUI (bench_gui; 100 connections, 10,000 jobs for the window; the CSV sync for stalls)")
    if gui is None:
        print(f"  skipped: {why}")
        return
    s = gui["stall"]
    lines = [
        ("window exposed after main() (ms)", f"{gui['shown']:.0f}", "<= 1000", gui["shown"] <= 1000),
        ("connection list filled (ms)", f"{gui['filled']:.0f}", "<= 1000", gui["filled"] <= 1000),
        ("whole process, start to exit (s)", f"{gui['process']:.2f}", "", None),
        (f"event loop during a {gui['rows']:,}-row sync: p50 / p99 / max tick gap (ms)",
         f"{s['stall_p50_ms']:.1f} / {s['stall_p99_ms']:.1f} / {s['stall_max_ms']:.1f}", "p99 <= 30",
         s["stall_p99_ms"] <= 30),
        ("progress updates per second (max gap ms)", f"{s['progress_per_s']:.1f} ({s['progress_max_gap_ms']:.0f})",
         ">= 4", s["progress_per_s"] >= 4),
        ("sync status, seconds", f"{s['status']}, {s['sync_s']:.2f}", "", None),
    ]
    for label, value, target, met in lines:
        ok = "" if met is None else ("yes" if met else "NO")
        print(f"  {label:62} {value:>22} {target:>10} {ok:>4}")


class Ctx:
    """What every case needs: the generated files, sluicectl, the table, the sizes."""

    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.rows = 100_000 if args.quick else args.rows
        self.runs = 1 if args.quick else args.runs
        self.csv = os.path.join(work, "data.csv")
        self.jsonl = os.path.join(work, "data.jsonl")
        self.csv_source = {"type": "file", "config": {"path": self.csv}}
        self.s = Sluice(os.path.abspath(args.sluicectl), work)
        self.table = Table()

    def sluice_csv(self):
        return self.s.sync(self.s.fresh("csv", self.csv_source, append("data")), "csv", self.rows)


def bench_csv(c):
    """1. CSV -> SQLite against sqlite3 .import into a typed table."""
    def sqlite_import():
        db = os.path.join(c.work, "ref.sqlite")
        if os.path.exists(db):
            os.remove(db)
        script = ("CREATE TABLE t(id INTEGER, name TEXT, email TEXT, age INTEGER, city TEXT, created_at TEXT, "
                  "updated_at TEXT, score REAL, active TEXT, notes TEXT);\n"
                  f".import --csv --skip 1 {c.csv} t\n")
        with tempfile.TemporaryFile() as f:
            f.write(script.encode())
            f.seek(0)
            return run(["sqlite3", db], stdin=f)

    ref, mine = [], []
    for _ in range(c.runs):
        ref.append(sqlite_import())
        mine.append(c.sluice_csv())
    ratio = median(mine)[0] / median(ref)[0]
    c.table.add("sqlite3 .import (reference)", ref, c.rows)
    c.table.add("CSV -> SQLite (sluice)", mine, c.rows, "sluice / sqlite3", ratio, "<= 0.8", ratio <= 0.8)


def bench_jsonl(c):
    """2. JSONL -> SQLite against sqlite-utils insert --nl (slow: one run of it is enough)."""
    source = {"type": "file", "config": {"path": c.jsonl}}
    mine = [c.s.sync(c.s.fresh("jsonl", source, append("data")), "jsonl", c.rows) for _ in range(c.runs)]
    if not shutil.which("sqlite-utils"):
        c.table.add("JSONL -> SQLite (sluice)", mine, c.rows, "no sqlite-utils", None, ">= 12")
        return
    ref = [run(["sqlite-utils", "insert", os.path.join(c.work, "ref2.sqlite"), "t", c.jsonl, "--nl"])]
    ratio = median(ref)[0] / median(mine)[0]
    c.table.add("sqlite-utils insert --nl (reference)", ref, c.rows)
    c.table.add("JSONL -> SQLite (sluice)", mine, c.rows, "sqlite-utils / sluice", ratio, ">= 12", ratio >= 12)


def bench_airbyte(c):
    """3. An Airbyte-protocol connector printing RECORD lines (and no STATE) -> SQLite."""
    records = os.path.join(c.work, "records.jsonl")
    with open(c.jsonl) as src, open(records, "w") as out:
        for line in src:
            out.write('{"type":"RECORD","record":{"stream":"data","emitted_at":1700000000000,"data":'
                      + line.rstrip("\n") + "}}\n")
    props = {"id": "integer", "name": "string", "email": "string", "age": "integer", "city": "string",
             "created_at": "string", "updated_at": "string", "score": "number", "active": "boolean",
             "notes": "string"}
    catalog = {"type": "CATALOG", "catalog": {"streams": [{"name": "data", "json_schema": {
        "type": "object", "properties": {k: {"type": v} for k, v in props.items()}},
        "supported_sync_modes": ["full_refresh"]}]}}
    connector = os.path.join(c.work, "connector.sh")
    with open(connector, "w") as f:
        f.write("#!/bin/sh\ncase \"$1\" in\n"
                "  spec) echo '{\"type\":\"SPEC\",\"spec\":{\"connectionSpecification\":{}}}' ;;\n"
                "  check) echo '{\"type\":\"CONNECTION_STATUS\",\"connectionStatus\":{\"status\":\"SUCCEEDED\"}}' ;;\n"
                f"  discover) echo '{json.dumps(catalog)}' ;;\n"
                f"  read) cat '{records}' ;;\n"
                "esac\n")
    os.chmod(connector, 0o755)
    airbyte = {"type": "airbyte", "config": {"command": [connector]}}
    source = {"type": "file", "config": {"path": c.jsonl}}
    mine, file = [], []
    for _ in range(c.runs):  # alternating with the same rows from the file, which they are compared with
        mine.append(c.s.sync(c.s.fresh("airbyte", airbyte, append("data")), "airbyte", c.rows))
        file.append(c.s.sync(c.s.fresh("jsonl", source, append("data")), "jsonl", c.rows))
    rps = c.rows / median(mine)[0]
    c.table.add("airbyte connector -> SQLite (sluice)", mine, c.rows, "records/s", rps, ">= 400k", rps >= 400_000)
    ratio = median(mine)[0] / median(file)[0]
    c.table.add("  the same rows from the JSONL file", file, c.rows, "connector / file", ratio, "<= 1.3",
                ratio <= 1.3)


def bench_dedupe(c):
    """4. Incremental append + dedupe: all rows, then an update of every row."""
    upd_csv, upd_jsonl = os.path.join(c.work, "upd.csv"), os.path.join(c.work, "upd.jsonl")
    generate(upd_csv, upd_jsonl, c.rows, update=True)
    live = os.path.join(c.work, "live.csv")

    def dedupe_pair():
        shutil.copy(c.csv, live)
        home = c.s.fresh("dedupe", {"type": "file", "config": {"path": live}}, dedupe("live"))
        first = c.s.sync(home, "dedupe", c.rows)
        shutil.copy(upd_csv, live)
        return first, c.s.sync(home, "dedupe", c.rows), c.sluice_csv()

    runs = [dedupe_pair() for _ in range(c.runs)]
    first, second, plain = [r[0] for r in runs], [r[1] for r in runs], [r[2] for r in runs]
    ratio = median(first)[0] / median(plain)[0]
    c.table.add("  plain append of the same file", plain, c.rows)
    c.table.add("dedupe: first sync (sluice)", first, c.rows, "first / append", ratio, "<= 1.4", ratio <= 1.4)
    ratio = median(second)[0] / median(first)[0]
    c.table.add("dedupe: update every key (sluice)", second, c.rows, "second / first", ratio, "<= 1.3",
                ratio <= 1.3)


def bench_inspector(c):
    """7. The generation inspector on 2 generations of every row (a dedupe sync, then a retain refresh whose
    file lacks 1% of the keys, which become the stale rows): `generations` and `diff`."""
    live = os.path.join(c.work, "inspect.csv")
    shutil.copy(c.csv, live)
    home = c.s.fresh("inspect", {"type": "file", "config": {"path": live}}, dedupe("inspect"))
    c.s.sync(home, "inspect", c.rows)
    stale = c.rows // 100
    with open(c.csv) as src, open(live, "w") as out:
        for n, line in enumerate(src):
            if n == 0 or n > stale:
                out.write(line)
    run([c.s.exe, "--home", home, "refresh", "inspect", "--mode", "retain", "--yes"])
    gens, diffs = [], []
    for _ in range(c.runs):
        gens.append(run([c.s.exe, "--home", home, "generations", "inspect", "--stream", "inspect", "--json"],
                        capture=True))
        diffs.append(run([c.s.exe, "--home", home, "diff", "inspect", "--stream", "inspect", "--from", "0",
                          "--to", "1", "--json"], capture=True))
    report = json.loads(gens[0].stdout)
    if report["stale_records"] != stale:
        raise RuntimeError(f"generations reported {report['stale_records']} stale records, expected {stale}")
    removed = json.loads(diffs[0].stdout)["summary"]["removed"]
    if removed != stale:
        raise RuntimeError(f"diff reported {removed} removed records, expected {stale}")
    wall = median(gens)[0]
    c.table.add(f"generations, {stale:,} stale (sluice)", gens, 2 * c.rows, "seconds", wall, "<= 0.5", wall <= 0.5)
    wall = median(diffs)[0]
    c.table.add("diff of 2 generations (sluice)", diffs, 2 * c.rows, "seconds", wall, "<= 3", wall <= 3)
    c.table.skip("key history of one key", "there is no key history yet (issue 15)", "<= 0.2")


def bench_memory(c):
    """5. Memory: peak RSS for 5x the rows within 1.2x of 1x, and under 200 MB."""
    big_csv = os.path.join(c.work, "big.csv")
    repeat_csv(c.csv, big_csv, c.rows, 5)
    one = [c.sluice_csv()]
    big = {"type": "file", "config": {"path": big_csv}}
    five = [c.s.sync(c.s.fresh("big", big, append("big")), "big", 5 * c.rows)]
    os.remove(big_csv)
    ratio = five[0].rss_mb / one[0].rss_mb
    c.table.add(f"memory: {c.rows} rows (sluice)", one, c.rows)
    c.table.add(f"memory: {5 * c.rows} rows (sluice)", five, 5 * c.rows, "RSS 5x / 1x", ratio, "<= 1.2, < 200 MB",
                ratio <= 1.2 and five[0].rss_mb < 200)


CASES = ["csv", "jsonl", "airbyte", "dedupe", "inspector", "memory", "postgres", "gui"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="100k rows, one run each (CI smoke)")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sluicectl", default=os.path.join(ROOT, "build", "dev", "app", "sluicectl"))
    ap.add_argument("--bench-gui", default=None, help="bench_gui executable (default: next to sluicectl's build)")
    ap.add_argument("--cases", default=",".join(CASES), help="comma-separated subset of " + ",".join(CASES))
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()
    cases = [k for k in args.cases.split(",") if k]
    if any(k not in CASES for k in cases):
        ap.error("--cases takes " + ",".join(CASES))
    work = tempfile.mkdtemp(prefix="sluice-bench-")
    c = Ctx(args, work)
    gui, gui_why = None, "not selected"
    try:
        generate(c.csv, c.jsonl, c.rows)
        for name, case in [("csv", bench_csv), ("jsonl", bench_jsonl), ("airbyte", bench_airbyte),
                           ("dedupe", bench_dedupe), ("inspector", bench_inspector), ("memory", bench_memory),
                           ("postgres", bench_postgres)]:
            if name in cases:
                case(c)
        if "gui" in cases:
            gui, gui_why = bench_gui(args, work, c.csv, c.rows)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"work folder kept: {work}")

    c.table.print(c.rows, c.runs)
    if "gui" in cases:
        print_gui(gui, gui_why)
    return 0


def bench_postgres(c):
    """6. CSV -> PostgreSQL (COPY on loopback), when this sluicectl has the destination, against psql's \\copy."""
    s, table, csv_path, csv_source, rows, runs = c.s, c.table, c.csv, c.csv_source, c.rows, c.runs
    label = "CSV -> PostgreSQL COPY (sluice)"
    probe = s.fresh("pgprobe", csv_source, append("data"), {"type": "postgres", "config": {
        "host": "127.0.0.1", "port": 1, "database": "postgres", "user": "postgres"}})
    check = subprocess.run([s.exe, "--home", probe, "check", "pgprobe"], capture_output=True, text=True)
    if "destination type `postgres` is not available" in check.stdout + check.stderr:
        table.skip(label, "this sluicectl has no `postgres` destination", ">= 0.8")
        return
    server = PgServer()
    why = server.start()
    try:
        if why:
            table.skip(label, why, ">= 0.8")
            return
        ref, mine = [], []
        for r in range(runs):
            db = f"bench{r}"
            server.psql(f"CREATE DATABASE {db}")
            server.psql("CREATE TABLE t(id BIGINT, name TEXT, email TEXT, age BIGINT, city TEXT, created_at TEXT, "
                        "updated_at TEXT, score DOUBLE PRECISION, active BOOLEAN, notes TEXT)", db)
            ref.append(run(server.psql_cmd(f"\\copy t FROM '{csv_path}' WITH (FORMAT csv, HEADER true)", db)))
            dest = {"type": "postgres", "config": {"host": "127.0.0.1", "port": server.port, "database": db,
                                                    "user": "postgres", "schema": "public"}}
            try:
                mine.append(s.sync(s.fresh("pg", csv_source, append("data"), dest), "pg", rows))
            except RuntimeError as e:  # e.g. a build without the file source
                table.skip(label, str(e).strip().splitlines()[-1][:150], ">= 0.8")
                return
        ratio = median(ref)[0] / median(mine)[0]
        table.add("psql \\copy (reference)", ref, rows)
        table.add(label, mine, rows, "psql / sluice", ratio, ">= 0.8", ratio >= 0.8)
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
