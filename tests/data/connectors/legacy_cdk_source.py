#!/usr/bin/env python3
"""An Airbyte source written the way older Python CDKs and the JavaScript CDKs write them, for Sluice's tests.

It keeps LEGACY state: `{"type": "STATE", "state": {"data": {stream: {"updated_at": ...}}}}`, and reads the
`--state` file back as that same object, by stream name. It prints no stream statuses: a stream is done when
the process exits 0. Records come from a JSON file the test edits between syncs:
{"users": [{"id": 1, "name": "a", "updated_at": "2024-01-01"}, ...], ...}; a record is read when its
`updated_at` is after the stream's cursor.

Config (see spec()): data_file, api_token and passphrase (secrets), token_file (when set, the token must equal its content,
and each read rotates it: a new token is written there and sent in a CONTROL message, with `rotations` counted
up; when the file `fail_after_rotation` names exists, the read fails right after), start_date, page_size,
region, credentials. `dump_dir` copies the config and state files it was given.
"""
import json
import os
import sys
import time

SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": ["null", "string"]},
        "updated_at": {"type": "string"},
    },
}

SPEC = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["data_file", "api_token"],
    "additionalProperties": True,
    "properties": {
        "data_file": {"type": "string", "title": "Data file"},
        "api_token": {"type": "string", "airbyte_secret": True},
        "passphrase": {"type": "string", "airbyte_secret": True},
        "token_file": {"type": "string"},
        "rotations": {"type": "integer"},
        "fail_after_rotation": {"type": "string"},
        "start_date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        "page_size": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
        "region": {"type": "string", "enum": ["eu", "us"], "default": "eu"},
        "credentials": {
            "type": "object",
            "oneOf": [
                {"title": "Token", "required": ["auth_type", "token"],
                 "properties": {"auth_type": {"type": "string", "const": "token"},
                                "token": {"type": "string", "airbyte_secret": True}}},
                {"title": "OAuth", "required": ["auth_type", "client_id", "client_secret"],
                 "properties": {"auth_type": {"type": "string", "const": "oauth"},
                                "client_id": {"type": "string"},
                                "client_secret": {"type": "string", "airbyte_secret": True}}},
            ],
        },
        "dump_dir": {"type": "string"},
    },
}


def emit(msg):
    sys.stdout.write(json.dumps(msg) + "\n")
    sys.stdout.flush()


def arg(name):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else None


def load(path):
    with open(path) as f:
        return json.load(f)


def fail(message):
    emit({"type": "TRACE", "trace": {"type": "ERROR", "emitted_at": time.time() * 1000,
                                     "error": {"message": message, "failure_type": "config_error"}}})
    sys.exit(1)


def authenticate(config):
    path = config.get("token_file")
    if not path:
        return
    with open(path) as f:
        valid = f.read().strip()
    if config.get("api_token") != valid:
        fail("the API token was refused (it was rotated?)")


def rotate(config):
    """What a connector with single-use refresh tokens does: the old token is spent, the new one reported."""
    path = config.get("token_file")
    if not path:
        return
    new = "token-%d" % (int(open(path).read().strip().rsplit("-", 1)[-1]) + 1)
    with open(path, "w") as f:
        f.write(new)
    updated = dict(config, api_token=new, rotations=config.get("rotations", 0) + 1)
    emit({"type": "CONTROL", "control": {"type": "CONNECTOR_CONFIG", "emitted_at": time.time() * 1000,
                                         "connectorConfig": {"config": updated}}})
    if config.get("fail_after_rotation") and os.path.exists(config["fail_after_rotation"]):
        emit({"type": "TRACE", "trace": {"type": "ERROR", "emitted_at": time.time() * 1000,
                                         "error": {"message": "failed after the rotation",
                                                   "failure_type": "system_error"}}})
        sys.exit(1)


def dump(config, name, path):
    folder = config.get("dump_dir")
    if folder and path:
        with open(path) as src, open(os.path.join(folder, name), "w") as dst:
            dst.write(src.read())


def main():
    command = sys.argv[1]
    if command == "spec":
        emit({"type": "SPEC", "spec": {"documentationUrl": "https://example.com", "connectionSpecification": SPEC}})
        return
    config = load(arg("--config"))
    dump(config, command + "-config.json", arg("--config"))
    if command == "check":
        authenticate(config)
        emit({"type": "CONNECTION_STATUS", "connectionStatus": {"status": "SUCCEEDED"}})
        return
    data = load(config["data_file"])
    if command == "discover":
        emit({"type": "CATALOG", "catalog": {"streams": [
            {"name": name, "json_schema": SCHEMA, "supported_sync_modes": ["full_refresh", "incremental"],
             "source_defined_cursor": True, "default_cursor_field": ["updated_at"],
             "source_defined_primary_key": [["id"]]} for name in data]}})
        return
    authenticate(config)
    state = load(arg("--state")) if arg("--state") else {}
    dump(config, "state.json", arg("--state"))
    if not isinstance(state, dict):
        fail("the state file is not an object: this connector reads only LEGACY state")
    catalog = load(arg("--catalog"))
    cursors = {name: s.get("updated_at") for name, s in state.items()}
    for configured in catalog["streams"]:
        name = configured["stream"]["name"]
        incremental = configured["sync_mode"] == "incremental"
        cursor = cursors.get(name) if incremental else None
        for row in sorted(data.get(name, []), key=lambda r: r["updated_at"]):
            if cursor is not None and row["updated_at"] <= cursor:
                continue
            emit({"type": "RECORD", "record": {"stream": name, "data": row, "emitted_at": int(time.time() * 1000)}})
            cursors[name] = row["updated_at"]
        # The whole connection's state in one object, as the older CDKs checkpoint.
        emit({"type": "STATE", "state": {"data": {k: {"updated_at": v} for k, v in cursors.items() if v}}})
    rotate(config)


if __name__ == "__main__":
    main()
