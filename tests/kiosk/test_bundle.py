"""The diagnostics bundle: a real journal with real citizens' attempts, real log files
holding an ID number, a name and a PIN; the exported zip holds none of them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from backoffice.demo_data import PEOPLE
from kiosk import masking
from kiosk.backoffice_calls import report_loss_call
from kiosk.backoffice_client import BackOfficeClient
from kiosk.backoffice_types import Session
from kiosk.bundle import (BundleDestinationError, device_report, export_bundle,
                          export_for_settings, find_usb_mounts, read_manifest, verify_bundle)
from kiosk.journal import Journal, Outbox, PendingOutcome
from kiosk.logs import close_logging, recent_events, setup_logging
from kiosk.secret_hash import hash_secret
from kiosk.settings import KioskSettings
from kiosk.settings_store import SettingsStore
from tests.support.pin_leaks import TEST_PINS
from tests.support.network import dead_url

UTC = dt.timezone.utc
KIOSK_ID = "kiosk-042"
T0 = dt.datetime(2025, 3, 1, 2, 42, 0, tzinfo=UTC)

#: the citizens of the journal and the logs (a compound-free name, a long Uyghur name, a
#: two-character name)
CITIZENS = [PEOPLE["card_ordinary"], PEOPLE["card_long_name"], PEOPLE["card_initial_pin"]]


class Ticking:
    """A clock for the journal: whole seconds, one more at each reading."""

    def __init__(self, start: dt.datetime):
        self.now = start

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


@pytest.fixture
def kiosk_dirs(tmp_path):
    data, logs, usb = tmp_path / "data", tmp_path / "log", tmp_path / "usb"
    for d in (data, logs, usb):
        d.mkdir()
    secret = tmp_path / "secret"
    secret.write_text("the-kiosk-hmac-secret-never-exported")
    settings = KioskSettings(kiosk_id=KIOSK_ID, backoffice_url="https://bo.hubei.example",
                             secret_file=str(secret), jurisdiction="hubei",
                             data_dir=str(data), log_dir=str(logs),
                             local_technician_credential=hash_secret("24680135"))
    return settings, usb


def fill_journal(settings: KioskSettings, clock: Ticking) -> Journal:
    """Citizens' attempts as the workflows and the controller record them."""
    journal = Journal(settings.journal_path(), kiosk_id=KIOSK_ID, clock=clock)
    for person in CITIZENS:
        card = person.card
        # the session: the controller identifies the holder once the card is read
        with journal.attempt("kiosk_session") as session:
            session.step("started", with_card=True)
            session.identify(card_no=card.card_no, ssn=person.ssn)
            # a workflow: begun with the card number and the SSN
            with journal.attempt("card_status", card_no=card.card_no, ssn=person.ssn) as a:
                a.step("status_shown", status="active")
            session.step("ended", how="finished")
    # a loss report whose answer never came: pending in the outbox
    outbox = Outbox(journal, kiosk_id=KIOSK_ID)
    with BackOfficeClient(dead_url(), KIOSK_ID, "s", max_attempts=1) as client:
        client.use_session(Session("s1", "t" * 32, None, None))
        person = CITIZENS[0]
        with journal.attempt("temporary_loss", card_no=person.card.card_no,
                             ssn=person.ssn) as a:
            assert isinstance(outbox.submit(client, report_loss_call("temporary", "7d"),
                                            attempt=a), PendingOutcome)
    # a wrong PIN: refused
    from kiosk.errors import WrongPin

    with pytest.raises(WrongPin):
        with journal.attempt("pin_change", card_no=CITIZENS[1].card.card_no):
            raise WrongPin(2)
    return journal


def old_version_row(path: Path, person) -> None:
    """A row as a journal without the guard (an older version, a bug) might have written it."""
    with sqlite3.connect(path) as c:
        c.execute("INSERT INTO attempts (kiosk_id, service, started_at, ended_at, outcome, "
                  "card_no, ssn, steps) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  (KIOSK_ID, "profile_change", "2025-03-01T02:40:00.000000Z",
                   "2025-03-01T02:41:00.000000Z", "ok", person.card.card_no, person.ssn,
                   json.dumps([{"step": "changed", "name": person.name, "ssn": person.ssn,
                                "phone": person.phone, "new_pin": "802413",
                                "note": f"holder {person.ssn} pin=975310 姓名={person.name}"}],
                              ensure_ascii=False)))


def write_logs(log_dir: Path) -> None:
    """Log files with what a careless line could hold (written directly: no logger may
    carry a test PIN in this suite)."""
    a, b, c = CITIZENS
    (log_dir / "kiosk.log.1").write_text(
        f"2025-03-01 10:40:00 INFO kiosk.card: read card for ssn={a.ssn} 姓名={a.name}\n"
        f"2025-03-01 10:40:01 DEBUG kiosk.pin: verify pin=802413 (retry)\n"
        f"2025-03-01 10:40:02 DEBUG kiosk.pin: PIN: 975310 new_pin=\"246810\"\n", "utf-8")
    (log_dir / "kiosk.log").write_text(
        f"2025-03-01 10:41:00 INFO ui: {{\"name\": \"{b.name}\", \"mobile\": \"{b.phone}\"}}\n"
        f"2025-03-01 10:41:01 INFO ui: holder_name：{c.name} id {c.ssn} 密码：135790\n"
        f"2025-03-01 10:41:02 INFO ui: name={c.name}, pin 111222 entered\n"
        "2025-03-01 10:41:03 INFO ui: the session ended normally\n", "utf-8")
    (log_dir / "pcscd.log").write_text(f"00000000 reader event, card of {a.ssn}\n", "utf-8")


def unzip_all(bundle: Path) -> dict[str, str]:
    with zipfile.ZipFile(bundle) as z:
        return {name: z.read(name).decode("utf-8") for name in z.namelist()}


def leaks(text: str) -> list[str]:
    found = [f"PIN {p[:2]}…" for p in TEST_PINS if p in text]
    for person in PEOPLE.values():
        if person.ssn in text:
            found.append(f"ID number of {person.key}")
        if person.name in text:
            found.append(f"name of {person.key}")
        if person.phone and person.phone in text:
            found.append(f"phone of {person.key}")
    return found


def test_the_bundle_holds_no_pin_no_id_number_and_no_name(kiosk_dirs):
    settings, usb = kiosk_dirs
    clock = Ticking(T0)
    journal = fill_journal(settings, clock)
    old_version_row(settings.journal_path(), CITIZENS[2])
    write_logs(Path(settings.log_dir))
    when = clock.now + dt.timedelta(minutes=5)
    try:
        path = export_bundle(usb, settings=settings, journal=journal, log_dir=settings.log_dir,
                             device_report={"readers": ["Virtual PCD 00 00"],
                                            "last_card": {"holder": CITIZENS[0].name,
                                                          "ssn": CITIZENS[0].ssn}},
                             now=when)
    finally:
        journal.close()

    assert path.parent == usb and path.name == f"ssc-kiosk-diag-{KIOSK_ID}-{when:%Y%m%dT%H%M%SZ}.zip"
    assert [p.name for p in usb.iterdir()] == [path.name]          # no temporary left
    files = unzip_all(path)
    assert set(files) == {"settings.json", "journal_summary.json", "logs/kiosk.log.1",
                          "logs/kiosk.log", "logs/pcscd.log", "device_report.json",
                          "manifest.json"}
    for name, text in files.items():
        assert leaks(text) == [], name
        if name != "manifest.json":          # hex digests may hold any run of digits
            assert masking.find_unmasked(text) == [], name

    # what is there is still useful to a technician
    summary = json.loads(files["journal_summary.json"])
    assert summary["outbox"] == {"backlog": 1, "gave_up": 0}
    assert summary["counts"]["kiosk_session"] == {"ok": 3}
    assert summary["counts"]["pin_change"] == {"refused": 1}
    assert summary["counts"]["temporary_loss"] == {"pending": 1}
    last = summary["last_attempts"]
    assert len(last) == 9
    assert {a["ssn"] for a in last if a["ssn"]} == {masking.ssn(p.ssn) for p in CITIZENS}
    old = next(a for a in last if a["service"] == "profile_change")
    assert old["card_no"] == masking.card_no(CITIZENS[2].card.card_no)
    assert old["steps"][0]["name"] == masking.name(CITIZENS[2].name)
    assert old["steps"][0]["new_pin"] == "[redacted]"
    log = files["logs/kiosk.log.1"].splitlines()
    assert log[1] == "2025-03-01 10:40:01 DEBUG kiosk.pin: verify pin=****** (retry)"
    assert f"姓名={masking.name(CITIZENS[0].name)}" in log[0]
    assert files["logs/kiosk.log"].splitlines()[3].endswith("the session ended normally")

    exported = json.loads(files["settings.json"])
    assert exported["secret_file"] == settings.secret_file
    assert "local_technician_credential" not in exported
    assert "the-kiosk-hmac-secret" not in "".join(files.values())
    assert settings.local_technician_credential.split("$")[-1] not in "".join(files.values())
    assert json.loads(files["device_report.json"])["last_card"]["holder"] == \
        masking.name(CITIZENS[0].name)


def test_the_manifest_lists_every_file_with_its_hash(kiosk_dirs):
    settings, usb = kiosk_dirs
    write_logs(Path(settings.log_dir))
    path = export_bundle(usb, settings=settings, journal=None, log_dir=settings.log_dir,
                         device_report=None)
    manifest = read_manifest(path)
    assert manifest["format"] == 1 and manifest["kiosk_id"] == KIOSK_ID
    files = unzip_all(path)
    assert sorted(e["name"] for e in manifest["files"]) == sorted(set(files) - {"manifest.json"})
    for entry in manifest["files"]:
        data = files[entry["name"]].encode("utf-8")
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["size"] == len(data)
    assert verify_bundle(path) == []
    assert json.loads(files["journal_summary.json"]) == {"journal": None}


def test_a_destination_that_is_not_a_directory_is_refused(kiosk_dirs, tmp_path):
    settings, _ = kiosk_dirs
    a_file = tmp_path / "file"
    a_file.write_text("x")
    for dest in (a_file, tmp_path / "missing"):
        with pytest.raises(BundleDestinationError) as e:
            export_bundle(dest, settings=settings, journal=None, log_dir=None, device_report={})
        assert (e.value.code, e.value.reason) == ("BUNDLE_DESTINATION", "not_a_directory")


def test_a_write_protected_stick_is_refused(kiosk_dirs, tmp_path):
    """A read-only mount, as a write-protected USB stick is (root writes anywhere else)."""
    settings, _ = kiosk_dirs
    stick = tmp_path / "stick"
    stick.mkdir()
    if os.geteuid() != 0:
        os.chmod(stick, 0o555)
        with pytest.raises(BundleDestinationError) as e:
            export_bundle(stick, settings=settings, journal=None, log_dir=None, device_report={})
        assert e.value.reason == "not_writable"
        return
    if not shutil.which("unshare"):
        pytest.skip("unshare is not installed")
    # a private mount namespace: the read-only mount exists for this command only
    code = ("import sys; from kiosk.bundle import export_bundle, BundleDestinationError\n"
            "from kiosk.settings import KioskSettings\n"
            "try:\n"
            "    export_bundle(sys.argv[1], settings=KioskSettings(kiosk_id='k'), journal=None,"
            " log_dir=None, device_report={})\n"
            "except BundleDestinationError as e:\n"
            "    print(e.reason)\n")
    script = (f'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 77\n'
              f'exec "{sys.executable}" -c "$2" "$1"')
    proc = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", str(stick), code],
                          capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[2])
    if proc.returncode == 77:
        pytest.skip(f"no read-only bind mount here: {proc.stderr.strip()[-200:]}")
    assert proc.stdout.strip() == "not_writable", proc.stderr[-1500:]
    assert list(stick.iterdir()) == []


def test_a_failed_write_leaves_no_partial_bundle(kiosk_dirs, monkeypatch):
    settings, usb = kiosk_dirs

    def stick_pulled(src, dst):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", stick_pulled)
    with pytest.raises(BundleDestinationError) as e:
        export_bundle(usb, settings=settings, journal=None, log_dir=None, device_report={})
    monkeypatch.undo()
    assert e.value.reason == "write_failed"
    assert list(usb.iterdir()) == []


def test_two_exports_in_one_second_keep_both(kiosk_dirs):
    settings, usb = kiosk_dirs
    kw = dict(settings=settings, journal=None, log_dir=None, device_report={}, now=T0)
    first, second = export_bundle(usb, **kw), export_bundle(usb, **kw)
    assert first != second and first.exists() and second.exists()


def test_the_command_line_exports_the_kiosk_of_a_settings_file(kiosk_dirs, tmp_path):
    settings, usb = kiosk_dirs
    clock = Ticking(T0)
    fill_journal(settings, clock).close()
    write_logs(Path(settings.log_dir))
    SettingsStore(tmp_path / "settings.json").save(settings, actor="install")
    env = dict(os.environ, SSC_KIOSK_SETTINGS=str(tmp_path / "settings.json"))
    proc = subprocess.run([sys.executable, "-m", "kiosk_cli", "bundle", "--to", str(usb)],
                          capture_output=True, text=True, timeout=60, env=env,
                          cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 0, proc.stderr[-1500:]
    path = Path(proc.stdout.strip())
    assert path.parent == usb and path.exists()
    files = unzip_all(path)
    for name, text in files.items():
        assert leaks(text) == [], name
    report = json.loads(files["device_report.json"])
    assert "readers" in report or "readers_error" in report
    assert json.loads(files["journal_summary.json"])["outbox"]["backlog"] == 1
    # a destination that is not a directory: one line, exit 1
    proc = subprocess.run([sys.executable, "-m", "kiosk_cli", "bundle", "--to",
                           str(tmp_path / "nowhere")], capture_output=True, text=True,
                          timeout=60, env=env, cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 1
    assert proc.stderr.startswith("kiosk: cannot write the diagnostics bundle")


def test_export_for_settings_without_a_journal_yet(kiosk_dirs, tmp_path):
    settings, usb = kiosk_dirs
    SettingsStore(tmp_path / "s.json").save(settings, actor="install")
    path = export_for_settings(usb, settings_path=str(tmp_path / "s.json"),
                               readers=lambda: ["Reader A"])
    files = unzip_all(path)
    assert json.loads(files["journal_summary.json"]) == {"journal": None}
    assert json.loads(files["device_report.json"])["readers"] == ["Reader A"]
    assert not settings.journal_path().exists()          # exporting created no journal


def test_device_report_records_a_reader_failure_by_its_code(kiosk_dirs):
    settings, _ = kiosk_dirs
    from kiosk.errors import ReaderServiceDown

    def down():
        raise ReaderServiceDown("pcscd is not running")

    report = device_report(settings, readers=down)
    assert report["readers_error"] == "READER_SERVICE_DOWN"
    assert report["camera"] == "none" and report["disk"]["data_dir"]["free_mib"] >= 0


def test_usb_mounts_are_the_writable_ones_under_the_media_roots(tmp_path):
    media = tmp_path / "media"
    stick, spaced, readonly = media / "usb0", media / "kiosk" / "MY STICK", media / "cdrom"
    for d in (stick, spaced, readonly):
        d.mkdir(parents=True)
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/sda1 / ext4 rw,relatime 0 0\n"
        f"/dev/sdb1 {stick} vfat rw,nosuid,nodev 0 0\n"
        f"/dev/sdc1 {str(spaced).replace(' ', chr(92) + '040')} exfat rw 0 0\n"
        f"/dev/sr0 {readonly} iso9660 ro 0 0\n"
        f"/dev/sdd1 {media / 'gone'} vfat rw 0 0\n")
    assert find_usb_mounts(str(mounts), roots=(str(media),)) == sorted([stick, spaced])
    assert find_usb_mounts(str(tmp_path / "no-such-file"), roots=(str(media),)) == []


# --- the log files ------------------------------------------------------------------------------

def test_log_files_rotate_and_are_redacted_as_written(tmp_path):
    handler = setup_logging(tmp_path / "log", max_bytes=2000, backup_count=2)
    try:
        assert setup_logging(tmp_path / "log") is handler          # installed once
        person = CITIZENS[0]
        log = logging.getLogger("kiosk.test_bundle")
        log.warning("card of ssn=%s 姓名=%s", person.ssn, person.name)
        for i in range(100):
            log.info("event %03d of a busy day", i)
    finally:
        close_logging(handler)
    files = sorted(p.name for p in (tmp_path / "log").iterdir())
    assert files == ["kiosk.log", "kiosk.log.1", "kiosk.log.2"]     # size-bounded
    assert all((tmp_path / "log" / f).stat().st_size <= 2000 for f in files)
    events = recent_events(tmp_path / "log", n=5)
    assert len(events) == 5 and events[-1].endswith("event 099 of a busy day")
    assert [e.split("event ")[1][:3] for e in events] == ["095", "096", "097", "098", "099"]
    assert events == sorted(events)                                  # oldest first


def test_a_redacted_line_reaches_the_file(tmp_path):
    handler = setup_logging(tmp_path / "log")
    try:
        person = CITIZENS[1]
        logging.getLogger("kiosk.test_bundle").warning("holder 姓名：%s phone %s id %s",
                                                       person.name, person.phone, person.ssn)
    finally:
        close_logging(handler)
    text = (tmp_path / "log" / "kiosk.log").read_text("utf-8")
    assert leaks(text) == [] and masking.name(person.name) in text
    assert masking.ssn(person.ssn) in text


def test_recent_events_reads_across_rotated_files_and_redacts_again(tmp_path):
    write_logs(tmp_path)
    events = recent_events(tmp_path, n=200)
    assert len(events) == 7                   # kiosk.log.1 then kiosk.log; not pcscd.log
    assert events[0].startswith("2025-03-01 10:40:00") and events[-1].endswith("normally")
    assert all(leaks(e) == [] for e in events)
    assert recent_events(tmp_path, n=2) == events[-2:]
    assert recent_events(tmp_path / "missing") == []
