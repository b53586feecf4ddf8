"""The journal's SQLite file: engine, durability settings and the versioned schema.

Every connection gets, from a ``connect`` event listener (so no code path can
forget them):

- ``PRAGMA journal_mode = WAL``: readers (the maintenance screen, a technician's
  ``sqlite3``) never block the kiosk's writes;
- ``PRAGMA synchronous = FULL`` (2): a commit returns only after the WAL is
  fsynced, so a committed attempt or outbox entry survives a kill or a power cut;
- ``PRAGMA foreign_keys = ON`` and a ``busy_timeout`` for a second process.

The schema is versioned: ``schema_version`` holds one row per applied
migration, and :data:`MIGRATIONS` lists them in order. Opening a file applies
the missing ones in one transaction; a file newer than this code is refused.

Times are stored as fixed-width UTC text (``2025-01-02T10:42:13.123456Z``), so
they sort and compare as strings and read well in ``sqlite3``.
"""

from __future__ import annotations

import datetime as dt
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import (Column, Connection, Engine, ForeignKey, Index, Integer, LargeBinary,
                        MetaData, String, Table, Text, create_engine, event, func, insert,
                        select)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool

BUSY_TIMEOUT_MS = 10_000

metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", String(32), nullable=False),
)

#: one row per service attempt (version 1)
attempts = Table(
    "attempts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kiosk_id", String(64), nullable=False),
    Column("service", String(64), nullable=False),
    Column("started_at", String(32), nullable=False),
    Column("ended_at", String(32)),
    Column("duration_ms", Integer),
    # ok | refused | failed | cancelled | pending | card_removed | timeout; NULL while running
    Column("outcome", String(16)),
    Column("error_code", String(64)),
    Column("card_no", String(32)),      # masked: A1****001
    Column("ssn", String(32)),          # masked: 4201**********123X
    Column("reference", String(32)),    # the outbox reference of a pending request
    Column("steps", Text, nullable=False, server_default="[]"),  # JSON list
    Index("ix_attempts_started_at", "started_at"),
    Index("ix_attempts_service_outcome", "service", "outcome"),
)

#: requests whose outcome may be unknown, written before they are sent (version 2)
outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("attempt_id", Integer, ForeignKey("attempts.id", ondelete="SET NULL")),
    Column("kiosk_id", String(64), nullable=False),
    Column("operation", String(32), nullable=False),
    Column("method", String(8), nullable=False),
    Column("path", String(255), nullable=False),
    Column("body", LargeBinary),                 # exact bytes; wiped when settled
    Column("idempotency_key", String(36), nullable=False, unique=True),
    Column("reference", String(16), nullable=False, unique=True),
    Column("bearer", Text),                      # session token; wiped when settled
    Column("bearer_expires_at", String(32)),
    Column("state", String(16), nullable=False),  # pending | done | gave_up
    Column("outcome", String(16)),               # ok | refused (when done)
    Column("result_code", String(64)),
    Column("tries", Integer, nullable=False, server_default="0"),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("next_try_at", String(32), nullable=False),
    Column("last_error", String(64)),
    Index("ix_outbox_state_next", "state", "next_try_at"),
)


def _v1(conn: Connection) -> None:
    attempts.create(conn)


def _v2(conn: Connection) -> None:
    outbox.create(conn)


#: (version, what it does, migration); append only, never edit an applied one
MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (1, "service attempts", _v1),
    (2, "the outbox of requests with a possibly unknown outcome", _v2),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


class SchemaTooNew(RuntimeError):
    """The journal file was written by newer software; refuse rather than guess."""


# --- time ------------------------------------------------------------------------------

def to_text(moment: dt.datetime) -> str:
    """Aware (or naive = local time) datetime -> fixed-width UTC text."""
    if moment.tzinfo is None:
        moment = moment.astimezone()  # naive means the kiosk's local time
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_text(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)


def epoch_to_text(t: float) -> str:
    return to_text(dt.datetime.fromtimestamp(t, dt.timezone.utc))


# --- the engine ---------------------------------------------------------------------------

def _set_pragmas(dbapi_connection, _record) -> None:
    # the driver's own implicit transactions skip DDL and start late; SQLAlchemy
    # emits BEGIN itself (``_begin``), so migrations and writes are really atomic
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def make_engine(path: str | os.PathLike) -> Engine:
    """An engine on ``path`` (``":memory:"`` for a throw-away journal) with the pragmas."""
    if str(path) == ":memory:":
        engine = create_engine("sqlite://", poolclass=StaticPool,
                               connect_args={"check_same_thread": False})
    else:
        file = Path(path)
        file.parent.mkdir(parents=True, exist_ok=True)
        if not file.exists():
            # the outbox holds request bodies and a session token until they settle
            fd = os.open(file, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        engine = create_engine(f"sqlite:///{file}",
                               connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "begin", _begin)
    return engine


def _begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """``with write_tx(engine) as conn:`` a transaction that takes the write lock at once.

    ``BEGIN IMMEDIATE`` waits (``busy_timeout``) for another writer instead of failing
    half-way when a read transaction would have to be upgraded. A file that cannot be
    written (disk full, read-only, damaged...) raises
    :class:`~kiosk.errors.JournalUnavailable`, and the journal's
    :class:`~kiosk.journal.health.JournalHealth` hears of every failure and success.
    """
    from .health import health_of, is_journal_failure, unavailable_from

    health = health_of(engine)
    try:
        with engine.execution_options(sqlite_begin="IMMEDIATE").begin() as conn:
            yield conn
    except DBAPIError as exc:
        if not is_journal_failure(exc):
            raise
        error = unavailable_from(exc, engine.url.database)
        health.failed(error)
        raise error from exc
    health.succeeded()


def migrate(engine: Engine) -> int:
    """Apply the missing migrations; returns the file's schema version."""
    with write_tx(engine) as conn:
        schema_version.create(conn, checkfirst=True)
        current = conn.scalar(select(func.max(schema_version.c.version))) or 0
        if current > SCHEMA_VERSION:
            raise SchemaTooNew(f"journal schema {current} is newer than this software's "
                               f"{SCHEMA_VERSION}")
        now = to_text(dt.datetime.now(dt.timezone.utc))
        for version, _what, step in MIGRATIONS:
            if version > current:
                step(conn)
                conn.execute(insert(schema_version).values(version=version, applied_at=now))
                current = version
    return current


def pragma(engine: Engine, name: str):
    """The value of ``PRAGMA name`` on a fresh connection (tests, ``kiosk diag``)."""
    if not name.replace("_", "").isalpha():
        raise ValueError("not a pragma name")
    with engine.connect() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()
