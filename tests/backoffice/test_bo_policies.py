"""Every jurisdiction's rule pack, enforced by the back office (table-driven).

Each test runs once per jurisdiction against a server serving that pack. The
expectations come from the pack itself (so a pack change moves them along), and
the cells where ``policies.md`` is explicit are asserted as written there:
Hainan offers no PIN service (第14条); Sichuan's temporary loss lifts itself
after 7 days (第18条); Hainan's lasts 15 days or long-term (第17条); Hubei never
lifts a formal loss (第29条); Xinxiang has one loss kind (第19条).
"""

import datetime as dt

import pytest
import requests

from backoffice import testing
from backoffice.cards import add_working_days, china_day
from backoffice.demo_data import PEOPLE
from backoffice.testing import b64, portrait_jpeg
from bo_support import refused
from kiosk.policies import jurisdictions, load_pack

JURISDICTIONS = ["hunan", "hubei", "hainan", "sichuan", "xinxiang"]
PROFILE_VALUES = {"phone": "13812345678", "address": "示范路 8 号", "mailing_address": "信箱 8 号",
                  "id_valid_until": "长期", "ethnicity": "02", "nationality": "CHN",
                  "gender": "9"}


def test_the_five_jurisdictions_have_packs():
    assert sorted(JURISDICTIONS) == jurisdictions()


@pytest.fixture(params=JURISDICTIONS)
def j(request):
    """(jurisdiction, its pack, a server serving it)."""
    server = testing.start(request.param)
    yield request.param, load_pack(request.param), server
    server.stop()


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)



def test_health_serves_the_pack(j):
    name, pack, bo = j
    assert requests.get(bo.url + "/v1/health", timeout=5).json()["policy"] == {
        "jurisdiction": name, "version": pack.version}
    assert bo.kiosk.ok("GET", "/v1/kiosks/config")["jurisdiction"] == name


# --- PIN -----------------------------------------------------------------------------------

@pytest.mark.parametrize("operation,service", [("reload", "pin_reset"), ("unblock", "pin_unblock")])
def test_pin_services(j, operation, service):
    name, pack, bo = j
    person = PEOPLE[f"{name}_active"]
    token = bo.token(person.key, "sms")
    card_auth_id = bo.kiosk.card_auth(person.card.card_no, person.card.card_id_code)
    r = bo.kiosk.send("POST", "/v1/me/pin-authorizations", {
        "operation": operation, "card_auth_id": card_auth_id, "challenge_hex": "5A" * 16},
        token=token)
    offer = pack.offers(service)
    services = bo.kiosk.ok("GET", "/v1/me/card", token=token)["services"]
    assert (service in services) == offer.offered
    if offer.offered:
        assert r.status_code == 200, r.text
        return
    err = refused(r, 403, "SERVICE_NOT_OFFERED")
    assert err["details"]["article"] == offer.article and err["details"]["service"] == service
    if name == "hainan":  # 第14条: 暂不启用一卡通应用密码
        assert err["details"]["article"] == "第14条"
        assert err["details"]["reason"] == "pin_not_in_use"
        assert not {"pin_change", "pin_reset", "pin_unblock"} & set(services)


def test_hainan_offers_no_pin_service():
    assert not any(load_pack("hainan").offers(s).offered
                   for s in ("pin_change", "pin_reset", "pin_unblock"))


# --- losses -----------------------------------------------------------------------------------

@pytest.mark.parametrize("duration", [None, "7d", "15d", "long"])
def test_temporary_loss_durations(j, duration):
    name, pack, bo = j
    token = bo.token(f"{name}_active")
    r = bo.kiosk.send("POST", "/v1/me/card/loss", {"kind": "temporary", "duration": duration},
                      token=token)
    offered = pack.value("temporary_loss_durations")
    wanted = "until_lifted" if duration is None else duration
    if wanted in offered or (duration is None and len(offered) == 1):
        assert r.status_code == 200, r.text
        card = r.json()
        assert card["status"] == "temp_lost"
        days = pack.loss_auto_lift_days(wanted if wanted in offered else offered[0])
        if days is None:
            assert card["loss"]["auto_lift_at"] is None
        else:
            since = parse_time(card["loss"]["since"])
            assert parse_time(card["loss"]["auto_lift_at"]) - since == dt.timedelta(days=days)
        return
    err = refused(r, 400, "VALIDATION_FAILED")
    assert err["details"]["field"] == "duration"
    assert err["details"]["allowed"] == [None if d == "until_lifted" else d for d in offered]
    assert err["details"].get("article") == pack.rule("temporary_loss_durations").article


def test_the_durations_policies_md_names():
    assert load_pack("sichuan").value("temporary_loss_durations") == ["7d"]
    assert load_pack("hainan").value("temporary_loss_durations") == ["15d", "long"]
    for name in ("hunan", "hubei", "xinxiang"):
        assert load_pack(name).value("temporary_loss_durations") == ["until_lifted"]


@pytest.mark.parametrize("name,duration,days", [("sichuan", "7d", 7), ("sichuan", None, 7),
                                                ("hainan", "15d", 15)])
def test_a_temporary_loss_lifts_itself(name, duration, days):
    bo = testing.start(name)
    try:
        token = bo.token(f"{name}_active")
        card = bo.kiosk.ok("POST", "/v1/me/card/loss", {"kind": "temporary",
                                                        "duration": duration}, token=token)
        lift_at = parse_time(card["loss"]["auto_lift_at"])
        assert lift_at - parse_time(card["loss"]["since"]) == dt.timedelta(days=days)
        bo.shift_days(days - 0.003)  # about 4 minutes before
        token = bo.token(f"{name}_active")  # the first session has long expired
        assert bo.kiosk.ok("GET", "/v1/me/card", token=token)["status"] == "temp_lost"
        bo.shift_days(0.006)  # about 4 minutes after (the session lives 10)
        lifted = bo.kiosk.ok("GET", "/v1/me/card", token=token)
        assert lifted["status"] == "active" and lifted["loss"] is None
        assert "temporary_loss" in lifted["services"]
        # lifted for good: a new loss can be reported, and lifting is CARD_NOT_LOST
        refused(bo.kiosk.send("DELETE", "/v1/me/card/loss", token=token), 409, "CARD_NOT_LOST")
        assert bo.kiosk.ok("POST", "/v1/me/card/loss", {"kind": "temporary",
                                                        "duration": duration},
                           token=token)["status"] == "temp_lost"
    finally:
        bo.stop()


def test_a_long_term_loss_in_hainan_does_not_lift_itself():
    bo = testing.start("hainan")
    try:
        card = bo.kiosk.ok("POST", "/v1/me/card/loss", {"kind": "temporary", "duration": "long"},
                           token=bo.token("hainan_active"))
        assert card["loss"]["auto_lift_at"] is None
        bo.shift_days(400)
        assert bo.kiosk.ok("GET", "/v1/me/card",
                           token=bo.token("hainan_active"))["status"] == "temp_lost"
    finally:
        bo.stop()


def test_formal_loss(j):
    name, pack, bo = j
    token = bo.token(f"{name}_active")
    r = bo.kiosk.send("POST", "/v1/me/card/loss", {"kind": "formal"}, token=token)
    offer = pack.offers("formal_loss")
    if offer.offered:
        assert r.status_code == 200 and r.json()["status"] == "lost", r.text
        return
    err = refused(r, 403, "SERVICE_NOT_OFFERED")
    assert err["details"]["article"] == offer.article
    assert err["details"]["reason"] == offer.reason
    if offer.refer_to:
        assert err["details"]["refer_to"] == list(offer.refer_to)
    if name == "xinxiang":  # one loss kind only
        assert err["details"] == {**err["details"], "article": "第19条",
                                  "reason": "loss_kind_not_in_use"}


def test_lifting_a_formal_loss(j):
    name, pack, bo = j
    token = bo.token(f"{name}_lost", "sms")
    r = bo.kiosk.send("DELETE", "/v1/me/card/loss", token=token)
    if not pack.value("lift_formal_loss_allowed"):
        err = refused(r, 409, "FORMAL_LOSS_NOT_LIFTABLE")
        assert err["details"]["article"] == pack.rule("lift_formal_loss_allowed").article
        if name == "hubei":  # 第29条: 正式挂失不能解除
            assert err["details"]["article"] == "第29条"
    elif not pack.offers("lift_loss").offered:
        err = refused(r, 403, "SERVICE_NOT_OFFERED")
        assert err["details"]["article"] == pack.offers("lift_loss").article
    else:
        assert r.status_code == 200 and r.json()["status"] == "active", r.text


def test_lifting_a_temporary_loss(j):
    name, pack, bo = j
    token = bo.token(f"{name}_temp_lost", "sms")
    r = bo.kiosk.send("DELETE", "/v1/me/card/loss", token=token)
    offer = pack.offers("lift_loss")
    if pack.value("lift_temporary_loss_allowed") and offer.offered:
        assert r.status_code == 200 and r.json()["status"] == "active", r.text
    else:
        err = refused(r, 403, "SERVICE_NOT_OFFERED")
        assert err["details"]["article"] in (offer.article,
                                             pack.rule("lift_temporary_loss_allowed").article)


def test_no_lift_after_a_replacement_was_applied_for(j):
    name, pack, bo = j
    r = bo.kiosk.send("DELETE", "/v1/me/card/loss", token=bo.token(f"{name}_replaced", "sms"))
    refused(r, 409, "CARD_REPLACED")


# --- profile ------------------------------------------------------------------------------------

def test_key_fields_need_a_renewal(j):
    name, pack, bo = j
    token = bo.token(f"{name}_active")
    for field in pack.value("key_fields") + ["name", "ssn"]:
        r = bo.kiosk.send("PATCH", "/v1/me/profile", {field: "x"}, token=token)
        err = refused(r, 409, "KEY_FIELD_CHANGE_REQUIRES_RENEWAL")
        assert err["details"]["field"] == field
        assert err["details"].get("article") == pack.rule("key_fields").article


@pytest.mark.parametrize("field", sorted(PROFILE_VALUES))
def test_editable_fields_follow_the_pack(j, field):
    name, pack, bo = j
    token = bo.token(f"{name}_active")
    offer = pack.offers("profile_change")
    editable = pack.value("editable_fields") if offer.offered else []
    assert bo.kiosk.ok("GET", "/v1/me/profile", token=token)["editable"] == editable
    r = bo.kiosk.send("PATCH", "/v1/me/profile", {field: PROFILE_VALUES[field]}, token=token)
    if field in editable:
        assert r.status_code == 200, r.text
        assert r.json()[field] == PROFILE_VALUES[field]
        return
    err = refused(r, 403, "SERVICE_NOT_OFFERED")
    if offer.offered:
        assert err["details"]["field"] == field
        assert err["details"].get("article") == pack.rule("editable_fields").article
    else:
        assert err["details"]["article"] == offer.article


def test_the_editable_fields_policies_md_names():
    assert load_pack("hubei").value("editable_fields") == [
        "phone", "address", "mailing_address", "id_valid_until", "ethnicity", "nationality",
        "gender"]
    # Xinxiang 第18条: address and phone (not gender, ethnicity, ...)
    assert set(load_pack("xinxiang").value("editable_fields")) <= {"phone", "address",
                                                                   "mailing_address"}


# --- renewal ------------------------------------------------------------------------------------

def test_renewal(j):
    name, pack, bo = j
    token = bo.token(f"{name}_active")
    reasons = pack.value("renewal_reasons_at_kiosk") or pack.value("renewal_reasons")
    r = bo.kiosk.send("POST", "/v1/me/renewals", {
        "reason": reasons[0], "photo_jpeg_b64": b64(portrait_jpeg()), "delivery": "pickup",
        "mailing_address": None}, token=token)
    offer = pack.offers("renewal")
    if not offer.offered:
        err = refused(r, 403, "SERVICE_NOT_OFFERED")
        assert err["details"]["article"] == offer.article
        if name == "xinxiang":
            assert err["details"]["article"] == "第9条"
        return
    assert r.status_code == 200, r.text
    app = r.json()
    accepted = parse_time(app["stages"][0]["at"])
    assert app["expected_by"] == add_working_days(
        china_day(accepted), pack.value("production_working_days")).isoformat()
    stages = bo.kiosk.ok("GET", "/v1/me/applications", token=bo.token(
        f"{name}_stage_collected", "sms"))[0]["stages"]
    assert [s["stage"] for s in stages] == pack.value("production_stages")
