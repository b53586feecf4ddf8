"""A deadline for a whole HTTP exchange, not for each read.

``requests`` bounds the connect and *each* read (``timeout=(connect, read)``):
a server that trickles its answer, one byte every few seconds, holds the
caller as long as it trickles. Here one exchange (connect, send, the status
line, the headers, every read of the body) ends by its deadline:

- :class:`DeadlineAdapter` is the ``HTTPAdapter`` to mount: its connection
  pools tell the :class:`Watchdog` of the calling thread which connection the
  exchange uses (a new one or one from the pool);
- :class:`Watchdog` (``with Watchdog(seconds):`` around the exchange) shuts the
  connection's socket down when the deadline passes, so a ``recv`` blocked in
  the middle of a trickle returns at once, whatever layer (``http.client``,
  urllib3, TLS) is reading; the connection is not reused;
- :func:`read_body` reads a streamed body in chunks and checks the deadline
  after each one (the watchdog bounds each chunk).

The caller (:mod:`kiosk.backoffice_client`) also gives ``requests`` per-read
timeouts no longer than the time left, and turns an exchange that passed its
deadline into its typed error.
"""

from __future__ import annotations

import socket
import threading
import time

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

#: how often the watchdog shuts the sockets down again after the deadline (a connection
#: that was still being set up when it passed gets its socket a little later)
_REPEAT_S = 0.02
BODY_CHUNK = 16 * 1024

_current = threading.local()


class DeadlinePassed(Exception):
    """The exchange did not end by its deadline (raised by :func:`read_body`)."""


class Watchdog:
    """Shuts down the sockets of this thread's exchange once ``seconds`` have passed."""

    def __init__(self, seconds: float):
        self._seconds = max(0.0, seconds)
        self._done = threading.Event()
        self._connections: list = []
        self.expired = False
        self._thread = threading.Thread(target=self._run, name="http-deadline", daemon=True)

    def __enter__(self) -> "Watchdog":
        _current.watchdog = self
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        _current.watchdog = None
        self._done.set()
        self._thread.join()

    def watch(self, connection) -> None:
        self._connections.append(connection)

    def _run(self) -> None:
        if self._done.wait(self._seconds):
            return
        self.expired = True
        while not self._done.is_set():
            for connection in list(self._connections):
                sock = getattr(connection, "sock", None)
                if sock is not None:
                    try:
                        # the plain socket's shutdown, also under TLS: a blocked read returns
                        socket.socket.shutdown(sock, socket.SHUT_RDWR)
                    except (OSError, TypeError, ValueError):
                        pass
            self._done.wait(_REPEAT_S)


class _WatchedPool:
    def _get_conn(self, timeout=None):
        connection = super()._get_conn(timeout)  # type: ignore[misc]
        watchdog = getattr(_current, "watchdog", None)
        if watchdog is not None:
            watchdog.watch(connection)
        return connection


class _HTTPPool(_WatchedPool, HTTPConnectionPool):
    pass


class _HTTPSPool(_WatchedPool, HTTPSConnectionPool):
    pass


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class DeadlineAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` whose connections (direct or through a proxy) a watchdog can cut."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        _watch_pools(self.poolmanager)

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        _watch_pools(manager)
        return manager


def _watch_pools(manager) -> None:
    """urllib3's own pools become watched ones (a SOCKS proxy's pools are left alone: there
    the per-read timeouts and the body's deadline checks still bound the exchange)."""
    if manager.pool_classes_by_scheme.get("http") is HTTPConnectionPool:
        manager.pool_classes_by_scheme = dict(_POOLS)


def read_body(response: requests.Response, deadline: float) -> bytes:
    """The whole body of a streamed ``response``, read by ``deadline`` (``time.monotonic``)."""
    chunks = []
    for chunk in response.iter_content(BODY_CHUNK):
        chunks.append(chunk)
        if time.monotonic() >= deadline:
            raise DeadlinePassed()
    return b"".join(chunks)
