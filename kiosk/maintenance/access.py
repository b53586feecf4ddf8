"""Entering and leaving maintenance mode (Qt-free): credentials, lockout, journal.

::

    access = MaintenanceAccess(client, journal, local_credential=settings.local_hash)
    access.gesture_recognised()                 # ends the citizen's session, journals it
    grant = access.enter("T0001", pin, otp)     # or enter("local", pin) when offline
    access.record(grant, "reader_test", result="ok")
    access.exit(grant)

**Credentials.** A technician account (``T0001``), its 6-digit PIN (a
:class:`~kiosk.pin.Pin`, wiped by :meth:`MaintenanceAccess.enter` whatever
happens) and the current 6-digit code of the technician's authenticator app,
checked by the back office (``POST /v1/technicians/verify``). When the back
office cannot be reached, the **local fallback**: the account ``local`` and
the kiosk's local maintenance code typed as the PIN (no one-time code),
checked against the salted hash in the kiosk's settings
(:func:`hash_local_credential`). The local code is accepted only while the
back office is unreachable (a health probe, which carries no credential, says
so), so it is never sent over the network and a stolen one is no use while
the network is up.

**Lockout.** ``max_failures`` refused entries in a row at this kiosk, by either
path, lock entry for ``lockout_s`` seconds (:class:`.lockout.LocalLockout`, a
state file kept across restarts); while locked nothing is checked and nothing
is sent. The back office has its own locks (per account, per kiosk); its
``TOO_MANY_ATTEMPTS`` is raised as :class:`~kiosk.errors.MaintenanceLocked` too.

**Journal.** Service ``maintenance``: one row per entry attempt. A refused or
locked attempt ends ``refused`` (``TECHNICIAN_NOT_VERIFIED`` or
``TOO_MANY_ATTEMPTS``); an unreachable back office ``failed``. A successful
entry's row stays open for the whole visit: ``entered``, one ``action`` step per
:meth:`MaintenanceAccess.record`, ``exit`` (``technician``, ``expired``,
``new_entry``...), then ``ok``. The account is journaled, never the PIN, the
code, the token or the technician's name.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, NoReturn

from kiosk import secret_hash
from kiosk.errors import (BackOfficeError, BackOfficeUnavailable, MaintenanceLocked,
                          MaintenanceNotActive, TechnicianNotVerified, TooManyAttempts)
from kiosk.pin import Pin

from .lockout import LocalLockout, iso_utc

log = logging.getLogger("kiosk.maintenance")

SERVICE = "maintenance"
#: the account of the local fallback (the back office never has it)
LOCAL_ACCOUNT = "local"
#: how long a maintenance grant lasts (the back office's token: 15 minutes too)
GRANT_S = 15 * 60
#: the local code: digits typed on the PIN keypad, at least 6
LOCAL_CODE_MIN_DIGITS = 6
#: the demo kiosk's local maintenance code (demo only; docs/maintenance.md)
DEMO_LOCAL_CODE = "582947"
#: where the lockout state goes beside the journal's file
LOCKOUT_FILE = "maintenance-lockout.json"
_ACCOUNT_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,31}")
_OTP_RE = re.compile(r"[0-9]{6}")
_RESERVED_DETAIL = frozenset({"step", "ms", "action"})


def hash_local_credential(secret: str | bytes | bytearray) -> str:
    """The salted hash of a local maintenance code, for the kiosk's settings.

    The code is digits only (it is typed on the PIN keypad), at least 6 of them.
    ``python -m kiosk.maintenance hash-local-code`` asks for one and prints this.
    """
    data = secret.encode("ascii") if isinstance(secret, str) else secret
    if len(data) < LOCAL_CODE_MIN_DIGITS or not data.isdigit():
        raise ValueError(f"a local maintenance code has at least {LOCAL_CODE_MIN_DIGITS} "
                         "digits and nothing else")
    return secret_hash.hash_secret(data)


@dataclass(frozen=True)
class MaintenanceGrant:
    """A technician's leave to use maintenance mode, until ``expires_at`` or :meth:`exit`."""

    grant_id: str
    account: str
    #: ``backoffice`` | ``local``
    via: str
    started_at: dt.datetime
    expires_at: dt.datetime
    #: the technician's display name (``""`` for the local fallback); never journaled
    name: str = field(default="", repr=False)
    #: the back office's maintenance token (None for the local fallback)
    token: str | None = field(default=None, repr=False)
    #: the journal row of this visit
    attempt_id: int | None = None

    def expired(self, now: dt.datetime) -> bool:
        return now >= self.expires_at


class MaintenanceAccess:
    def __init__(self, client, journal, *, local_credential: str | None,
                 max_failures: int = 5, lockout_s: float = 900,
                 clock: Callable[[], dt.datetime] | None = None,
                 state_path: str | os.PathLike | None = None, grant_s: float = GRANT_S):
        """``client``: a :class:`~kiosk.backoffice_client.BackOfficeClient` (None: no back
        office, only the local fallback). ``local_credential``: the hash of
        :func:`hash_local_credential` (None: no local fallback). ``state_path``: the
        lockout state file; by default beside the journal's file (in memory for an
        in-memory journal)."""
        if local_credential is not None and not secret_hash.is_secret_hash(local_credential):
            raise ValueError("local_credential must be a hash of hash_local_credential(), "
                             "never the code itself")
        self.client = client
        self.journal = journal
        self._local_credential = local_credential
        self._clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
        self.grant_s = grant_s
        if state_path is None and journal is not None and journal.path not in ("", ":memory:"):
            state_path = Path(journal.path).with_name(LOCKOUT_FILE)
        self.lockout = LocalLockout(state_path, max_failures=max_failures, lockout_s=lockout_s,
                                    clock=self._clock)
        self._lock = threading.RLock()
        self._grant: MaintenanceGrant | None = None
        self._attempt = None

    # --- state --------------------------------------------------------------------------
    @property
    def locked_until(self) -> dt.datetime | None:
        """When the kiosk's own lock on entry ends (None: entry is open)."""
        return self.lockout.locked_until()

    @property
    def current(self) -> MaintenanceGrant | None:
        """The live grant, if any (an expired one is exited here, journaled ``expired``)."""
        with self._lock:
            grant = self._grant
            if grant is not None and grant.expired(self._clock()):
                self._close("expired")
                return None
            return grant

    # --- the gesture and the citizen --------------------------------------------------------
    def gesture_recognised(self) -> bool:
        """The entry gesture was made: end the citizen's session (if any), journal both.

        Returns whether a citizen session was ended.
        """
        with self.journal.attempt(SERVICE) as attempt:
            attempt.step("entry_gesture")
            return self._end_citizen_session(attempt)

    def _end_citizen_session(self, attempt) -> bool:
        if self.client is None or getattr(self.client, "session", None) is None:
            return False
        ended = self.client.end_session()
        attempt.step("citizen_session_ended", confirmed=bool(ended))
        return True

    # --- entering --------------------------------------------------------------------------
    def enter(self, account: str, pin: Pin, otp: str | None = None) -> MaintenanceGrant:
        """Check the credentials and open maintenance mode (the PIN is wiped here).

        Raises :class:`~kiosk.errors.TechnicianNotVerified` (credentials refused),
        :class:`~kiosk.errors.MaintenanceLocked` (``locked_until``, ``scope``),
        :class:`~kiosk.errors.BackOfficeUnavailable` (a technician account while the
        back office cannot be reached: use the local code).
        """
        try:
            with self._lock:
                return self._enter(account if isinstance(account, str) else "", pin, otp)
        finally:
            if isinstance(pin, Pin):
                pin.wipe()

    def _enter(self, account: str, pin: Pin, otp: str | None) -> MaintenanceGrant:
        if self._grant is not None:
            self._close("new_entry")
        account = account.strip()
        local = account.lower() == LOCAL_ACCOUNT
        attempt = self.journal.begin(SERVICE)
        try:
            attempt.step("entry_requested", via="local" if local else "backoffice",
                         account=account if _ACCOUNT_RE.fullmatch(account) else None)
            self._end_citizen_session(attempt)
            until = self.lockout.locked_until()
            if until is not None:
                attempt.step("locked", scope="kiosk", locked_until=iso_utc(until))
                raise MaintenanceLocked(details={"scope": "kiosk", "locked_until": iso_utc(until)})
            if local:
                grant = self._enter_local(attempt, pin)
            else:
                grant = self._enter_backoffice(attempt, account, pin, otp)
        except BaseException as exc:
            self.journal.end(attempt, exc)
            raise
        self.lockout.succeed()
        attempt.step("entered", via=grant.via, account=grant.account,
                     expires_at=iso_utc(grant.expires_at))
        self._grant, self._attempt = grant, attempt
        log.info("maintenance mode entered by %s (%s)", grant.account, grant.via)
        return grant

    def _enter_backoffice(self, attempt, account: str, pin: Pin,
                          otp: str | None) -> MaintenanceGrant:
        if not _ACCOUNT_RE.fullmatch(account) or not isinstance(pin, Pin) \
                or not pin.complete or not isinstance(otp, str) or not _OTP_RE.fullmatch(otp):
            self._refused(attempt, "backoffice")  # malformed: nothing is sent
        if self.client is None:
            attempt.step("backoffice_unreachable", reason="not_configured")
            raise BackOfficeUnavailable("no back office is configured",
                                        details={"reason": "not_configured"})
        try:
            session = self.client.verify_technician(account, pin, otp)
        except TechnicianNotVerified:
            self._refused(attempt, "backoffice")
        except TooManyAttempts as exc:
            details = {k: exc.details[k] for k in ("scope", "locked_until", "retry_after_s")
                       if isinstance(exc.details.get(k), (str, int))}
            attempt.step("locked", by="backoffice", **details)
            raise MaintenanceLocked(details=details, http_status=exc.http_status) from None
        except BackOfficeUnavailable as exc:
            attempt.step("backoffice_unreachable", reason=str(exc.details.get("reason")
                                                                or exc.code))
            raise
        now = self._clock()
        return MaintenanceGrant(uuid.uuid4().hex, session.account, "backoffice", now,
                                now + dt.timedelta(seconds=self.grant_s), name=session.name,
                                token=session.token, attempt_id=attempt.id)

    def _enter_local(self, attempt, pin: Pin) -> MaintenanceGrant:
        if self._backoffice_reachable():
            attempt.step("refused", via="local", reason="backoffice_reachable")
            raise TechnicianNotVerified(details={"reason": "backoffice_reachable"})
        attempt.step("backoffice_unreachable", reason="health")
        ok = False
        if self._local_credential is not None and isinstance(pin, Pin):
            digits = pin.ascii_digits()
            try:
                ok = secret_hash.verify_secret(self._local_credential, digits)
            finally:
                digits[:] = bytes(len(digits))
        if not ok:
            self._refused(attempt, "local")
        now = self._clock()
        return MaintenanceGrant(uuid.uuid4().hex, LOCAL_ACCOUNT, "local", now,
                                now + dt.timedelta(seconds=self.grant_s), attempt_id=attempt.id)

    def _backoffice_reachable(self) -> bool:
        """The health probe (unsigned, no credential): False only when it cannot be reached."""
        if self.client is None:
            return False
        try:
            self.client.health()
        except BackOfficeUnavailable:
            return False
        except BackOfficeError:
            return True  # it answered, however badly
        return True

    def _refused(self, attempt, via: str) -> NoReturn:
        """Count a refused entry (raises TechnicianNotVerified, or MaintenanceLocked)."""
        until = self.lockout.fail()
        attempt.step("refused", via=via, failures_in_a_row=self.lockout.failures
                     if until is None else self.lockout.max_failures)
        if until is not None:
            attempt.step("locked", scope="kiosk", locked_until=iso_utc(until))
            log.warning("maintenance entry locked at this kiosk until %s", iso_utc(until))
            raise MaintenanceLocked(details={"scope": "kiosk", "locked_until": iso_utc(until)})
        raise TechnicianNotVerified()

    # --- during and after ---------------------------------------------------------------------
    def record(self, grant: MaintenanceGrant, action: str, **detail: Any) -> None:
        """Journal one maintenance action of the live ``grant`` (step ``action``).

        ``detail`` goes through the journal's privacy guard (no PIN, no ID number).
        Raises :class:`~kiosk.errors.MaintenanceNotActive` when the grant has ended.
        """
        if not isinstance(action, str) or not action:
            raise ValueError("an action has a name")
        reserved = _RESERVED_DETAIL & set(detail)
        if reserved:
            raise ValueError(f"reserved detail names: {sorted(reserved)}")
        with self._lock:
            if self.current is not grant or self._attempt is None:
                raise MaintenanceNotActive("maintenance mode is not active for this grant")
            self._attempt.step("action", action=action, **detail)

    def exit(self, grant: MaintenanceGrant, reason: str = "technician") -> bool:
        """Leave maintenance mode (journaled ``exit``); False when ``grant`` had already ended."""
        with self._lock:
            if self._grant is not grant:
                return False
            self._close(reason)
            return True

    def _close(self, reason: str) -> None:
        grant, attempt = self._grant, self._attempt
        self._grant = self._attempt = None
        if attempt is None or grant is None:
            return
        attempt.step("exit", reason=reason)
        self.journal.end(attempt)
        log.info("maintenance mode left by %s (%s)", grant.account, reason)
