#!/usr/bin/env python3
"""A webhook receiver for tests: Python stdlib only, loopback only, bounded in time.

Listens on 127.0.0.1 (--port, 0 = any free port), prints the port on its first stdout line,
and appends every POST to --log as one JSON line:
  {"id", "timestamp", "signature", "body", "verified", "answered", "user_agent"}
It VERIFIES each Standard Webhooks signature itself (hmac + base64, independent of scimd's C++):
base64(HMAC-SHA256(base64decode(secret after "whsec_"), id + "." + timestamp + "." + body)).

--control FILE (optional) is re-read on every request, a JSON object:
  {"mode": "ok" | "500" | "slow", "secret": "whsec_..."}
"ok" answers 204, "500" answers 500, "slow" answers 204 after 20 ms. Without a secret, "verified" is null.
--lifetime S ends the process after S seconds (default 600) so a crashed test leaves nothing.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secret, msg_id, timestamp, body, signature_header):
    if not secret or not secret.startswith("whsec_"):
        return None
    key = base64.b64decode(secret[len("whsec_"):])
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    if abs(time.time() - int(timestamp or "0")) > 300:
        return False
    # The header may carry several space-separated "v1,<sig>" entries.
    for entry in (signature_header or "").split(" "):
        version, _, sig = entry.partition(",")
        if version == "v1" and hmac.compare_digest(sig, expected):
            return True
    return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", required=True)
    parser.add_argument("--control")
    parser.add_argument("--lifetime", type=float, default=600)
    args = parser.parse_args()
    lock = threading.Lock()
    log = open(args.log, "a", encoding="utf-8")

    def control():
        if not args.control or not os.path.exists(args.control):
            return {}
        try:
            with open(args.control, encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            settings = control()
            status = 500 if settings.get("mode") == "500" else 204
            if settings.get("mode") == "slow":
                time.sleep(0.02)
            record = {
                "id": self.headers.get("webhook-id"),
                "timestamp": self.headers.get("webhook-timestamp"),
                "signature": self.headers.get("webhook-signature"),
                "content_type": self.headers.get("Content-Type"),
                "user_agent": self.headers.get("User-Agent"),
                "body": body.decode("utf-8", "replace"),
                "verified": verify(settings.get("secret"), self.headers.get("webhook-id") or "",
                                   self.headers.get("webhook-timestamp") or "", body,
                                   self.headers.get("webhook-signature")),
                "answered": status,
            }
            with lock:
                log.write(json.dumps(record) + "\n")
                log.flush()
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_):
            pass

    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Timer(args.lifetime, lambda: os._exit(0)).start()
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
