"""Technicians and their two factors: a PIN and a one-time code (maintenance mode).

An extension of the contract (``docs/maintenance.md``): a kiosk enters
maintenance mode only after the back office verified a technician's account,
PIN and current TOTP code (``POST /v1/technicians/verify``, see
:mod:`backoffice.routes.technicians`). This module holds what the route and
the demo seeding share:

- :func:`add_technician`: a new account (PIN hashed with scrypt by
  :mod:`kiosk.secret_hash`; a fresh TOTP secret unless one is given);
- :func:`check_credentials`: the PIN and the code, both always checked (an
  unknown or inactive account costs the same time), with the reason kept for
  the server's log only; the answer never says which part was wrong;
- :class:`Counter`: failures in a row and the lock, for an account
  (:class:`~backoffice.models.Technician`) and for a kiosk
  (:class:`~backoffice.models.TechnicianKioskLock`): the
  :data:`LOCK_AFTER`-th failure locks for :data:`LOCK_S` seconds, a success
  resets the count.

Lockouts and token lifetimes follow the business clock (``now()``, shiftable
in demo/test mode); one-time codes follow the wall clock, as the technician's
authenticator app does.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk import secret_hash, totp

from .models import Technician, TechnicianKioskLock

#: failures in a row that lock an account, or a kiosk
LOCK_AFTER = 5
#: how long a lock lasts
LOCK_S = 15 * 60
#: how long a maintenance token lives
TOKEN_TTL_S = 15 * 60
#: an account: a letter, then letters, digits, ``_`` or ``-`` (32 at most); never
#: ``LOCAL`` (the kiosk's offline fallback, docs/maintenance.md)
ACCOUNT_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,31}")
RESERVED_ACCOUNTS = frozenset({"LOCAL"})
PIN_RE = re.compile(r"[0-9]{6}")
OTP_RE = re.compile(r"[0-9]{6}")


def normal_account(account: str) -> str:
    return account.strip().upper()


def add_technician(s: Session, account: str, name: str, pin: str, *, now: dt.datetime,
                   totp_secret: str | None = None, active: bool = True,
                   pin_hash: str | None = None) -> Technician:
    """Add an account (flushed); ``pin_hash`` instead of ``pin`` stores a hash made earlier."""
    account = normal_account(account)
    if not ACCOUNT_RE.fullmatch(account) or account in RESERVED_ACCOUNTS:
        raise ValueError(f"not a technician account: {account!r}")
    if pin_hash is None:
        if not PIN_RE.fullmatch(pin or ""):
            raise ValueError("a technician's PIN has 6 digits")
        pin_hash = secret_hash.hash_secret(pin)
    elif not secret_hash.is_secret_hash(pin_hash):
        raise ValueError("pin_hash is not a hash of kiosk.secret_hash")
    secret = totp_secret or totp.new_secret()
    totp.decode_secret(secret)  # raises for a secret that is not base32
    row = Technician(account=account, name=name, pin_hash=pin_hash, totp_secret=secret,
                     active=active, failed_count=0, locked_until=None, last_otp_step=None,
                     created_at=now, updated_at=now)
    s.add(row)
    s.flush()
    return row


@dataclass(frozen=True)
class Check:
    ok: bool
    #: for the server's log only: ``ok``, ``unknown_account``, ``inactive``, ``wrong_pin``,
    #: ``wrong_otp``, ``otp_reused``
    reason: str
    #: the TOTP step the code matched (stored as ``last_otp_step`` on success)
    otp_step: int | None = None


def check_credentials(tech: Technician | None, pin: str, otp: str, wall_s: float) -> Check:
    """Check both factors (the PIN's hash is computed even for an unknown account)."""
    if tech is None:
        secret_hash.verify_nothing(pin)
        return Check(False, "unknown_account")
    pin_ok = secret_hash.verify_secret(tech.pin_hash, pin)
    step = totp.verify(tech.totp_secret, otp, wall_s, window=1)
    if not tech.active:
        return Check(False, "inactive")
    if not pin_ok:
        return Check(False, "wrong_pin")
    if step is None:
        return Check(False, "wrong_otp")
    if tech.last_otp_step is not None and step <= tech.last_otp_step:
        return Check(False, "otp_reused")
    return Check(True, "ok", step)


class _LockRow(Protocol):
    failed_count: int
    locked_until: dt.datetime | None
    updated_at: dt.datetime


class Counter:
    """Failures in a row and the lock of one row (an account or a kiosk)."""

    def __init__(self, row: _LockRow):
        self.row = row

    def locked_until(self, now: dt.datetime) -> dt.datetime | None:
        until = self.row.locked_until
        return until if until is not None and until > now else None

    def fail(self, now: dt.datetime) -> dt.datetime | None:
        """Count a failure; the :data:`LOCK_AFTER`-th locks (returns the lock's end)."""
        row = self.row
        row.failed_count = (row.failed_count or 0) + 1
        row.updated_at = now
        if row.failed_count >= LOCK_AFTER:
            row.failed_count = 0
            row.locked_until = now.replace(microsecond=0) + dt.timedelta(seconds=LOCK_S)
            return row.locked_until
        return None

    def succeed(self, now: dt.datetime) -> None:
        self.row.failed_count = 0
        self.row.locked_until = None
        self.row.updated_at = now


def find_technician(s: Session, account: str) -> Technician | None:
    """The account's row, locked for update (its counters change in this request)."""
    return s.scalar(select(Technician).where(Technician.account == normal_account(account))
                    .with_for_update())


def kiosk_lock(s: Session, kiosk_id: str, now: dt.datetime) -> TechnicianKioskLock:
    """The kiosk's counter row (made on first use), locked for update."""
    row = s.get(TechnicianKioskLock, kiosk_id, with_for_update=True, populate_existing=True)
    if row is not None:
        return row
    try:
        with s.begin_nested():
            row = TechnicianKioskLock(kiosk_id=kiosk_id, failed_count=0, locked_until=None,
                                      updated_at=now)
            s.add(row)
    except IntegrityError:  # a racing request of the same kiosk made it first
        row = s.get(TechnicianKioskLock, kiosk_id, with_for_update=True, populate_existing=True)
    assert row is not None
    return row
