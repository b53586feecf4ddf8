"""The journal: durability settings, schema versions, attempts, masking, the guard, queries."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys

import pytest

from kiosk import masking
from kiosk.errors import (BackOfficeUnavailable, CardAlreadyLost, CardRemoved, CardTimeout,
                          OutcomeUnknown, ServiceNotOffered, WrongPin)
from kiosk.journal import (OUTCOMES, SCHEMA_VERSION, Journal, JournalPrivacyError, SchemaTooNew,
                           outcome_for)
from kiosk.journal import schema

SSN = "42010119900307123X"  # a valid GB 11643 number (check digit X)
UTC = dt.timezone.utc


class FakeClock:
    def __init__(self, start: dt.datetime):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, hh: int, mm: int, ss: int = 0) -> None:
        self.now = self.now.replace(hour=hh, minute=mm, second=ss)


@pytest.fixture
def journal(tmp_path):
    j = Journal(tmp_path / "journal.sqlite3", kiosk_id="kiosk-042", strict=True)
    yield j
    j.close()


def file_bytes(path) -> bytes:
    """The journal file and its WAL, as bytes on disk."""
    data = b""
    for suffix in ("", "-wal"):
        try:
            with open(f"{path}{suffix}", "rb") as f:
                data += f.read()
        except FileNotFoundError:
            pass
    return data


# --- durability and schema --------------------------------------------------------------

def test_every_connection_is_wal_and_synchronous_full(journal):
    conns = [journal.engine.connect() for _ in range(3)]  # several pooled connections
    try:
        for conn in conns:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        for conn in conns:
            conn.close()
    assert schema.pragma(journal.engine, "journal_mode") == "wal"
    # WAL is a property of the file: another process opening it sees it too
    out = subprocess.run([sys.executable, "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]);"
                          "print(c.execute('PRAGMA journal_mode').fetchone()[0])", journal.path],
                         capture_output=True, text=True, check=True, timeout=30)
    assert out.stdout.strip() == "wal"


def test_schema_is_versioned_and_reopening_is_a_no_op(tmp_path):
    path = tmp_path / "j.sqlite3"
    with Journal(path) as j:
        assert j.schema_version == SCHEMA_VERSION == 2
    with Journal(path) as j:
        assert j.schema_version == SCHEMA_VERSION
    rows = sqlite3.connect(path).execute("SELECT version FROM schema_version ORDER BY 1").fetchall()
    assert rows == [(1,), (2,)]


def test_a_version_1_file_is_migrated(tmp_path):
    path = tmp_path / "old.sqlite3"
    engine = schema.make_engine(path)
    with schema.write_tx(engine) as conn:  # what version 1 of the software wrote
        schema.schema_version.create(conn)
        schema.attempts.create(conn)
        conn.execute(schema.schema_version.insert().values(version=1, applied_at="x"))
        conn.execute(schema.attempts.insert().values(kiosk_id="k", service="old",
                                                     started_at=schema.to_text(dt.datetime.now(UTC)),
                                                     outcome="ok"))
    engine.dispose()
    with Journal(path) as j:
        assert j.schema_version == 2
        assert [r.service for r in j.recent()] == ["old"]
        assert j.summary() == {"old": {"ok": 1}}


def test_a_newer_file_is_refused(tmp_path):
    path = tmp_path / "new.sqlite3"
    Journal(path).close()
    with sqlite3.connect(path) as c:
        c.execute("INSERT INTO schema_version VALUES (99, 'future')")
    with pytest.raises(SchemaTooNew):
        Journal(path)


def test_the_file_is_private(journal):
    import os
    import stat
    assert stat.S_IMODE(os.stat(journal.path).st_mode) == 0o600


# --- attempts -------------------------------------------------------------------------------

def test_an_attempt_records_masked_ids_steps_timings_and_outcome(journal):
    with journal.attempt("temporary_loss", card_no="A12345001", ssn=SSN) as a:
        a.step("identity_checked", method="sms")
        a.step("sms_sent")
        a.outcome("ok")
    [r] = journal.recent(5)
    assert r.id == a.id and r.kiosk_id == "kiosk-042" and r.service == "temporary_loss"
    assert r.outcome == "ok" and r.error_code is None
    assert r.card_no == "A1****001"
    assert r.ssn == "4201**********123X" == masking.ssn(SSN)
    assert [s["step"] for s in r.steps] == ["identity_checked", "sms_sent"]
    assert r.steps[0]["method"] == "sms"
    assert all(isinstance(s["ms"], int) and s["ms"] >= 0 for s in r.steps)
    assert r.duration_ms is not None and r.duration_ms >= r.steps[-1]["ms"]
    assert r.ended_at >= r.started_at
    data = file_bytes(journal.path)
    assert SSN.encode() not in data and b"A12345001" not in data


def test_a_normal_exit_without_outcome_is_ok(journal):
    with journal.attempt("card_info"):
        pass
    assert journal.recent(1)[0].outcome == "ok"


def test_the_row_is_on_disk_while_the_attempt_runs(journal):
    with journal.attempt("pin_change", card_no="A12345001") as a:
        a.step("card_read")
        other = Journal(journal.path)  # another reader (a technician, the maintenance screen)
        try:
            r = other.get(a.id)
            assert r.outcome is None and r.ended_at is None
            assert [s["step"] for s in r.steps] == ["card_read"]
        finally:
            other.close()
        a.outcome("ok")


@pytest.mark.parametrize("exc, outcome, code", [
    (CardRemoved("gone"), "card_removed", "CARD_REMOVED"),
    (CardTimeout("slow"), "timeout", "CARD_TIMEOUT"),
    (OutcomeUnknown("no answer"), "timeout", "OUTCOME_UNKNOWN"),
    (TimeoutError(), "timeout", "TimeoutError"),
    (CardAlreadyLost(http_status=409), "refused", "CARD_ALREADY_LOST"),
    (ServiceNotOffered(details={"article": "第14条"}), "refused", "SERVICE_NOT_OFFERED"),
    (WrongPin(3), "refused", "WRONG_PIN"),
    (BackOfficeUnavailable("down"), "failed", "BACKOFFICE_UNAVAILABLE"),
    (RuntimeError("bug"), "failed", "RuntimeError"),
])
def test_an_exception_records_its_outcome_and_is_reraised(journal, exc, outcome, code):
    with pytest.raises(type(exc)):
        with journal.attempt("temporary_loss") as a:
            a.step("started")
            raise exc
    r = journal.get(a.id)
    assert (r.outcome, r.error_code) == (outcome, code)
    assert r.ended_at is not None
    assert outcome_for(exc) == outcome


def test_cancellation_by_name():
    class CitizenCancelled(Exception):
        pass
    assert outcome_for(CitizenCancelled()) == "cancelled"


def test_outcome_values_are_checked(journal):
    with journal.attempt("x") as a:
        with pytest.raises(ValueError):
            a.outcome("maybe")
        a.outcome("cancelled")
    assert journal.get(a.id).outcome == "cancelled"
    assert set(OUTCOMES) == {"ok", "refused", "failed", "cancelled", "pending", "card_removed",
                             "timeout"}


def test_identify_later_in_the_attempt(journal):
    with journal.attempt("card_info") as a:
        a.identify(card_no="B98765432", ssn=SSN)
    r = journal.get(a.id)
    assert r.card_no == "B9****432" and r.ssn == "4201**********123X"


def test_close_interrupted(tmp_path):
    path = tmp_path / "j.sqlite3"
    first = Journal(path)
    a = first.begin("temporary_loss")      # the process dies here
    first.close()
    second = Journal(path)
    b = second.begin("card_info")           # running in this process: left alone
    assert second.close_interrupted() == 1
    assert second.get(a.id).outcome == "failed" and second.get(a.id).error_code == "INTERRUPTED"
    assert second.get(b.id).outcome is None
    second.close()


# --- the guard ---------------------------------------------------------------------------------

@pytest.mark.parametrize("data, kind", [
    ({"note": f"holder {SSN}"}, "id_number"),
    ({"ssn": SSN.lower()}, "id_number"),
    ({"number": int(SSN[:17] + "1")}, "id_number"),
    ({"contact": "13812341234"}, "phone"),
    ({"pin": "802413"}, "pin_field"),
    ({"new_pin": "xxxxxx"}, "pin_field"),
    ({"nested": [{"pinCode": 1}]}, "pin_field"),
    ({"pin_entered": "802413"}, "pin_field"),
    ({"密码": "1"}, "pin_field"),
])
def test_strict_guard_refuses(journal, data, kind):
    with journal.attempt("pin_change") as a:
        with pytest.raises(JournalPrivacyError) as info:
            a.step("oops", **data)
        a.outcome("failed")
    assert info.value.kind == kind
    # the message names the place, never the value
    for value in (SSN, "13812341234", "802413"):
        assert value not in str(info.value)
    assert "oops" not in json.dumps([dict(s) for s in journal.get(a.id).steps])


def test_strict_guard_refuses_a_full_number_as_an_id(journal):
    with pytest.raises(JournalPrivacyError):
        with journal.attempt(f"service {SSN}"):
            pass


def test_metadata_about_pins_is_fine(journal):
    with journal.attempt("pin_change") as a:
        a.step("verify", pin_tries_left=3, pin_blocked=False, pin_authorization="reload")
        a.step("card_auth", card_auth_id="0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
        a.step("timing", t_ms=1712345678901)  # 13 digits: a time, not a phone or an ID
    assert len(journal.get(a.id).steps) == 3


def test_production_guard_masks_and_writes(tmp_path, caplog):
    path = tmp_path / "prod.sqlite3"
    with Journal(path, strict=False) as j:
        with j.attempt("temporary_loss") as a:
            a.step("note", text=f"id {SSN} phone 13812341234", pin="802413", new_pin=123457)
        r = j.get(a.id)
    step = r.steps[0]
    assert step["text"] == "id 4201**********123X phone 138****1234"
    assert step["pin"] == "[redacted]" and step["new_pin"] == "[redacted]"
    data = file_bytes(path)
    for value in (SSN, "13812341234", "802413", "123457"):
        assert value.encode() not in data
    assert "masked before writing" in caplog.text
    assert SSN not in caplog.text and "13812341234" not in caplog.text


def test_strict_is_the_default_under_pytest(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as j:
        assert j.strict


# --- queries ---------------------------------------------------------------------------------

def run(journal, clock, service, start, end, outcome="ok"):
    clock.set(*start)
    a = journal.begin(service)
    clock.set(*end)
    a.outcome(outcome)
    journal.end(a)
    return a.id


def test_between_answers_what_happened_at_10_42(tmp_path):
    clock = FakeClock(dt.datetime(2025, 3, 1, 0, 0, tzinfo=UTC))
    with Journal(tmp_path / "j.sqlite3", clock=clock) as j:
        early = run(j, clock, "card_info", (10, 30), (10, 31))
        spanning = run(j, clock, "renewal", (10, 40), (10, 44), "refused")
        at = run(j, clock, "temporary_loss", (10, 42, 10), (10, 42, 50), "pending")
        ends_on_edge = run(j, clock, "card_info", (10, 41), (10, 42))
        later = run(j, clock, "pin_change", (10, 45), (10, 46))
        clock.set(10, 41, 30)
        running = j.begin("profile").id  # still open: it counts
        t0 = dt.datetime(2025, 3, 1, 10, 42, tzinfo=UTC)
        got = [r.id for r in j.between(t0, t0 + dt.timedelta(minutes=1))]
        assert got == [spanning, ends_on_edge, running, at]
        assert early not in got and later not in got
        assert [r.id for r in j.recent(2)] == [later, at]
        with pytest.raises(ValueError):
            j.between(t0, t0 - dt.timedelta(seconds=1))


def test_between_takes_naive_times_as_local_time(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as j:
        with j.attempt("card_info") as a:
            pass
        now_local = dt.datetime.now()  # naive: the kiosk's wall clock, as a technician reads it
        got = j.between(now_local - dt.timedelta(minutes=1), now_local + dt.timedelta(minutes=1))
        assert [r.id for r in got] == [a.id]
        assert got[0].started_local.tzinfo is not None
        assert j.between(now_local - dt.timedelta(hours=3), now_local - dt.timedelta(hours=2)) == []


def test_summary_counts_by_service_and_outcome(journal):
    for outcome in ("ok", "ok", "refused", "pending"):
        with journal.attempt("temporary_loss") as a:
            a.outcome(outcome)
    with pytest.raises(CardRemoved):
        with journal.attempt("pin_change"):
            raise CardRemoved("gone")
    journal.begin("card_info")
    assert journal.summary() == {
        "temporary_loss": {"ok": 2, "refused": 1, "pending": 1},
        "pin_change": {"card_removed": 1},
        "card_info": {"open": 1},
    }
    future = dt.datetime.now(UTC) + dt.timedelta(hours=1)
    assert journal.summary(since=future) == {}


def test_prune_keeps_pending(journal):
    with journal.attempt("a") as x:
        x.outcome("ok")
    with journal.attempt("b") as y:
        y.outcome("pending")
    assert journal.prune(dt.datetime.now(UTC) + dt.timedelta(seconds=1)) == 1
    assert [r.service for r in journal.recent()] == ["b"]


def test_in_memory_journal(tmp_path):
    with Journal(":memory:") as j:
        with j.attempt("card_info") as a:
            a.step("x")
        assert j.get(a.id).outcome == "ok"
