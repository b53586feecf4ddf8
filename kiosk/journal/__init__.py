"""The kiosk's journal (what happened, masked) and its outbox (requests to deliver).

- :class:`Journal`: one SQLite file (SQLAlchemy 2, WAL, ``synchronous = FULL``),
  one row per service attempt; see :mod:`kiosk.journal.journal`.
- :class:`Outbox`: requests whose outcome may be unknown, written before they
  are sent and replayed with the same ``Idempotency-Key``; see
  :mod:`kiosk.journal.outbox` and ``docs/outbox.md``.
- Trouble: a journal that cannot be written raises
  :class:`~kiosk.errors.JournalUnavailable` and is followed by
  :mod:`kiosk.journal.health`; a damaged one is moved aside at start by
  :mod:`kiosk.journal.recovery` (``docs/journal.md``).
"""

from .guard import JournalPrivacyError, PrivacyGuard
from .journal import OUTCOMES, Attempt, AttemptRecord, Journal, outcome_for
from .outbox import Outbox, OutboxEntry, PendingOutcome, ReplayReport, reference_for
from .replayer import Replayer
from .schema import SCHEMA_VERSION, SchemaTooNew

__all__ = ["Attempt", "AttemptRecord", "Journal", "JournalPrivacyError", "OUTCOMES", "Outbox",
           "OutboxEntry", "PendingOutcome", "PrivacyGuard", "ReplayReport", "Replayer",
           "SCHEMA_VERSION", "SchemaTooNew", "outcome_for", "reference_for"]
