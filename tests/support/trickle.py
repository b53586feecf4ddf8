"""A back office that trickles its answers: a raw socket HTTP server on 127.0.0.1.

For a request it trickles (``trickle(method, path)`` is true) it sends the status
line and the headers at once, then the body one byte every ``interval_s``
(``headers_too``: the headers as well, one byte at a time). Every other request
is forwarded to ``upstream`` (the reference back office) and its answer relayed,
so a test can slow down one call of a real service. One thread per connection;
:meth:`close` stops them all (each waits at most ``interval_s``).
"""

from __future__ import annotations

import http.client
import socket
import threading
from typing import Callable
from urllib.parse import urlsplit

BODY = b'{"status":"active","card_no":"' + b"0" * 40 + b'"}'


class TrickleServer:
    def __init__(self, *, interval_s: float = 0.5, upstream: str | None = None,
                 trickle: Callable[[str, str], bool] = lambda method, path: True,
                 headers_too: bool = False, body: bytes = BODY):
        self.interval_s = interval_s
        self.upstream = urlsplit(upstream) if upstream else None
        self.trickle = trickle
        self.headers_too = headers_too
        self.body = body
        self.trickled: list[str] = []       # "METHOD /path" of every trickled request
        self.forwarded: list[str] = []
        self._active = 0                    # trickles going on now
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._accepting = threading.Thread(target=self._accept, name="trickle-accept",
                                           daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def active(self) -> int:
        with self._lock:
            return self._active

    def __enter__(self) -> "TrickleServer":
        self._accepting.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        self._accepting.join(2)
        self._listener.close()
        for t in list(self._threads):
            t.join(self.interval_s + 2)

    # --- serving ---------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (socket.timeout, OSError):
                continue
            t = threading.Thread(target=self._serve, args=(conn,), name="trickle-conn",
                                 daemon=True)
            self._threads.append(t)
            t.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                request = _read_request(conn)
            except (OSError, ValueError):
                return
            if request is None:
                return
            method, path, headers, body = request
            if self.trickle(method, path) or self.upstream is None:
                self._trickle(conn, method, path)
            else:
                self.forwarded.append(f"{method} {path}")
                conn.sendall(self._forward(method, path, headers, body))

    def _trickle(self, conn: socket.socket, method: str, path: str) -> None:
        self.trickled.append(f"{method} {path}")
        head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: " + str(len(self.body)).encode() + b"\r\n\r\n")
        with self._lock:
            self._active += 1
        try:
            if not self.headers_too:
                conn.sendall(head)
                head = b""
            for i in range(len(head) + len(self.body)):
                if self._stop.wait(self.interval_s):
                    return
                byte = head[i:i + 1] if i < len(head) else self.body[i - len(head):][:1]
                conn.sendall(byte)
        except OSError:
            return                          # the client gave up
        finally:
            with self._lock:
                self._active -= 1

    def _forward(self, method: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
        up = self.upstream
        c = http.client.HTTPConnection(up.hostname, up.port, timeout=10)
        try:
            sent = {k: v for k, v in headers.items()
                    if k.lower() not in ("host", "connection", "content-length")}
            c.request(method, path, body=body or None, headers=sent)
            r = c.getresponse()
            payload = r.read()
            out = [f"HTTP/1.1 {r.status} {r.reason}".encode()]
            for k, v in r.getheaders():
                if k.lower() not in ("connection", "transfer-encoding", "content-length"):
                    out.append(f"{k}: {v}".encode("latin-1"))
            out.append(f"Content-Length: {len(payload)}".encode())
            out.append(b"Connection: close")
            return b"\r\n".join(out) + b"\r\n\r\n" + payload
        finally:
            c.close()


def _read_request(conn: socket.socket):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip()] = v.strip()
    length = int(headers.get("Content-Length") or 0)
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        rest += chunk
    return method, path, headers, rest[:length]
