"""Journal trouble in the core: a full disk (a real, small tmpfs that fills up) and a
damaged journal file at start (garbage first page, truncated), for ``kiosk journal
migrate``, the journal's own API, the heartbeat's report and ``kiosk diag``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.check_results import FAIL, OK, WARNING
from kiosk.checks.storage import check_journal
from kiosk.errors import JournalUnavailable
from kiosk.journal import Journal, Outbox
from kiosk.journal.health import fleet_report, probe
from kiosk.journal.recovery import kept_damaged, open_journal
from tests.support.journal_trouble import (DAMAGE_KINDS, damage, fill, journal_with_history,
                                           small_filesystem)

from .workflows.test_kit import kiosk, kiosk_of  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]
#: the small file system: room for a journal and the 1 MiB the kiosk wants free
#: (kiosk.journal.health.MIN_FREE_BYTES) before it counts the journal writable again
SMALL_FS = 2 * 1024 * 1024


@pytest.fixture
def small_fs(tmp_path):
    with small_filesystem(tmp_path / "small", SMALL_FS) as where:
        yield where


def constructors(kit, card, info):
    """Every citizen workflow, as the UI makes it (with the kit's journal and outbox)."""
    from kiosk.workflows.card_status import CardStatusQuery
    from kiosk.workflows.loss_lift import LossLift
    from kiosk.workflows.loss_report import LossReport
    from kiosk.workflows.pin_change import PinChange
    from kiosk.workflows.pin_reset import PinReset
    from kiosk.workflows.pin_unblock import PinUnblock
    from kiosk.workflows.profile_change import ProfileChange
    from kiosk.workflows.renewal import Renewal

    kw = {"journal": kit.journal, "outbox": kit.outbox}
    args = (card, info, kit.client, kit.pack)
    return {
        "pin_change": lambda: PinChange(card, journal=kit.journal, card_no=info.card.card_no),
        "pin_reset": lambda: PinReset(*args, **kw),
        "pin_unblock": lambda: PinUnblock(*args, **kw),
        "lift_loss": lambda: LossLift(*args, **kw),
        "profile_change": lambda: ProfileChange(*args, **kw),
        "renewal": lambda: Renewal(*args, **kw),
        "card_status": lambda: CardStatusQuery(kit.client, kit.pack, card=card, card_info=info,
                                               **kw),
        "loss_report": lambda: LossReport(kit.client, kit.pack, **kw),
    }


def test_disk_full_every_workflow_refuses_to_start_with_a_typed_error_and_comes_back(
        small_fs, kiosk):
    kiosk.journal.close()
    kiosk.journal = Journal(small_fs / "journal.sqlite3", kiosk_id="demo-kiosk-001")
    kiosk.outbox = Outbox(kiosk.journal)
    changes = []
    kiosk.journal.health.subscribe(changes.append)
    card, info = kiosk.insert("ordinary")
    make = constructors(kiosk, card, info)
    make["pin_change"]().cancel()                 # room on the disk: it starts
    before = len(list(kiosk.journal))

    filler = fill(small_fs)
    for service, construct in make.items():
        with pytest.raises(JournalUnavailable) as caught:
            construct()
        assert caught.value.reason == "disk_full", service
        assert caught.value.code == "JOURNAL_UNAVAILABLE"
    health = kiosk.journal.health
    assert health.trouble is not None and health.since is not None
    assert fleet_report(kiosk.journal) == {"state": "unwritable", "reason": "disk_full",
                                           "since": health.since.strftime("%Y-%m-%dT%H:%M:%SZ")}
    assert probe(kiosk.journal).reason == "disk_full"
    assert [c.reason for c in changes] == ["disk_full"]          # told once, not per write
    assert len(list(kiosk.journal)) == before                    # nothing half-written

    filler.unlink()                                              # space comes back
    assert probe(kiosk.journal) is None
    assert health.trouble is None and changes[-1] is None
    assert fleet_report(kiosk.journal) == "ok"
    wf = make["pin_change"]()                                    # services start again
    wf.cancel()
    rows = list(kiosk.journal)
    assert [r.service for r in rows[before:]] == ["pin_change"]
    assert rows[-1].outcome == "cancelled"


def test_a_constraint_error_stays_what_it_is(tmp_path):
    """Only a file that cannot be written becomes JournalUnavailable; an IntegrityError
    (the outbox's key collision) is not the journal's health."""
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from kiosk.journal.schema import schema_version, write_tx

    with Journal(tmp_path / "j.sqlite3") as j:
        with pytest.raises(IntegrityError):
            with write_tx(j.engine) as conn:
                conn.execute(insert(schema_version).values(version=1, applied_at="x"))
        assert j.health.ok


@pytest.mark.parametrize("kind", DAMAGE_KINDS)
def test_kiosk_journal_migrate_moves_a_damaged_journal_aside_and_starts_a_fresh_one(
        tmp_path, kind):
    path = tmp_path / "journal.sqlite3"
    damaged = damage(path, kind)
    run = [sys.executable, "-m", "kiosk_cli", "journal", "migrate", "--journal", str(path)]
    done = subprocess.run(run, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    [kept] = kept_damaged(path)
    assert kept.read_bytes() == damaged                  # kept as it was, for the technician
    assert kept.name.startswith("journal.sqlite3.damaged-20")
    assert "cannot be replayed" in done.stdout and kept.name in done.stdout
    with Journal(path) as fresh:
        [first] = list(fresh)
    assert (first.service, first.outcome, first.error_code) == (
        "journal_replaced", "failed", "JOURNAL_DAMAGED")
    assert first.steps[0]["kept_as"] == kept.name
    assert first.steps[0]["reason"] in ("SQLITE_NOTADB", "SQLITE_CORRUPT", "QUICK_CHECK")
    assert first.steps[0]["size"] == len(damaged)

    # the next start finds a sound journal: nothing more is moved
    again = subprocess.run(run, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert again.returncode == 0 and kept_damaged(path) == [kept]


def test_the_wal_of_a_damaged_journal_is_kept_beside_it(tmp_path):
    path = tmp_path / "journal.sqlite3"
    journal_with_history(path, attempts=5)
    wal = Path(f"{path}-wal")
    wal.write_bytes(b"wal frames of the damaged file")
    damage(path, "garbage_first_page")
    journal, replaced = open_journal(path)
    journal.close()
    assert Path(f"{replaced.kept_as}-wal").read_bytes() == b"wal frames of the damaged file"


def test_a_sound_journal_of_a_full_disk_is_never_moved_aside(small_fs):
    path = small_fs / "journal.sqlite3"
    journal_with_history(path, attempts=20)
    sound = path.read_bytes()
    filler = fill(small_fs)
    journal, replaced = open_journal(path)        # SQLite cannot even make its -shm here
    try:
        assert replaced is None and kept_damaged(path) == []
        assert journal.health.trouble.reason == "disk_full"     # the kiosk starts out of service
        assert fleet_report(journal)["state"] == "unwritable"
        assert probe(journal).reason == "disk_full"
        assert path.read_bytes() == sound
        filler.unlink()                                          # space comes back
        assert probe(journal) is None     # the probe opens it
        assert journal.health.ok and journal.schema_version is not None
        assert len(list(journal)) == 20
    finally:
        journal.close()
        filler.unlink(missing_ok=True)


def test_kiosk_journal_migrate_on_a_full_disk_lets_the_kiosk_start(small_fs):
    """A full disk is not a reason to stop the start: the kiosk starts out of service and
    says so to the fleet; a kiosk that does not start tells nobody anything."""
    path = small_fs / "journal.sqlite3"
    journal_with_history(path, attempts=20)
    sound = path.read_bytes()
    filler = fill(small_fs)
    done = subprocess.run([sys.executable, "-m", "kiosk_cli", "journal", "migrate", "--journal",
                           str(path)], capture_output=True, text=True, timeout=60, cwd=ROOT)
    filler.unlink()
    assert done.returncode == 0, done.stderr
    assert "cannot be written (disk full)" in done.stderr and "out of service" in done.stderr
    assert path.read_bytes() == sound and kept_damaged(path) == []


def test_an_older_journal_met_on_a_full_disk_is_migrated_after_a_backup_when_space_returns(
        small_fs):
    from kiosk.journal.backup import backups, file_version

    from .test_journal_backup import make_old_journal

    path = small_fs / "journal.sqlite3"
    make_old_journal(path, version=1, rows=3)
    filler = fill(small_fs)
    journal, replaced = open_journal(path)
    try:
        assert replaced is None and journal.schema_version is None
        assert journal.health.trouble.reason == "disk_full"
        filler.unlink()
        assert probe(journal) is None
        [copy] = backups(path)                      # never migrated without a copy
        assert copy.name.endswith("-v1") and file_version(copy) == 1
        assert journal.schema_version == file_version(path) == 2
    finally:
        journal.close()
        filler.unlink(missing_ok=True)


def test_the_fleet_hears_of_a_replaced_journal_until_the_technician_takes_the_file(tmp_path):
    path = tmp_path / "journal.sqlite3"
    damage(path, "truncated")
    journal, replaced = open_journal(path)
    try:
        assert fleet_report(journal) == {"state": "replaced", "kept": [replaced.kept_as.name]}
        r = check_journal(path)
        assert r.status == WARNING and replaced.kept_as.name in r.summary
        assert "cannot be replayed" in r.summary
        assert r.detail["damaged_kept"] == [replaced.kept_as.name]
        os.unlink(replaced.kept_as)
        for side in ("-wal", "-shm"):
            Path(f"{replaced.kept_as}{side}").unlink(missing_ok=True)
        assert fleet_report(journal) == "ok"
        assert check_journal(path).status == OK
    finally:
        journal.close()


def test_kiosk_diag_fails_while_the_journal_cannot_be_written(small_fs):
    path = small_fs / "journal.sqlite3"
    journal_with_history(path, attempts=3)
    filler = fill(small_fs)
    r = check_journal(path)
    assert r.status == FAIL and r.detail["writable"] is False
    assert r.detail["unwritable_reason"] == "disk_full"
    assert "out of service" in r.summary
    filler.unlink()
    assert check_journal(path).status in (OK, WARNING)   # the pending entry is a warning
