"""Loopback addresses for tests: a free port, and a URL where nothing listens."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A loopback TCP port that was free a moment ago (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dead_url() -> str:
    """An ``http://127.0.0.1:PORT`` URL nothing listens on: a connection is refused at once."""
    return f"http://127.0.0.1:{free_port()}"
