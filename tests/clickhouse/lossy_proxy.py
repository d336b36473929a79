#!/usr/bin/env python3
"""An HTTP/1.0 relay on loopback that loses answers: the request whose query names a pattern
reaches ClickHouse and is executed, then the client's connection is closed without the
answer, as when a network path breaks after the server wrote. Each pattern loses one answer
(the first request that names it); everything else is relayed unchanged.

Usage: lossy_proxy.py PORT_FILE UPSTREAM_PORT PATTERN... -- writes the port it listens on to
PORT_FILE, serves until no client has come for 20 s or after 10,000 connections, then exits.
Only 127.0.0.1 is used on both sides.
"""
import os
import socket
import sys
import urllib.parse


def read_request(conn):
    """The whole request (head and Content-Length body), or None when the client went away."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head + b"\r\n\r\n" + body


def relay(request, upstream_port):
    with socket.create_connection(("127.0.0.1", upstream_port), timeout=60) as up:
        up.sendall(request)
        answer = b""
        while True:
            chunk = up.recv(65536)
            if not chunk:
                return answer
            answer += chunk


def main():
    port_file, upstream_port, patterns = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    pending = list(patterns)
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(20)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.getsockname()[1]))
    # Renamed into place so that a reader never sees a half-written port.
    os.rename(port_file + ".tmp", port_file)
    for _ in range(10000):
        try:
            conn, _ = server.accept()
        except socket.timeout:
            break
        with conn:
            conn.settimeout(60)
            request = read_request(conn)
            if request is None:
                continue
            target = request.split(b" ", 2)[1].decode("latin-1")
            query = urllib.parse.unquote_plus(urllib.parse.urlsplit(target).query)
            answer = relay(request, upstream_port)
            lost = next((p for p in pending if p in query), None)
            if lost is not None:
                pending.remove(lost)
                print(f"lossy_proxy: lost the answer to {lost!r}", file=sys.stderr)
                continue  # executed upstream; the client sees the connection close
            conn.sendall(answer)


if __name__ == "__main__":
    main()
