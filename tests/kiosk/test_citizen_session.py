"""The citizen session's Qt-free facts (kiosk/citizen_session.py): what the screens offer,
how an ending is journalled, what a passed deadline means, and the PINs a session drops."""

from __future__ import annotations

import pytest

from kiosk import errors
from kiosk.backoffice_client import BackOfficeClient
from kiosk.citizen_session import (CitizenSession, card_services, journal_outcome,
                                   no_card_services, true_cause)
from kiosk.journal import Journal
from kiosk.pin import Pin
from kiosk.policies import load_pack


@pytest.mark.parametrize("jurisdiction, offered", [
    ("hubei", ("pin_change", "pin_reset", "pin_unblock", "lift_loss", "profile_change",
               "card_status", "renewal")),
    # 第14条: no PIN in Hainan; 第19条: a loss is lifted at the bank
    ("hainan", ("profile_change", "card_status", "renewal")),
    # 第25/29条: the profile and the lifting of a loss at the bank
    ("hunan", ("pin_change", "pin_reset", "pin_unblock", "card_status", "renewal")),
    # 第9条: renewal at the counter
    ("xinxiang", ("pin_change", "pin_reset", "pin_unblock", "lift_loss", "profile_change",
                  "card_status")),
])
def test_the_home_screen_offers_what_the_pack_offers(jurisdiction, offered):
    pack = load_pack(jurisdiction)
    assert card_services(pack) == offered
    assert no_card_services(pack) == ("loss_report", "card_status")


def test_without_the_back_office_only_the_pin_change_and_nothing_without_a_card():
    assert card_services(None) == ("pin_change",)
    assert no_card_services(None) == ()


@pytest.mark.parametrize("ending, journalled", [
    ("finished", ("finished", "ok", None)),
    ("card_removed", ("card_removed", "card_removed", None)),
    ("idle_timeout", ("idle_timeout", "timeout", None)),
    ("shutdown", ("shutdown", "cancelled", None)),
    ("cancelled", ("cancelled", "ok", None)),
    ("maintenance", ("maintenance", "ok", None)),
    ("error:CARD_TIMEOUT", ("error", "failed", "CARD_TIMEOUT")),
])
def test_how_an_ending_is_journalled(ending, journalled):
    assert journal_outcome(ending) == journalled


def test_the_journalled_ending_reads_back(tmp_path):
    journal = Journal(tmp_path / "journal.sqlite3", kiosk_id="K-TEST")
    try:
        attempt = journal.begin("kiosk_session")
        how, outcome, detail = journal_outcome("error:BACKOFFICE_TIMEOUT")
        attempt.step("ended", how=how)
        attempt.outcome(outcome, detail)
        journal.end(attempt)
        record = journal.recent(1)[0]
    finally:
        journal.close()
    assert (record.service, record.outcome, record.error_code) == \
        ("kiosk_session", "failed", "BACKOFFICE_TIMEOUT")
    assert record.steps[-1]["how"] == "error"


def test_a_deadline_while_the_back_office_is_asked_is_the_back_offices():
    client = BackOfficeClient("http://127.0.0.1:9", "K-TEST", "secret")
    try:
        citizen = client.for_citizen()
        timeout = errors.CardTimeout("step deadline")
        assert true_cause(timeout, (citizen, client, None)) is timeout      # nothing in flight
        citizen.requests_in_flight = 1
        assert isinstance(true_cause(timeout, (citizen, client)), errors.BackOfficeTimeout)
        citizen.writes_in_flight = 1                  # a write may have taken effect
        cause = true_cause(timeout, (citizen, client))
        assert isinstance(cause, errors.OutcomeUnknown)
        assert cause.details == {"reason": "step_deadline"}
        other = errors.CardRemoved("pulled")
        assert true_cause(other, (citizen, client)) is other   # only a deadline is re-read
    finally:
        client.close()


def test_a_dropped_session_wipes_the_pins_it_handed_over():
    s = CitizenSession(reader="Virtual PCD 00 00")
    pins = [Pin("123456"), Pin("654321")]
    s.submitted.extend(pins)
    s.wipe_submitted()
    assert s.submitted == []
    assert [len(p) for p in pins] == [0, 0]
