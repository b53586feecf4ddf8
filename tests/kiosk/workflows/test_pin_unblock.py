"""PIN unblock (blocked but remembered) walked row by row, on the software card and the
real reference back office."""

from __future__ import annotations

import pytest

from backoffice.identity import Limits
from kiosk.errors import CardRemoved, ServiceNotOffered
from kiosk.pin import Pin
from kiosk.workflows.pin_unblock import PinUnblock
from tests.kiosk.workflows.test_kit import (FACE_OK, FACE_OTHER, JURISDICTIONS, TransitionLog,
                                            assert_table_walked, kiosk, kiosk_of)  # noqa: F401

LOG = TransitionLog()


@pytest.fixture(autouse=True)
def _log(monkeypatch):
    LOG.install(monkeypatch)


def start(k, profile="blocked", **kw):
    ssc, info = k.insert(profile)
    wf = PinUnblock(ssc, info, k.client, k.pack, **k.kw(**kw))
    return wf, ssc


def test_unblock_by_sms_then_the_remembered_pin(kiosk):
    wf, ssc = start(kiosk)
    assert kiosk.softcard.pin_blocked and wf.state == "ChooseIdentityCheck"
    wf.choose_sms()                                               # sms_sent
    wf.resend_code()                                              # sms_sent again
    wf.enter_sms_code(kiosk.inbox.wrong_code())                   # code_wrong
    wf.enter_sms_code(kiosk.inbox.last_code())                    # identity_verified, unblocked
    assert wf.state == "EnterRememberedPin" and wf.info == {"max_tries": 6}
    assert not kiosk.softcard.pin_blocked
    wf.enter_pin(Pin("111222"))                                   # pin_wrong
    assert wf.state == "EnterRememberedPin" and wf.info == {"tries_left": 5}
    wf.enter_pin(Pin("590317"))                                   # pin_verified
    assert wf.state == "PinUnblocked" and kiosk.client.session_token is None
    ssc.verify_pin(Pin("590317"))                                 # the PIN stayed the same
    [row] = kiosk.attempts("pin_unblock")
    assert row.outcome == "ok" and {"pin_unblocked", "pin_wrong", "pin_verified"} <= {
        s["step"] for s in row.steps}


def test_unblock_by_face_and_blocked_again(kiosk):
    wf, ssc = start(kiosk)
    wf.choose_face()                                              # face_chosen
    wf.show_face(FACE_OTHER)                                      # face_refused
    wf.other_method()                                             # other_method
    wf.choose_sms()
    wf.other_method()
    wf.choose_face()
    wf.show_face(FACE_OK)                                         # identity_verified
    for _ in range(5):
        wf.enter_pin(Pin("111222"))
    wf.enter_pin(Pin("111222"))                                   # pin_blocked (the 6th)
    assert wf.state == "PinBlocked" and kiosk.softcard.pin_blocked
    row = kiosk.attempts("pin_unblock")[0]
    assert row.outcome == "refused" and row.error_code == "PIN_BLOCKED"


def test_identity_refusals(kiosk_of):
    k = kiosk_of("hubei", limits=Limits(codes_per_challenge=1, failures_per_ssn=2))
    wf, _ = start(k)
    wf.choose_sms()
    wf.enter_sms_code(k.inbox.wrong_code())                       # too_many_attempts (code)
    assert wf.state == "IdentityRefused"
    wf, _ = start(k)
    wf.choose_face()
    wf.show_face(FACE_OTHER)                                      # the second failure
    wf.show_face(FACE_OK)                                         # too_many_attempts (face)
    assert wf.state == "IdentityRefused"
    wf, _ = start(k)
    wf.choose_sms()                                               # too_many_attempts (choice)
    assert wf.state == "IdentityRefused"


def test_holder_unknown_or_number_invalid(kiosk):
    import dataclasses

    ssc, info = kiosk.insert("blocked")
    bad_name = dataclasses.replace(info, holder=dataclasses.replace(info.holder, name="某某"))
    wf = PinUnblock(ssc, bad_name, kiosk.client, kiosk.pack, **kiosk.kw())
    wf.choose_sms()                                               # identity_not_verified
    assert wf.state == "IdentityRefused"
    bad_ssn = dataclasses.replace(info, holder=dataclasses.replace(info.holder,
                                                                   ssn="110105196807211370"))
    wf = PinUnblock(ssc, bad_ssn, kiosk.client, kiosk.pack, **kiosk.kw())
    wf.choose_sms()                                               # identity_invalid
    assert wf.state == "IdentityRefused" and wf.info["reason"] == "check_digit"


def test_card_pulled_while_unblocking(kiosk):
    wf, ssc = start(kiosk)
    wf.choose_face()
    kiosk.softcard.faults.vanish_on_command = 1                   # the next command: GET CHALLENGE
    wf.show_face(FACE_OK)
    assert wf.state == "CardRemoved" and isinstance(wf.info["error"], CardRemoved)
    assert kiosk.client.session_token is None


def test_pin_not_asked_before_the_unblock(kiosk):
    from kiosk.workflows.base import InvalidTransition

    wf, _ = start(kiosk)
    pin = Pin("590317")
    with pytest.raises(InvalidTransition):
        wf.enter_pin(pin)
    assert len(pin) == 0


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_offered_where_the_pack_says(kiosk_of, jurisdiction):
    k = kiosk_of(jurisdiction)
    ssc, info = k.insert("blocked")
    if k.pack.offers("pin_unblock").offered:
        wf = PinUnblock(ssc, info, k.client, k.pack, **k.kw())
        wf.choose_face()
        wf.show_face(FACE_OK)
        wf.enter_pin(Pin("590317"))
        assert wf.state == "PinUnblocked"
        return
    with pytest.raises(ServiceNotOffered) as e:
        PinUnblock(ssc, info, k.client, k.pack, **k.kw())
    assert (jurisdiction, e.value.article) == ("hainan", "第14条")


def test_table_walked(request):
    assert_table_walked(LOG, PinUnblock, request)
