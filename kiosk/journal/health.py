"""Whether the journal can be written now, and why not.

Every write transaction (:func:`kiosk.journal.schema.write_tx`) turns a failure
of SQLite into :class:`~kiosk.errors.JournalUnavailable` (never an untyped
``OperationalError``) and reports it here; its next success clears it. So the
kiosk's one :class:`JournalHealth` per journal file knows at any moment whether
the last write went through, since when it has not, and why:

- ``disk_full``: ``SQLITE_FULL`` (no space on the file system, or a file size limit);
- ``read_only``: ``SQLITE_READONLY``, ``SQLITE_PERM``;
- ``io_error``: ``SQLITE_IOERR``, ``SQLITE_CANTOPEN``;
- ``busy``: another process held the write lock past the busy timeout;
- ``damaged``: ``SQLITE_CORRUPT``, ``SQLITE_NOTADB`` (the file is damaged: the
  kiosk moves it aside at its next start, :mod:`kiosk.journal.recovery`);
- ``unavailable``: anything else SQLite reports.

The UI asks :attr:`JournalHealth.trouble` before a service starts and
:func:`probe` to learn that space has come back; the heartbeat reports
:func:`fleet_report`. No Qt here.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import os
import threading
import weakref
from pathlib import Path
from typing import Any, Callable

from sqlalchemy.exc import DatabaseError, OperationalError

from kiosk.errors import JournalUnavailable

log = logging.getLogger("kiosk.journal")

REASONS = ("disk_full", "read_only", "io_error", "busy", "damaged", "unavailable")

#: SQLite's primary result codes -> the reason
_REASON_BY_CODE = {13: "disk_full", 8: "read_only", 3: "read_only", 10: "io_error",
                   14: "io_error", 5: "busy", 6: "busy", 11: "damaged", 26: "damaged"}

#: a file operation's errno -> the reason (copying the journal for a backup, renaming it)
_REASON_BY_ERRNO = {errno.ENOSPC: "disk_full", errno.EDQUOT: "disk_full",
                    errno.EFBIG: "disk_full", errno.EROFS: "read_only",
                    errno.EACCES: "read_only", errno.EPERM: "read_only"}

#: what :func:`probe` wants free on the journal's file system before it says "writable"
#: again (SQLite may still fit a frame in a WAL it had grown before the disk filled)
MIN_FREE_BYTES = 1024 * 1024
#: what SQLite's WAL index (``-shm``) takes when a connection opens the file
_SHM_BYTES = 32 * 1024


def is_journal_failure(exc: BaseException) -> bool:
    """True for the SQLAlchemy errors that mean "the file cannot be written", not a bug
    or a constraint (``IntegrityError`` and the like stay what they are)."""
    return isinstance(exc, OperationalError) or type(exc) is DatabaseError


def reason_for(exc: BaseException) -> str:
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return _REASON_BY_CODE.get(code & 0xFF, "unavailable")
    if isinstance(orig, OSError) and orig.errno is not None:
        return _REASON_BY_ERRNO.get(orig.errno, "io_error")
    text = str(orig).lower()
    if "disk is full" in text:
        return "disk_full"
    if "malformed" in text or "not a database" in text:
        return "damaged"
    return "unavailable"


def unavailable_from(exc: BaseException, path: str | None = None) -> JournalUnavailable:
    """The typed error of a failed write; an I/O error on a file system without free space
    (SQLite cannot make its ``-shm`` there) is ``disk_full``."""
    orig = getattr(exc, "orig", exc)
    reason = reason_for(exc)
    if reason == "io_error" and path and path != ":memory:":
        free = free_bytes(path)
        if free is not None and free < _SHM_BYTES:
            reason = "disk_full"
    return JournalUnavailable(reason, f"the journal cannot be written ({reason.replace('_', ' ')}:"
                                      f" {type(orig).__name__})")


class JournalHealth:
    """The journal's state: ok, or the :class:`JournalUnavailable` of its last failed write.

    Listeners (``subscribe``) are called with the new trouble (None: ok again) on
    every change of state, on the thread that wrote; they must be quick.
    """

    def __init__(self, clock: Callable[[], dt.datetime] | None = None):
        self._clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
        self._lock = threading.Lock()
        self.trouble: JournalUnavailable | None = None
        #: when the trouble began (aware UTC; None when ok)
        self.since: dt.datetime | None = None
        self._listeners: list[Callable[[JournalUnavailable | None], None]] = []

    @property
    def ok(self) -> bool:
        return self.trouble is None

    def failed(self, error: JournalUnavailable) -> None:
        with self._lock:
            changed = self.trouble is None or self.trouble.reason != error.reason
            if self.trouble is None:
                self.since = self._clock()
            self.trouble = error
        if changed:
            log.error("journal: cannot be written (%s); no service starts until it can",
                      error.reason)
            self._notify(error)

    def succeeded(self) -> None:
        if self.trouble is None:
            return
        with self._lock:
            was, self.trouble, self.since = self.trouble, None, None
        if was is not None:
            log.warning("journal: writable again (after %s)", was.reason)
            self._notify(None)

    def subscribe(self, listener: Callable[[JournalUnavailable | None], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _notify(self, trouble: JournalUnavailable | None) -> None:
        for listener in list(self._listeners):
            try:
                listener(trouble)
            except Exception:  # noqa: BLE001 - a listener's fault is not the journal's
                log.warning("journal: a health listener failed", exc_info=True)

    def report(self) -> str | dict[str, Any]:
        """``"ok"`` or ``{"state": "unwritable", "reason", "since"}`` (the heartbeat's)."""
        trouble, since = self.trouble, self.since
        if trouble is None:
            return "ok"
        return {"state": "unwritable", "reason": trouble.reason,
                "since": since.strftime("%Y-%m-%dT%H:%M:%SZ") if since else None}


_HEALTH: "weakref.WeakKeyDictionary[Any, JournalHealth]" = weakref.WeakKeyDictionary()
_HEALTH_LOCK = threading.Lock()


def health_of(engine) -> JournalHealth:
    """The one :class:`JournalHealth` of the journal on ``engine``."""
    with _HEALTH_LOCK:
        health = _HEALTH.get(engine)
        if health is None:
            health = _HEALTH[engine] = JournalHealth()
        return health


def free_bytes(path: str | os.PathLike) -> int | None:
    """Bytes free for an unprivileged writer on the file system of ``path`` (None: unknown)."""
    try:
        st = os.statvfs(Path(path).parent)
    except OSError:
        return None
    return st.f_bavail * st.f_frsize


def probe(journal, *, min_free_bytes: int = MIN_FREE_BYTES) -> JournalUnavailable | None:
    """Check now that ``journal`` can be written: None if so, else the trouble (recorded).

    It wants ``min_free_bytes`` free on the file's file system, then commits a
    write transaction that rewrites the schema's last row with itself.
    """
    from sqlalchemy import func, select, update

    from .recovery import migrate_after_backup
    from .schema import migrate, schema_version, write_tx

    health = health_of(journal.engine)
    if journal.path != ":memory:":
        free = free_bytes(journal.path)
        if free is not None and free < min_free_bytes:
            error = JournalUnavailable("disk_full", f"the journal's file system has {free} bytes "
                                                    f"free, under {min_free_bytes}")
            health.failed(error)
            return error
    try:
        if journal.schema_version is None:       # not opened at start (a full disk)
            migrate_after_backup(journal.path)     # an older schema is backed up first
            journal.schema_version = migrate(journal.engine)
        with write_tx(journal.engine) as conn:
            last = select(func.max(schema_version.c.version)).scalar_subquery()
            conn.execute(update(schema_version).where(schema_version.c.version == last)
                         .values(applied_at=schema_version.c.applied_at))
    except JournalUnavailable as error:
        return error
    return None


def fleet_report(journal) -> str | dict[str, Any]:
    """The journal's state for the heartbeat's ``devices["journal"]``.

    ``"ok"``; ``{"state": "unwritable", ...}`` (:meth:`JournalHealth.report`);
    or, while a damaged journal moved aside at a start is still kept beside it for
    the technician, ``{"state": "replaced", "kept": [file names], ...}``.
    """
    from .recovery import kept_damaged

    state = health_of(journal.engine).report()
    if state != "ok" or journal.path == ":memory:":
        return state
    kept = kept_damaged(journal.path)
    if kept:
        return {"state": "replaced", "kept": [p.name for p in kept]}
    return "ok"
