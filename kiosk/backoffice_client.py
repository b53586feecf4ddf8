"""The kiosk's client of the back-office API (``shared/spec/backoffice-api.md``).

One :class:`BackOfficeClient` per back office: one ``requests.Session`` (one
connection pool), every request signed (:class:`KioskSignature` signs the
exact bytes sent and the path with query), every call with (connect, read)
timeouts, a fresh ``Idempotency-Key`` per write unless the caller passes one,
bounded retries with backoff and jitter where they are safe, and typed errors:

===========================================  ==========================================
what happened                                raised
===========================================  ==========================================
a contract error body ``{"error": {code}}``  the class in :data:`ERROR_CLASSES`, else
                                             :class:`BackOfficeError` with ``.code``
connection refused, DNS, connect timeout,    :class:`BackOfficeUnavailable`
TLS failure, 502/503/504 after retries
read timeout / connection lost after the     :class:`OutcomeUnknown` (a subclass of
request was sent                             ``BackOfficeUnavailable``)
an answer that is not the contract's shape   ``BackOfficeError(code="MALFORMED_RESPONSE")``
===========================================  ==========================================

Bodies (which may hold personal data) are never logged; log lines carry the
method, the path without its query, the status, the time and the attempt.
A client may be used from one thread at a time (``requests.Session`` is not
guaranteed thread-safe); the kiosk makes back-office calls from a worker thread.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import random
import re
import time
import uuid
from typing import Any, Callable
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from . import __version__, signing
from .card import CardAuthAnswer, CardAuthRequest
from .errors import BackOfficeError, BackOfficeUnavailable, CardNotGenuine, OutcomeUnknown

log = logging.getLogger("kiosk.backoffice")

#: contract error code -> exception class (the next issue adds SessionExpired, ...)
ERROR_CLASSES: dict[str, type[BackOfficeError]] = {
    "CARD_NOT_GENUINE": CardNotGenuine,
}

MALFORMED_RESPONSE = "MALFORMED_RESPONSE"
RETRYABLE_STATUSES = frozenset({502, 503, 504})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_HEX32_RE = re.compile(r"[0-9A-Fa-f]{32}")


def error_class_for(code: str) -> type[BackOfficeError]:
    return ERROR_CLASSES.get(code, BackOfficeError)


class KioskSignature(requests.auth.AuthBase):
    """Adds ``X-Kiosk-Id``, ``X-Timestamp`` and ``X-Signature`` to a prepared request.

    It signs ``request.body`` (the bytes that go on the wire) and
    ``request.path_url`` (path and query as sent), at the moment of sending, so
    every retry carries a fresh timestamp.
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
        return r

    def __repr__(self) -> str:
        return f"KioskSignature({self.kiosk_id!r}, <secret>)"


def _is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class BackOfficeClient:
    def __init__(self, base_url: str, kiosk_id: str, secret: str | bytes, *,
                 ca_bundle: str | None = None,
                 client_cert: str | tuple[str, str] | None = None,
                 connect_timeout: float = 3.05, read_timeout: float = 10,
                 max_attempts: int = 3, backoff_s: float = 0.2, backoff_max_s: float = 2.0,
                 clock: Callable[[], float] = time.time):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        loopback = _is_loopback_host(parts.hostname)
        if parts.scheme == "http" and not loopback:
            raise ValueError("plain http is allowed only for a loopback back office; "
                             "use https with a CA bundle")
        if parts.query or parts.fragment:
            raise ValueError("the back-office base URL takes no query or fragment")
        self.base_url = base_url.rstrip("/")
        self.kiosk_id = kiosk_id
        self.timeout = (float(connect_timeout), float(read_timeout))
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
        adapter = HTTPAdapter(max_retries=0, pool_connections=1, pool_maxsize=4)
        s.mount("http://", adapter)
        s.mount("https://", adapter)
        s.headers.update({"User-Agent": f"ssc-kiosk/{__version__}",
                          "Accept": "application/json"})
        self._session = s

    # --- lifecycle -------------------------------------------------------------
    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> "BackOfficeClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"BackOfficeClient({self.base_url!r}, kiosk={self.kiosk_id!r})"

    # --- the API ---------------------------------------------------------------
    def health(self) -> dict:
        """``GET /v1/health`` -> ``{status, time, policy: {jurisdiction, version}}``."""
        data = self.request("GET", "/v1/health", signed=False)
        if not isinstance(data, dict) or not isinstance(data.get("status"), str) \
                or not isinstance(data.get("policy"), dict):
            raise _malformed("health answer lacks status/policy")
        return data

    def card_auth(self, req: CardAuthRequest, *,
                  idempotency_key: str | None = None) -> CardAuthAnswer:
        """``POST /v1/card-auth``: the HSM step; a wrong internal answer -> CardNotGenuine."""
        body = {
            "card_no": req.card_no,
            "card_id_code": req.card_id_code.hex().upper(),
            "internal_random_hex": req.internal_random.hex().upper(),
            "internal_response_hex": req.internal_response.hex().upper(),
            "external_challenge_hex": req.external_challenge.hex().upper(),
        }
        data = self.request("POST", "/v1/card-auth", json_body=body,
                            idempotency_key=idempotency_key)
        if not isinstance(data, dict):
            raise _malformed("card-auth answer is not an object")
        card_auth_id = data.get("card_auth_id")
        external = data.get("external_auth_hex")
        if not isinstance(card_auth_id, str) or not card_auth_id:
            raise _malformed("card-auth answer lacks card_auth_id")
        if not isinstance(external, str) or not _HEX32_RE.fullmatch(external):
            raise _malformed("card-auth answer lacks a 16-byte external_auth_hex")
        if not isinstance(data.get("expires_at"), str):
            raise _malformed("card-auth answer lacks expires_at")
        return CardAuthAnswer(card_auth_id=card_auth_id, external_auth=bytes.fromhex(external))

    # --- the transport ---------------------------------------------------------
    def request(self, method: str, path: str, *, json_body: Any = None,
                idempotency_key: str | None = None, bearer: str | None = None,
                signed: bool = True) -> Any:
        """One API call; returns the parsed JSON answer (``None`` for 204).

        Writes (POST, PUT, PATCH, DELETE) carry ``idempotency_key`` or a fresh
        UUID, the same on every retry. Retries (``max_attempts`` in all) happen on
        connection errors and 502/503/504; a read timeout is not retried (the
        request may be running) and raises :class:`OutcomeUnknown`.
        """
        method = method.upper()
        if not path.startswith("/"):
            raise ValueError("path must start with /")
        headers: dict[str, str] = {}
        body: bytes | None = None
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
        if method in WRITE_METHODS:
            headers[signing.IDEMPOTENCY_KEY_HEADER] = idempotency_key or str(uuid.uuid4())
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        url = self.base_url + path
        log_path = path.split("?", 1)[0]
        auth = None if signed else _NoAuth()

        for attempt in range(1, self.max_attempts + 1):
            started = time.monotonic()
            last = attempt == self.max_attempts
            try:
                response = self._session.request(method, url, data=body, headers=headers,
                                                 timeout=self.timeout, auth=auth,
                                                 allow_redirects=False)
            except requests.exceptions.SSLError as exc:
                log.warning("%s %s: TLS failure (%s)", method, log_path, type(exc).__name__)
                raise BackOfficeUnavailable("the back office's TLS certificate was refused",
                                            details={"reason": "tls"}) from None
            except requests.exceptions.ConnectTimeout:
                self._log_failure(method, log_path, "connect timeout", started, attempt)
                if last:
                    raise BackOfficeUnavailable("the back office did not accept a connection "
                                                "in time", details={"reason": "connect_timeout"}
                                                ) from None
            except requests.exceptions.ReadTimeout:
                self._log_failure(method, log_path, "read timeout", started, attempt)
                raise OutcomeUnknown("the back office did not answer in time; the request "
                                     "may have taken effect",
                                     details={"reason": "read_timeout"}) from None
            except requests.exceptions.ConnectionError as exc:
                sent = _was_sent(exc)
                self._log_failure(method, log_path, "connection lost" if sent
                                  else "cannot connect", started, attempt)
                if last:
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
                if response.status_code in RETRYABLE_STATUSES and not last:
                    self._sleep(attempt, response.headers.get("Retry-After"))
                    continue
                return self._parse(response)
            self._sleep(attempt, None)
        raise AssertionError("unreachable")  # pragma: no cover

    # --- helpers -------------------------------------------------------------------
    def _sleep(self, attempt: int, retry_after: str | None) -> None:
        delay = random.uniform(0, min(self.backoff_max_s, self.backoff_s * 2 ** attempt))
        if retry_after:
            try:
                delay = max(delay, min(float(retry_after), self.backoff_max_s))
            except ValueError:
                pass
        time.sleep(delay)

    @staticmethod
    def _log_failure(method: str, path: str, what: str, started: float, attempt: int) -> None:
        log.warning("%s %s: %s after %.0fms (attempt %d)", method, path, what,
                    (time.monotonic() - started) * 1000, attempt)

    @staticmethod
    def _parse(response: requests.Response) -> Any:
        status = response.status_code
        if 200 <= status < 300:
            if status == 204 or not response.content:
                if status == 204:
                    return None
                raise _malformed("empty answer", status)
            try:
                return response.json()
            except ValueError:
                raise _malformed("the answer is not JSON", status) from None
        error = _contract_error(response)
        if status in RETRYABLE_STATUSES:
            details = {"http_status": status}
            if error is not None:
                details["upstream_code"] = error[0]
            raise BackOfficeUnavailable(f"the back office is unavailable (HTTP {status})",
                                        http_status=status, details=details)
        if error is None:
            raise _malformed(f"HTTP {status} without a contract error body", status)
        code, message, details = error
        cls = error_class_for(code)
        text = f"{code}: {message}" if message else code
        if cls is BackOfficeError:
            raise BackOfficeError(text, code=code, http_status=status, details=details)
        raise cls(text, code=code, http_status=status, details=details)


class _NoAuth(requests.auth.AuthBase):
    """Overrides the session's signature for the unsigned endpoint (health)."""

    def __call__(self, r):
        return r


def _contract_error(response: requests.Response) -> tuple[str, str, dict] | None:
    try:
        data = response.json()
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("error"), dict):
        return None
    err = data["error"]
    code = err.get("code")
    if not isinstance(code, str) or not code:
        return None
    message = err.get("message")
    message = message[:300] if isinstance(message, str) else ""
    details = err.get("details")
    return code, message, details if isinstance(details, dict) else {}


def _malformed(why: str, status: int | None = None) -> BackOfficeError:
    return BackOfficeError(f"malformed answer from the back office: {why}",
                           code=MALFORMED_RESPONSE, http_status=status)


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


def hsm_step(client: BackOfficeClient) -> Callable[[CardAuthRequest], CardAuthAnswer]:
    """The card layer's HSM step, backed by ``POST /v1/card-auth`` of ``client``."""

    def step(req: CardAuthRequest) -> CardAuthAnswer:
        return client.card_auth(req)

    return step
