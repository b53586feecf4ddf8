"""The journal: one row per service attempt, so a technician can answer
"what did this kiosk do at 10:42" without ever seeing a PIN or an ID number.

::

    journal = Journal("/var/lib/ssc-kiosk/journal.sqlite3", kiosk_id="kiosk-042")
    with journal.attempt("temporary_loss", card_no=card.card_no, ssn=holder.ssn) as a:
        a.step("sms_sent")
        ...
        a.outcome("ok")

- The row is written (and committed) when the block starts, each step when it
  happens, and the end when the block ends, so a killed process leaves what it
  had done on disk (``ended_at`` NULL until :meth:`Journal.close_interrupted` closes it).
- ``card_no`` and ``ssn`` are masked before anything is written
  (:mod:`kiosk.masking`); names are never taken.
- An exception leaving the block records its outcome by type
  (:func:`outcome_for`) and its ``code`` as ``error_code``, and is re-raised.
  A normal exit without :meth:`Attempt.outcome` records ``ok``.
- Every value passes the :class:`~kiosk.journal.guard.PrivacyGuard`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Iterator, Mapping

from sqlalchemy import and_, delete, func, insert, or_, select, update

from kiosk import masking
from kiosk.errors import (ApplicationLocked, CardNotGenuine,
                          CardNotServed, CardRemoved, CardTimeout, JournalUnavailable,
                          OutcomeUnknown, PinBlocked, WeakPin, WrongPin)

from . import schema
from .guard import PrivacyGuard
from .health import JournalHealth, health_of
from .schema import attempts, from_text, outbox, to_text, write_tx

log = logging.getLogger("kiosk.journal")

OUTCOMES = ("ok", "refused", "failed", "cancelled", "pending", "card_removed", "timeout")

#: errors that are a refusal (the citizen's or a rule's), not a failure of the kiosk
_REFUSED_TYPES = (WrongPin, PinBlocked, WeakPin, CardNotServed, ApplicationLocked, CardNotGenuine)


def outcome_for(exc: BaseException) -> str:
    """The journal outcome of an exception that ended an attempt.

    ``card_removed`` for :class:`CardRemoved`; ``timeout`` for :class:`CardTimeout`,
    :class:`OutcomeUnknown` (a request without an answer, not managed by the outbox)
    and :class:`TimeoutError`; ``refused`` for business refusals (an error with
    ``refusal = True``: the contract's refusals, ``RuleRefused``; a wrong or blocked
    PIN, a weak new PIN, a card not served); ``cancelled`` for a cancellation
    (``code == "CANCELLED"`` or a class named ``*Cancelled``/``*Cancel``); else ``failed``.
    """
    if isinstance(exc, CardRemoved):
        return "card_removed"
    if isinstance(exc, (CardTimeout, OutcomeUnknown, TimeoutError)):
        return "timeout"
    if getattr(exc, "refusal", False) is True or isinstance(exc, _REFUSED_TYPES) \
            or type(exc).__name__ == "RuleRefused":
        return "refused"
    name = type(exc).__name__
    if getattr(exc, "code", None) == "CANCELLED" or name.endswith(("Cancelled", "Cancel")):
        return "cancelled"
    return "failed"  # BackOfficeUnavailable, protocol errors, bugs


def error_code_for(exc: BaseException) -> str:
    code = getattr(exc, "code", None)
    return code if isinstance(code, str) and code else type(exc).__name__


#: the step key that marks a card-side effect (``a.step("pin_reset", card_effect="pin_reset")``)
CARD_EFFECT = "card_effect"
#: the error code of an attempt that did not reach its end but whose card did something
#: (the PIN reset, changed or unblocked): its outcome is ``ok``, the steps say what
CARD_CHANGED = "CARD_CHANGED"


def card_effect_of(steps) -> str | None:
    """The last card-side effect among an attempt's steps (None: the card did nothing)."""
    effects = [s[CARD_EFFECT] for s in steps if isinstance(s, Mapping) and s.get(CARD_EFFECT)]
    return effects[-1] if effects else None


def _interrupted_outcome(entries, steps) -> tuple[str, str | None, dict[str, Any]]:
    """(outcome, error_code, what it rests on) of an attempt a killed process left open."""
    if entries:
        waiting = [e for e in entries if e.state == "pending"]
        last = waiting[-1] if waiting else entries[-1]
        basis = {"basis": "outbox", "reference": last.reference, "outbox_state": last.state}
        if last.state == "pending":
            return "pending", "OUTCOME_UNKNOWN", basis
        if last.state == "gave_up":
            return "pending", "OUTBOX_GAVE_UP", basis
        outcome = last.outcome if last.outcome in OUTCOMES else "failed"
        return outcome, (last.result_code if outcome != "ok" else None), basis
    effect = card_effect_of(steps)
    if effect:
        return "ok", CARD_CHANGED, {"basis": "card", CARD_EFFECT: effect}
    return "failed", "INTERRUPTED", {"basis": "none"}


@dataclass(frozen=True)
class AttemptRecord:
    """One row, as read back. Times are aware UTC datetimes."""

    id: int
    kiosk_id: str
    service: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    duration_ms: int | None
    outcome: str | None            # None: running, or interrupted
    error_code: str | None
    card_no: str | None            # masked
    ssn: str | None                # masked
    reference: str | None
    steps: tuple[Mapping[str, Any], ...]

    @property
    def started_local(self) -> dt.datetime:
        """``started_at`` in the kiosk's local time zone (what a technician thinks in)."""
        return self.started_at.astimezone()

    @classmethod
    def from_row(cls, row) -> "AttemptRecord":
        try:
            steps = json.loads(row.steps or "[]")
        except ValueError:
            steps = []
        return cls(id=row.id, kiosk_id=row.kiosk_id, service=row.service,
                   started_at=from_text(row.started_at), ended_at=from_text(row.ended_at),
                   duration_ms=row.duration_ms, outcome=row.outcome,
                   error_code=row.error_code, card_no=row.card_no, ssn=row.ssn,
                   reference=row.reference,
                   steps=tuple(MappingProxyType(s) for s in steps if isinstance(s, dict)))


class Attempt:
    """A service attempt in progress (from :meth:`Journal.attempt`)."""

    def __init__(self, journal: "Journal", attempt_id: int, service: str, started: float):
        self._journal = journal
        self.id = attempt_id
        self.service = service
        self._started = started          # monotonic
        self._steps: list[dict] = []
        self._outcome: str | None = None
        self._error_code: str | None = None
        self.reference: str | None = None
        self._lock = threading.Lock()

    @property
    def elapsed_ms(self) -> int:
        return int((time.monotonic() - self._started) * 1000)

    @property
    def current_outcome(self) -> str | None:
        return self._outcome

    def step(self, name: str, **data: Any) -> None:
        """Record a step now: ``{"step": name, "ms": since start, **data}`` (committed)."""
        entry = {"step": name, "ms": self.elapsed_ms}
        entry.update(data)
        entry = self._journal._guard.check(entry, f"{self.service} step {name!r}")
        with self._lock:
            self._steps.append(entry)
            steps = list(self._steps)
        self._journal._update(self.id, steps=json.dumps(steps, ensure_ascii=False))

    def outcome(self, outcome: str, error_code: str | None = None) -> None:
        """Set the outcome recorded when the block ends (the last call wins)."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}")
        self._outcome = outcome
        self._error_code = error_code

    def identify(self, *, card_no: str | None = None, ssn: str | None = None) -> None:
        """Add the masked card number / SSN learned during the attempt."""
        values = {}
        if card_no:
            values["card_no"] = masking.card_no(card_no)
        if ssn:
            values["ssn"] = masking.ssn(ssn)
        if values:
            self._journal._update(self.id, **values)

    # --- used by the outbox -----------------------------------------------------------
    def _set_pending(self, reference: str, error_code: str | None) -> None:
        self.reference = reference
        self._outcome = "pending"
        self._error_code = error_code

    def _finish(self, exc: BaseException | None) -> None:
        outcome, code = self._outcome, self._error_code
        if exc is not None:
            if outcome == "pending":
                # the request stays in the outbox, which settles this row later
                self.step("error_after_pending", error=error_code_for(exc))
            else:
                outcome, code = outcome_for(exc), error_code_for(exc)
        elif outcome is None:
            outcome = "ok"
        ended = self._journal._now()
        self._journal._update(self.id, ended_at=to_text(ended), duration_ms=self.elapsed_ms,
                              outcome=outcome, error_code=code)
        self._outcome, self._error_code = outcome, code


class ServiceAttempt:
    """A citizen service's attempt whose writes never raise.

    :meth:`begin` raises when the journal cannot be written at all (``JournalUnavailable``:
    ``docs/journal.md``, no service starts and the kiosk says so); after that, a write
    that fails (a full disk mid-service) is logged and the service goes on: the journal
    must not end a citizen's service. Only a privacy breach raises
    (:class:`~kiosk.journal.guard.JournalPrivacyError`: a PIN about to be written is a bug).
    """

    def __init__(self, journal: "Journal", record: Attempt, owner: str):
        self.journal = journal
        #: the journal's :class:`Attempt` (the outbox settles it)
        self.record = record
        self._owner = owner

    @classmethod
    def begin(cls, journal: "Journal", service: str, *, card_no: str | None = None,
              ssn: str | None = None) -> "ServiceAttempt":
        return cls(journal, journal.begin(service, card_no=card_no, ssn=ssn), service)

    @property
    def id(self) -> int:
        return self.record.id

    def _quietly(self, what: str, write, *args: Any, **kw: Any) -> None:
        from .guard import JournalPrivacyError

        try:
            write(*args, **kw)
        except JournalPrivacyError:
            raise
        except Exception:  # noqa: BLE001 - the journal must not end a citizen's service
            log.exception("%s: could not journal %s", self._owner, what)

    def step(self, name: str, **data: Any) -> None:
        self._quietly(f"step {name}", self.record.step, name,
                      **{k: v for k, v in data.items() if v is not None})

    def identify(self, *, card_no: str | None = None, ssn: str | None = None) -> None:
        self._quietly("the masked ids", self.record.identify, card_no=card_no, ssn=ssn)

    def end(self, outcome: str, error_code: str | None = None) -> None:
        def finish() -> None:
            self.record.outcome(outcome, error_code)
            self.journal.end(self.record)
        self._quietly("the end", finish)

    def settle_after_end(self, step: Mapping[str, Any]) -> None:
        """What happened after the attempt ended (a card command that had been sent)."""
        self._quietly(f"step {step.get('step')} after the end", self.journal.settle, self.id,
                      "ok", CARD_CHANGED, step=dict(step))


class Journal:
    """The journal on one SQLite file (``":memory:"`` for a throw-away one).

    ``kiosk_id`` defaults to ``$SSC_KIOSK_ID``; ``strict`` to the guard's default
    (strict under pytest). ``clock`` returns aware UTC datetimes (tests).
    ``migrate=False`` opens nothing yet (``schema_version`` None): the start on a
    full disk (:func:`kiosk.journal.recovery.open_journal`), migrated by the first
    successful :func:`kiosk.journal.health.probe`.
    """

    def __init__(self, path: str | os.PathLike, *, kiosk_id: str | None = None,
                 strict: bool | None = None, clock=None, migrate: bool = True):
        self.path = str(path)
        self.kiosk_id = kiosk_id or os.environ.get("SSC_KIOSK_ID") or "unconfigured"
        self._guard = PrivacyGuard(strict)
        self._clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
        self.engine = schema.make_engine(path)
        self.schema_version: int | None = schema.migrate(self.engine) if migrate else None
        self.opened_at = self._now()

    @property
    def strict(self) -> bool:
        return self._guard.strict

    @property
    def health(self) -> JournalHealth:
        """Whether the last write went through, and why not (:mod:`kiosk.journal.health`)."""
        return health_of(self.engine)

    def _now(self) -> dt.datetime:
        return self._clock()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Journal":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Journal({self.path!r}, kiosk={self.kiosk_id!r}, schema={self.schema_version})"

    # --- writing ------------------------------------------------------------------------
    def begin(self, service: str, *, card_no: str | None = None,
              ssn: str | None = None) -> Attempt:
        """Start an attempt without a ``with`` block (call :meth:`end` yourself)."""
        if self.schema_version is None:     # not opened yet (a full disk at start)
            raise self.health.trouble or JournalUnavailable("unavailable")
        g = self._guard
        values = {
            "kiosk_id": g.check(self.kiosk_id, "kiosk_id"),
            "service": g.check(service, "service"),
            "started_at": to_text(self._now()),
            "card_no": g.check(masking.card_no(card_no), "card_no") if card_no else None,
            "ssn": g.check(masking.ssn(ssn), "ssn") if ssn else None,
            "steps": "[]",
        }
        started = time.monotonic()
        with write_tx(self.engine) as conn:
            attempt_id = conn.execute(insert(attempts).values(**values)).inserted_primary_key[0]
        return Attempt(self, attempt_id, service, started)

    def end(self, attempt: Attempt, exc: BaseException | None = None) -> None:
        attempt._finish(exc)

    class _AttemptBlock:
        def __init__(self, journal: "Journal", service: str, card_no, ssn):
            self._args = (journal, service, card_no, ssn)
            self.attempt: Attempt | None = None

        def __enter__(self) -> Attempt:
            journal, service, card_no, ssn = self._args
            self.attempt = journal.begin(service, card_no=card_no, ssn=ssn)
            return self.attempt

        def __exit__(self, exc_type, exc, tb) -> bool:
            assert self.attempt is not None
            try:
                self.attempt._finish(exc)
            except Exception:
                if exc is None:
                    raise
                log.exception("could not record the end of attempt %s", self.attempt.id)
            return False  # re-raise

    def attempt(self, service: str, *, card_no: str | None = None,
                ssn: str | None = None) -> "Journal._AttemptBlock":
        """``with journal.attempt(service, card_no=..., ssn=...) as a:`` (see the module doc)."""
        return Journal._AttemptBlock(self, service, card_no, ssn)

    def _update(self, attempt_id: int, **values) -> None:
        values = {k: (self._guard.check(v, k) if k != "steps" else v) for k, v in values.items()}
        with write_tx(self.engine) as conn:
            conn.execute(update(attempts).where(attempts.c.id == attempt_id).values(**values))

    def settle(self, attempt_id: int, outcome: str, error_code: str | None, *,
               step: Mapping[str, Any] | None = None, conn=None) -> None:
        """Change the outcome of a finished attempt (the outbox: ``pending`` -> ``ok``...)."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}")
        if conn is None:
            with write_tx(self.engine) as conn:
                self.settle(attempt_id, outcome, error_code, step=step, conn=conn)
            return
        row = conn.execute(select(attempts.c.steps).where(attempts.c.id == attempt_id)).first()
        if row is None:
            return
        values: dict[str, Any] = {"outcome": outcome,
                                  "error_code": self._guard.check(error_code, "error_code")}
        if step is not None:
            try:
                steps = json.loads(row.steps or "[]")
            except ValueError:
                steps = []
            steps.append(self._guard.check(dict(step), "settle step"))
            values["steps"] = json.dumps(steps, ensure_ascii=False)
        conn.execute(update(attempts).where(attempts.c.id == attempt_id).values(**values))

    def close_interrupted(self) -> int:
        """At start-up: close the attempts a previous process left open (killed, power cut).

        Each takes the last thing known to have happened (``docs/outbox.md``, kill windows):

        - a request of theirs in the outbox: still ``pending`` there -> ``pending``
          (``OUTCOME_UNKNOWN``; given up: ``OUTBOX_GAVE_UP``); settled -> its outcome
          (``ok``; ``refused`` or ``failed`` with the back office's code);
        - else a card-side effect journalled as a step (a step with ``card_effect``:
          the PIN reset, changed, unblocked) -> ``ok`` with :data:`CARD_CHANGED`;
        - else ``failed`` (``INTERRUPTED``).

        A step ``closed_at_restart`` says which; ``ended_at`` is set to the time of their
        last recorded step, so they no longer look like running attempts. Returns how many.
        """
        cutoff = to_text(self.opened_at)
        with write_tx(self.engine) as conn:
            rows = conn.execute(select(attempts.c.id, attempts.c.started_at, attempts.c.steps)
                                .where(attempts.c.ended_at.is_(None),
                                       attempts.c.started_at < cutoff)).all()
            for row in rows:
                try:
                    steps = [s for s in json.loads(row.steps or "[]") if isinstance(s, dict)]
                except ValueError:
                    steps = []
                entries = conn.execute(select(outbox.c.state, outbox.c.outcome,
                                              outbox.c.result_code, outbox.c.reference)
                                       .where(outbox.c.attempt_id == row.id)
                                       .order_by(outbox.c.id)).all()
                outcome, code, basis = _interrupted_outcome(entries, steps)
                try:
                    last_ms = max((int(s.get("ms", 0)) for s in steps), default=0)
                except (ValueError, TypeError):
                    last_ms = 0
                ended = from_text(row.started_at) + dt.timedelta(milliseconds=last_ms)
                steps.append(self._guard.check({"step": "closed_at_restart", **basis},
                                               "closed_at_restart step"))
                conn.execute(update(attempts).where(attempts.c.id == row.id).values(
                    outcome=outcome, error_code=code, ended_at=to_text(ended),
                    duration_ms=last_ms, steps=json.dumps(steps, ensure_ascii=False)))
        return len(rows)

    def prune(self, before: dt.datetime) -> int:
        """Delete attempts that started before ``before`` and are settled (retention)."""
        with write_tx(self.engine) as conn:
            result = conn.execute(delete(attempts).where(
                attempts.c.started_at < to_text(before),
                attempts.c.outcome.is_not(None), attempts.c.outcome != "pending"))
        return result.rowcount

    # --- reading ---------------------------------------------------------------------------
    def get(self, attempt_id: int) -> AttemptRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(attempts).where(attempts.c.id == attempt_id)).first()
        return AttemptRecord.from_row(row) if row else None

    def recent(self, n: int = 20) -> list[AttemptRecord]:
        """The last ``n`` attempts, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(attempts).order_by(attempts.c.started_at.desc(),
                                                          attempts.c.id.desc()).limit(n)).all()
        return [AttemptRecord.from_row(r) for r in rows]

    def between(self, t0: dt.datetime, t1: dt.datetime) -> list[AttemptRecord]:
        """Attempts running at any moment of ``[t0, t1]``, oldest first.

        An attempt counts if it started before ``t1`` and had not ended before
        ``t0`` (a still-open one counts). Naive datetimes are the kiosk's local
        time, so ``between(datetime(2025, 3, 1, 10, 42), datetime(2025, 3, 1, 10, 43))``
        answers "what did this kiosk do at 10:42".
        """
        lo, hi = to_text(t0), to_text(t1)
        if hi < lo:
            raise ValueError("t1 is before t0")
        with self.engine.connect() as conn:
            rows = conn.execute(select(attempts).where(and_(
                attempts.c.started_at <= hi,
                or_(attempts.c.ended_at.is_(None), attempts.c.ended_at >= lo),
            )).order_by(attempts.c.started_at, attempts.c.id)).all()
        return [AttemptRecord.from_row(r) for r in rows]

    def summary(self, since: dt.datetime | None = None,
                until: dt.datetime | None = None) -> dict[str, dict[str, int]]:
        """Counts by service and outcome: ``{"temporary_loss": {"ok": 3, "pending": 1}}``.

        A running or interrupted attempt (no outcome yet) counts as ``"open"``.
        """
        query = select(attempts.c.service, attempts.c.outcome, func.count()).group_by(
            attempts.c.service, attempts.c.outcome)
        if since is not None:
            query = query.where(attempts.c.started_at >= to_text(since))
        if until is not None:
            query = query.where(attempts.c.started_at <= to_text(until))
        out: dict[str, dict[str, int]] = {}
        with self.engine.connect() as conn:
            for service, outcome, count in conn.execute(query):
                out.setdefault(service, {})[outcome or "open"] = count
        return out

    def __iter__(self) -> Iterator[AttemptRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(attempts).order_by(attempts.c.id)).all()
        return iter([AttemptRecord.from_row(r) for r in rows])
