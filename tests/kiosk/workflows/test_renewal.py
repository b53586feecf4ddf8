"""Applying for a renewed card with the card and its PIN, walked row by row against the real
reference back office (its photo and face checks run on a synthetic portrait)."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.errors import CardAlreadyLost, RenewalAlreadyInProgress, ServiceNotOffered
from kiosk.pin import Pin
from kiosk.workflows.renewal import Renewal
from tests.kiosk.workflows.test_kit import (JURISDICTIONS, LostAnswers,  # noqa: F401
                                            TransitionLog, assert_table_walked, card_of_person,
                                            holder_changed, identify_holder, kiosk, kiosk_of,
                                            passport_photo, walk_card_holder_identity)

LOG = TransitionLog()
FAKE_JPEG = b"\xff\xd8\xff\xe0" + bytes(100)
RARE_ADDRESS = "湖北省武汉市洪山区𠮷祥路8号"


@pytest.fixture(autouse=True)
def _log(monkeypatch):
    LOG.install(monkeypatch)


def start(k, card="ordinary"):
    ssc, info = k.insert(card)
    return Renewal(ssc, info, k.client, k.pack, **k.kw())


def test_renewal_with_a_photo_by_mail(kiosk):
    wf = start(kiosk)
    wf.enter_pin(Pin("000111"))                                # pin_wrong
    wf.enter_pin(Pin("802413"))                                # renewal_possible
    assert wf.state == "ChooseReason"
    assert wf.info["reasons"] == ("expired", "damaged", "unreadable", "upgrade",
                                  "appearance_changed", "child_reaches_7")
    wf.choose_reason("damaged")                                # reason_chosen
    assert wf.state == "TakePhoto" and wf.info["photo_exempt"] is False
    wf.skip_photo()                                            # photo_refused (an adult)
    assert wf.info["reason"] == "photo_required"
    wf.take_photo(b"GIF89a")                                   # photo_refused (not a JPEG)
    wf.take_photo(FAKE_JPEG)                                   # photo_taken
    wf.choose_delivery("mail")                                 # mail_chosen
    assert wf.info["on_record"] == "湖北省武汉市武昌区中南路12号"
    wf.enter_mailing_address("武汉市\n洪山区")                    # address_invalid
    assert wf.info["reason"] == "control_character"
    wf.enter_mailing_address(RARE_ADDRESS)                     # address_entered
    assert wf.state == "ConfirmRenewal" and wf.info["mailing_address"] == RARE_ADDRESS
    wf.confirm()                                               # photo_refused (back office)
    assert wf.state == "TakePhoto" and wf.info["rule"] in ("format", "size")
    wf.take_photo(passport_photo())
    wf.choose_delivery("mail")
    wf.enter_mailing_address(RARE_ADDRESS)
    wf.start_over()                                            # start_over
    assert wf.state == "ChooseReason"
    wf.choose_reason("upgrade")
    wf.take_photo(passport_photo())
    wf.choose_delivery("mail")
    wf.enter_mailing_address(RARE_ADDRESS)
    wf.confirm()                                               # applied
    assert wf.state == "RenewalApplied"
    assert wf.info["application_id"] and wf.info["current_stage"] == "accepted"
    assert wf.info["expected_by"] > dt.date.today() and wf.info["outlet"]
    assert wf.info["delivery"] == "mail" and wf.photo is None    # not kept after the end
    assert kiosk.client.session_token is None
    [row] = kiosk.attempts("renewal")
    assert row.outcome == "ok" and "𠮷" not in str(row.steps)
    # one application at a time: refused at once, before any choice
    wf = start(kiosk)
    wf.enter_pin(Pin("802413"))
    assert wf.state == "Refused" and isinstance(wf.info["error"], RenewalAlreadyInProgress)


def test_a_child_skips_the_photo_and_picks_up(kiosk):
    wf = start(kiosk, card_of_person("hubei_child"))
    wf.enter_pin(Pin("802413"))
    wf.choose_reason("child_reaches_7")
    assert wf.info["photo_exempt"] is True and wf.info["exempt_below_age"] == 7
    wf.skip_photo()                                            # photo_skipped
    wf.choose_delivery("pickup")                               # pickup_chosen
    assert wf.info["photo"] is False and wf.info["mailing_address"] is None
    wf.confirm()
    assert wf.state == "RenewalApplied" and wf.info["delivery"] == "pickup"


def test_the_back_office_refuses_the_address(kiosk):
    wf = start(kiosk)
    wf.enter_pin(Pin("802413"))
    wf.choose_reason("damaged")
    wf.take_photo(passport_photo())
    wf.choose_delivery("mail")
    wf.enter_mailing_address()                                 # the address on record
    assert wf.mailing_address == "湖北省武汉市武昌区中南路12号"
    wf.mailing_address = "武汉\u202e市"                          # a kiosk out of step
    wf.confirm()                                               # address_invalid (back office)
    assert wf.state == "EnterMailingAddress" and wf.info["field"] == "mailing_address"


def test_unknown_outcome_is_pending(kiosk):
    wf = start(kiosk)
    wf.enter_pin(Pin("802413"))
    wf.choose_reason("damaged")
    wf.take_photo(passport_photo())
    wf.choose_delivery("pickup")
    LostAnswers(kiosk.client)                                  # arrives, the answer is lost
    wf.confirm()                                               # pending
    assert wf.state == "RenewalPending" and wf.info["reference"]
    assert kiosk.attempts("renewal")[0].outcome == "ok"        # the replay found it done


def test_a_lost_card_is_replaced_not_renewed(kiosk):
    kiosk.sms_session("card_ordinary")
    kiosk.client.report_loss("temporary", None)
    kiosk.client.end_session()
    wf = start(kiosk)
    wf.enter_pin(Pin("802413"))
    assert wf.state == "Refused" and isinstance(wf.info["error"], CardAlreadyLost)


def test_blocked(kiosk):
    wf = start(kiosk)
    for _ in range(6):
        wf.enter_pin(Pin("000111"))                            # pin_blocked
    assert wf.state == "PinBlocked"


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_offered_where_the_pack_says(kiosk_of, jurisdiction):
    k = kiosk_of(jurisdiction)
    if not k.pack.offers("renewal").offered:
        with pytest.raises(ServiceNotOffered) as e:
            start(k)
        assert (jurisdiction, e.value.article, e.value.details["refer_to"]) == (
            "xinxiang", "第9条", ["counter"])
        return
    wf = start(k)
    identify_holder(wf)
    assert wf.info["reasons"] == tuple(k.pack.value("renewal_reasons_at_kiosk"))
    with pytest.raises(ValueError):
        wf.choose_reason("voluntary" if jurisdiction != "hainan" else "damaged")


def test_hainan_uses_no_pin_so_the_holder_shows_who_by_sms_or_face(kiosk_of):
    def start_hainan(k, changes):
        ssc, info = k.insert("ordinary")
        return Renewal(ssc, holder_changed(info, changes), k.client, k.pack, **k.kw())

    by_sms, by_face = walk_card_holder_identity(kiosk_of, start_hainan)
    assert by_sms.state == by_face.state == "ChooseReason"
    assert by_sms.info["reasons"] == ("expired",)
    by_sms.cancel()
    by_face.cancel()

def test_table_walked(request):
    assert_table_walked(LOG, Renewal, request)
