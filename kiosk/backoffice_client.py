"""The kiosk's client of the back-office API (``shared/spec/backoffice-api.md``).

Every endpoint of the contract has a method of :class:`BackOfficeClient`;
answers are the frozen dataclasses of :mod:`kiosk.backoffice_types`. The
requests go through :class:`~kiosk.backoffice_transport.BackOfficeTransport`
(signed, bounded by one deadline, retried where safe, typed errors: see that
module); the answers are read by :mod:`kiosk.backoffice_answers`; the writes
the outbox stores are built by :mod:`kiosk.backoffice_calls`.

A client (or a view of it, :meth:`BackOfficeClient.for_citizen`) is used from
one thread at a time; views share the connection pool, which urllib3 guards.
The client remembers the token of the last verified citizen session and sends
it as ``Authorization: Bearer`` on every citizen operation (``/v1/me/...``);
:meth:`BackOfficeClient.end_session` (or a ``SESSION_EXPIRED`` answer) forgets
it. A citizen operation without a verified session raises
:class:`~kiosk.errors.NoSession` without sending anything.
"""

from __future__ import annotations

import base64
import copy
import logging
import re
import secrets
import threading
from typing import Any, Callable, Mapping
from urllib.parse import quote

from . import __version__
from .backoffice_answers import malformed, parse_with
from .backoffice_calls import (ANSWER_PARSERS, ApiCall, apply_renewal_call, encode_json,
                               lift_loss_call, report_loss_call, update_profile_call)
from .backoffice_transport import BackOfficeTransport
from .backoffice_types import (PIN_OPERATIONS, Application, CardStatus, HeartbeatAnswer,
                               KioskConfig, Profile, Session, TechnicianSession,
                               applications_from_json)
from .card import CardAuthAnswer, CardAuthRequest
from .errors import (BackOfficeTimeout, BackOfficeUnavailable, NoSession, OutcomeUnknown,
                     SessionExpired)
from .pin import Pin

log = logging.getLogger("kiosk.backoffice")

_HEX32_RE = re.compile(r"[0-9A-Fa-f]{32}")
_HEX_RE = re.compile(r"(?:[0-9A-Fa-f]{2})+")
_SESSION_ID_RE = re.compile(r"[A-Za-z0-9._~-]{1,128}")
_OTP_RE = re.compile(r"[0-9]{6}")
#: the first bytes (CLA INS P1 P2) of the command each PIN authorisation must be
_PIN_COMMAND_HEADERS = {"reload": bytes.fromhex("805E0000"), "unblock": bytes.fromhex("84240000")}


class BackOfficeClient(BackOfficeTransport):
    def __init__(self, base_url: str, kiosk_id: str, secret: str | bytes, **options: Any):
        """``options``: those of :class:`~kiosk.backoffice_transport.BackOfficeTransport`
        (``ca_bundle``, ``client_cert``, timeouts, ``deadline_s``, retries, ``clock``)."""
        super().__init__(base_url, kiosk_id, secret, **options)
        #: the verified citizen session whose token goes out as Bearer (None: none)
        self._citizen: Session | None = None
        #: an SMS session waiting for its code (its person, for :meth:`verify_sms`)
        self._pending_sms: Session | None = None

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

    def __repr__(self) -> str:
        return f"BackOfficeClient({self.base_url!r}, kiosk={self.kiosk_id!r})"

    # --- the API ---------------------------------------------------------------
    def health(self) -> dict:
        """``GET /v1/health`` -> ``{status, time, policy: {jurisdiction, version}}``."""
        data = self.request("GET", "/v1/health", signed=False)
        if not isinstance(data, dict) or not isinstance(data.get("status"), str) \
                or not isinstance(data.get("policy"), dict):
            raise malformed("health answer lacks status/policy")
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
            raise malformed("card-auth answer is not an object")
        card_auth_id = data.get("card_auth_id")
        external = data.get("external_auth_hex")
        if not isinstance(card_auth_id, str) or not card_auth_id:
            raise malformed("card-auth answer lacks card_auth_id")
        if not isinstance(external, str) or not _HEX32_RE.fullmatch(external):
            raise malformed("card-auth answer lacks a 16-byte external_auth_hex")
        if not isinstance(data.get("expires_at"), str):
            raise malformed("card-auth answer lacks expires_at")
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
        session = parse_with(lambda d: Session.from_json(d, "card"), data, "session")
        if not session.verified:
            raise malformed("a card session came back without a token")
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
        session = parse_with(lambda d: Session.from_json(d, "sms"), data, "session")
        if not session.session_id:
            raise malformed("an SMS session came back without a session_id")
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
            raise malformed("the verify answer lacks a token")
        pending = self._pending_sms
        person = pending.person if pending and pending.session_id == session_id else None
        answer = dict(data)
        answer.setdefault("session_id", session_id)
        session = parse_with(lambda d: Session.from_json(d, "sms"), answer, "session")
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
        session = parse_with(lambda d: Session.from_json(d, "face"), data, "session")
        if not session.verified:
            raise malformed("a face session came back without a token")
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
        return parse_with(CardStatus.from_json,
                           self.request("GET", "/v1/me/card", bearer=self._bearer()), "card")

    def my_applications(self) -> tuple[Application, ...]:
        """``GET /v1/me/applications``: stages in the order of ``policies.md``."""
        return parse_with(applications_from_json,
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
        return parse_with(Profile.from_json,
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
            raise malformed("the PIN authorisation lacks apdu_hex")
        apdu = bytes.fromhex(apdu_hex)
        if not apdu.startswith(_PIN_COMMAND_HEADERS[operation]):
            raise malformed("the PIN authorisation is not the requested command")
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
        return parse_with(HeartbeatAnswer.from_json, data, "heartbeat")

    def kiosk_config(self) -> KioskConfig:
        """``GET /v1/kiosks/config``: this terminal's managed settings."""
        return parse_with(KioskConfig.from_json, self.request("GET", "/v1/kiosks/config"),
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
        return parse_with(TechnicianSession.from_json, data, "technician verification")

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
        return parse_with(parser, data, call.operation) if parser else data


    def _session_expired(self, bearer: str | None) -> None:
        if bearer and bearer == self.session_token:
            self.forget_session()


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
