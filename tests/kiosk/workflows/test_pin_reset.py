"""PIN reset (forgotten PIN) walked row by row: the software card in an in-process reader,
the real reference back office over HTTP, identity by SMS (the code through the back
office's gateway hook) or face (its verifier hook)."""

from __future__ import annotations

import dataclasses
import threading
import time

import pytest

from backoffice.identity import Limits
from kiosk.errors import CardAlreadyLost, CardRemoved, ServiceNotOffered, SessionExpired
from kiosk.pin import Pin
from kiosk.workflows.pin_reset import PinReset
from tests.kiosk.workflows.test_kit import (FACE_OK, FACE_OTHER, JURISDICTIONS, TransitionLog,
                                            assert_table_walked, kiosk, kiosk_of)  # noqa: F401

LOG = TransitionLog()


@pytest.fixture(autouse=True)
def _log(monkeypatch):
    LOG.install(monkeypatch)


def start(k, profile="ordinary", *, info_changes=None, **kw):
    ssc, info = k.insert(profile)
    if info_changes:
        info = dataclasses.replace(info, holder=dataclasses.replace(info.holder, **info_changes))
    seen = []
    wf = PinReset(ssc, info, k.client, k.pack, **k.kw(**kw))
    wf.subscribe(lambda s: seen.append((s.state, dict(s.info))))
    return wf, ssc, seen


def states(seen):
    return [s for s, _ in seen]


def test_reset_by_sms_then_a_new_pin_at_once(kiosk):
    wf, ssc, seen = start(kiosk)
    assert wf.state == "ChooseIdentityCheck" and wf.info["methods"] == ("sms", "face")
    wf.choose_sms()
    assert wf.state == "EnterSmsCode"
    wf.enter_sms_code(kiosk.inbox.wrong_code())                     # code_wrong
    assert wf.info == {"reason": "wrong_code", "attempts_left": 4}
    wf.enter_sms_code("12")                                         # code_wrong, checked here
    assert wf.info == {"reason": "bad_format"}
    wf.resend_code()                                                # sms_sent again
    assert len(kiosk.inbox.sent) == 2
    wf.enter_sms_code(kiosk.inbox.last_code())                      # identity_verified, pin_reset
    assert states(seen)[-2:] == ["ResettingPin", "EnterNewPin"]
    assert kiosk.softcard.tries_left == 6
    wf.enter_new_pin(Pin("123456"))                                 # new_pin_refused
    assert wf.state == "EnterNewPin" and wf.info == {"reason": "initial_pin"}
    wf.enter_new_pin(Pin("135790"))                                 # new_pin_entered
    wf.confirm_new_pin(Pin("135791"))                               # mismatch
    assert wf.state == "EnterNewPin" and wf.info == {"reason": "mismatch"}
    wf.enter_new_pin(Pin("135790"))
    wf.confirm_new_pin(Pin("135790"))                               # changed
    assert wf.state == "NewPinSet" and wf.finished
    ssc.verify_pin(Pin("135790"))
    # cleanup: the session is ended, the journal has the attempt, masked
    assert kiosk.client.session_token is None
    [row] = kiosk.attempts("pin_reset")
    assert row.outcome == "ok" and row.ssn == "4201**********4514" and row.card_no != "A10000001"
    steps = [s["step"] for s in row.steps]
    assert {"sms_sent", "code_wrong", "identity_verified", "pin_reset", "new_pin_set"} <= set(steps)


def test_reset_a_blocked_card_by_face(kiosk):
    wf, ssc, seen = start(kiosk, "blocked")
    assert kiosk.softcard.pin_blocked
    wf.choose_face()                                                # face_chosen
    wf.show_face(FACE_OTHER)                                        # face_refused (back office)
    assert wf.state == "ShowFace" and wf.info["code"] == "IDENTITY_NOT_VERIFIED"
    wf.show_face(b"not a jpeg")                                     # face_refused (here)
    assert wf.info == {"reason": "not_jpeg"}
    wf.other_method()                                               # back to the choice
    assert wf.state == "ChooseIdentityCheck"
    wf.choose_sms()
    wf.other_method()                                               # from the SMS too
    wf.choose_face()
    wf.show_face(FACE_OK)                                           # identity_verified
    assert wf.state == "EnterNewPin" and not kiosk.softcard.pin_blocked
    wf.enter_new_pin(Pin("246810"))
    wf.confirm_new_pin(Pin("246810"))
    assert wf.state == "NewPinSet"
    ssc.verify_pin(Pin("246810"))


def test_the_face_check_gives_way_to_a_text_message_code(kiosk):
    wf, ssc, seen = start(kiosk)
    wf.choose_face()
    wf.use_sms_instead()                       # from the camera straight to the code
    assert wf.state == "EnterSmsCode"
    # the choice passed on the way says it needs no answer (the screen shows "busy")
    assert states(seen)[-3:] == ["ShowFace", "ChooseIdentityCheck", "EnterSmsCode"]
    assert seen[-2][1].get("sms_next") is True
    wf.enter_sms_code(kiosk.inbox.last_code())
    assert wf.state == "EnterNewPin"
    wf.cancel()
    [row] = kiosk.attempts("pin_reset")
    assert "sms_instead_of_face" in [s["step"] for s in row.steps]


def test_too_many_wrong_codes(kiosk_of):
    k = kiosk_of("hubei", limits=Limits(codes_per_challenge=2))
    wf, ssc, _ = start(k)
    wf.choose_sms()
    wf.enter_sms_code(k.inbox.wrong_code())
    wf.enter_sms_code(k.inbox.wrong_code())                         # too_many_attempts
    assert wf.state == "IdentityRefused" and wf.info["code"] == "TOO_MANY_ATTEMPTS"
    assert k.attempts("pin_reset")[0].outcome == "refused"


def test_too_many_failed_identity_checks(kiosk_of):
    k = kiosk_of("hubei", limits=Limits(failures_per_ssn=1))
    wf, _, _ = start(k)
    wf.choose_face()
    wf.show_face(FACE_OTHER)                                        # one failure, counted
    wf.show_face(FACE_OK)                                           # too_many_attempts (face)
    assert wf.state == "IdentityRefused" and wf.info["code"] == "TOO_MANY_ATTEMPTS"
    wf2, _, _ = start(k)
    wf2.choose_sms()                                                # too_many_attempts (choice)
    assert wf2.state == "IdentityRefused"


def test_the_cards_holder_unknown_or_invalid(kiosk):
    wf, _, _ = start(kiosk, info_changes={"name": "张冒名"})
    wf.choose_sms()                                                 # identity_not_verified
    assert wf.state == "IdentityRefused" and wf.info["code"] == "IDENTITY_NOT_VERIFIED"
    wf, _, _ = start(kiosk, info_changes={"ssn": "420106198503124515"})
    wf.choose_sms()                                                 # identity_invalid
    assert wf.state == "IdentityRefused" and wf.info == {"field": "ssn",
                                                         "reason": "check_digit"}


def test_a_lost_card_is_refused_before_the_reset(kiosk):
    kiosk.sms_session("card_ordinary")
    kiosk.client.report_loss("temporary", None)
    kiosk.client.end_session()
    wf, ssc, _ = start(kiosk)
    wf.choose_sms()
    wf.enter_sms_code(kiosk.inbox.last_code())
    assert wf.state == "Refused" and isinstance(wf.info["error"], CardAlreadyLost)
    ssc.verify_pin(Pin("802413"))                                   # nothing changed on the card
    assert kiosk.attempts("pin_reset")[0].error_code == "CARD_ALREADY_LOST"


def test_card_pulled_before_the_new_pin_is_confirmed(kiosk):
    wf, ssc, _ = start(kiosk)
    wf.choose_face()
    wf.show_face(FACE_OK)
    new = Pin("135790")
    wf.enter_new_pin(new)
    kiosk.pull()
    confirmation = Pin("135790")
    wf.confirm_new_pin(confirmation)
    assert wf.state == "CardRemoved" and isinstance(wf.info["error"], CardRemoved)
    assert len(new) == len(confirmation) == 0
    # the card was reset (it holds the initial PIN): the journal says the card changed
    [row] = kiosk.attempts("pin_reset")
    assert (row.outcome, row.error_code) == ("ok", "CARD_CHANGED")
    assert [s["step"] for s in row.steps if s.get("card_effect")] == ["pin_reset"]
    again, _ = kiosk.insert(kiosk.softcard)
    again.verify_pin(Pin("123456"))


def test_cancel_while_the_card_resets_ends_the_session(kiosk):
    wf, ssc, _ = start(kiosk)
    wf.choose_face()
    kiosk.softcard.faults.delay_s = 0.3
    t = threading.Thread(target=wf.show_face, args=(FACE_OK,))
    t.start()
    deadline = time.monotonic() + 5
    while wf.state != "ResettingPin" and time.monotonic() < deadline:
        time.sleep(0.01)
    token = kiosk.client.session_token
    assert token
    wf.cancel()
    t.join(10)
    assert wf.state == "Cancelled"
    with pytest.raises(SessionExpired):
        kiosk.client.request("GET", "/v1/me/card", bearer=token)
    late = Pin("135790")
    wf.enter_new_pin(late)                     # a late keypad press after the end: nothing
    assert len(late) == 0 and wf.state == "Cancelled"
    assert kiosk.attempts("pin_reset")[0].outcome == "cancelled"


def test_cleanup_can_end_the_session_on_another_thread(kiosk):
    later = []
    wf, _, _ = start(kiosk, run_later=later.append)
    wf.choose_face()
    wf.show_face(FACE_OK)
    token = kiosk.client.session_token
    wf.cancel()
    assert len(later) == 1                     # queued for the worker, not run here
    later[0]()
    with pytest.raises(SessionExpired):
        kiosk.client.request("GET", "/v1/me/card", bearer=token)


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_offered_where_the_pack_says(kiosk_of, jurisdiction):
    k = kiosk_of(jurisdiction)
    ssc, info = k.insert("ordinary")
    offer = k.pack.offers("pin_reset")
    if offer.offered:
        assert PinReset(ssc, info, k.client, k.pack, **k.kw()).state == "ChooseIdentityCheck"
        return
    with pytest.raises(ServiceNotOffered) as e:
        PinReset(ssc, info, k.client, k.pack, **k.kw())
    assert jurisdiction == "hainan"
    assert e.value.article == "第14条" and e.value.details["reason"] == "pin_not_in_use"
    [row] = k.attempts("pin_reset")
    assert row.outcome == "refused" and row.error_code == "SERVICE_NOT_OFFERED"


def test_table_walked(request):
    assert_table_walked(LOG, PinReset, request)
