#!/usr/bin/env python3
"""A webhook receiver for the scheduler's tests: it records every request it gets.

It listens on 127.0.0.1 (port 0 picks a free one), prints "READY <port>" once it accepts
connections, and appends one JSON line per request to --out: the method, the path, every
header (lower-cased names), the body as text, the status it answered and, when --secret is
given, the HMAC-SHA256 signature it expects for that body ("sha256=<hex>"), computed here
with Python's hmac module so the tests check Gugus's signature against an independent one.

--status CODE answers every request with CODE (500 to exercise retries); --fail-first N
answers the first N requests with --status and the rest with 200. --delay-ms makes each
answer wait, so deliveries are still in flight when a test kills a worker.

It speaks HTTP/1.1 with keep-alive, as the scheduler's client reuses connections, and
serves each connection on a thread of its own. It exits when stdin reaches EOF, so a test
process that dies cannot leave it running.
"""

import argparse
import hashlib
import hmac
import http.server
import json
import os
import sys
import threading
import time


class Recorder:
    def __init__(self, path, secret, status, fail_first, delay, hold_file=None):
        self.file = open(path, "a", encoding="utf-8")
        self.lock = threading.Lock()
        self.secret = secret.encode("utf-8") if secret is not None else None
        self.status = status
        self.fail_first = fail_first
        self.delay = delay
        self.hold_file = hold_file
        self.count = 0

    def waits(self):
        """Whether this answer waits: always with a delay, or while the hold file exists."""
        return self.delay and (self.hold_file is None or os.path.exists(self.hold_file))

    def answer(self):
        """The status for the next request."""
        with self.lock:
            self.count += 1
            if self.fail_first is not None:
                return self.status if self.count <= self.fail_first else 200
            return self.status

    def record(self, entry):
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self.lock:
            # One write and a flush per request, so a reader never sees half a line.
            self.file.write(line)
            self.file.flush()


def make_handler(recorder):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if recorder.waits():
                time.sleep(recorder.delay)
            status = recorder.answer()
            entry = {
                "method": self.command,
                "path": self.path,
                "headers": {name.lower(): value for name, value in self.headers.items()},
                "body": body.decode("utf-8", errors="replace"),
                "status": status,
                "received_at": time.time(),
            }
            if recorder.secret is not None:
                digest = hmac.new(recorder.secret, body, hashlib.sha256).hexdigest()
                entry["expected_signature"] = "sha256=" + digest
            # Recorded before answering: what the receiver got counts even if the sender
            # dies before it reads the answer.
            recorder.record(entry)
            reply = b'{"ok":true}' if status < 300 else b'{"error":"simulated failure"}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format, *args):  # Quiet: the JSON lines are the record.
            pass

    return Handler


def exit_when_parent_goes():
    """The test keeps our stdin open; EOF means it finished or died."""

    def watch():
        try:
            sys.stdin.buffer.read()
        finally:
            os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--out", required=True, help="the JSON-lines file to append requests to")
    parser.add_argument("--secret", help="GUGUS_WEBHOOK_SECRET, to compute the expected signature")
    parser.add_argument("--status", type=int, default=200, help="the status to answer with")
    parser.add_argument("--fail-first", type=int, help="answer --status to the first N requests, then 200")
    parser.add_argument("--delay-ms", type=int, default=0, help="wait this long before each answer")
    parser.add_argument("--hold-file", help="with --delay-ms: wait only while this file exists (a test removes it to let the rest through)")
    arguments = parser.parse_args()

    recorder = Recorder(arguments.out, arguments.secret, arguments.status, arguments.fail_first,
                        arguments.delay_ms / 1000.0, arguments.hold_file)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", arguments.port), make_handler(recorder))
    server.daemon_threads = True
    server.request_queue_size = 128
    exit_when_parent_goes()
    print(f"READY {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
