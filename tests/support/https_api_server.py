#!/usr/bin/env python3
"""A paged JSON API over HTTPS (or plain HTTP) on 127.0.0.1 for the http source's tests.

Prints "port N" once it listens. Every request is appended to --log as one JSON line
({"method", "target", "headers" (names in lower case), "body"}), so a test can check what arrived.

Endpoints (all take total=N records, default 25; records are {"id", "name", "updated_at"}):
  GET /items?page=P&per_page=S        {"data": [...], "total": N}       page-number paging, from 1
  GET /offset?offset=O&limit=L        {"data": [...]}                    offset paging
  GET /cursor?cursor=C&limit=L        {"data": [...], "next": C2|null}   next token in the body
  GET /link?page=P&per_page=S         {"data": [...]} + Link rel="next"  Link header paging
  GET /oauth/items?...                like /items, but only with a bearer token from /oauth/token
  GET /redirect?to=URL&...            302 to URL, with the other query parameters appended
  POST /oauth/token                   client_credentials (sluice-client / client-s3cr3t) or refresh_token
                                      (rt-0 at first, rotated on every exchange); ?uses=K makes a token
                                      good for K requests only
  since=V                             only records whose updated_at >= V (an incremental read's cursor)

Faults: faults=KIND@PAGE[xCOUNT],... makes the first COUNT (default 1) requests for that page (1-based,
offset and cursor paging count pages too) of run=R fail as KIND:
  500, 503, 429   that status (503 and 429 with Retry-After: retry_after, default 1)
  cut             Content-Length of the whole body, half of it sent, the connection dropped
  cutclose        no Content-Length, half the body, the connection closed cleanly
  slow            the answer comes after slow_seconds (default 3)
  reset           the connection closed without an answer
"""
import argparse
import json
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
FAULT_COUNTS = {}
TOKENS = {}  # access token -> requests left (None: unlimited)
STATE = {"refresh": "rt-0", "issued": 0}
CLIENT_ID, CLIENT_SECRET = "sluice-client", "client-s3cr3t"


def record(i):
    return {"id": i, "name": "item %d" % i, "updated_at": "2024-01-01T%02d:%02d:00" % (i // 60, i % 60)}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real APIs do

    def log_message(self, *args):
        pass

    def record_request(self, body):
        entry = {"method": self.command, "target": self.path,
                 "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
        with LOCK, open(self.server.log_path, "a") as f:
            f.write(json.dumps(entry) + "\n")

    def send_json(self, status, obj, headers=()):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode()
        self.record_request(body)
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        form = dict(urllib.parse.parse_qsl(body))
        if url.path != "/oauth/token":
            return self.send_json(404, {"error": "not_found"})
        grant = form.get("grant_type")
        answer = {}
        with LOCK:
            if grant == "client_credentials":
                ok = form.get("client_id") == CLIENT_ID and form.get("client_secret") == CLIENT_SECRET
            elif grant == "refresh_token":
                ok = form.get("refresh_token") == STATE["refresh"]
                if ok:
                    STATE["refresh"] = "rt-%d" % (STATE["issued"] + 1)
                    answer["refresh_token"] = STATE["refresh"]
            else:
                ok = False
            if ok:
                STATE["issued"] += 1
                token = "at-%d-%s" % (STATE["issued"], "x" * 12)
                TOKENS[token] = int(q["uses"]) if "uses" in q else None
                answer.update({"access_token": token, "token_type": "bearer", "expires_in": 3600})
        if not ok:
            return self.send_json(401, {"error": "invalid_client", "error_description": "unknown client"})
        self.send_json(200, answer)

    def do_GET(self):
        self.record_request("")
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        total = int(q.get("total", "25"))
        ids = range(1, total + 1)
        if "since" in q:
            ids = [i for i in ids if record(i)["updated_at"] >= q["since"]]
        path = url.path
        if path == "/redirect":
            rest = urllib.parse.urlencode([(k, v) for k, v in q.items() if k != "to"])
            self.send_response(302)
            self.send_header("Location", q["to"] + ("&" if "?" in q["to"] else "?") + rest)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/oauth/items":
            auth = self.headers.get("Authorization", "")
            token = auth[7:] if auth.startswith("Bearer ") else ""
            with LOCK:
                left = TOKENS.get(token, 0)
                if left is not None:
                    if left <= 0:
                        TOKENS.pop(token, None)
                        return self.send_json(401, {"error": "invalid_token"})
                    TOKENS[token] = left - 1
            path = "/items"

        if path in ("/items", "/link"):
            size = int(q.get("per_page", "10"))
            page = int(q.get("page", "1"))
            start = (page - 1) * size
        elif path in ("/offset", "/cursor"):
            size = int(q.get("limit", "10"))
            start = int(q.get("offset", "0")) if path == "/offset" else int(q.get("cursor", "c0")[1:])
            page = start // size + 1
        else:
            return self.send_json(404, {"error": "not_found"})
        if self.fault(q, page):
            return
        data = [record(i) for i in ids[start:start + size]]
        headers = []
        if path == "/items":
            body = {"data": data, "total": total}
        elif path == "/offset":
            body = {"data": data}
        elif path == "/cursor":
            nxt = "c%d" % (start + size) if start + size < len(ids) else None
            body = {"data": data, "next": nxt}
        else:
            body = {"data": data}
            if start + size < len(ids):
                nq = dict(q, page=str(page + 1))
                headers.append(("Link", '</link?%s>; rel="next", </link?page=1>; rel="first"'
                                % urllib.parse.urlencode(nq)))
        self.send_json(200, body, headers)

    def fault(self, q, page):
        """Injects the fault planned for this page, if any is left; True when the request is answered."""
        for spec in filter(None, q.get("faults", "").split(",")):
            kind, _, where = spec.partition("@")
            at, _, count = where.partition("x")
            if int(at) != page:
                continue
            key = (q.get("run", ""), kind, page)
            with LOCK:
                seen = FAULT_COUNTS.get(key, 0)
                if seen >= int(count or "1"):
                    continue
                FAULT_COUNTS[key] = seen + 1
            retry_after = q.get("retry_after", "1")
            if kind in ("500", "503", "429"):
                extra = [("Retry-After", retry_after)] if kind != "500" else []
                self.send_json(int(kind), {"error": "injected " + kind}, extra)
                return True
            body = json.dumps({"data": [record(i) for i in range(1, 40)]}).encode()
            if kind == "cut":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.drop()
                return True
            if kind == "cutclose":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                try:  # a clean TLS close: the client cannot tell the body was cut short
                    if isinstance(self.connection, ssl.SSLSocket):
                        self.connection = self.connection.unwrap()
                except (OSError, ssl.SSLError):
                    pass
                return True
            if kind == "slow":
                time.sleep(float(q.get("slow_seconds", "3")))
                return False
            if kind == "reset":
                self.drop()
                return True
        return False

    def drop(self):
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        except OSError:
            pass
        self.connection.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.log_path = args.log
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print("port %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
