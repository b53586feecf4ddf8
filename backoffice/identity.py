"""Identity checks without the card: SMS codes, the face check, and their limits.

Pluggable pieces (on the app state, chosen by :func:`sms_sender_for` and
:func:`face_verifier_for` from the configuration):

- an :class:`SmsSender` delivers a code to a phone. Demo/test mode:
  :class:`LogSmsSender` writes ``SMS code for 138****1234: 482913`` to the
  ``backoffice.sms`` log at INFO. Production: the configured gateway hook
  (``sms_gateway``: a callable ``(phone, code)`` or ``"module:function"``);
  without one, SMS sessions are not offered;
- a :class:`FaceVerifier` decides whether an image shows the person. Demo/test
  mode: :class:`OneFaceVerifier` (exactly one face, OpenCV's Haar cascade);
  production: the configured ``face_verifier`` hook, else face sessions are
  not offered.

Codes are 6 random digits that are never a weak PIN-like pattern (one digit
repeated, an ascending or descending run such as ``123456``), drawn with
:mod:`secrets`; only a salted hash is stored. Attempts are recorded in
``identity_attempts`` with a hash of the social security number, never the
number, and counted for the limits (see :class:`Limits`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import importlib
import logging
import secrets
from dataclasses import dataclass
from typing import Callable, Protocol

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from . import faces
from .config import ConfigError
from .models import IdentityAttempt, Person

log = logging.getLogger("backoffice.identity")
sms_log = logging.getLogger("backoffice.sms")

CODE_DIGITS = 6


# --- SMS -------------------------------------------------------------------------------

class SmsSender(Protocol):
    def send(self, phone: str, code: str) -> None: ...


def mask_phone(phone: str) -> str:
    """``138****1234``."""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


class LogSmsSender:
    """Demo/test mode: the code goes to the server's log (``backoffice.sms``, INFO)."""

    def send(self, phone: str, code: str) -> None:
        sms_log.info("SMS code for %s: %s", mask_phone(phone), code)


class HookSmsSender:
    """Production: a gateway hook ``hook(phone, code)``; it raises on failure."""

    def __init__(self, hook: Callable[[str, str], None]):
        self._hook = hook

    def send(self, phone: str, code: str) -> None:
        self._hook(phone, code)
        sms_log.info("SMS code sent to %s", mask_phone(phone))


def resolve_hook(spec) -> Callable | None:
    """A callable, or ``"package.module:function"`` imported; None stays None."""
    if spec is None or callable(spec):
        return spec
    if isinstance(spec, str) and ":" in spec:
        module_name, _, attr = spec.partition(":")
        try:
            hook = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError) as exc:
            raise ConfigError(f"cannot load the hook {spec!r}: {exc}") from None
        if callable(hook):
            return hook
    raise ConfigError(f"a hook must be a callable or 'module:function', not {spec!r}")


def sms_sender_for(config) -> SmsSender | None:
    hook = resolve_hook(config.sms_gateway)
    if hook is not None:
        return HookSmsSender(hook)
    if config.relaxed:
        return LogSmsSender()
    return None


def is_weak_code(code: str) -> bool:
    """One digit repeated, or a run up or down (``123456``, ``654321``, ``901234``)."""
    if len(set(code)) == 1:
        return True
    steps = {(int(b) - int(a)) % 10 for a, b in zip(code, code[1:])}
    return steps in ({1}, {9})


def new_sms_code() -> str:
    while True:
        code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
        if not is_weak_code(code):
            return code


def code_hash(session_id: str, code: str) -> str:
    return hashlib.sha256(f"sms:{session_id}:{code}".encode()).hexdigest()


def code_matches(stored_hash: str, session_id: str, code: str) -> bool:
    return hmac.compare_digest(stored_hash, code_hash(session_id, code))


# --- face ------------------------------------------------------------------------------

@dataclass(frozen=True)
class FaceResult:
    ok: bool
    #: why not: ``no_face`` | ``several_faces`` | ``mismatch`` | ...
    reason: str | None = None


class FaceVerifier(Protocol):
    def verify(self, person: Person, jpeg: bytes) -> FaceResult: ...


class OneFaceVerifier:
    """Demo/test mode: accepts an image holding exactly one frontal face."""

    def verify(self, person: Person, jpeg: bytes) -> FaceResult:
        n = faces.count_faces(faces.decode(jpeg))
        if n == 1:
            return FaceResult(True)
        return FaceResult(False, "no_face" if n == 0 else "several_faces")


class HookFaceVerifier:
    """Production: ``hook(person, jpeg) -> bool | FaceResult``."""

    def __init__(self, hook: Callable):
        self._hook = hook

    def verify(self, person: Person, jpeg: bytes) -> FaceResult:
        result = self._hook(person, jpeg)
        if isinstance(result, FaceResult):
            return result
        return FaceResult(bool(result), None if result else "mismatch")


def face_verifier_for(config) -> FaceVerifier | None:
    hook = resolve_hook(config.face_verifier)
    if hook is not None:
        return HookFaceVerifier(hook)
    if config.relaxed:
        return OneFaceVerifier()
    return None


# --- attempts and limits ---------------------------------------------------------------

def subject_of(ssn: str) -> str:
    """What the attempt table stores for a social security number."""
    return hashlib.sha256(f"ssn:{ssn.strip().upper()}".encode()).hexdigest()


@dataclass(frozen=True)
class Limits:
    #: failed identity checks of one number before it is refused (TOO_MANY_ATTEMPTS) ...
    failures_per_ssn: int = 5
    #: ... within this window
    failure_window_s: int = 24 * 3600
    #: SMS codes sent for one number per window (RATE_LIMITED beyond)
    sms_per_ssn: int = 5
    sms_window_s: int = 3600
    #: identity attempts (SMS or face sessions) of one kiosk per window (RATE_LIMITED)
    attempts_per_kiosk: int = 30
    kiosk_window_s: int = 60
    #: wrong codes for one SMS challenge (the contract: 5 -> TOO_MANY_ATTEMPTS)
    codes_per_challenge: int = 5
    #: how long an SMS code may be used
    code_ttl_s: int = 300


def record(s: Session, subject: str, kiosk_id: str, method: str, outcome: str,
           now: dt.datetime) -> None:
    s.add(IdentityAttempt(subject=subject, kiosk_id=kiosk_id, method=method, outcome=outcome,
                          at=now))


def count(s: Session, now: dt.datetime, window_s: int, *, subject: str | None = None,
          kiosk_id: str | None = None, outcome: str | None = None) -> tuple[int, dt.datetime | None]:
    """How many attempts match in the window, and the oldest one's time."""
    since = now - dt.timedelta(seconds=window_s)
    query = select(func.count(), func.min(IdentityAttempt.at)).where(IdentityAttempt.at > since)
    if subject is not None:
        query = query.where(IdentityAttempt.subject == subject)
    if kiosk_id is not None:
        query = query.where(IdentityAttempt.kiosk_id == kiosk_id)
    if outcome is not None:
        query = query.where(IdentityAttempt.outcome == outcome)
    n, oldest = s.execute(query).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.timezone.utc)
    return int(n or 0), oldest


def retry_after(oldest: dt.datetime | None, window_s: int, now: dt.datetime) -> int:
    if oldest is None:
        return window_s
    return max(1, int((oldest + dt.timedelta(seconds=window_s) - now).total_seconds()) + 1)


_PURGE_EVERY_S = 600.0


def maybe_purge(s: Session, state, now: dt.datetime) -> None:
    """Forget attempts older than every window (at most every few minutes per process).

    Deleted in the request's transaction: committed with its answer (a refusal
    that is raised rolls the purge back too; the next request purges again).
    """
    import time

    tick = time.monotonic()
    if tick - getattr(state, "last_attempts_purge", float("-inf")) < _PURGE_EVERY_S:
        return
    state.last_attempts_purge = tick
    limits: Limits = state.limits
    keep_s = 2 * max(limits.failure_window_s, limits.sms_window_s, limits.kiosk_window_s)
    s.execute(delete(IdentityAttempt).where(
        IdentityAttempt.at < now - dt.timedelta(seconds=keep_s)))
