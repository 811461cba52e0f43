"""Helpers of bench.py: deterministic data, timed runs with a child's own peak RSS, a throwaway PostgreSQL."""
import glob
import json
import os
import pwd
import resource
import shutil
import socket
import subprocess
import tempfile
import time

COLUMNS = ["id", "name", "email", "age", "city", "created_at", "updated_at", "score", "active", "notes"]
CITIES = ["Lyon", "Porto", "Oslo", "Kyoto", "Quito", "Accra", "Perth", "Turin", "Cork", "Hanoi"]
WORDS = ["river", "gate", "stone", "amber", "delta", "north", "quiet", "swift", "cedar", "ember", "lumen"]
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def generate(path_csv, path_jsonl, rows, seed=42, update=False):
    """Deterministic rows; update=True gives the same ids with later updated_at and other values."""
    import random
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


def repeat_csv(src_path, dst_path, rows, times):
    """The CSV `times` over with ids shifted, streamed line by line (the harness itself stays small)."""
    with open(dst_path, "w") as out, open(src_path) as src:
        out.write(src.readline())
        start = src.tell()
        for k in range(times):
            src.seek(start)
            for line in src:
                comma = line.index(",")
                out.write(str(int(line[:comma]) + k * rows) + line[comma:])


class Measured:
    def __init__(self, seconds, rss_mb, cpu_s, stdout=""):
        self.seconds, self.rss_mb, self.cpu_s, self.stdout = seconds, rss_mb, cpu_s, stdout


def run(cmd, cwd=None, stdin=None, env=None, capture=False):
    """Runs a command: wall seconds, the command's own peak RSS, CPU seconds (user + system, with children).

    A child forked from this (large) Python process reports the parent's resident pages as its own peak
    (the kernel records the pre-exec image), so GNU time, a small process, measures the RSS when present."""
    rss_file = None
    full = list(cmd)
    if GNU_TIME:
        fd, rss_file = tempfile.mkstemp(prefix="sluice-bench-rss-")
        os.close(fd)
        full = [GNU_TIME, "-q", "-f", "%M", "-o", rss_file] + full
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(full, cwd=cwd, stdin=stdin, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env)
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    try:
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {err.decode(errors='replace')[-2000:]}")
        rss = after.ru_maxrss / 1024.0  # without GNU time: an upper bound (see above)
        if rss_file:
            with open(rss_file) as f:
                numbers = [w for w in f.read().split() if w.isdigit()]
            rss = int(numbers[-1]) / 1024.0 if numbers else rss
    finally:
        if rss_file:
            os.remove(rss_file)
    return Measured(elapsed, rss, cpu, out.decode(errors="replace") if capture else "")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """A throwaway PostgreSQL on loopback, as the tests' PgServer: initdb and pg_ctl from the newest
    /usr/lib/postgresql/*/bin (else PATH), run as the `postgres` user when we are root."""

    def __init__(self):
        self.dir = None
        self.port = None
        self.bin = None
        self.running = False

    def _cmd(self, binary, *args):
        cmd = [os.path.join(self.bin, binary), *args]
        # Only the server refuses root; psql runs as us, so that it can read our files for \copy.
        return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 and binary != "psql" else cmd

    def _run(self, binary, *args, timeout=120):
        p = subprocess.run(self._cmd(binary, *args), cwd=self.dir, capture_output=True, text=True, timeout=timeout)
        if p.returncode != 0:
            raise RuntimeError(f"{binary} failed: {(p.stdout + p.stderr)[-1500:]}")
        return p.stdout

    def start(self):
        """None when running, else why it cannot run (the case is then reported as skipped)."""
        dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: float(d.split("/")[-2]), reverse=True)
        dirs = [d for d in dirs if os.access(os.path.join(d, "initdb"), os.X_OK)]
        if dirs:
            self.bin = dirs[0]
        elif shutil.which("initdb") and shutil.which("pg_ctl"):
            self.bin = os.path.dirname(shutil.which("initdb"))
        else:
            return "no PostgreSQL server binaries (initdb, pg_ctl): install `postgresql`"
        self.dir = tempfile.mkdtemp(prefix="sluice-bench-pg-")
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                return "running as root and there is no `postgres` user to run the server"
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        data = os.path.join(self.dir, "data")
        try:
            self._run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync")
            for _ in range(3):  # another process may take the port first
                self.port = free_port()
                try:
                    self._run("pg_ctl", "-D", data, "-l", os.path.join(self.dir, "server.log"), "-w", "-t", "60",
                              "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1", "start")
                    self.running = True
                    break
                except RuntimeError as e:
                    error = str(e)
            if not self.running:
                return f"the server did not start: {error}"
        except (RuntimeError, subprocess.TimeoutExpired, OSError) as e:
            return f"the server did not start: {e}"
        return None

    def psql(self, sql, database="postgres"):
        return self._run("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
                         "-U", "postgres", "-d", database, "-c", sql)

    def psql_cmd(self, sql, database):
        return self._cmd("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
                         "-U", "postgres", "-d", database, "-c", sql)

    def stop(self):
        if self.running:
            try:
                self._run("pg_ctl", "-D", os.path.join(self.dir, "data"), "-m", "immediate", "-w", "stop")
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
            self.running = False
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
