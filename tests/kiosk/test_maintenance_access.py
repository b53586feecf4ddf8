"""Entering maintenance mode: the back office's check, the local fallback, the kiosk's lock
kept across restarts, the journal of every step (never the PIN), and the entry gesture.

The back office is the real reference server on loopback with its demo
technicians; "the back office is down" is a client pointed at a closed port.
The journal is a real SQLite file.
"""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path

import pytest

from backoffice.config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, BackOfficeConfig
from backoffice.demo_technicians import TECHNICIANS
from backoffice.server import EmbeddedBackOffice
from kiosk.backoffice_client import BackOfficeClient
from kiosk.backoffice_types import Session
from kiosk.errors import (BackOfficeUnavailable, MaintenanceLocked, MaintenanceNotActive,
                          SessionExpired, TechnicianNotVerified)
from kiosk.journal import Journal, JournalPrivacyError
from kiosk.maintenance import (DEMO_LOCAL_CODE, EntryGesture, MaintenanceAccess,
                               hash_local_credential, is_entry_gesture)
from kiosk.pin import Pin
from tests.support.demo_citizen import DemoCitizens
from tests.support.pin_leaks import TEST_PINS
from tests.support.totp_codes import code, early_in_step

T1, T2 = TECHNICIANS["T0001"], TECHNICIANS["T0002"]
WRONG_PIN = "135790"
WRONG_LOCAL = "246810"
#: hashed once for the module (scrypt is slow on purpose)
LOCAL_HASH = hash_local_credential(DEMO_LOCAL_CODE)


class FakeClock:
    """The kiosk's wall clock, moved by the test (aware UTC)."""

    def __init__(self):
        self.now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def backoffice(tmp_path_factory):
    config = BackOfficeConfig.for_tests(
        db_url=f"sqlite:///{tmp_path_factory.mktemp('bo') / 'bo.sqlite3'}")
    with EmbeddedBackOffice(config) as bo:
        yield bo


@pytest.fixture
def fresh_backoffice(tmp_path):
    """A server of the test's own (its locks must start clear)."""
    with EmbeddedBackOffice(BackOfficeConfig.for_tests(
            db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}")) as bo:
        yield bo


@pytest.fixture
def client(backoffice):
    c = BackOfficeClient(backoffice.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET)
    yield c
    c.close()


@pytest.fixture
def down_client():
    """A client of a back office that cannot be reached (a port nobody listens on)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = BackOfficeClient(f"http://127.0.0.1:{port}", DEMO_KIOSK_ID, DEMO_KIOSK_SECRET,
                         connect_timeout=1, max_attempts=1)
    yield c
    c.close()


@pytest.fixture
def journal(tmp_path):
    j = Journal(tmp_path / "journal.sqlite3", kiosk_id=DEMO_KIOSK_ID)
    yield j
    j.close()


def maintenance_rows(journal: Journal):
    return [r for r in journal if r.service == "maintenance"]


def steps_of(row) -> list[str]:
    return [s["step"] for s in row.steps]


def no_secret_on_disk(directory: Path, *secrets: str) -> None:
    """Neither the journal's files nor the lockout state hold any of ``secrets``."""
    for path in directory.iterdir():
        if path.is_file():
            data = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in data, path.name


def test_the_test_pins_are_guarded():
    assert {T1.pin, T2.pin, WRONG_PIN, WRONG_LOCAL, DEMO_LOCAL_CODE} <= TEST_PINS


# --- the back office path ------------------------------------------------------------------

def test_the_gesture_ends_the_citizens_session_then_a_technician_enters_acts_and_leaves(
        backoffice, client, journal, tmp_path):
    citizens = DemoCitizens(backoffice.url)
    citizen = citizens.find()
    citizens.close()
    client.use_session(Session(citizen.session_id, citizen.token(), None, None, "card"))
    access = MaintenanceAccess(client, journal, local_credential=LOCAL_HASH)

    assert access.gesture_recognised() is True
    assert client.session is None
    with pytest.raises(SessionExpired):  # the back office ended it too
        client.request("GET", "/v1/me/card", bearer=citizen.token())

    early_in_step()
    otp = code(T1)
    pin = Pin(T1.pin)
    grant = access.enter("T0001", pin, otp)
    assert len(pin) == 0  # wiped
    assert (grant.via, grant.account, grant.name) == ("backoffice", "T0001", T1.name)
    assert grant.token and access.current is grant
    assert dt.timedelta(minutes=14) < grant.expires_at - grant.started_at <= \
        dt.timedelta(minutes=15)
    access.record(grant, "reader_test", result="ok")
    access.record(grant, "printer_paper_loaded")
    assert access.exit(grant) is True
    assert access.current is None and access.exit(grant) is False

    gesture, visit = maintenance_rows(journal)
    assert steps_of(gesture) == ["entry_gesture", "citizen_session_ended"]
    assert gesture.outcome == "ok"
    assert steps_of(visit) == ["entry_requested", "entered", "action", "action", "exit"]
    assert visit.outcome == "ok" and visit.ended_at is not None
    assert visit.steps[1]["via"] == "backoffice" and visit.steps[1]["account"] == "T0001"
    assert visit.steps[2]["action"] == "reader_test" and visit.steps[2]["result"] == "ok"
    assert visit.steps[4]["reason"] == "technician"
    assert T1.name not in repr(visit.steps)
    no_secret_on_disk(tmp_path, T1.pin, otp, grant.token)


def test_wrong_credentials_are_refused_and_journaled_without_them(backoffice, client, journal,
                                                                  tmp_path):
    access = MaintenanceAccess(client, journal, local_credential=LOCAL_HASH)
    early_in_step()
    otp = code(T2)
    pin = Pin(WRONG_PIN)
    with pytest.raises(TechnicianNotVerified):
        access.enter("T0002", pin, otp)
    assert len(pin) == 0
    with pytest.raises(TechnicianNotVerified):  # a malformed code: refused without asking
        access.enter("T0002", Pin(T2.pin), "12")
    with pytest.raises(TechnicianNotVerified):  # not an account (a phone number): not journaled
        access.enter("13812345678", Pin(T2.pin), otp)
    rows = maintenance_rows(journal)
    assert [r.outcome for r in rows] == ["refused"] * 3
    assert all(r.error_code == "TECHNICIAN_NOT_VERIFIED" for r in rows)
    assert [r.steps[-1]["failures_in_a_row"] for r in rows] == [1, 2, 3]
    assert rows[2].steps[0]["account"] is None
    assert access.current is None
    no_secret_on_disk(tmp_path, WRONG_PIN, T2.pin, otp)


def test_the_back_offices_lock_is_a_maintenance_lock(fresh_backoffice, journal):
    with BackOfficeClient(fresh_backoffice.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as client:
        access = MaintenanceAccess(client, journal, local_credential=None, max_failures=10)
        for _ in range(4):
            with pytest.raises(TechnicianNotVerified):
                access.enter("T0001", Pin(WRONG_PIN), code(T1))
        with pytest.raises(MaintenanceLocked) as info:
            access.enter("T0001", Pin(WRONG_PIN), code(T1))
        assert info.value.scope == "account"
        assert info.value.locked_until is not None
        with pytest.raises(MaintenanceLocked) as info:  # the back office locked this kiosk too
            access.enter("T0002", Pin(T2.pin), code(T2))
        assert info.value.scope == "kiosk"
    last = maintenance_rows(journal)[-1]
    assert last.outcome == "refused" and last.error_code == "TOO_MANY_ATTEMPTS"
    assert last.steps[-1]["step"] == "locked" and last.steps[-1]["by"] == "backoffice"


def test_the_client_verifies_a_technician_and_keeps_the_token_out_of_sight(client):
    early_in_step()
    pin = Pin(T2.pin)
    session = client.verify_technician("T0002", pin, code(T2))
    assert (session.account, session.name) == ("T0002", T2.name)
    assert session.token and session.token not in repr(session) and T2.name not in repr(session)
    assert len(pin) == 6  # the caller owns (and wipes) the PIN
    pin.wipe()
    for bad_pin, otp in ((Pin("1234"), "123456"), (Pin(T2.pin), "1234567")):
        with pytest.raises(ValueError):  # nothing is sent
            client.verify_technician("T0002", bad_pin, otp)


# --- the local fallback ---------------------------------------------------------------------

def test_with_the_back_office_down_the_local_code_opens_maintenance(down_client, journal,
                                                                    tmp_path):
    access = MaintenanceAccess(down_client, journal, local_credential=LOCAL_HASH)
    with pytest.raises(BackOfficeUnavailable):  # a technician account needs the back office
        access.enter("T0001", Pin(T1.pin), "123456")
    with pytest.raises(TechnicianNotVerified):
        access.enter("local", Pin(WRONG_LOCAL))
    grant = access.enter("local", Pin(DEMO_LOCAL_CODE))
    assert (grant.via, grant.account, grant.token) == ("local", "local", None)
    access.record(grant, "network_check", result="down")
    access.exit(grant)

    unreachable, wrong, visit = maintenance_rows(journal)
    assert unreachable.outcome == "failed" and unreachable.error_code == "BACKOFFICE_UNAVAILABLE"
    assert steps_of(unreachable) == ["entry_requested", "backoffice_unreachable"]
    assert wrong.outcome == "refused" and wrong.steps[-1]["via"] == "local"
    assert steps_of(visit) == ["entry_requested", "backoffice_unreachable", "entered", "action",
                               "exit"]
    assert visit.steps[2]["via"] == "local" and visit.outcome == "ok"
    no_secret_on_disk(tmp_path, DEMO_LOCAL_CODE, WRONG_LOCAL, T1.pin)


def test_the_local_code_is_refused_while_the_back_office_answers(client, journal):
    access = MaintenanceAccess(client, journal, local_credential=LOCAL_HASH)
    with pytest.raises(TechnicianNotVerified) as info:
        access.enter("local", Pin(DEMO_LOCAL_CODE))
    assert info.value.details == {"reason": "backoffice_reachable"}
    assert maintenance_rows(journal)[-1].steps[-1]["reason"] == "backoffice_reachable"


def test_without_a_local_credential_the_fallback_refuses_everything(down_client, journal):
    access = MaintenanceAccess(down_client, journal, local_credential=None)
    with pytest.raises(TechnicianNotVerified):
        access.enter("local", Pin(DEMO_LOCAL_CODE))


def test_the_local_credential_is_a_hash_never_the_code(journal):
    with pytest.raises(ValueError):
        MaintenanceAccess(None, journal, local_credential=DEMO_LOCAL_CODE)
    for bad in ("12345", "12345a", ""):
        with pytest.raises(ValueError):
            hash_local_credential(bad)


# --- the kiosk's lock ---------------------------------------------------------------------------

def test_the_local_lock_survives_a_restart_and_ends_after_15_minutes(down_client, tmp_path):
    clock = FakeClock()
    path = tmp_path / "journal.sqlite3"
    with Journal(path, kiosk_id=DEMO_KIOSK_ID) as journal:
        access = MaintenanceAccess(down_client, journal, local_credential=LOCAL_HASH,
                                   clock=clock)
        for _ in range(4):
            with pytest.raises(TechnicianNotVerified):
                access.enter("local", Pin(WRONG_LOCAL))
        with pytest.raises(MaintenanceLocked) as info:
            access.enter("local", Pin(WRONG_LOCAL))
        assert info.value.scope == "kiosk"
        assert info.value.locked_until == access.locked_until
        assert access.locked_until - clock() == dt.timedelta(seconds=900)

    # the power is pulled: a new process, the same data directory
    with Journal(path, kiosk_id=DEMO_KIOSK_ID) as journal:
        access = MaintenanceAccess(down_client, journal, local_credential=LOCAL_HASH,
                                   clock=clock)
        assert access.locked_until is not None
        clock.advance(600)
        with pytest.raises(MaintenanceLocked):  # even the right code, and nothing is checked
            access.enter("local", Pin(DEMO_LOCAL_CODE))
        clock.advance(301)
        assert access.locked_until is None
        grant = access.enter("local", Pin(DEMO_LOCAL_CODE))
        access.exit(grant)
        rows = maintenance_rows(journal)
    locked = rows[-2]
    assert locked.outcome == "refused" and locked.error_code == "TOO_MANY_ATTEMPTS"
    assert steps_of(locked) == ["entry_requested", "locked"]
    assert locked.steps[-1]["scope"] == "kiosk"
    assert rows[-1].outcome == "ok"
    assert (tmp_path / "maintenance-lockout.json").exists()


def test_a_success_resets_the_count_and_a_clock_set_back_does_not_lengthen_a_lock(
        down_client, journal):
    clock = FakeClock()
    access = MaintenanceAccess(down_client, journal, local_credential=LOCAL_HASH, clock=clock,
                               max_failures=3, lockout_s=60)
    for _ in range(2):
        with pytest.raises(TechnicianNotVerified):
            access.enter("local", Pin(WRONG_LOCAL))
    access.exit(access.enter("local", Pin(DEMO_LOCAL_CODE)))
    for _ in range(2):
        with pytest.raises(TechnicianNotVerified):
            access.enter("local", Pin(WRONG_LOCAL))
    with pytest.raises(MaintenanceLocked):
        access.enter("local", Pin(WRONG_LOCAL))
    clock.advance(-3600)  # the clock went back an hour
    assert access.locked_until - clock() == dt.timedelta(seconds=60)


# --- during maintenance ---------------------------------------------------------------------------

def test_a_grant_expires_and_then_nothing_more_is_recorded(down_client, journal):
    clock = FakeClock()
    access = MaintenanceAccess(down_client, journal, local_credential=LOCAL_HASH, clock=clock)
    grant = access.enter("local", Pin(DEMO_LOCAL_CODE))
    clock.advance(15 * 60)
    assert access.current is None
    with pytest.raises(MaintenanceNotActive):
        access.record(grant, "reader_test")
    visit = maintenance_rows(journal)[-1]
    assert visit.steps[-1]["step"] == "exit" and visit.steps[-1]["reason"] == "expired"


def test_an_action_with_a_pin_in_it_is_refused_by_the_journal(down_client, journal):
    access = MaintenanceAccess(down_client, journal, local_credential=LOCAL_HASH)
    grant = access.enter("local", Pin(DEMO_LOCAL_CODE))
    with pytest.raises(JournalPrivacyError):  # strict under pytest; masked in production
        access.record(grant, "card_test", pin=WRONG_PIN)
    with pytest.raises(ValueError):
        access.record(grant, "x", step="y")
    access.exit(grant)


# --- the entry gesture ---------------------------------------------------------------------------

def press(t: float, x: float, y: float, held_s: float = 0.2) -> list:
    return [(t, x, y, "down"), (t + held_s / 2, x, y, "move"), (t + held_s, x, y, "up")]


def gesture(t0: float = 100.0, *, hold_s: float = 3.2, gap_s: float = 1.0) -> list:
    """Hold top-left, then tap bottom-right and bottom-left."""
    return (press(t0, 0.03, 0.04, hold_s) + press(t0 + hold_s + gap_s, 0.97, 0.95)
            + press(t0 + hold_s + 2 * gap_s, 0.05, 0.95))


def test_the_entry_gesture_is_recognised():
    assert is_entry_gesture(gesture())
    # after unrelated touches of the citizen's screens
    assert is_entry_gesture(press(10, 0.5, 0.5) + press(12, 0.02, 0.02, 1.0) + gesture())


def test_the_gesture_completes_on_the_last_release_and_starts_over():
    recogniser = EntryGesture()
    events = gesture()
    results = [recogniser.feed(e) for e in events]
    assert results[-1] is True and not any(results[:-1])
    assert not any(recogniser.feed(e) for e in events[-3:])  # the taps alone do not repeat it


@pytest.mark.parametrize("events", [
    pytest.param(gesture(hold_s=2.5), id="hold too short"),
    pytest.param(gesture(gap_s=5.1), id="taps too late"),
    pytest.param(press(100, 0.03, 0.04, 3.2) + press(104, 0.05, 0.95) + press(105, 0.97, 0.05),
                 id="wrong order"),
    pytest.param(press(100, 0.97, 0.05, 3.2) + press(104, 0.03, 0.04) + press(105, 0.05, 0.95),
                 id="hold in the wrong corner"),
    pytest.param(press(100, 0.03, 0.04, 3.2) + press(104, 0.5, 0.5) + press(105, 0.97, 0.05)
                 + press(106, 0.05, 0.95), id="a touch in between"),
    pytest.param([(100, 0.03, 0.04, "down"), (101.5, 0.3, 0.04, "move"),
                  (103.2, 0.03, 0.04, "up")] + press(104, 0.97, 0.05) + press(105, 0.05, 0.95),
                 id="the hold slid out of its corner"),
    pytest.param([(100, 0.03, 0.04, "down"), (101, 0.5, 0.5, "down"), (103.2, 0.03, 0.04, "up")]
                 + press(104, 0.97, 0.05) + press(105, 0.05, 0.95), id="a second finger"),
    pytest.param(gesture()[:-1] + [(105.4, 0.05, 0.95, "cancel")], id="cancelled"),
    pytest.param(press(100, 0.2, 0.04, 3.2) + press(104, 0.97, 0.05) + press(105, 0.05, 0.95),
                 id="not in the corner"),
    pytest.param([], id="nothing"),
])
def test_what_is_not_the_entry_gesture(events):
    assert not is_entry_gesture(events)
