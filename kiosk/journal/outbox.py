"""The outbox: writes whose outcome may be unknown are stored before they are sent.

The back office's idempotency keys make a request safe to send again; the
outbox makes sure it IS sent again, even after a timeout, a lost connection or
a killed process. The decision on how a replay is authorised, and what the back
office must do for it, is in ``docs/outbox.md``.

::

    with journal.attempt("temporary_loss", card_no=..., ssn=...) as a:
        result = outbox.submit(client, report_loss_call("temporary", "7d"), attempt=a)
        if isinstance(result, PendingOutcome):
            show_pending(result.reference)   # the attempt is recorded as ``pending``
        else:
            show_status(result)              # a CardStatus

:meth:`Outbox.submit`

1. writes the entry (operation, method, path, the exact body bytes, a fresh
   ``Idempotency-Key``, the session token and its expiry, the journal attempt)
   and marks the attempt ``pending``, in ONE committed transaction
   (``synchronous = FULL``): from here on a kill cannot lose the request;
2. sends it; on an answer, settles the entry (body and token wiped) and returns
   the parsed answer, or re-raises the back office's refusal;
3. when the outcome is unknown (:func:`outcome_unknown`: no answer, a 5xx such as
   ``500 INTERNAL``, an unreadable answer, the same request still running),
   leaves the entry pending and returns a :class:`PendingOutcome` with the
   citizen's reference number.

:meth:`Outbox.replay` (at start-up, then periodically: :class:`kiosk.journal.replayer.Replayer`)
re-sends each due entry with the SAME key, the same bytes and the stored
token, and, for a citizen write, the time it was made (``X-Original-Timestamp``:
the back office completes a request made while the session lived even after
the session ended, for 24 h); an answer settles it and the journal attempt goes
``pending`` -> ``ok`` or ``refused``; an unknown outcome (the same rule as the
first send) reschedules it with exponential backoff and jitter.
After ``max_age_s`` (20 h: below the back office's late-replay window, 24 h,
and key retention, 48 h), or ``max_tries`` sends if one is set, an entry is
given up: ``gave_up``, its attempt stays
``pending`` with ``error_code = "OUTBOX_GAVE_UP"`` for a technician.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from kiosk.backoffice_answers import MALFORMED_RESPONSE
from kiosk.backoffice_calls import ApiCall
from kiosk.backoffice_client import BackOfficeClient
from kiosk.errors import (BackOfficeError, BackOfficeUnavailable, BadSignature, ClockSkew,
                          EndpointNotFound, IdempotencyKeyInUse, IdempotencyKeyReused, Internal,
                          JournalUnavailable, NoSession, RateLimited, ReplayTooOld)

from .journal import Attempt, Journal
from .schema import attempts, from_text, outbox, to_text, write_tx

log = logging.getLogger("kiosk.outbox")

#: where a citizen can check a pending outcome (the UI words each one)
HOW_TO_CHECK = ("kiosk_card_status", "service_counter", "hotline_12333")

#: refusals after which a replay tries again later: nothing happened, and the request is
#: still owed to the citizen (the kiosk's clock, its key or the server's version may be fixed)
_RETRY_LATER = (RateLimited, BadSignature, ClockSkew, EndpointNotFound)


def outcome_unknown(exc: BackOfficeError) -> bool:
    """THE rule, for the first send and every replay alike: no answer (a timeout, a cut
    connection, no connection), a 5xx (``500 INTERNAL`` included), an unreadable answer,
    or the same request still running (``IDEMPOTENCY_KEY_IN_USE``) do not say what
    happened: the entry stays pending and is asked again with the same key until the
    back office's stored answer says."""
    status = exc.http_status or 0
    return (isinstance(exc, (BackOfficeUnavailable, IdempotencyKeyInUse, Internal))
            or exc.code == MALFORMED_RESPONSE or status >= 500 or status < 400)


def reference_for(idempotency_key: str) -> str:
    """The citizen's reference: the key's first 8 hex digits, ``3F2A-9C1B``.

    The back office finds the request by the kiosk id and this key prefix.
    """
    digits = uuid.UUID(idempotency_key).hex[:8].upper()
    return f"{digits[:4]}-{digits[4:]}"


@dataclass(frozen=True)
class PendingOutcome:
    """What :meth:`Outbox.submit` returns when the outcome is not known yet.

    Tell the citizen the request is recorded and will be completed or
    confirmed, the ``reference``, and ``how_to_check`` it.
    """

    reference: str
    operation: str
    entry_id: int
    attempt_id: int | None
    queued_at: dt.datetime
    reason: str                      # the code that left it unknown: OUTCOME_UNKNOWN, INTERNAL...
    how_to_check: tuple[str, ...] = HOW_TO_CHECK
    pending = True


@dataclass(frozen=True)
class OutboxEntry:
    """An entry's metadata (never its body or token)."""

    id: int
    attempt_id: int | None
    kiosk_id: str
    operation: str
    method: str
    path: str
    reference: str
    state: str                       # pending | done | gave_up
    outcome: str | None              # ok | refused | failed, when done
    result_code: str | None
    tries: int
    created_at: dt.datetime
    updated_at: dt.datetime
    next_try_at: dt.datetime
    last_error: str | None

    @classmethod
    def from_row(cls, row) -> "OutboxEntry":
        return cls(id=row.id, attempt_id=row.attempt_id, kiosk_id=row.kiosk_id,
                   operation=row.operation, method=row.method, path=row.path,
                   reference=row.reference, state=row.state, outcome=row.outcome,
                   result_code=row.result_code, tries=row.tries,
                   created_at=from_text(row.created_at), updated_at=from_text(row.updated_at),
                   next_try_at=from_text(row.next_try_at), last_error=row.last_error)


@dataclass
class ReplayReport:
    """What one :meth:`Outbox.replay` pass did (references)."""

    delivered: list[str] = field(default_factory=list)   # answered 2xx: journal ok
    refused: list[str] = field(default_factory=list)     # answered with a refusal
    still_pending: list[str] = field(default_factory=list)
    gave_up: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)     # another kiosk id, or in flight
    stopped_early: bool = False                           # the back office is unreachable

    @property
    def settled(self) -> int:
        return len(self.delivered) + len(self.refused)


class Outbox:
    """The outbox in a journal's SQLite file (``Outbox(path)`` opens the journal itself)."""

    def __init__(self, journal: Journal | str | os.PathLike, *, max_tries: int | None = None,
                 max_age_s: float = 20 * 3600, first_delay_s: float = 5.0,
                 max_delay_s: float = 600.0, kiosk_id: str | None = None,
                 strict: bool | None = None,
                 clock: Callable[[], dt.datetime] | None = None,
                 rng: Callable[[], float] = random.random):
        self._own_journal = not isinstance(journal, Journal)
        self.journal = (journal if isinstance(journal, Journal)
                        else Journal(journal, kiosk_id=kiosk_id, strict=strict, clock=clock))
        self.engine = self.journal.engine
        #: None: no limit by count; the age limit decides (the rule: ask again until the
        #: stored answer says, as long as the back office still completes it)
        self.max_tries = None if max_tries is None else max(1, int(max_tries))
        self.max_age_s = float(max_age_s)
        self.first_delay_s = float(first_delay_s)
        self.max_delay_s = float(max_delay_s)
        self._clock = clock or self.journal._now
        self._rng = rng
        self._replay_lock = threading.Lock()
        self._in_flight: set[int] = set()
        self._in_flight_lock = threading.Lock()
        #: entries not touched since this Outbox opened (left by a previous process) are
        #: due at once: their backoff schedule belonged to that process
        self.opened_at = self._now()

    def close(self) -> None:
        if self._own_journal:
            self.journal.close()

    def __enter__(self) -> "Outbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _now(self) -> dt.datetime:
        return self._clock()

    def _delay_s(self, tries: int) -> float:
        base = min(self.max_delay_s, self.first_delay_s * 2 ** max(0, tries - 1))
        return base * (0.5 + 0.5 * self._rng())

    # --- sending ---------------------------------------------------------------------------
    def submit(self, client: BackOfficeClient, call: ApiCall, *, attempt: Attempt | None = None,
               idempotency_key: str | None = None) -> Any:
        """Store, then send ``call``: its parsed answer, or a :class:`PendingOutcome`.

        A refusal of the back office is re-raised (the entry is settled: nothing
        is left to deliver). Raises :class:`~kiosk.errors.NoSession` before
        storing anything when a citizen call has no session.
        """
        bearer = client.session_token if call.citizen else None
        if call.citizen and not bearer:
            raise NoSession()
        session = client.session
        expires = session.expires_at if session is not None and call.citizen else None
        with self._in_flight_lock:  # a concurrent replay pass must not pick it up meanwhile
            entry_id, key, reference = self._store(client.kiosk_id, call, attempt, bearer,
                                                   expires, idempotency_key)
            self._in_flight.add(entry_id)
        try:
            if attempt is not None:
                attempt.reference = reference
                self._record("outbox_stored", attempt.step, "outbox_stored",
                             operation=call.operation, reference=reference)
            try:
                result = client.perform(call, idempotency_key=key, bearer=bearer)
            except BackOfficeError as exc:
                if outcome_unknown(exc):
                    return self._left_pending(entry_id, reference, call, attempt, exc)
                self._record("the refusal", self._settle, entry_id,
                             "refused" if getattr(exc, "refusal", False)
                             or exc.code == "SESSION_EXPIRED" else "failed",
                             exc.code, attempt_id=None)
                self._record("the refusal", self._attempt_running, attempt, error=exc.code)
                raise
            self._record("the answer", self._settle, entry_id, "ok", None, attempt_id=None)
            self._record("the answer", self._attempt_running, attempt,
                         replayed=client.last_replayed)
            return result
        finally:
            with self._in_flight_lock:
                self._in_flight.discard(entry_id)

    def _store(self, kiosk_id: str, call: ApiCall, attempt: Attempt | None,
               bearer: str | None, expires: dt.datetime | None,
               idempotency_key: str | None) -> tuple[int, str, str]:
        now = to_text(self._now())
        for _ in range(3):
            key = str(uuid.UUID(idempotency_key)) if idempotency_key else str(uuid.uuid4())
            reference = reference_for(key)
            try:
                with write_tx(self.engine) as conn:
                    entry_id = conn.execute(insert(outbox).values(
                        attempt_id=attempt.id if attempt else None, kiosk_id=kiosk_id,
                        operation=call.operation, method=call.method, path=call.path,
                        body=call.body, idempotency_key=key, reference=reference,
                        bearer=bearer, bearer_expires_at=to_text(expires) if expires else None,
                        state="pending", tries=0, created_at=now, updated_at=now,
                        next_try_at=now)).inserted_primary_key[0]
                    if attempt is not None:
                        conn.execute(update(attempts).where(attempts.c.id == attempt.id)
                                     .values(outcome="pending", reference=reference))
                return entry_id, key, reference
            except IntegrityError:
                if idempotency_key:
                    raise  # the caller's key is already in the outbox
                continue   # a reference collision (1 in 2**32): draw another key
        raise RuntimeError("could not store the outbox entry")

    def _left_pending(self, entry_id: int, reference: str, call: ApiCall,
                      attempt: Attempt | None, exc: BackOfficeError) -> PendingOutcome:
        now = self._now()

        def count_the_try() -> None:
            with write_tx(self.engine) as conn:
                conn.execute(update(outbox).where(outbox.c.id == entry_id).values(
                    tries=outbox.c.tries + 1, updated_at=to_text(now), last_error=exc.code,
                    next_try_at=to_text(now + dt.timedelta(seconds=self._delay_s(1)))))

        self._record("the try", count_the_try)
        log.warning("%s: outcome unknown (%s); stored as %s for replay", call.operation,
                    exc.code, reference)
        if attempt is not None:
            attempt._set_pending(reference, exc.code)
            self._record("the pending outcome", attempt.step, "outcome_pending", error=exc.code)
        return PendingOutcome(reference=reference, operation=call.operation, entry_id=entry_id,
                              attempt_id=attempt.id if attempt else None, queued_at=now,
                              reason=exc.code)

    @staticmethod
    def _record(what: str, write: Callable[..., Any], *args: Any, **kw: Any) -> None:
        """A journal write about a request already stored in the outbox. If the journal cannot
        be written now (the disk filled up meanwhile), that does not change what happened to
        the request, nor what the citizen is told: the entry stays pending on disk, and the
        next replay pass asks the back office again and settles it (docs/journal.md)."""
        try:
            write(*args, **kw)
        except JournalUnavailable as exc:
            log.warning("outbox: could not record %s (%s); the entry stays for the replay",
                        what, exc.reason)

    def _attempt_running(self, attempt: Attempt | None, **data) -> None:
        """The answer came: the attempt is no longer pending (its block records the end)."""
        if attempt is None:
            return
        with write_tx(self.engine) as conn:
            conn.execute(update(attempts).where(attempts.c.id == attempt.id,
                                                attempts.c.outcome == "pending")
                         .values(outcome=None))
        attempt.step("outbox_answered", **data)

    def _settle(self, entry_id: int, outcome: str, code: str | None, *,
                attempt_id: int | None, step: dict | None = None,
                journal_outcome: str | None = None) -> bool:
        """Mark a pending entry done (wiping body and token); settle its journal attempt."""
        now = to_text(self._now())
        with write_tx(self.engine) as conn:
            result = conn.execute(update(outbox).where(outbox.c.id == entry_id,
                                                       outbox.c.state == "pending").values(
                state="done", outcome=outcome, result_code=code, body=None, bearer=None,
                updated_at=now))
            if result.rowcount != 1:
                return False  # settled by someone else meanwhile
            if attempt_id is not None:
                self.journal.settle(attempt_id, journal_outcome or outcome, code, step=step,
                                    conn=conn)
        return True

    # --- replaying -------------------------------------------------------------------------
    def replay(self, client: BackOfficeClient, *, limit: int | None = None,
               due_only: bool = True) -> ReplayReport:
        """Re-send the due pending entries (all of them with ``due_only=False``), oldest first.

        Due: past ``next_try_at``, or left by a previous process (not touched since
        this Outbox opened), so the replay at start-up sends everything at once. Stops the pass at the first entry the back office cannot be reached for
        (the others would fail the same way). One pass at a time per Outbox.
        """
        report = ReplayReport()
        with self._replay_lock:
            now = self._now()
            query = select(outbox).where(outbox.c.state == "pending").order_by(outbox.c.id)
            if due_only:
                query = query.where(or_(outbox.c.next_try_at <= to_text(now),
                                        outbox.c.updated_at < to_text(self.opened_at)))
            if limit is not None:
                query = query.limit(limit)
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
            for row in rows:
                with self._in_flight_lock:
                    busy = row.id in self._in_flight
                if busy or row.kiosk_id != client.kiosk_id:
                    if row.kiosk_id != client.kiosk_id:
                        log.error("outbox entry %s belongs to kiosk %s, not %s: not replayed",
                                  row.reference, row.kiosk_id, client.kiosk_id)
                    report.skipped.append(row.reference)
                    continue
                if not self._replay_one(client, row, report):
                    report.stopped_early = True
                    break
        return report

    def _replay_one(self, client: BackOfficeClient, row, report: ReplayReport) -> bool:
        """Send one entry again; False when the back office is unreachable."""
        tries = row.tries + 1
        # a citizen write says when it was made: the back office completes it after the
        # session ended if it was made while the session lived (docs/outbox.md)
        original = int(from_text(row.created_at).timestamp()) if row.bearer else None
        try:
            client.request(row.method, row.path, body_bytes=row.body,
                           idempotency_key=row.idempotency_key, bearer=row.bearer,
                           original_timestamp=original)
        except BackOfficeError as exc:
            if outcome_unknown(exc) or isinstance(exc, _RETRY_LATER):
                self._reschedule(row, tries, exc.code, report)
                return not isinstance(exc, BackOfficeUnavailable)
            if isinstance(exc, ReplayTooOld) and not exc.not_done:
                self._give_up(row, tries, exc.code, report)   # the back office cannot tell
                return True
            outcome = "failed" if isinstance(exc, IdempotencyKeyReused) else "refused"
            step = self._step("outbox_replayed", tries, result=outcome, error=exc.code)
            if self._settle(row.id, outcome, exc.code, attempt_id=row.attempt_id, step=step):
                report.refused.append(row.reference)
                log.info("outbox %s (%s): settled by replay as %s (%s)", row.reference,
                         row.operation, outcome, exc.code)
            return True
        step = self._step("outbox_replayed", tries, result="ok",
                          stored_answer=client.last_replayed)
        if self._settle(row.id, "ok", None, attempt_id=row.attempt_id, step=step):
            report.delivered.append(row.reference)
            log.info("outbox %s (%s): delivered by replay (try %d)", row.reference,
                     row.operation, tries)
        return True

    def _step(self, name: str, tries: int, **data) -> dict:
        return {"step": name, "at": to_text(self._now()), "tries": tries, **data}

    def _reschedule(self, row, tries: int, code: str, report: ReplayReport) -> None:
        now = self._now()
        age_s = (now - from_text(row.created_at)).total_seconds()
        if (self.max_tries is not None and tries >= self.max_tries) or age_s >= self.max_age_s:
            self._give_up(row, tries, code, report)
            return
        next_try = now + dt.timedelta(seconds=self._delay_s(tries))
        with write_tx(self.engine) as conn:
            conn.execute(update(outbox).where(outbox.c.id == row.id,
                                              outbox.c.state == "pending").values(
                tries=tries, last_error=code, updated_at=to_text(now),
                next_try_at=to_text(next_try)))
        report.still_pending.append(row.reference)

    def _give_up(self, row, tries: int, code: str, report: ReplayReport) -> None:
        """The outcome stays unknown for good: ``gave_up``, the attempt ``pending`` with
        ``OUTBOX_GAVE_UP`` for a technician (the last answer in its step)."""
        now = self._now()
        with write_tx(self.engine) as conn:
            result = conn.execute(update(outbox).where(outbox.c.id == row.id,
                                                       outbox.c.state == "pending").values(
                state="gave_up", tries=tries, last_error=code, body=None, bearer=None,
                updated_at=to_text(now)))
            if result.rowcount == 1 and row.attempt_id is not None:
                self.journal.settle(row.attempt_id, "pending", "OUTBOX_GAVE_UP",
                                    step=self._step("outbox_gave_up", tries, error=code),
                                    conn=conn)
        log.error("outbox %s (%s): gave up after %d tries (%s); outcome unknown",
                  row.reference, row.operation, tries, code)
        report.gave_up.append(row.reference)

    # --- looking ---------------------------------------------------------------------------
    def backlog(self) -> int:
        """How many requests still wait to be delivered (the maintenance screen)."""
        with self.engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(outbox)
                               .where(outbox.c.state == "pending")) or 0

    def gave_up_count(self) -> int:
        with self.engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(outbox)
                               .where(outbox.c.state == "gave_up")) or 0

    def entries(self, state: str | None = None) -> list[OutboxEntry]:
        query = select(outbox).order_by(outbox.c.id)
        if state is not None:
            query = query.where(outbox.c.state == state)
        with self.engine.connect() as conn:
            return [OutboxEntry.from_row(r) for r in conn.execute(query).all()]

    def status(self, reference: str) -> OutboxEntry | None:
        """The entry with this citizen reference (``3F2A-9C1B``, case and dash optional)."""
        ref = reference.strip().upper().replace("-", "")
        if len(ref) != 8:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(outbox).where(
                outbox.c.reference == f"{ref[:4]}-{ref[4:]}")).first()
        return OutboxEntry.from_row(row) if row else None
