#!/usr/bin/env python3
"""A fake Airbyte-protocol source for Sluice's tests, standard library only.

Speaks `spec`, `check --config`, `discover --config` and `read --config --catalog [--state]` like a real
connector image. Its behaviour comes from its config (all keys optional):

  streams           [{"name", "namespace"?, "count"}]   records per stream (default users/orders, 10 each)
  checkpoint_every  N      a state after every N records of a stream (0: only at the end)
  state_mode        "stream" | "global" | "legacy"
  stream_status     emit STARTED/COMPLETE stream statuses (default true)
  fail_after        N      exit 1 without a trace after N records in this run
  garbage_line      print a line that is not JSON before the records
  trace_error       {"failure_type", "message"}: emit a TRACE ERROR after the records and exit 1
  undeclared_record emit a record for stream "ghost" first
  sleep_after       N      sleep forever after N records (-1: never)
  sleep_in          "check" | "discover": sleep forever in that command, printing nothing (a hung connector)
  ignore_sigterm    ignore SIGTERM (only SIGKILL stops it)
  stderr_bytes      N      write N bytes to stderr before the records
  bad_value         the first record of each stream has a score that is not a number
  exit_code         exit status after a normal run (default 0)
  check_error       CONNECTION_STATUS FAILED with this message
  check_crash       crash in check (traceback on stderr, exit 2)
  pid_file          write the process id here
  pid_dir           write the process id to <pid_dir>/<command>.pid (one file per command)
  hang_in           "check" | "discover" | "read": sleep forever at the start of that command,
                    printing nothing
  sleep_once_marker with sleep_after: sleep only while this file does not exist (the sleeping run creates
                    it), so a retried attempt runs to its end
  child_pid_file    start a `sleep` child process (as a shell wrapper would) and write its pid here
                    ("{command}" in the path is replaced by the command)
  dump_dir          copy the catalog and state files there, and the config folder's mode
  raw_lines         base64 strings written to stdout as raw bytes (one line each) before the records
  huge_name         N      the first record of each stream has a name of N characters
  odd_bytes         names end with the byte E9 and meta tags hold a lone FF (not UTF-8), and states
                    carry the last name: what a connector that writes Latin-1 prints
  leak_secret       print config["password"] on stderr and in a LOG message, as careless connectors do
  password          ignored (a secret for the secrets tests)
"""
import base64
import json
import os
import signal
import stat
import sys
import time

SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": ["null", "integer"]},
        "name": {"type": ["null", "string"]},
        "score": {"type": ["null", "number"]},
        "active": {"type": ["null", "boolean"]},
        "meta": {"type": ["null", "object"]},
        "updated_at": {"type": ["null", "string"]},
    },
}

out = sys.stdout


ODD_BYTES = False


def emit(msg):
    if not ODD_BYTES:
        out.write(json.dumps(msg, separators=(",", ":")) + "\n")
        return
    # Lone surrogates (\udce9) stand for raw bytes: written as such, they make the line not UTF-8.
    out.flush()
    line = json.dumps(msg, separators=(",", ":"), ensure_ascii=False) + "\n"
    sys.stdout.buffer.write(line.encode("utf-8", "surrogateescape"))
    sys.stdout.buffer.flush()


def now_ms():
    return int(time.time() * 1000)


def arg(name):
    argv = sys.argv
    return argv[argv.index(name) + 1] if name in argv else None


def load_json(path):
    with open(path) as f:
        return json.load(f)


def streams_of(config):
    return config.get("streams", [{"name": "users", "count": 10}, {"name": "orders", "count": 10}])


def descriptor(s):
    d = {"name": s["name"]}
    if s.get("namespace"):
        d["namespace"] = s["namespace"]
    return d


def spec():
    emit({"type": "SPEC", "spec": {"connectionSpecification": {
        "type": "object", "properties": {"streams": {"type": "array"}, "api_key": {"type": "string", "airbyte_secret": True}}}}})


def check(config):
    if config.get("check_crash"):
        sys.stderr.write("Traceback (most recent call last):\n  File \"fake\", line 1\nRuntimeError: boom in check\n")
        sys.exit(2)
    if config.get("check_error"):
        emit({"type": "CONNECTION_STATUS", "connectionStatus": {"status": "FAILED", "message": config["check_error"]}})
    else:
        emit({"type": "CONNECTION_STATUS", "connectionStatus": {"status": "SUCCEEDED"}})


def discover(config):
    streams = []
    for s in streams_of(config):
        st = dict(descriptor(s), json_schema=SCHEMA, supported_sync_modes=["full_refresh", "incremental"],
                  source_defined_cursor=True, default_cursor_field=["id"], source_defined_primary_key=[["id"]])
        streams.append(st)
    emit({"type": "LOG", "log": {"level": "INFO", "message": "discovering"}})
    emit({"type": "CATALOG", "catalog": {"streams": streams}})


def key(d):
    return (d["name"], d.get("namespace") or "")


def start_cursors(state):
    """Where each stream resumes: {(name, namespace): last id}."""
    cursors = {}
    if state is None:
        return cursors
    if isinstance(state, dict):  # a legacy state file is the data object itself
        return {(k, ""): v for k, v in state.items()}
    for msg in state:
        if msg.get("type") == "STREAM":
            cursors[key(msg["stream"]["stream_descriptor"])] = msg["stream"]["stream_state"]["cursor"]
        elif msg.get("type") == "GLOBAL":
            for st in msg["global"]["stream_states"]:
                cursors[key(st["stream_descriptor"])] = st["stream_state"]["cursor"]
        else:
            for k, v in msg.get("data", {}).items():
                cursors[(k, "")] = v
    return cursors


def read(config, catalog, state):
    global ODD_BYTES
    ODD_BYTES = bool(config.get("odd_bytes"))
    last_names = {}
    mode = config.get("state_mode", "stream")
    every = config.get("checkpoint_every", 0)
    statuses = config.get("stream_status", True)
    fail_after = config.get("fail_after")
    sleep_after = config.get("sleep_after", -1)
    cursors = start_cursors(state)
    counts = {key(descriptor(s)): s.get("count", 10) for s in streams_of(config)}
    configured = [c["stream"] for c in catalog["streams"]]
    emitted = 0

    def checkpoint(d):
        if mode == "global":
            emit({"type": "STATE", "state": {"type": "GLOBAL", "global": {
                "shared_state": {"emitted_before": sum(cursors.values())},
                "stream_states": [{"stream_descriptor": descriptor(c), "stream_state": {"cursor": cursors.get(key(c), 0)}}
                                  for c in configured]}}})
        elif mode == "legacy":
            emit({"type": "STATE", "state": {"data": {c["name"]: cursors.get(key(c), 0) for c in configured}}})
        else:
            stream_state = {"cursor": cursors.get(key(d), 0)}
            if ODD_BYTES:
                stream_state["last_name"] = last_names.get(key(d), "")
            emit({"type": "STATE", "state": {"type": "STREAM", "stream": {
                "stream_descriptor": descriptor(d), "stream_state": stream_state}}})

    if config.get("garbage_line"):
        out.write("Starting fake source (this line is not JSON)\n")
    for raw in config.get("raw_lines", []):
        out.flush()
        sys.stdout.buffer.write(base64.b64decode(raw) + b"\n")
        sys.stdout.buffer.flush()
    if config.get("undeclared_record"):
        emit({"type": "RECORD", "record": {"stream": "ghost", "data": {"id": 1}, "emitted_at": now_ms()}})
    for c in configured:
        k = key(c)
        d = descriptor(c)
        if statuses:
            emit({"type": "TRACE", "trace": {"type": "STREAM_STATUS", "emitted_at": now_ms(),
                                             "stream_status": {"stream_descriptor": d, "status": "STARTED"}}})
        first = cursors.get(k, 0) + 1
        total = counts.get(k, 0)
        emit({"type": "TRACE", "trace": {"type": "ESTIMATE", "emitted_at": now_ms(), "estimate": dict(
            d, type="STREAM", row_estimate=max(0, total - first + 1),
            byte_estimate=100 * max(0, total - first + 1))}})
        for i in range(first, total + 1):
            if emitted == fail_after:
                out.flush()
                sys.stderr.write("fake source: failing on purpose after %d records\n" % emitted)
                sys.exit(1)
            if emitted == sleep_after:
                out.flush()
                if not slept_before(config):
                    sleep_forever()
            score = "not a number" if config.get("bad_value") and i == first else i * 1.5
            name = "x" * config["huge_name"] if config.get("huge_name") and i == first else "%s-%d" % (c["name"], i)
            tags = ["a", "b\udcff"] if ODD_BYTES else ["a", "b"]
            if ODD_BYTES:
                name += "\udce9"
                last_names[k] = name
            data = {"id": i, "name": name, "score": score, "active": i % 2 == 0,
                    "meta": {"n": i, "tags": tags}, "updated_at": "2024-01-01T00:00:00Z", "extra_field": "x"}
            rec = {"stream": c["name"], "data": data, "emitted_at": now_ms()}
            if c.get("namespace"):
                rec["namespace"] = c["namespace"]
            emit({"type": "RECORD", "record": rec})
            emitted += 1
            cursors[k] = i
            if every and i % every == 0:
                checkpoint(d)
        checkpoint(d)
        if statuses:
            emit({"type": "TRACE", "trace": {"type": "STREAM_STATUS", "emitted_at": now_ms(),
                                             "stream_status": {"stream_descriptor": d, "status": "COMPLETE"}}})
    if config.get("trace_error"):
        err = config["trace_error"]
        emit({"type": "TRACE", "trace": {"type": "ERROR", "emitted_at": now_ms(), "error": {
            "message": err.get("message", "failed"), "internal_message": "internal detail",
            "failure_type": err.get("failure_type", "system_error")}}})
        out.flush()
        sys.exit(1)
    emit({"type": "LOG", "log": {"level": "INFO", "message": "read %d records" % emitted}})
    out.flush()
    sys.exit(config.get("exit_code", 0))


def sleep_forever():
    while True:
        time.sleep(3600)


def slept_before(config):
    """Whether an earlier run slept already; the marker is created once everything before is printed."""
    marker = config.get("sleep_once_marker")
    if not marker:
        return False
    if os.path.exists(marker):
        return True
    open(marker, "w").close()
    return False


def write_pids(config, command):
    if config.get("pid_file"):
        with open(config["pid_file"], "w") as f:
            f.write(str(os.getpid()))
    if config.get("pid_dir"):
        with open(os.path.join(config["pid_dir"], "%s.pid" % command), "w") as f:
            f.write(str(os.getpid()))
    if config.get("child_pid_file"):
        import subprocess
        child = subprocess.Popen(["sleep", "3600"])
        with open(config["child_pid_file"].replace("{command}", command), "w") as f:
            f.write(str(child.pid))


def dump(config, argv):
    folder = config.get("dump_dir")
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    cfg = arg("--config")
    info = {"argv": argv[1:]}
    if cfg:
        info["config_dir_mode"] = oct(stat.S_IMODE(os.stat(os.path.dirname(cfg)).st_mode))
        info["config_file_mode"] = oct(stat.S_IMODE(os.stat(cfg).st_mode))
    for name in ("--catalog", "--state"):
        path = arg(name)
        if path:
            with open(path) as f:
                info[name[2:]] = f.read()
    with open(os.path.join(folder, "%s.json" % argv[1]), "w") as f:
        json.dump(info, f)


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "spec":
        spec()
        return
    config = load_json(arg("--config")) if arg("--config") else {}
    write_pids(config, command)
    if config.get("hang_in") == command:
        sleep_forever()
    if config.get("ignore_sigterm"):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if config.get("stderr_bytes"):
        line = "x" * 99 + "\n"
        for _ in range(config["stderr_bytes"] // 100):
            sys.stderr.write(line)
        sys.stderr.flush()
    dump(config, sys.argv)
    if config.get("leak_secret"):
        sys.stderr.write("fake source: connecting with password %s\n" % config.get("password"))
        sys.stderr.flush()
        emit({"type": "LOG", "log": {"level": "WARN", "message": "password is %s" % config.get("password")}})
    if config.get("sleep_in") == command:
        while True:
            time.sleep(3600)
    if command == "check":
        check(config)
    elif command == "discover":
        discover(config)
    elif command == "read":
        state = load_json(arg("--state")) if arg("--state") else None
        read(config, load_json(arg("--catalog")), state)
    else:
        sys.stderr.write("unknown command %r\n" % command)
        sys.exit(2)


if __name__ == "__main__":
    main()
