"""The database: engine, sessions, schema creation, the request-scoped session.

Any SQLAlchemy URL works (SQLite file by default, PostgreSQL later). SQLite
gets WAL, a busy timeout and ``BEGIN IMMEDIATE`` transactions so concurrent
writers queue instead of failing. ``sqlite:///:memory:`` becomes a private
temporary file (in ``/dev/shm`` when there is one) that :meth:`Database.dispose`
deletes: it behaves like a fresh in-memory database but is safe with several
server threads, which share nothing through one SQLite memory connection.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import Iterator

from flask import Flask, g
from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from .models import SchemaVersion

SQLITE_BUSY_TIMEOUT_MS = 10_000


class Database:
    def __init__(self, url: str, *, echo: bool = False):
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.in_memory = self.is_sqlite and self.url.database in (None, "", ":memory:")
        self._tmpdir: str | None = None
        self._finalizer = None
        kwargs: dict = {"echo": echo}
        if self.is_sqlite:
            if self.in_memory:
                shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
                self._tmpdir = tempfile.mkdtemp(prefix="ssc-backoffice-mem-", dir=shm)
                self._finalizer = weakref.finalize(self, shutil.rmtree, self._tmpdir, True)
                self.url = self.url.set(database=str(Path(self._tmpdir) / "memory.sqlite3"))
            else:
                Path(self.url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False,
                                      "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            _sqlite_pragmas(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def create_schema(self, now) -> list[int]:
        """Run the missing migrations (:mod:`backoffice.migrations`); return those applied.

        Idempotent; raises :class:`~backoffice.migrations.SchemaTooNew` for a
        database migrated by a newer server.
        """
        from .migrations import migrate

        return migrate(self.engine, now)

    def schema_version(self) -> int | None:
        with self.session() as s:
            return s.scalar(select(SchemaVersion.version).order_by(SchemaVersion.version.desc()))

    def open_session(self) -> Session:
        return self._sessions()

    def close_session(self, session: Session) -> None:
        session.close()

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session for work outside a request (the caller commits)."""
        s = self.open_session()
        try:
            yield s
        finally:
            self.close_session(s)

    def dispose(self) -> None:
        """Close every connection (and delete a ``:memory:`` database's file)."""
        self.engine.dispose()
        if self._finalizer is not None:
            self._finalizer()


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # let SQLAlchemy emit BEGIN itself (see below), not the sqlite3 module
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # take the write lock at the start: no read-then-upgrade deadlocks
        conn.exec_driver_sql("BEGIN IMMEDIATE")


# --- the request-scoped session ------------------------------------------------------

def init_app(app: Flask, database: Database) -> None:
    app.extensions["backoffice.db"] = database

    @app.teardown_appcontext
    def _close(_exc):
        s = g.pop("db_session", None)
        if s is not None:
            database.close_session(s)


def session() -> Session:
    """The current request's session, opened on first use, closed at teardown.

    Route code does not commit on GETs; the :func:`backoffice.idempotency.idempotent`
    decorator commits a write together with its stored answer.
    """
    s = g.get("db_session")
    if s is None:
        from flask import current_app

        s = current_app.extensions["backoffice.db"].open_session()
        g.db_session = s
    return s


def lock(obj) -> None:
    """Re-read ``obj`` with ``SELECT ... FOR UPDATE`` (PostgreSQL) before a read-check-write.

    Two requests changing one card (two loss reports with different keys, two
    wrong SMS codes at once) then run one after the other instead of both
    passing the check. SQLite needs nothing: every transaction there starts with
    ``BEGIN IMMEDIATE``, which already serialises writers.
    """
    session().refresh(obj, with_for_update=True)
