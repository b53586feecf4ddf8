"""Changing non-key information with the card and its PIN, walked row by row; key fields
are refused with a pointer to renewal, in every jurisdiction that offers the service."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.errors import KeyFieldChangeRequiresRenewal, ServiceNotOffered
from kiosk.pin import Pin
from kiosk.workflows.profile_change import ProfileChange
from tests.kiosk.workflows.test_kit import (JURISDICTIONS, LostAnswers,  # noqa: F401
                                            TransitionLog, assert_table_walked, china_today,
                                            holder_changed, identify_holder, kiosk, kiosk_of,
                                            walk_card_holder_identity)

LOG = TransitionLog()
RARE_ADDRESS = "湖北省武汉市武昌区𠮷祥路8号"        # 𠮷: CJK Extension B, beyond the BMP


@pytest.fixture(autouse=True)
def _log(monkeypatch):
    LOG.install(monkeypatch)


def start(k, profile="ordinary"):
    ssc, info = k.insert(profile)
    return ProfileChange(ssc, info, k.client, k.pack, **k.kw())


def test_change_phone_and_address_in_hubei(kiosk):
    wf = start(kiosk)
    wf.enter_pin(Pin("135799"))                              # pin_wrong
    wf.enter_pin(Pin("802413"))                              # profile_loaded
    assert wf.state == "EditProfile"
    assert wf.info["editable"] == ("phone", "address", "mailing_address", "id_valid_until",
                                   "ethnicity", "nationality", "gender")
    assert wf.info["values"]["phone"] == "13900270901"
    wf.review()                                              # nothing_changed
    assert wf.info["reason"] == "nothing_changed"
    wf.change("phone", "1381234567")                         # field_invalid (here)
    assert (wf.info["field"], wf.info["reason"]) == ("phone", "bad_format")
    wf.change("phone", "13812345678")                        # field_changed
    wf.change("address", RARE_ADDRESS)
    wf.change("name", "陈思源")                               # key_field_refused
    assert isinstance(wf.info["error"], KeyFieldChangeRequiresRenewal)
    assert wf.info["article"] == "第25条" and wf.info["next_service"] == "renewal"
    assert wf.info["renewal_offered"] is True and wf.state == "EditProfile"
    wf.review()                                              # review
    assert wf.info["changes"] == {"phone": ("13900270901", "13812345678"),
                                  "address": ("湖北省武汉市武昌区中南路12号", RARE_ADDRESS)}
    wf.edit()                                                # edit
    wf.change("ethnicity", "05")
    wf.review()
    wf.confirm()                                             # changed
    assert wf.state == "ProfileChanged" and wf.info["fields"] == ["address", "ethnicity",
                                                                 "phone"]
    profile = wf.info["profile"]
    assert profile.address == RARE_ADDRESS and profile.phone == "13812345678"
    assert kiosk.client.session_token is None
    [row] = kiosk.attempts("profile_change")
    assert row.outcome == "ok"
    assert "13812345678" not in str(row.steps) and "𠮷" not in str(row.steps)


def test_not_editable_here(kiosk_of):
    k = kiosk_of("sichuan")
    wf = start(k)
    wf.enter_pin(Pin("802413"))
    wf.change("gender", "2")                                 # field_not_editable
    assert wf.state == "EditProfile" and isinstance(wf.info["error"], ServiceNotOffered)
    assert wf.info["field"] == "gender" and wf.info["article"] == "第23条"


def test_the_back_office_disagrees(kiosk):
    # a kiosk whose clock is 800 days behind the back office's
    ssc, info = kiosk.insert("ordinary")
    wf = ProfileChange(ssc, info, kiosk.client, kiosk.pack,
                       **kiosk.kw(today=lambda: china_today() - dt.timedelta(days=800)))
    wf.enter_pin(Pin("802413"))
    earlier = (china_today() - dt.timedelta(days=400)).isoformat()
    wf.change("id_valid_until", earlier)                     # fine for the kiosk's today
    wf.review()
    wf.confirm()                                             # field_invalid (back office)
    assert wf.state == "EditProfile"
    assert (wf.info["field"], wf.info["reason"]) == ("id_valid_until", "in_the_past")
    # a kiosk whose pack is out of step sends a key field: the back office refuses it
    wf.changes = {"name": "陈思源"}
    wf.review()
    wf.confirm()                                             # key_field_refused (back office)
    assert wf.state == "EditProfile" and wf.info["field"] == "name"
    assert wf.info["code"] == "KEY_FIELD_CHANGE_REQUIRES_RENEWAL" and wf.changes == {}


def test_unknown_outcome_is_pending(kiosk):
    wf = start(kiosk)
    wf.enter_pin(Pin("802413"))
    wf.change("phone", "13812345678")
    wf.review()
    LostAnswers(kiosk.client, 2, arrive=False)
    wf.confirm()                                             # pending
    assert wf.state == "ChangePending" and wf.info["fields"] == ["phone"]


def test_blocked(kiosk):
    wf = start(kiosk)
    for _ in range(6):
        wf.enter_pin(Pin("111222"))
    assert wf.state == "PinBlocked"                          # pin_blocked


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_a_key_field_points_to_renewal(kiosk_of, jurisdiction):
    k = kiosk_of(jurisdiction)
    offer = k.pack.offers("profile_change")
    if not offer.offered:
        with pytest.raises(ServiceNotOffered) as e:
            start(k)
        assert (jurisdiction, e.value.article) == ("hunan", "第25条")
        return
    wf = start(k)
    identify_holder(wf)
    wf.change("name", "陈思源")
    assert isinstance(wf.info["error"], KeyFieldChangeRequiresRenewal)
    assert wf.info["article"] == k.pack.rule("key_fields").article
    assert wf.info["next_service"] == "renewal"
    assert wf.info["renewal_offered"] == k.pack.offers("renewal").offered
    assert set(wf.info["editable"]) == set(k.pack.value("editable_fields"))


def test_hainan_uses_no_pin_so_the_holder_shows_who_by_sms_or_face(kiosk_of):
    def start_hainan(k, changes):
        ssc, info = k.insert("ordinary")
        return ProfileChange(ssc, holder_changed(info, changes), k.client, k.pack, **k.kw())

    by_sms, by_face = walk_card_holder_identity(kiosk_of, start_hainan)
    assert by_sms.state == by_face.state == "EditProfile"
    by_sms.change("phone", "13812345678")
    by_sms.review()
    by_sms.confirm()
    assert by_sms.state == "ProfileChanged"
    by_face.cancel()

def test_table_walked(request):
    assert_table_walked(LOG, ProfileChange, request)
