"""The kiosk's signed, bounded HTTP transport to the back office.

One :class:`BackOfficeTransport` per back office: one ``requests.Session`` (one
connection pool), every request signed (:class:`KioskSignature` signs the
exact bytes sent and the path with query), every call bounded in total by
``deadline_s`` (connect, send, the headers and every read of the body, all
attempts: :mod:`kiosk.http_deadline`; a back office that trickles its answer
cannot hold the kiosk longer), a fresh ``Idempotency-Key`` per write unless
the caller passes one, bounded retries with backoff and jitter where they are
safe, and typed errors (:mod:`kiosk.backoffice_answers`):

===========================================  ==========================================
what happened                                raised
===========================================  ==========================================
a contract error body ``{"error": {code}}``  the class in :data:`ERROR_CLASSES`, else
                                             :class:`BackOfficeError` with ``.code``
connection refused, DNS, connect timeout,    :class:`BackOfficeUnavailable`
TLS failure, 502/503/504 after retries
a write without its whole answer in time     :class:`OutcomeUnknown` (a subclass of
(read timeout, deadline) or connection lost  ``BackOfficeUnavailable``), ``details.reason``
after the request was sent                   ``read_timeout``/``deadline``/``connection_lost``
a read (GET) without its whole answer in     :class:`BackOfficeTimeout` (a subclass of
time                                         ``BackOfficeUnavailable``; nothing changed)
an answer that is not the contract's shape,  ``BackOfficeError(code="MALFORMED_RESPONSE")``
or whose Content-Type is not JSON
===========================================  ==========================================

Bodies (which may hold personal data) are never logged; log lines carry the
method, the path without its query, the status, the time and the attempt.
The endpoints are :class:`kiosk.backoffice_client.BackOfficeClient`'s.
"""

from __future__ import annotations

import ipaddress
import logging
import random
import threading
import time
import uuid
from typing import Any, Callable
from urllib.parse import urlsplit

import requests

from . import __version__, signing
from .backoffice_answers import (MALFORMED_RESPONSE, RETRYABLE_STATUSES, is_key_in_use,
                                 parse_answer)
from .backoffice_calls import encode_json
from .errors import (BackOfficeError, BackOfficeTimeout, BackOfficeUnavailable, OutcomeUnknown,
                     SessionExpired)
from .http_deadline import DeadlineAdapter, DeadlinePassed, Watchdog, read_body

log = logging.getLogger("kiosk.backoffice")

#: default bound of one whole call (all attempts, every read), seconds: below the UI's
#: 20 s step deadline (``ui.controller.UiSettings.command_timeout_s``)
DEFAULT_DEADLINE_S = 10.0
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REPLAYED_HEADER = "Idempotent-Replayed"


class KioskSignature(requests.auth.AuthBase):
    """Adds ``X-Kiosk-Id``, ``X-Timestamp`` and ``X-Signature`` to a prepared request.

    It signs ``request.body`` (the bytes that go on the wire) and
    ``request.path_url`` (path and query as sent), at the moment of sending, so
    every retry carries a fresh timestamp. A request with ``X-Original-Timestamp``
    (an outbox replay) also gets ``X-Original-Signature`` over that time, the body,
    the ``Idempotency-Key`` and the ``Authorization`` header (docs/outbox.md).
    """

    def __init__(self, kiosk_id: str, secret: str | bytes,
                 clock: Callable[[], float] = time.time):
        self.kiosk_id = kiosk_id
        self._secret = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
        self._clock = clock

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        body = r.body
        if body is None:
            body = b""
        elif isinstance(body, str):
            body = body.encode("utf-8")
        elif not isinstance(body, (bytes, bytearray)):
            raise TypeError("signed requests need a body of bytes, not a stream")
        r.headers.update(signing.signed_headers(
            self.kiosk_id, self._secret, r.method or "GET", r.path_url, bytes(body),
            timestamp=int(self._clock())))
        original = r.headers.get(signing.ORIGINAL_TIMESTAMP_HEADER)
        if original:
            r.headers[signing.ORIGINAL_SIGNATURE_HEADER] = signing.replay_signature(
                self._secret, r.method or "GET", r.path_url, original, bytes(body),
                r.headers.get(signing.IDEMPOTENCY_KEY_HEADER, ""),
                r.headers.get("Authorization"))
        return r

    def __repr__(self) -> str:
        return f"KioskSignature({self.kiosk_id!r}, <secret>)"


def is_loopback_host(host: str | None) -> bool:
    """localhost or a loopback address: plain http and no proxy are allowed there."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class BackOfficeTransport:
    """Signed, bounded, retried requests to one back office (its URL, key and pool)."""

    def __init__(self, base_url: str, kiosk_id: str, secret: str | bytes, *,
                 ca_bundle: str | None = None,
                 client_cert: str | tuple[str, str] | None = None,
                 connect_timeout: float = 3.05, read_timeout: float = 10,
                 deadline_s: float = DEFAULT_DEADLINE_S, max_attempts: int = 3, backoff_s: float = 0.2, backoff_max_s: float = 2.0,
                 clock: Callable[[], float] = time.time):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        loopback = is_loopback_host(parts.hostname)
        if parts.scheme == "http" and not loopback:
            raise ValueError("plain http is allowed only for a loopback back office; "
                             "use https with a CA bundle")
        if parts.query or parts.fragment:
            raise ValueError("the back-office base URL takes no query or fragment")
        self._root = self                 # the client whose views (for_citizen) share its URL
        self.base_url = base_url.rstrip("/")
        self.kiosk_id = kiosk_id
        self.timeout = (float(connect_timeout), float(read_timeout))
        if deadline_s <= 0:
            raise ValueError("the request deadline must be positive")
        self.deadline_s = float(deadline_s)
        self.max_attempts = max(1, int(max_attempts))
        self.backoff_s = backoff_s
        self.backoff_max_s = backoff_max_s

        s = requests.Session()
        s.auth = KioskSignature(kiosk_id, secret, clock)
        s.verify = ca_bundle if ca_bundle else True
        if client_cert:
            s.cert = client_cert
        # no proxy / netrc from the environment for a loopback back office
        s.trust_env = not loopback
        adapter = DeadlineAdapter(max_retries=0, pool_connections=1, pool_maxsize=4)
        s.mount("http://", adapter)
        s.mount("https://", adapter)
        s.headers.update({"User-Agent": f"ssc-kiosk/{__version__}",
                          "Accept": "application/json"})
        self._session = s
        self._clock = clock
        #: whether the last answer was a stored one (``Idempotent-Replayed: true``)
        self.last_replayed = False
        #: calls of this client (this view) waiting for the back office now, and the writes
        #: among them (whose outcome is unknown if the caller stops waiting)
        self.requests_in_flight = 0
        self.writes_in_flight = 0
        self._in_flight_lock = threading.Lock()     # the card read's calls come from two threads
        self._owns_pool = True

    @property
    def base_url(self) -> str:
        """The back office's URL, the same for the client and all its views."""
        return self._root._base_url

    @base_url.setter
    def base_url(self, url: str) -> None:
        self._root._base_url = url

    def close(self) -> None:
        if self._owns_pool:
            self._session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _session_expired(self, bearer: str | None) -> None:
        """A ``SESSION_EXPIRED`` answer to ``bearer``: the client forgets its token."""

    # --- the transport ---------------------------------------------------------
    def request(self, method: str, path: str, *, json_body: Any = None,
                idempotency_key: str | None = None, bearer: str | None = None,
                signed: bool = True, body_bytes: bytes | None = None,
                original_timestamp: int | None = None) -> Any:
        """One API call; returns the parsed JSON answer (``None`` for 204).

        The whole call (every attempt: connect, send, the headers, every read of
        the body, the pauses between attempts) ends within ``deadline_s``.
        Writes (POST, PUT, PATCH, DELETE) carry ``idempotency_key`` or a fresh
        UUID, the same on every retry. Retries (``max_attempts`` in all, while
        time is left) happen on connection errors, 502/503/504 and ``409
        IDEMPOTENCY_KEY_IN_USE``; a read timeout or the deadline passing is not
        retried: a write then raises :class:`OutcomeUnknown` (it may be running),
        a read :class:`BackOfficeTimeout`. ``body_bytes`` sends exact JSON bytes
        (a replay). A ``SESSION_EXPIRED`` answer to the remembered token forgets it.
        ``original_timestamp`` (Unix seconds of the first send) marks an outbox
        replay that may complete after the session ended (docs/outbox.md).
        """
        method = method.upper()
        if not path.startswith("/"):
            raise ValueError("path must start with /")
        if json_body is not None and body_bytes is not None:
            raise ValueError("json_body or body_bytes, not both")
        headers: dict[str, str] = {}
        body: bytes | None = None
        if json_body is not None:
            body = encode_json(json_body)
        elif body_bytes is not None:
            body = bytes(body_bytes)
        if body is not None:
            headers["Content-Type"] = "application/json"
        if method in WRITE_METHODS:
            headers[signing.IDEMPOTENCY_KEY_HEADER] = idempotency_key or str(uuid.uuid4())
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        if original_timestamp is not None:
            headers[signing.ORIGINAL_TIMESTAMP_HEADER] = str(int(original_timestamp))
        url = self.base_url + path
        log_path = path.split("?", 1)[0]
        auth = None if signed else _NoAuth()
        deadline = time.monotonic() + self.deadline_s

        write = method in WRITE_METHODS
        self._count_in_flight(+1, write)
        try:
            for attempt in range(1, self.max_attempts + 1):
                started = time.monotonic()
                last = attempt == self.max_attempts
                try:
                    response, content = self._exchange(method, url, body, headers, auth,
                                                       deadline)
                except requests.exceptions.SSLError as exc:
                    log.warning("%s %s: TLS failure (%s)", method, log_path, type(exc).__name__)
                    raise BackOfficeUnavailable("the back office's TLS certificate was refused",
                                                details={"reason": "tls"}) from None
                except requests.exceptions.ConnectTimeout:
                    self._log_failure(method, log_path, "connect timeout", started, attempt)
                    if last or not self._sleep(attempt, None, deadline):
                        raise BackOfficeUnavailable("the back office did not accept a "
                                                    "connection in time",
                                                    details={"reason": "connect_timeout"}
                                                    ) from None
                except (requests.exceptions.ReadTimeout, DeadlinePassed) as exc:
                    what = "read_timeout" if isinstance(exc, requests.exceptions.ReadTimeout) \
                        else "deadline"
                    self._log_failure(method, log_path, what.replace("_", " "), started, attempt)
                    raise _timeout_error(method, what, self.deadline_s) from None
                except requests.exceptions.ConnectionError as exc:
                    sent = _was_sent(exc)
                    self._log_failure(method, log_path, "connection lost" if sent
                                      else "cannot connect", started, attempt)
                    if last or not self._sleep(attempt, None, deadline):
                        if sent:
                            raise OutcomeUnknown("the connection to the back office was lost "
                                                 "after sending; the request may have taken "
                                                 "effect", details={"reason": "connection_lost"}
                                                 ) from None
                        raise BackOfficeUnavailable("the back office cannot be reached",
                                                    details={"reason": "connect"}) from None
                except requests.exceptions.RequestException as exc:
                    # e.g. InvalidURL, ChunkedEncodingError, ContentDecodingError
                    self._log_failure(method, log_path, type(exc).__name__, started, attempt)
                    raise BackOfficeError("the back office's answer could not be read",
                                          code=MALFORMED_RESPONSE) from None
                else:
                    ms = (time.monotonic() - started) * 1000
                    log.info("%s %s -> %s %.0fms (attempt %d)", method, log_path,
                             response.status_code, ms, attempt)
                    if not last and (response.status_code in RETRYABLE_STATUSES
                                     or is_key_in_use(response, content)) \
                            and self._sleep(attempt, response.headers.get("Retry-After"),
                                            deadline):
                        continue
                    self.last_replayed = response.headers.get(REPLAYED_HEADER, "") == "true"
                    try:
                        return parse_answer(response, content)
                    except SessionExpired:
                        self._session_expired(bearer)
                        raise
            raise AssertionError("unreachable")  # pragma: no cover
        finally:
            self._count_in_flight(-1, write)

    def _count_in_flight(self, delta: int, write: bool) -> None:
        with self._in_flight_lock:
            self.requests_in_flight += delta
            if write:
                self.writes_in_flight += delta

    def _exchange(self, method: str, url: str, body: bytes | None, headers: dict[str, str],
                  auth: Any, deadline: float) -> tuple[requests.Response, bytes]:
        """One attempt, ended by ``deadline``: the answer and its whole body.

        Each read waits at most the time left, and the watchdog cuts the
        connection at the deadline (:mod:`kiosk.http_deadline`); an attempt that
        passes it raises ``DeadlinePassed``.
        """
        left = deadline - time.monotonic()
        if left <= 0:
            raise DeadlinePassed()
        timeout = (min(self.timeout[0], left), min(self.timeout[1], left))
        response = None
        with Watchdog(left) as watchdog:
            try:
                response = self._session.request(method, url, data=body, headers=headers,
                                                 timeout=timeout, auth=auth,
                                                 allow_redirects=False, stream=True)
                content = read_body(response, deadline)
            except requests.exceptions.ConnectTimeout:
                raise
            except (requests.exceptions.RequestException, DeadlinePassed):
                if response is not None:
                    response.close()
                if watchdog.expired or time.monotonic() >= deadline:
                    raise DeadlinePassed() from None
                raise
        response.close()      # the body is read: the connection goes back to the pool
        return response, content

    # --- helpers -------------------------------------------------------------------
    def _sleep(self, attempt: int, retry_after: str | None, deadline: float) -> bool:
        """Wait before the next attempt; False (no wait) when no time would be left."""
        delay = random.uniform(0, min(self.backoff_max_s, self.backoff_s * 2 ** attempt))
        if retry_after:
            try:
                delay = max(delay, min(float(retry_after), self.backoff_max_s))
            except ValueError:
                pass
        if time.monotonic() + delay >= deadline:
            return False
        time.sleep(delay)
        return True

    @staticmethod
    def _log_failure(method: str, path: str, what: str, started: float, attempt: int) -> None:
        log.warning("%s %s: %s after %.0fms (attempt %d)", method, path, what,
                    (time.monotonic() - started) * 1000, attempt)


class _NoAuth(requests.auth.AuthBase):
    """Overrides the session's signature for the unsigned endpoint (health)."""

    def __call__(self, r):
        return r


def _timeout_error(method: str, what: str, deadline_s: float) -> BackOfficeUnavailable:
    """No (whole) answer in time: a write may have taken effect, a read changed nothing."""
    details = {"reason": what, "deadline_s": deadline_s}
    if method in WRITE_METHODS:
        return OutcomeUnknown("the back office did not answer in time; the request may have "
                              "taken effect", details=details)
    return BackOfficeTimeout("the back office did not answer in time", details=details)


def _was_sent(exc: requests.exceptions.ConnectionError) -> bool:
    """Did the connection fail after the request went out (not while connecting)?"""
    import urllib3.exceptions as u3

    reason = exc.args[0] if exc.args else None
    if isinstance(reason, u3.MaxRetryError):
        reason = reason.reason
    if isinstance(reason, (u3.NewConnectionError, u3.NameResolutionError,
                           u3.ConnectTimeoutError)):
        return False
    if isinstance(reason, u3.ProtocolError):
        return True  # "Connection aborted.": reset or closed while waiting for the answer
    return False
