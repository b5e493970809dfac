#!/usr/bin/env python3
"""A tiny SMTP sink for the invitation tests (Python 3 stdlib, loopback only).

Listens on 127.0.0.1 (port 0: the OS picks one; the port is printed on the first line of
stdout), speaks enough ESMTP for libcurl (EHLO with AUTH PLAIN LOGIN, AUTH, MAIL, RCPT, DATA,
RSET, NOOP, QUIT) and writes each accepted message to DIR/N.json as
{"mail_from", "rcpt_to": [...], "auth_user", "data"}. With --fail-first N the first N messages
get "451 4.3.0 try again later" after DATA. Exits by itself after --timeout seconds.
"""
import argparse
import base64
import json
import os
import socket
import sys
import threading
import time

lock = threading.Lock()
state = {"failed": 0, "stored": 0}


def serve_client(conn, args):
    conn.settimeout(30)
    reader = conn.makefile("rb")

    def send(line):
        conn.sendall((line + "\r\n").encode())

    def read_line():
        line = reader.readline()
        if not line:
            raise EOFError
        return line.decode("utf-8", "replace").rstrip("\r\n")

    send("220 sink.test ESMTP ready")
    mail_from, rcpts, user = None, [], ""
    while True:
        try:
            line = read_line()
        except (EOFError, OSError):
            return
        verb = line.split(" ", 1)[0].upper()
        arg = line[len(verb):].strip()
        if verb in ("EHLO", "HELO"):
            if verb == "EHLO":
                send("250-sink.test")
                send("250-AUTH PLAIN LOGIN")
                send("250 8BITMIME")
            else:
                send("250 sink.test")
        elif verb == "AUTH":
            parts = arg.split()
            mech = parts[0].upper() if parts else ""
            if mech == "PLAIN":
                blob = parts[1] if len(parts) > 1 else None
                if blob is None:
                    send("334 ")
                    blob = read_line()
                fields = base64.b64decode(blob).split(b"\0")
                user = fields[1].decode() if len(fields) > 1 else ""
                send("235 2.7.0 authenticated")
            elif mech == "LOGIN":
                if len(parts) > 1:
                    user = base64.b64decode(parts[1]).decode()
                else:
                    send("334 VXNlcm5hbWU6")
                    user = base64.b64decode(read_line()).decode()
                send("334 UGFzc3dvcmQ6")
                read_line()
                send("235 2.7.0 authenticated")
            else:
                send("504 unknown mechanism")
        elif verb == "MAIL":
            mail_from = arg.split(":", 1)[1].strip().split(" ")[0].strip("<>")
            rcpts = []
            send("250 2.1.0 ok")
        elif verb == "RCPT":
            rcpts.append(arg.split(":", 1)[1].strip().strip("<>"))
            send("250 2.1.5 ok")
        elif verb == "DATA":
            send("354 end with <CRLF>.<CRLF>")
            lines = []
            while True:
                raw = reader.readline()
                if not raw:
                    return
                if raw in (b".\r\n", b".\n"):
                    break
                if raw.startswith(b".."):
                    raw = raw[1:]
                lines.append(raw)
            with lock:
                if state["failed"] < args.fail_first:
                    state["failed"] += 1
                    send("451 4.3.0 try again later")
                    continue
                state["stored"] += 1
                n = state["stored"]
            record = {"mail_from": mail_from, "rcpt_to": rcpts, "auth_user": user,
                      "data": b"".join(lines).decode("utf-8", "replace")}
            tmp = os.path.join(args.dir, ".%d.tmp" % n)
            with open(tmp, "w") as f:
                json.dump(record, f)
            os.rename(tmp, os.path.join(args.dir, "%d.json" % n))
            send("250 2.0.0 queued as %d" % n)
        elif verb == "RSET":
            mail_from, rcpts = None, []
            send("250 ok")
        elif verb == "NOOP":
            send("250 ok")
        elif verb == "QUIT":
            send("221 bye")
            return
        else:
            send("502 5.5.2 command not recognized")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", args.port))
    server.listen(16)
    print(server.getsockname()[1], flush=True)
    deadline = time.monotonic() + args.timeout
    server.settimeout(0.5)
    while time.monotonic() < deadline:
        try:
            conn, _ = server.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve_client, args=(conn, args), daemon=True).start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
