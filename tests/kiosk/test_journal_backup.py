"""Journal migrations run after a backup (kiosk/journal/backup.py, `kiosk journal migrate`)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import stat
from contextlib import closing

import pytest
from sqlalchemy import insert

from kiosk_cli import main as cli
from kiosk.journal import SCHEMA_VERSION, Journal, SchemaTooNew
from kiosk.journal import backup as jb
from kiosk.journal import schema


def make_old_journal(path, version: int = 1, rows: int = 3) -> None:
    """A journal file as an older kiosk left it: migrations up to ``version``, some attempts."""
    engine = schema.make_engine(path)
    try:
        with schema.write_tx(engine) as conn:
            schema.schema_version.create(conn)
            for number, _what, step in schema.MIGRATIONS:
                if number > version:
                    break
                step(conn)
                conn.execute(insert(schema.schema_version).values(
                    version=number, applied_at="2024-01-01T00:00:00.000000Z"))
            for i in range(rows):
                conn.execute(insert(schema.attempts).values(
                    kiosk_id="kiosk-042", service="pin_change", outcome="ok",
                    started_at=f"2024-01-0{i + 1}T10:42:00.000000Z", steps="[]"))
    finally:
        engine.dispose()


def rows(path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT id, service, started_at FROM attempts ORDER BY id").fetchall()


def tables(path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_an_old_journal_is_backed_up_then_migrated(tmp_path):
    assert SCHEMA_VERSION >= 2, "this test needs a migration after version 1"
    path = tmp_path / "journal.sqlite3"
    make_old_journal(path, version=1)
    before = rows(path)
    assert jb.file_version(path) == 1 and "outbox" not in tables(path)

    copy = jb.backup_then_migrate(path)

    # the backup: the old file, whole (same rows, still version 1), private, one file
    assert copy is not None and copy.name.startswith("journal.sqlite3.bak-")
    assert copy.name.endswith("-v1")
    assert rows(copy) == before
    assert jb.file_version(copy) == 1 and "outbox" not in tables(copy)
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert not copy.with_name(copy.name + "-wal").exists()
    # the journal: migrated, nothing lost, and the kiosk opens it as usual
    assert jb.file_version(path) == SCHEMA_VERSION and "outbox" in tables(path)
    assert rows(path) == before
    with Journal(path, kiosk_id="kiosk-042") as journal:
        assert journal.schema_version == SCHEMA_VERSION
        assert [r.service for r in journal] == ["pin_change"] * 3


def test_a_current_journal_or_none_needs_no_backup(tmp_path):
    path = tmp_path / "journal.sqlite3"
    assert jb.backup_then_migrate(path) is None
    assert not path.exists()  # the kiosk creates it, with its permissions
    Journal(path, kiosk_id="kiosk-042").close()
    assert jb.backup_then_migrate(path) is None
    assert jb.backups(path) == []


def test_only_the_newest_backups_are_kept(tmp_path):
    path = tmp_path / "journal.sqlite3"
    make_old_journal(path, version=1)
    for day in (1, 2, 3):
        jb.backup(path, keep=10, now=dt.datetime(2024, 3, day, tzinfo=dt.timezone.utc))
    daily = jb.backup(path, kind=jb.DAILY_KIND)  # another kind: rotated apart
    copy = jb.backup_then_migrate(path, keep=2)
    kept = jb.backups(path)
    assert kept == [path.with_name("journal.sqlite3.bak-20240303T000000.000000Z-v1"), copy]
    assert jb.backups(path, jb.DAILY_KIND) == [daily]


def test_a_journal_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "journal.sqlite3"
    make_old_journal(path, version=SCHEMA_VERSION)
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO schema_version VALUES (?, 'later')", (SCHEMA_VERSION + 1,))
    with pytest.raises(SchemaTooNew):
        jb.backup_then_migrate(path)
    assert jb.file_version(path) == SCHEMA_VERSION + 1 and jb.backups(path) == []


def test_the_command_the_unit_runs_before_the_kiosk(tmp_path, capsys):
    path = tmp_path / "journal.sqlite3"
    make_old_journal(path, version=1)
    assert cli.main(["journal", "migrate", "--journal", str(path)]) == 0
    out = capsys.readouterr().out
    (copy,) = jb.backups(path)
    assert f"backed up to {copy}" in out and f"schema v{SCHEMA_VERSION}" in out
    # the next start: nothing to do
    assert cli.main(["journal", "migrate", "--journal", str(path)]) == 0
    assert "backed up" not in capsys.readouterr().out and jb.backups(path) == [copy]
    # the backup timer's command
    assert cli.main(["journal", "backup", "--journal", str(path), "--keep", "7"]) == 0
    (daily,) = jb.backups(path, jb.DAILY_KIND)
    assert str(daily) in capsys.readouterr().out and rows(daily) == rows(path)
