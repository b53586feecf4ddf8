"""Card status and production progress, with the card and PIN or without the card by
ID number, name and SMS code, walked row by row against the real reference back office."""

from __future__ import annotations

import datetime as dt

import pytest

from backoffice.identity import Limits
from kiosk.pin import Pin
from kiosk.workflows.card_status import CardStatusQuery
from kiosk.workflows.loss_report import LossReport
from tests.kiosk.workflows.test_kit import (JURISDICTIONS, TransitionLog,  # noqa: F401
                                            assert_table_walked, holder_changed, kiosk,
                                            kiosk_of, walk_card_holder_identity)

LOG = TransitionLog()
STAGES = ["accepted", "uploaded_to_province", "bank_account_opened", "card_manufactured",
          "personalised", "delivered_to_outlet", "ready_for_pickup", "collected"]


@pytest.fixture(autouse=True)
def _log(monkeypatch):
    LOG.install(monkeypatch)


def without_card(k, key=None, **kw):
    wf = CardStatusQuery(k.client, k.pack, **k.kw(**kw))
    if key is not None:
        p = k.person(key)
        wf.enter_identity(p.ssn, p.name)
        wf.enter_sms_code(k.inbox.last_code(p.phone))
    return wf


def test_with_the_card_and_pin(kiosk):
    ssc, info = kiosk.insert("ordinary")
    wf = CardStatusQuery(kiosk.client, kiosk.pack, card=ssc, card_info=info, **kiosk.kw())
    assert wf.state == "EnterPin" and wf.info == {"max_tries": 6, "with_card": True}
    wf.enter_pin(Pin("000111"))                               # pin_wrong
    wf.enter_pin(Pin("802413"))                               # status_read
    assert wf.state == "StatusShown"
    card = wf.info["card"]
    assert card["card_no"] == "A1****001" and card["status"] == "active" and card["loss"] is None
    assert card["expires_in_days"] > 0 and card["bank"] == "中国工商银行"
    assert "pin_change" in card["services"] and wf.info["applications"] == []
    assert kiosk.client.session_token is None
    assert kiosk.attempts("card_status")[0].outcome == "ok"


def test_blocked(kiosk):
    ssc, info = kiosk.insert("ordinary")
    wf = CardStatusQuery(kiosk.client, kiosk.pack, card=ssc, card_info=info, **kiosk.kw())
    for _ in range(6):
        wf.enter_pin(Pin("000111"))                           # pin_blocked
    assert wf.state == "PinBlocked"


def test_progress_without_the_card(kiosk):
    wf = without_card(kiosk)
    p = kiosk.person("hubei_stage_personalised")
    assert wf.state == "EnterIdentity"
    wf.enter_identity("4201", p.name)                         # identity_invalid
    assert wf.info == {"field": "ssn", "reason": "length"}
    wf.enter_identity(p.ssn, p.name + "明")                   # identity_not_verified
    wf.enter_identity(p.ssn, p.name)                          # sms_sent
    wf.enter_sms_code(kiosk.inbox.wrong_code())               # code_wrong
    wf.resend_code()                                          # sms_sent
    wf.enter_sms_code(kiosk.inbox.last_code())                # identity_verified, status_read
    assert wf.state == "StatusShown"
    [app] = wf.info["applications"]
    assert app["kind"] == "renewal" and app["current_stage"] == "personalised"
    assert [s["stage"] for s in app["stages"]] == STAGES
    assert [s["reached"] for s in app["stages"]] == [True] * 5 + [False] * 3
    assert [s["current"] for s in app["stages"]].index(True) == 4
    assert all(s["at"] is not None for s in app["stages"][:5])
    assert isinstance(app["expected_by"], dt.date) and not app["finished"]
    assert app["outlet"] and app["delivery"] == "mail"
    assert wf.info["card"]["status"] == "active"


def test_a_first_card_in_production_has_no_card_yet(kiosk):
    wf = without_card(kiosk, "hubei_stage_card_manufactured")
    assert wf.state == "StatusShown" and wf.info["card"] is None
    [app] = wf.info["applications"]
    assert app["kind"] == "first" and app["current_stage"] == "card_manufactured"


def test_too_many_attempts(kiosk_of):
    k = kiosk_of("hubei", limits=Limits(codes_per_challenge=1, failures_per_ssn=1))
    p = k.person("hubei_active")
    wf = without_card(k)
    wf.enter_identity(p.ssn, p.name)
    wf.enter_sms_code(k.inbox.wrong_code())                   # too_many_attempts (code)
    assert wf.state == "IdentityRefused"
    wf = without_card(k)
    wf.enter_identity(p.ssn, p.name)                          # too_many_attempts (number)
    assert wf.state == "IdentityRefused"


def test_needs_both_card_and_info(kiosk):
    ssc, info = kiosk.insert("ordinary")
    with pytest.raises(ValueError):
        CardStatusQuery(kiosk.client, kiosk.pack, card=ssc)


@pytest.mark.parametrize("jurisdiction, duration, lifts_after", [
    ("sichuan", "7d", 7), ("hainan", "15d", 15), ("hainan", "long", None),
    ("hubei", "until_lifted", None)])
def test_a_loss_that_lifts_itself_shows_when(kiosk_of, jurisdiction, duration, lifts_after):
    k = kiosk_of(jurisdiction)
    key = f"{jurisdiction}_active"
    report = LossReport(k.client, k.pack, **k.kw())
    p = k.person(key)
    report.enter_identity(p.ssn, p.name)
    report.enter_sms_code(k.inbox.last_code(p.phone))
    if report.state == "ChooseLossKind":
        report.choose_kind("temporary")
    if report.state == "ChooseLossDuration":
        report.choose_duration(duration)
    report.confirm()
    wf = without_card(k, key)
    loss = wf.info["card"]["loss"]
    assert wf.info["card"]["status"] == "temp_lost" and loss["kind"] == "temporary"
    if lifts_after is None:
        assert loss["auto_lift_at"] is None
    else:
        assert loss["auto_lift_at"] - loss["since"] == dt.timedelta(days=lifts_after)
    k.shift_days((lifts_after or 30) + 0.1)
    wf = without_card(k, key)
    assert wf.info["card"]["status"] == ("active" if lifts_after else "temp_lost")


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_every_jurisdiction_shows_the_stages_in_its_order(kiosk_of, jurisdiction):
    k = kiosk_of(jurisdiction)
    wf = without_card(k, f"{jurisdiction}_stage_ready_for_pickup")
    [app] = wf.info["applications"]
    assert [s["stage"] for s in app["stages"]] == list(k.pack.value("production_stages"))
    assert app["current_stage"] == "ready_for_pickup"


def test_hainan_uses_no_pin_so_the_holder_shows_who_by_sms_or_face(kiosk_of):
    def start_hainan(k, changes):
        ssc, info = k.insert("ordinary")
        return CardStatusQuery(k.client, k.pack, card=ssc, card_info=holder_changed(info, changes),
                               **k.kw())

    by_sms, by_face = walk_card_holder_identity(kiosk_of, start_hainan)
    assert by_sms.state == by_face.state == "StatusShown"
    assert by_sms.info["card"]["card_no"] == "A1****001"


def test_no_choice_of_method_without_the_card(kiosk):
    from kiosk.workflows.base import InvalidTransition

    wf = without_card(kiosk)
    p = kiosk.person("hubei_active")
    wf.enter_identity(p.ssn, p.name)
    with pytest.raises(InvalidTransition):
        wf.other_method()

def test_table_walked(request):
    assert_table_walked(LOG, CardStatusQuery, request)
