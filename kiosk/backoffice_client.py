"""The kiosk's client of the back-office API (``shared/spec/backoffice-api.md``).

One :class:`BackOfficeClient` per back office: one ``requests.Session`` (one
connection pool), every request signed (:class:`KioskSignature` signs the
exact bytes sent and the path with query), every call bounded in total by
``deadline_s`` (connect, send, the headers and every read of the body, all
attempts: :mod:`kiosk.http_deadline`; a back office that trickles its answer
cannot hold the kiosk longer), a fresh ``Idempotency-Key`` per write unless
the caller passes one, bounded retries with backoff and jitter where they are
safe, and typed errors:

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
A client (or a view of it, :meth:`BackOfficeClient.for_citizen`) is used from
one thread at a time; views share the connection pool, which urllib3 guards.

Every endpoint of the contract has a method here; answers are the frozen
dataclasses of :mod:`kiosk.backoffice_types`. The client remembers the token
of the last verified citizen session and sends it as ``Authorization: Bearer``
on every citizen operation (``/v1/me/...``); :meth:`BackOfficeClient.end_session`
(or a ``SESSION_EXPIRED`` answer) forgets it. A citizen operation without a
verified session raises :class:`~kiosk.errors.NoSession` without sending anything.

The writes whose outcome may end up unknown (report or lift a loss, change the
profile, apply for a renewal) are also available as :class:`ApiCall` values
(``report_loss_call(...)``...) that :meth:`BackOfficeClient.perform` sends: the
outbox (:mod:`kiosk.journal.outbox`) stores such a call, with its exact body
bytes and ``Idempotency-Key``, before sending it, and replays it later.
"""

from __future__ import annotations

import base64
import copy
import ipaddress
import json
import logging
import random
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Mapping
from urllib.parse import quote, urlsplit

import requests

from . import __version__, signing
from .backoffice_types import (DELIVERIES, LOSS_DURATIONS, LOSS_KINDS, PIN_OPERATIONS,
                               Application, CardStatus, HeartbeatAnswer, KioskConfig, Profile,
                               Session, ShapeError, TechnicianSession,
                               applications_from_json)
from .card import CardAuthAnswer, CardAuthRequest
from .errors import (BackOfficeError, BackOfficeTimeout, BackOfficeUnavailable, BadSignature, CardAlreadyLost,
                     CardCancelled, CardNotFound, CardNotGenuine, CardNotLost, CardReplaced,
                     ChallengeFailed, ClockSkew, ContractError, EndpointNotFound,
                     FormalLossNotLiftable, IdempotencyKeyInUse, IdempotencyKeyReused,
                     IdentityNotVerified, Internal, KeyFieldChangeRequiresRenewal, NoSession,
                     OutcomeUnknown, PhotoInvalid, RateLimited, RenewalAlreadyInProgress,
                     ReplayTooOld, ServiceNotOffered, SessionExpired, TechnicianNotVerified, TooManyAttempts,
                     ValidationFailed)
from .http_deadline import DeadlineAdapter, DeadlinePassed, Watchdog, read_body
from .pin import Pin

log = logging.getLogger("kiosk.backoffice")

#: contract error code -> exception class: the one place codes become types
ERROR_CLASSES: dict[str, type[BackOfficeError]] = {
    "BAD_SIGNATURE": BadSignature,
    "CLOCK_SKEW": ClockSkew,
    "SESSION_EXPIRED": SessionExpired,
    "VALIDATION_FAILED": ValidationFailed,
    "IDENTITY_NOT_VERIFIED": IdentityNotVerified,
    "CARD_NOT_GENUINE": CardNotGenuine,
    "CARD_NOT_FOUND": CardNotFound,
    "CARD_ALREADY_LOST": CardAlreadyLost,
    "CARD_NOT_LOST": CardNotLost,
    "CARD_CANCELLED": CardCancelled,
    "CARD_REPLACED": CardReplaced,
    "FORMAL_LOSS_NOT_LIFTABLE": FormalLossNotLiftable,
    "SERVICE_NOT_OFFERED": ServiceNotOffered,
    "KEY_FIELD_CHANGE_REQUIRES_RENEWAL": KeyFieldChangeRequiresRenewal,
    "PHOTO_INVALID": PhotoInvalid,
    "RENEWAL_ALREADY_IN_PROGRESS": RenewalAlreadyInProgress,
    "CHALLENGE_FAILED": ChallengeFailed,
    "TOO_MANY_ATTEMPTS": TooManyAttempts,
    "IDEMPOTENCY_KEY_REUSED": IdempotencyKeyReused,
    "RATE_LIMITED": RateLimited,
    "INTERNAL": Internal,
    # the maintenance extension (docs/maintenance.md)
    "TECHNICIAN_NOT_VERIFIED": TechnicianNotVerified,
    # the late replay of an outbox entry (docs/outbox.md)
    "REPLAY_TOO_OLD": ReplayTooOld,
    # not in the contract's list, but answered by the reference back office
    "IDEMPOTENCY_KEY_IN_USE": IdempotencyKeyInUse,
    "NOT_FOUND": EndpointNotFound,
}

#: the contract's codes (``backoffice-api.md``, "Errors"): every one has its class above
CONTRACT_CODES = frozenset({
    "BAD_SIGNATURE", "CLOCK_SKEW", "SESSION_EXPIRED", "VALIDATION_FAILED",
    "IDENTITY_NOT_VERIFIED", "CARD_NOT_GENUINE", "CARD_NOT_FOUND", "CARD_ALREADY_LOST",
    "CARD_NOT_LOST", "CARD_CANCELLED", "CARD_REPLACED", "FORMAL_LOSS_NOT_LIFTABLE",
    "SERVICE_NOT_OFFERED", "KEY_FIELD_CHANGE_REQUIRES_RENEWAL", "PHOTO_INVALID",
    "RENEWAL_ALREADY_IN_PROGRESS", "CHALLENGE_FAILED", "TOO_MANY_ATTEMPTS",
    "IDEMPOTENCY_KEY_REUSED", "RATE_LIMITED", "INTERNAL",
})

MALFORMED_RESPONSE = "MALFORMED_RESPONSE"
#: default bound of one whole call (all attempts, every read), seconds: below the UI's
#: 20 s step deadline (``ui.controller.UiSettings.command_timeout_s``)
DEFAULT_DEADLINE_S = 10.0
RETRYABLE_STATUSES = frozenset({502, 503, 504})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_HEX32_RE = re.compile(r"[0-9A-Fa-f]{32}")
_HEX_RE = re.compile(r"(?:[0-9A-Fa-f]{2})+")
_SESSION_ID_RE = re.compile(r"[A-Za-z0-9._~-]{1,128}")
_OTP_RE = re.compile(r"[0-9]{6}")
REPLAYED_HEADER = "Idempotent-Replayed"
#: the first bytes (CLA INS P1 P2) of the command each PIN authorisation must be
_PIN_COMMAND_HEADERS = {"reload": bytes.fromhex("805E0000"), "unblock": bytes.fromhex("84240000")}


def encode_json(obj: Any) -> bytes:
    """The exact bytes the client sends for a JSON body (UTF-8, compact)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- calls that the outbox can store and replay ------------------------------------------

@dataclass(frozen=True)
class ApiCall:
    """One write, fully built: the exact bytes to send, ready to be stored and replayed.

    ``operation`` names the answer's parser (:data:`ANSWER_PARSERS`); ``citizen``
    calls carry the session's Bearer token.
    """

    operation: str
    method: str
    path: str
    body: bytes | None
    citizen: bool = True

    def __repr__(self) -> str:  # the body may hold personal data
        size = 0 if self.body is None else len(self.body)
        return f"ApiCall({self.operation}, {self.method} {self.path}, {size} bytes)"


def report_loss_call(kind: str, duration: str | None = None) -> ApiCall:
    """``POST /v1/me/card/loss`` ``{kind, duration}``."""
    if kind not in LOSS_KINDS:
        raise ValueError(f"loss kind must be one of {sorted(LOSS_KINDS)}")
    if duration is not None and duration not in LOSS_DURATIONS:
        raise ValueError(f"loss duration must be one of {sorted(LOSS_DURATIONS)} or None")
    return ApiCall("report_loss", "POST", "/v1/me/card/loss",
                   encode_json({"kind": kind, "duration": duration}))


def lift_loss_call() -> ApiCall:
    """``DELETE /v1/me/card/loss``."""
    return ApiCall("lift_loss", "DELETE", "/v1/me/card/loss", None)


def update_profile_call(changes: Mapping[str, Any]) -> ApiCall:
    """``PATCH /v1/me/profile`` with the changed fields only."""
    if not isinstance(changes, Mapping) or not changes:
        raise ValueError("update_profile needs at least one field")
    if not all(isinstance(k, str) and k for k in changes):
        raise ValueError("profile field names must be strings")
    return ApiCall("update_profile", "PATCH", "/v1/me/profile", encode_json(dict(changes)))


def apply_renewal_call(reason: str, photo_jpeg: bytes | None, delivery: str,
                       mailing_address: str | None = None) -> ApiCall:
    """``POST /v1/me/renewals`` ``{reason, photo_jpeg_b64, delivery, mailing_address}``.

    ``photo_jpeg`` None sends ``photo_jpeg_b64: null`` (a child below the pack's photo age).
    """
    if not isinstance(reason, str) or not reason:
        raise ValueError("a renewal needs a reason")
    if photo_jpeg is not None and (not isinstance(photo_jpeg, (bytes, bytearray))
                                   or not photo_jpeg):
        raise ValueError("the photo is the JPEG's bytes (or None when exempt)")
    if delivery not in DELIVERIES:
        raise ValueError(f"delivery must be one of {sorted(DELIVERIES)}")
    if delivery == "mail" and not mailing_address:
        raise ValueError("delivery by mail needs a mailing address")
    body = {"reason": reason,
            "photo_jpeg_b64": (base64.b64encode(bytes(photo_jpeg)).decode("ascii")
                               if photo_jpeg is not None else None),
            "delivery": delivery, "mailing_address": mailing_address}
    return ApiCall("apply_renewal", "POST", "/v1/me/renewals", encode_json(body))


#: operation -> parser of its 2xx answer (what :meth:`BackOfficeClient.perform` returns)
ANSWER_PARSERS: dict[str, Callable[[Any], Any]] = {
    "report_loss": CardStatus.from_json,
    "lift_loss": CardStatus.from_json,
    "update_profile": Profile.from_json,
    "apply_renewal": Application.from_json,
}


def error_class_for(code: str) -> type[BackOfficeError]:
    return ERROR_CLASSES.get(code, BackOfficeError)


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
                 deadline_s: float = DEFAULT_DEADLINE_S, max_attempts: int = 3, backoff_s: float = 0.2, backoff_max_s: float = 2.0,
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
        #: the verified citizen session whose token goes out as Bearer (None: none)
        self._citizen: Session | None = None
        #: an SMS session waiting for its code (its person, for :meth:`verify_sms`)
        self._pending_sms: Session | None = None
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

    # --- lifecycle -------------------------------------------------------------
    def for_citizen(self) -> "BackOfficeClient":
        """A view of this client for one citizen's session: the same connection pool,
        signature and timeouts, its own session token and in-flight count. A call
        still running for a citizen who has left (it ends by its deadline) cannot
        give their token to the next citizen, nor take theirs."""
        view = copy.copy(self)
        view._citizen = view._pending_sms = None
        view.last_replayed = False
        view.requests_in_flight = view.writes_in_flight = 0
        view._in_flight_lock = threading.Lock()
        view._owns_pool = False
        return view

    def close(self) -> None:
        if self._owns_pool:
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

    # --- citizen sessions -------------------------------------------------------
    @property
    def session(self) -> Session | None:
        """The verified citizen session this client acts for, or None."""
        return self._citizen

    @property
    def session_token(self) -> str | None:
        return self._citizen.token if self._citizen else None

    def use_session(self, session: Session) -> None:
        """Act for a verified session opened by another client of this kiosk (a worker's)."""
        if not isinstance(session, Session) or not session.verified:
            raise ValueError("only a verified session can be used")
        self._citizen = session
        self._pending_sms = None

    def forget_session(self) -> None:
        """Drop the token locally (without telling the back office)."""
        self._citizen = None
        self._pending_sms = None

    def _remember(self, session: Session) -> Session:
        if session.verified:
            self._citizen = session
            self._pending_sms = None
        return session

    def open_session_card(self, card_auth_id: str, *,
                          idempotency_key: str | None = None) -> Session:
        """``POST /v1/sessions {method: "card", card_auth_id}``, after the card accepted the PIN."""
        if not isinstance(card_auth_id, str) or not card_auth_id:
            raise ValueError("card_auth_id is required")
        data = self.request("POST", "/v1/sessions", idempotency_key=idempotency_key,
                            json_body={"method": "card", "card_auth_id": card_auth_id})
        session = _parse_with(lambda d: Session.from_json(d, "card"), data, "session")
        if not session.verified:
            raise _malformed("a card session came back without a token")
        return self._remember(session)

    def open_session_sms(self, ssn: str, name: str, *,
                         idempotency_key: str | None = None) -> Session:
        """``POST /v1/sessions {method: "sms", ssn, name}``: sends a code to the phone on file.

        Returns an unverified session; finish it with :meth:`verify_sms`.
        """
        if not ssn or not name:
            raise ValueError("ssn and name are required")
        data = self.request("POST", "/v1/sessions", idempotency_key=idempotency_key,
                            json_body={"method": "sms", "ssn": ssn, "name": name})
        session = _parse_with(lambda d: Session.from_json(d, "sms"), data, "session")
        if not session.session_id:
            raise _malformed("an SMS session came back without a session_id")
        if session.verified:
            return self._remember(session)
        self._pending_sms = session
        return session

    def verify_sms(self, session_id: str, code: str, *,
                   idempotency_key: str | None = None) -> Session:
        """``POST /v1/sessions/{id}/verify {code}`` -> the verified session (token remembered).

        A wrong code raises :class:`~kiosk.errors.ChallengeFailed`; the fifth,
        :class:`~kiosk.errors.TooManyAttempts`.
        """
        if not isinstance(session_id, str) or not _SESSION_ID_RE.fullmatch(session_id):
            raise ValueError("not a session id")
        data = self.request("POST", f"/v1/sessions/{quote(session_id, safe='')}/verify",
                            json_body={"code": code}, idempotency_key=idempotency_key)
        if not isinstance(data, dict) or not isinstance(data.get("token"), str) \
                or not data["token"]:
            raise _malformed("the verify answer lacks a token")
        pending = self._pending_sms
        person = pending.person if pending and pending.session_id == session_id else None
        answer = dict(data)
        answer.setdefault("session_id", session_id)
        session = _parse_with(lambda d: Session.from_json(d, "sms"), answer, "session")
        if session.person is None and person is not None:
            session = Session(session.session_id, session.token, session.expires_at, person,
                              "sms")
        return self._remember(session)

    def open_session_face(self, ssn: str, name: str, jpeg_bytes: bytes, *,
                          idempotency_key: str | None = None) -> Session:
        """``POST /v1/sessions {method: "face", ssn, name, image_jpeg_b64}``."""
        if not ssn or not name:
            raise ValueError("ssn and name are required")
        if not isinstance(jpeg_bytes, (bytes, bytearray)) or not jpeg_bytes:
            raise ValueError("the face image is required")
        body = {"method": "face", "ssn": ssn, "name": name,
                "image_jpeg_b64": base64.b64encode(bytes(jpeg_bytes)).decode("ascii")}
        data = self.request("POST", "/v1/sessions", json_body=body,
                            idempotency_key=idempotency_key)
        session = _parse_with(lambda d: Session.from_json(d, "face"), data, "session")
        if not session.verified:
            raise _malformed("a face session came back without a token")
        return self._remember(session)

    def end_session(self) -> bool:
        """``DELETE /v1/sessions/current``; the token is forgotten whatever happens.

        Returns True when the back office confirmed the end, False when there was
        no session, it had already expired, or the back office could not be
        reached (the token then dies by itself within its lifetime).
        """
        token = self.session_token
        self.forget_session()
        if not token:
            return False
        try:
            self.request("DELETE", "/v1/sessions/current", bearer=token)
        except SessionExpired:
            return False
        except BackOfficeUnavailable as exc:
            log.warning("could not end the citizen session (%s); it expires by itself",
                        exc.code)
            return False
        return True

    def _bearer(self) -> str:
        token = self.session_token
        if not token:
            raise NoSession()
        return token

    # --- citizen operations -------------------------------------------------------
    def my_card(self) -> CardStatus:
        """``GET /v1/me/card``."""
        return _parse_with(CardStatus.from_json,
                           self.request("GET", "/v1/me/card", bearer=self._bearer()), "card")

    def my_applications(self) -> tuple[Application, ...]:
        """``GET /v1/me/applications``: stages in the order of ``policies.md``."""
        return _parse_with(applications_from_json,
                           self.request("GET", "/v1/me/applications", bearer=self._bearer()),
                           "applications")

    def report_loss(self, kind: str, duration: str | None = None, *,
                    idempotency_key: str | None = None) -> CardStatus:
        """``POST /v1/me/card/loss`` -> the card's new status."""
        return self.perform(report_loss_call(kind, duration), idempotency_key=idempotency_key)

    def lift_loss(self, *, idempotency_key: str | None = None) -> CardStatus:
        """``DELETE /v1/me/card/loss`` -> the card's new status."""
        return self.perform(lift_loss_call(), idempotency_key=idempotency_key)

    def my_profile(self) -> Profile:
        """``GET /v1/me/profile``."""
        return _parse_with(Profile.from_json,
                           self.request("GET", "/v1/me/profile", bearer=self._bearer()),
                           "profile")

    def update_profile(self, changes: Mapping[str, Any], *,
                       idempotency_key: str | None = None) -> Profile:
        """``PATCH /v1/me/profile`` with non-key fields -> the profile.

        A key field raises :class:`~kiosk.errors.KeyFieldChangeRequiresRenewal`; a
        bad value :class:`~kiosk.errors.ValidationFailed` (``.field``).
        """
        return self.perform(update_profile_call(changes), idempotency_key=idempotency_key)

    def pin_authorization(self, operation: str, card_auth_id: str, challenge: bytes, *,
                          idempotency_key: str | None = None) -> bytes:
        """``POST /v1/me/pin-authorizations`` -> the APDU (RESET or UNBLOCK with its MAC4).

        ``challenge`` is the card's 16-byte GET CHALLENGE answer (R3). The APDU is
        for the card only: never log it.
        """
        if operation not in PIN_OPERATIONS:
            raise ValueError(f"operation must be one of {sorted(PIN_OPERATIONS)}")
        if not isinstance(challenge, (bytes, bytearray)) or len(challenge) != 16:
            raise ValueError("the challenge is the card's 16 bytes")
        if not isinstance(card_auth_id, str) or not card_auth_id:
            raise ValueError("card_auth_id is required")
        body = {"operation": operation, "card_auth_id": card_auth_id,
                "challenge_hex": bytes(challenge).hex().upper()}
        data = self.request("POST", "/v1/me/pin-authorizations", json_body=body,
                            idempotency_key=idempotency_key, bearer=self._bearer())
        apdu_hex = data.get("apdu_hex") if isinstance(data, dict) else None
        if not isinstance(apdu_hex, str) or not _HEX_RE.fullmatch(apdu_hex):
            raise _malformed("the PIN authorisation lacks apdu_hex")
        apdu = bytes.fromhex(apdu_hex)
        if not apdu.startswith(_PIN_COMMAND_HEADERS[operation]):
            raise _malformed("the PIN authorisation is not the requested command")
        return apdu

    def apply_renewal(self, reason: str, photo_jpeg: bytes | None, delivery: str,
                      mailing_address: str | None = None, *,
                      idempotency_key: str | None = None) -> Application:
        """``POST /v1/me/renewals`` -> the new application (``PHOTO_INVALID`` has ``.rule``)."""
        return self.perform(apply_renewal_call(reason, photo_jpeg, delivery, mailing_address),
                            idempotency_key=idempotency_key)

    # --- the terminal ---------------------------------------------------------------
    def heartbeat(self, *, software_version: str = __version__,
                  devices: Mapping[str, Any] | None = None, journal_backlog: int = 0,
                  uptime_s: float = 0, idempotency_key: str | None = None) -> HeartbeatAnswer:
        """``POST /v1/kiosks/heartbeat`` -> ``{config_version}`` (no citizen session needed)."""
        body = {"software_version": software_version, "devices": dict(devices or {}),
                "journal_backlog": int(journal_backlog), "uptime_s": int(uptime_s)}
        data = self.request("POST", "/v1/kiosks/heartbeat", json_body=body,
                            idempotency_key=idempotency_key)
        return _parse_with(HeartbeatAnswer.from_json, data, "heartbeat")

    def kiosk_config(self) -> KioskConfig:
        """``GET /v1/kiosks/config``: this terminal's managed settings."""
        return _parse_with(KioskConfig.from_json, self.request("GET", "/v1/kiosks/config"),
                           "kiosk config")

    # --- maintenance mode (an extension of the contract, docs/maintenance.md) --------------
    def verify_technician(self, account: str, pin: Pin, otp: str, *,
                          idempotency_key: str | None = None) -> TechnicianSession:
        """``POST /v1/technicians/verify {account, pin, otp, nonce}`` -> the technician's session.

        Refusals: :class:`~kiosk.errors.TechnicianNotVerified` (whatever was wrong),
        :class:`~kiosk.errors.TooManyAttempts` (``details.scope``, ``details.locked_until``).
        The PIN's digits go into the body bytes only, at the last moment; the
        mutable copies are wiped after sending (the caller wipes ``pin``). ``nonce``
        is fresh per call: the back office's idempotency fingerprint of the body
        must not be a fast hash of the PIN alone.
        """
        if not isinstance(account, str) or not account:
            raise ValueError("account is required")
        if not isinstance(pin, Pin) or not pin.complete:
            raise ValueError("a technician's PIN has 6 digits")
        if not isinstance(otp, str) or not _OTP_RE.fullmatch(otp):
            raise ValueError("the one-time code has 6 digits")
        head = encode_json({"account": account, "otp": otp, "nonce": secrets.token_urlsafe(24)})
        digits = pin.ascii_digits()
        body = bytearray(head[:-1])  # without the closing brace
        try:
            body += b',"pin":"'
            body += digits
            body += b'"}'
            data = self.request("POST", "/v1/technicians/verify", body_bytes=body,
                                idempotency_key=idempotency_key)
        finally:
            for buf in (digits, body):
                buf[:] = bytes(len(buf))
        return _parse_with(TechnicianSession.from_json, data, "technician verification")

    # --- stored calls (the outbox) ------------------------------------------------------
    def perform(self, call: ApiCall, *, idempotency_key: str | None = None,
                bearer: str | None = None) -> Any:
        """Send a built :class:`ApiCall` and parse its answer (``ANSWER_PARSERS``).

        A citizen call uses ``bearer`` when given (the outbox replays with the
        token it stored), else the current session's token.
        """
        token = (bearer or self._bearer()) if call.citizen else None
        data = self.request(call.method, call.path, body_bytes=call.body,
                            idempotency_key=idempotency_key, bearer=token)
        parser = ANSWER_PARSERS.get(call.operation)
        return _parse_with(parser, data, call.operation) if parser else data

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
                                     or _is_key_in_use(response, content)) \
                            and self._sleep(attempt, response.headers.get("Retry-After"),
                                            deadline):
                        continue
                    self.last_replayed = response.headers.get(REPLAYED_HEADER, "") == "true"
                    try:
                        return self._parse(response, content)
                    except SessionExpired:
                        if bearer and bearer == self.session_token:
                            self.forget_session()
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

    @staticmethod
    def _parse(response: requests.Response, content: bytes) -> Any:
        status = response.status_code
        if 200 <= status < 300:
            if status == 204 or not content:
                if status == 204:
                    return None
                raise _malformed("empty answer", status)
            if not _is_json_type(response):
                raise _malformed("the answer is not declared as JSON", status)
            try:
                return json.loads(content)
            except ValueError:
                raise _malformed("the answer is not JSON", status) from None
        error = _contract_error(response, content)
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
        # str() never carries the server's message: it may echo personal data
        if issubclass(cls, ContractError):
            raise cls(code=code, http_status=status, details=details, server_message=message)
        err = cls(f"the back office answered {code} (HTTP {status})", code=code,
                  http_status=status, details=details)
        err.server_message = message  # type: ignore[attr-defined]
        raise err


class _NoAuth(requests.auth.AuthBase):
    """Overrides the session's signature for the unsigned endpoint (health)."""

    def __call__(self, r):
        return r


def _is_json_type(response: requests.Response) -> bool:
    """The answer says it is JSON: ``application/json`` or ``application/<x>+json``."""
    media = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/")
                                           and media.endswith("+json"))


def _contract_error(response: requests.Response, content: bytes
                    ) -> tuple[str, str, dict] | None:
    if not _is_json_type(response):
        return None
    try:
        data = json.loads(content)
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


def _is_key_in_use(response: requests.Response, content: bytes) -> bool:
    """``409 IDEMPOTENCY_KEY_IN_USE``: the same request is still running; safe to retry."""
    if response.status_code != 409:
        return False
    error = _contract_error(response, content)
    return error is not None and error[0] == "IDEMPOTENCY_KEY_IN_USE"


def _parse_with(parser: Callable[[Any], Any], data: Any, what: str) -> Any:
    try:
        return parser(data)
    except ShapeError as exc:
        raise _malformed(f"{what}: {exc}") from None


def _timeout_error(method: str, what: str, deadline_s: float) -> BackOfficeUnavailable:
    """No (whole) answer in time: a write may have taken effect, a read changed nothing."""
    details = {"reason": what, "deadline_s": deadline_s}
    if method in WRITE_METHODS:
        return OutcomeUnknown("the back office did not answer in time; the request may have "
                              "taken effect", details=details)
    return BackOfficeTimeout("the back office did not answer in time", details=details)


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
        try:
            return client.card_auth(req)
        except OutcomeUnknown as exc:
            # authenticating a card changes nothing: no outcome to be unknown, only a back
            # office too slow (no answer in time) or unreachable (the connection lost)
            slow = exc.details.get("reason") in ("deadline", "read_timeout")
            cls = BackOfficeTimeout if slow else BackOfficeUnavailable
            raise cls("the back office did not authenticate the card in time" if slow
                      else "the connection to the back office was lost",
                      details=exc.details) from None

    return step
