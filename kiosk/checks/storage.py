"""Diagnostics of what the kiosk writes: free disk space, and the journal with its outbox.

Nothing here reads personal data: the journal check counts rows.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

from ..check_results import CheckResult, fail, ok, warning

# disk
DISK_WARN_FREE_BYTES = 1024 ** 3          # 1 GiB
DISK_FAIL_FREE_BYTES = 100 * 1024 ** 2    # 100 MiB


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"  # pragma: no cover


def check_disk(data_dir: str | os.PathLike, *, warn_free_bytes: int = DISK_WARN_FREE_BYTES,
               fail_free_bytes: int = DISK_FAIL_FREE_BYTES, name: str = "disk") -> CheckResult:
    """Free space where the kiosk writes (its data directory, or the nearest existing parent
    when it does not exist yet); ``fail`` too when the directory is not writable."""
    path = Path(data_dir).expanduser().absolute()
    measured = path
    while not measured.exists() and measured != measured.parent:
        measured = measured.parent
    usage = shutil.disk_usage(measured)
    detail = {"path": str(path), "exists": path.exists(), "measured_path": str(measured),
              "free_bytes": usage.free, "total_bytes": usage.total,
              "free_pct": round(100 * usage.free / usage.total, 1) if usage.total else 0.0,
              "warn_below_bytes": warn_free_bytes, "fail_below_bytes": fail_free_bytes}
    line = (f"{_size(usage.free)} free of {_size(usage.total)} ({detail['free_pct']:.0f} %) "
            f"at {path}" + ("" if path.exists() else " (not created yet)"))
    if not os.access(measured, os.W_OK):
        return fail(name, f"{measured} is not writable by this user", **detail, writable=False)
    detail["writable"] = True
    if usage.free < fail_free_bytes:
        return fail(name, f"disk almost full: {line}", **detail)
    if usage.free < warn_free_bytes:
        return warning(name, f"disk space low: {line}", **detail)
    return ok(name, line, **detail)


# --- the journal -----------------------------------------------------------------------------

def _schema_version_read_only(path: Path) -> int:
    """The journal file's schema version, read without migrating or writing anything
    (0: no schema table). Raises ``sqlite3.DatabaseError`` for a file that is not SQLite."""
    import sqlite3
    from contextlib import closing

    from ..journal import schema

    uri = path.resolve().as_uri() + "?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=schema.BUSY_TIMEOUT_MS / 1000)) as conn:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                            "AND name = 'schema_version'").fetchone():
            return 0
        return conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0


def check_journal(path: str | os.PathLike, *, name: str = "journal") -> CheckResult:
    """The journal opens; how many attempts it holds, the outbox's backlog (requests not
    yet delivered) and how many were given up. A missing journal is a warning (the kiosk
    has not run here yet): this check never creates one, and never migrates one (a
    journal of an older schema is a warning: ``kiosk journal migrate`` backs it up first).

    A damaged journal, or one that cannot be written (a full disk: the kiosk then starts
    no service), fails; damaged journals moved aside at a start and still kept beside it
    are a warning (their pending requests cannot be replayed; ``docs/journal.md``).

    To deliver the backlog now (the maintenance screen's replay button), call
    :meth:`kiosk.journal.Outbox.replay` with a back-office client.
    """
    import sqlite3

    from ..errors import JournalUnavailable
    from ..journal import SCHEMA_VERSION, Journal, Outbox
    from ..journal.health import probe, unavailable_from
    from ..journal.recovery import damage_of, kept_damaged

    path = Path(path).expanduser()
    if not path.exists():
        return warning(name, f"no journal at {path} (the kiosk has not run here yet)",
                       path=str(path), exists=False)
    damage = damage_of(path)
    if damage is not None:
        return fail(name, f"the journal at {path} is damaged ({damage}): the kiosk moves it "
                          "aside and starts a fresh one at its next start; the requests still "
                          "pending in it cannot be replayed", path=str(path), exists=True,
                    damaged=damage)
    try:
        version = _schema_version_read_only(path)
    except sqlite3.OperationalError as exc:   # SQLite cannot even read it (a full disk)
        return _unwritable(name, unavailable_from(exc, str(path)), path=str(path), exists=True,
                           writable=False)
    if version > SCHEMA_VERSION:
        return fail(name, f"the journal at {path} has schema v{version}, newer than this "
                          f"software's v{SCHEMA_VERSION}", path=str(path), exists=True,
                    schema_version=version)
    if version < SCHEMA_VERSION:
        return warning(name, f"the journal at {path} has schema v{version}, this software "
                             f"v{SCHEMA_VERSION}: it is migrated when the kiosk starts",
                       path=str(path), exists=True, schema_version=version)
    try:
        with Journal(path) as journal:
            outbox = Outbox(journal)
            counts = journal.summary()
            backlog = outbox.backlog()
            gave_up = outbox.gave_up_count()
            pending = outbox.entries("pending") if backlog else []
            recent = journal.recent(1)
            schema_version = journal.schema_version
            trouble = probe(journal)
    except JournalUnavailable as exc:
        return _unwritable(name, exc, path=str(path), exists=True, writable=False)
    kept = [p.name for p in kept_damaged(path)]
    attempts = sum(sum(by.values()) for by in counts.values())
    open_attempts = sum(by.get("open", 0) for by in counts.values())
    detail: dict[str, Any] = {
        "path": str(path), "exists": True, "schema_version": schema_version,
        "attempts": attempts, "open_attempts": open_attempts,
        "last_attempt_at": recent[0].started_at.isoformat() if recent and recent[0].started_at else None,
        "outbox_backlog": backlog, "outbox_gave_up": gave_up,
        "writable": trouble is None, "damaged_kept": kept,
    }
    if pending:
        oldest = min(e.created_at for e in pending)
        detail["oldest_pending_at"] = oldest.isoformat()
        detail["oldest_pending_age_s"] = round(
            (dt.datetime.now(dt.timezone.utc) - oldest).total_seconds())
    line = f"{attempts} attempts, outbox backlog {backlog}, given up {gave_up}"
    if trouble is not None:
        return _unwritable(name, trouble, **detail)
    if kept:
        return warning(name, f"{line}; {len(kept)} damaged journal(s) kept beside it "
                             f"({', '.join(kept)}): requests still pending in them cannot be "
                             "replayed; check them with the back office, then remove the "
                             "file(s)", **detail)
    if gave_up:
        return warning(name, f"{line}: {gave_up} request(s) were given up, their outcome is "
                             "unknown (see docs/outbox.md)", **detail)
    if backlog:
        age = detail["oldest_pending_age_s"]
        return warning(name, f"{line}: {backlog} request(s) wait for the back office "
                             f"(oldest {age // 60} min)", **detail)
    return ok(name, line, **detail)


def _unwritable(name: str, trouble, **detail: Any) -> CheckResult:
    detail["unwritable_reason"] = trouble.reason
    return fail(name, f"the journal cannot be written ({trouble.reason.replace('_', ' ')}): the "
                      "kiosk is out of service and starts no service until it can; it checks "
                      "again by itself", **detail)
