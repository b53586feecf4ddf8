"""The citizen's endpoints through a real server: card, losses, applications, profile,
PIN authorisations, renewals; and the terminal's heartbeat and configuration."""

import datetime as dt
import uuid

import pytest
import requests
from sqlalchemy import func, select

from backoffice import testing
from backoffice.cards import add_working_days, china_day
from backoffice.demo_data import PEOPLE, STAGES
from backoffice.models import Loss
from backoffice.testing import b64, portrait_jpeg
from bo_support import refused
from kiosk.policies import load_pack


@pytest.fixture
def bo():
    server = testing.start("hubei")
    yield server
    server.stop()



HUBEI = load_pack("hubei")
#: a renewal reason the Hubei regulation knows but the pack keeps away from the kiosk
COUNTER_REASON = next((r for r in HUBEI.value("renewal_reasons")
                       if r not in HUBEI.value("renewal_reasons_at_kiosk")), None)

CARD_KEYS = {"card_no", "status", "loss", "issued_on", "expires_on", "bank", "services"}
APPLICATION_KEYS = {"application_id", "kind", "stages", "current_stage", "expected_by",
                    "outlet", "delivery"}


# --- the card --------------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["active", "temp_lost", "lost", "replaced", "cancelled",
                                    "not_activated"])
def test_card_status_of_every_state(bo, status):
    key = f"hubei_{status}"
    card = bo.kiosk.ok("GET", "/v1/me/card", token=bo.token(key, "sms"))
    assert set(card) == CARD_KEYS
    assert card["card_no"] == PEOPLE[key].card.card_no
    assert card["status"] == status
    dt.date.fromisoformat(card["issued_on"])
    dt.date.fromisoformat(card["expires_on"])
    assert card["bank"] == "中国工商银行"
    services = set(card["services"])
    assert {"card_status", "progress"} <= services
    if status == "active":
        assert {"pin_change", "temporary_loss", "renewal", "profile_change"} <= services
        assert card["loss"] is None and "lift_loss" not in services
    if status == "temp_lost":
        assert card["loss"]["kind"] == "temporary" and card["loss"]["auto_lift_at"] is None
        assert "lift_loss" in services and "temporary_loss" not in services
        # a temporary loss may be made formal where the kiosk takes formal losses
        assert ("formal_loss" in services) == HUBEI.offers("formal_loss").offered
    if status == "lost":
        assert card["loss"]["kind"] == "formal"
        assert "lift_loss" not in services  # Hubei: a formal loss is never lifted
    if status in ("replaced", "cancelled"):
        assert not services & {"temporary_loss", "formal_loss", "lift_loss", "renewal",
                               "pin_change"}
    if status == "not_activated":
        assert "pin_change" not in services and "temporary_loss" in services


def test_no_card_yet_is_card_not_found(bo):
    token = bo.token("hubei_stage_uploaded_to_province", "sms")
    refused(bo.kiosk.send("GET", "/v1/me/card", token=token), 404, "CARD_NOT_FOUND")
    refused(bo.kiosk.send("POST", "/v1/me/card/loss", {"kind": "temporary"}, token=token),
            404, "CARD_NOT_FOUND")
    refused(bo.kiosk.send("DELETE", "/v1/me/card/loss", token=token), 404, "CARD_NOT_FOUND")


def test_the_card_session_sees_its_own_card(bo):
    # after a renewal was collected the person has two cards: an sms session sees the new one
    person = PEOPLE["hubei_stage_collected"]
    card = bo.kiosk.ok("GET", "/v1/me/card", token=bo.token(person.key, "sms"))
    assert card["card_no"] == person.cards[1].card_no and card["status"] == "active"


# --- losses ------------------------------------------------------------------------------------

def loss_rows(bo) -> int:
    with bo.state.database.session() as s:
        return s.scalar(select(func.count()).select_from(Loss))


def test_report_a_temporary_loss_then_lift_it(bo):
    token = bo.token("hubei_active", "face")
    card = bo.kiosk.ok("POST", "/v1/me/card/loss", {"kind": "temporary", "duration": None},
                       token=token)
    assert set(card) == CARD_KEYS
    assert card["status"] == "temp_lost"
    assert card["loss"]["kind"] == "temporary" and card["loss"]["auto_lift_at"] is None
    dt.datetime.strptime(card["loss"]["since"], "%Y-%m-%dT%H:%M:%SZ")
    refused(bo.kiosk.send("POST", "/v1/me/card/loss", {"kind": "temporary"}, token=token),
            409, "CARD_ALREADY_LOST")
    lifted = bo.kiosk.ok("DELETE", "/v1/me/card/loss", token=token)
    assert lifted["status"] == "active" and lifted["loss"] is None
    refused(bo.kiosk.send("DELETE", "/v1/me/card/loss", token=token), 409, "CARD_NOT_LOST")


def test_a_temporary_loss_made_formal(bo):
    token = bo.token("hubei_temp_lost", "sms")
    card = bo.kiosk.ok("POST", "/v1/me/card/loss", {"kind": "formal"}, token=token)
    assert card["status"] == "lost" and card["loss"]["kind"] == "formal"
    refused(bo.kiosk.send("POST", "/v1/me/card/loss", {"kind": "formal"}, token=token),
            409, "CARD_ALREADY_LOST")
    refused(bo.kiosk.send("POST", "/v1/me/card/loss", {"kind": "temporary"}, token=token),
            409, "CARD_ALREADY_LOST")


def test_a_not_activated_card_returns_to_not_activated_when_lifted(bo):
    token = bo.token("hubei_not_activated", "sms")
    assert bo.kiosk.ok("POST", "/v1/me/card/loss", {"kind": "temporary"},
                       token=token)["status"] == "temp_lost"
    assert bo.kiosk.ok("DELETE", "/v1/me/card/loss", token=token)["status"] == "not_activated"


@pytest.mark.parametrize("key,code", [("hubei_cancelled", "CARD_CANCELLED"),
                                      ("hubei_replaced", "CARD_REPLACED")])
def test_no_loss_and_no_lift_on_a_void_card(bo, key, code):
    token = bo.token(key, "sms")
    refused(bo.kiosk.send("POST", "/v1/me/card/loss", {"kind": "temporary"}, token=token),
            409, code)
    refused(bo.kiosk.send("DELETE", "/v1/me/card/loss", token=token), 409, code)


@pytest.mark.parametrize("body,field", [
    ({}, "kind"),
    ({"kind": "stolen"}, "kind"),
    ({"kind": ["temporary"]}, "kind"),
    ({"kind": "temporary", "duration": "3d"}, "duration"),
    ({"kind": "temporary", "duration": "7d"}, "duration"),   # not Hubei's
    ({"kind": "formal", "duration": "long"}, "duration"),
])
def test_malformed_or_disallowed_loss_requests(bo, body, field):
    token = bo.token("hubei_active")
    before = loss_rows(bo)
    err = refused(bo.kiosk.send("POST", "/v1/me/card/loss", body, token=token),
                  400, "VALIDATION_FAILED")
    assert err["details"]["field"] == field
    if body.get("duration") == "7d":
        assert err["details"]["allowed"] == [None]
        assert err["details"]["rule"] == "temporary_loss_durations"
    assert loss_rows(bo) == before


def test_an_idempotent_replay_of_a_loss_report_has_one_effect(bo):
    token = bo.token("hubei_active")
    before = loss_rows(bo)
    key = str(uuid.uuid4())
    first = bo.kiosk.send("POST", "/v1/me/card/loss", {"kind": "temporary"}, token=token, key=key)
    again = bo.kiosk.send("POST", "/v1/me/card/loss", {"kind": "temporary"}, token=token, key=key)
    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    assert loss_rows(bo) == before + 1
    # the same key for another request, or from another citizen's session, is refused
    refused(bo.kiosk.send("POST", "/v1/me/card/loss", {"kind": "formal"}, token=token, key=key),
            409, "IDEMPOTENCY_KEY_REUSED")
    other = bo.token("hubei_child")
    refused(bo.kiosk.send("POST", "/v1/me/card/loss", {"kind": "temporary"}, token=other,
                          key=key), 409, "IDEMPOTENCY_KEY_REUSED")
    assert loss_rows(bo) == before + 1


def test_a_refused_token_is_not_stored_under_the_key(bo):
    token = bo.token("hubei_active")
    key = str(uuid.uuid4())
    refused(bo.kiosk.send("POST", "/v1/me/card/loss", {"kind": "temporary"}, token="y" * 43,
                          key=key), 401, "SESSION_EXPIRED")
    r = bo.kiosk.send("POST", "/v1/me/card/loss", {"kind": "temporary"}, token=token, key=key)
    assert r.status_code == 200, r.text


# --- applications ----------------------------------------------------------------------------------

@pytest.mark.parametrize("stage", STAGES)
def test_progress_of_every_stage(bo, stage):
    person = PEOPLE[f"hubei_stage_{stage}"]
    apps = bo.kiosk.ok("GET", "/v1/me/applications", token=bo.token(person.key, "sms"))
    assert len(apps) == 1
    app = apps[0]
    assert set(app) == APPLICATION_KEYS
    assert app["kind"] == person.applications[0].kind
    assert [s["stage"] for s in app["stages"]] == list(STAGES[:STAGES.index(stage) + 1])
    assert app["current_stage"] == stage
    times = [s["at"] for s in app["stages"]]
    assert times == sorted(times)
    dt.date.fromisoformat(app["expected_by"])
    assert app["outlet"] == "武汉市社会保障卡服务中心（武昌区网点）"
    assert app["delivery"] in ("pickup", "mail")


def test_no_applications_is_an_empty_list(bo):
    assert bo.kiosk.ok("GET", "/v1/me/applications", token=bo.token("hubei_active")) == []


def test_the_replaced_card_has_its_replacement_in_progress(bo):
    apps = bo.kiosk.ok("GET", "/v1/me/applications", token=bo.token("hubei_replaced", "sms"))
    assert [(a["kind"], a["current_stage"]) for a in apps] == [("replacement",
                                                               "card_manufactured")]


# --- renewals -------------------------------------------------------------------------------------

def renewal(**changes) -> dict:
    body = {"reason": "damaged", "photo_jpeg_b64": b64(portrait_jpeg()), "delivery": "pickup",
            "mailing_address": None}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


def test_renewal_is_accepted_with_expected_by_in_working_days(bo):
    token = bo.token("hubei_active")
    app = bo.kiosk.ok("POST", "/v1/me/renewals", renewal(), token=token)
    assert set(app) == APPLICATION_KEYS
    assert app["kind"] == "renewal" and app["current_stage"] == "accepted"
    assert [s["stage"] for s in app["stages"]] == ["accepted"]
    accepted = dt.datetime.strptime(app["stages"][0]["at"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=dt.timezone.utc)
    # Hubei: batch production within 29 working days (第6条), weekends skipped
    assert app["expected_by"] == add_working_days(china_day(accepted), 29).isoformat()
    assert dt.date.fromisoformat(app["expected_by"]).weekday() < 5
    assert app["delivery"] == "pickup"
    listed = bo.kiosk.ok("GET", "/v1/me/applications", token=token)
    assert [a["application_id"] for a in listed] == [app["application_id"]]
    card = bo.kiosk.ok("GET", "/v1/me/card", token=token)
    assert "renewal" not in card["services"]
    refused(bo.kiosk.send("POST", "/v1/me/renewals", renewal(), token=token),
            409, "RENEWAL_ALREADY_IN_PROGRESS")


def test_renewal_by_mail(bo):
    token = bo.token("hubei_active")
    app = bo.kiosk.ok("POST", "/v1/me/renewals",
                      renewal(delivery="mail", mailing_address="湖北省武汉市洪山区珞喻路1号"),
                      token=token)
    assert app["delivery"] == "mail"


@pytest.mark.parametrize("knobs,rule", [
    ({"faces": 0}, "face"),
    ({"faces": 2}, "face"),
    ({"border": 4}, "border"),
    ({"background": (170, 190, 235)}, "background"),
    ({"width": 300, "height": 400}, "dimensions"),
    ({"min_kb": 1, "max_kb": 8}, "size"),
])
def test_renewal_photo_is_rechecked(bo, knobs, rule):
    token = bo.token("hubei_active")
    r = bo.kiosk.send("POST", "/v1/me/renewals",
                      renewal(photo_jpeg_b64=b64(portrait_jpeg(**knobs))), token=token)
    err = refused(r, 422, "PHOTO_INVALID")
    assert err["details"]["rule"] == rule
    assert err["details"]["article"] == "第12条"  # Hubei's photo rules


def test_renewal_photo_that_is_not_a_jpeg(bo):
    import cv2

    ok, png = cv2.imencode(".png", testing.portrait_image())
    r = bo.kiosk.send("POST", "/v1/me/renewals", renewal(photo_jpeg_b64=b64(png.tobytes())),
                      token=bo.token("hubei_active"))
    assert refused(r, 422, "PHOTO_INVALID")["details"]["rule"] == "format"


@pytest.mark.parametrize("changes,status,code,field", [
    ({"reason": "lottery_win"}, 400, "VALIDATION_FAILED", "reason"),
    ({"reason": COUNTER_REASON}, 403, "SERVICE_NOT_OFFERED", "reason"),  # at the counter
    ({"delivery": "drone"}, 400, "VALIDATION_FAILED", "delivery"),
    ({"photo_jpeg_b64": ...}, 400, "VALIDATION_FAILED", "photo_jpeg_b64"),
    ({"photo_jpeg_b64": "!!"}, 400, "VALIDATION_FAILED", "photo_jpeg_b64"),
    ({"delivery": "mail", "mailing_address": "\u0007"}, 400, "VALIDATION_FAILED",
     "mailing_address"),
])
def test_renewal_refusals(bo, changes, status, code, field):
    r = bo.kiosk.send("POST", "/v1/me/renewals", renewal(**changes),
                      token=bo.token("hubei_active"))
    err = refused(r, status, code)
    assert err["details"]["field"] == field


@pytest.mark.parametrize("key,code", [("hubei_lost", "CARD_ALREADY_LOST"),
                                      ("hubei_cancelled", "CARD_CANCELLED"),
                                      ("hubei_replaced", "CARD_REPLACED"),
                                      ("hubei_stage_accepted", "RENEWAL_ALREADY_IN_PROGRESS")])
def test_renewal_needs_a_usable_card_and_no_application_in_progress(bo, key, code):
    r = bo.kiosk.send("POST", "/v1/me/renewals", renewal(), token=bo.token(key, "sms"))
    refused(r, 409, code)


def test_a_child_renews_without_a_photo(bo):
    token = bo.token("hubei_child", "sms")
    app = bo.kiosk.ok("POST", "/v1/me/renewals", renewal(photo_jpeg_b64=...), token=token)
    assert app["kind"] == "renewal"


# --- profile ------------------------------------------------------------------------------------

PROFILE_KEYS = {"name", "gender", "ethnicity", "nationality", "id_valid_until", "phone",
                "address", "mailing_address", "editable"}


def test_profile_read_and_change(bo):
    token = bo.token("hubei_active")
    profile = bo.kiosk.ok("GET", "/v1/me/profile", token=token)
    assert set(profile) == PROFILE_KEYS
    assert profile["name"] == "王𠮷祥"
    # Hubei 第26条: the identity card's validity, ethnicity, nationality, gender, address,
    # mailing information and phone
    assert profile["editable"] == ["phone", "address", "mailing_address", "id_valid_until",
                                   "ethnicity", "nationality", "gender"]
    changed = bo.kiosk.ok("PATCH", "/v1/me/profile", {
        "phone": "13912345678",
        "address": "湖北省武汉市𠮷祥路１号",  # a rare character of CJK Extension B
        "mailing_address": None,
        "id_valid_until": "长期",
        "ethnicity": "03",
        "nationality": "CHN",
        "gender": "1",
    }, token=token)
    assert changed["phone"] == "13912345678"
    assert changed["address"] == "湖北省武汉市𠮷祥路１号"
    assert changed["id_valid_until"] == "长期" and changed["ethnicity"] == "03"
    assert bo.kiosk.ok("GET", "/v1/me/profile", token=token) == changed
    later = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    assert bo.kiosk.ok("PATCH", "/v1/me/profile", {"id_valid_until": later,
                                                   "mailing_address": "  信箱 12 号  "},
                       token=token)["mailing_address"] == "信箱 12 号"


@pytest.mark.parametrize("field,value,reason", [
    ("phone", "12345678901", "bad_format"),
    ("phone", "+8613912345678", "bad_format"),
    ("phone", 13912345678, "not_a_string"),
    ("address", "", "bad_length"),
    ("address", "   ", "bad_length"),
    ("address", "路" * 201, "too_long"),
    ("address", "湖北省\n武汉市", "control_character"),
    ("address", "湖北省\u202e武汉市", "unsupported_character"),   # a bidirectional override
    ("address", "湖北省\ue000武汉市", "unsupported_character"),   # private use
    ("address", None, "missing"),
    ("mailing_address", "a\u0000b", "control_character"),
    ("id_valid_until", "2020-01-01", "in_the_past"),
    ("id_valid_until", "2030-02-30", "bad_date"),
    ("id_valid_until", "20300101", "bad_format"),
    ("ethnicity", "57", "bad_format"),
    ("nationality", "chn", "bad_format"),
    ("gender", "3", "bad_format"),
    ("birthplace", "武汉", "unknown_field"),
])
def test_profile_validation(bo, field, value, reason):
    r = bo.kiosk.send("PATCH", "/v1/me/profile", {field: value}, token=bo.token("hubei_active"))
    err = refused(r, 400, "VALIDATION_FAILED")
    assert err["details"] == {"field": field, "reason": reason}


def test_address_limit_is_two_hundred_characters_including_rare_ones(bo):
    token = bo.token("hubei_active")
    address = "𠮷" * 200
    assert bo.kiosk.ok("PATCH", "/v1/me/profile", {"address": address},
                       token=token)["address"] == address


def test_profile_change_is_all_or_nothing(bo):
    token = bo.token("hubei_active")
    before = bo.kiosk.ok("GET", "/v1/me/profile", token=token)
    r = bo.kiosk.send("PATCH", "/v1/me/profile", {"phone": "13912345678", "gender": "x"},
                      token=token)
    refused(r, 400, "VALIDATION_FAILED")
    assert bo.kiosk.ok("GET", "/v1/me/profile", token=token) == before
    refused(bo.kiosk.send("PATCH", "/v1/me/profile", {}, token=token), 400, "VALIDATION_FAILED")


@pytest.mark.parametrize("field", ["name", "ssn", "photo", "id_type", "card_face",
                                   "birth_date"])
def test_key_fields_need_a_renewal(bo, field):
    token = bo.token("hubei_active")
    r = bo.kiosk.send("PATCH", "/v1/me/profile", {field: "x", "phone": "13912345678"},
                      token=token)
    err = refused(r, 409, "KEY_FIELD_CHANGE_REQUIRES_RENEWAL")
    assert err["details"]["field"] == field and err["details"]["article"] == "第25条"
    assert bo.kiosk.ok("GET", "/v1/me/profile", token=token)["phone"] != "13912345678"


# --- PIN authorisations -----------------------------------------------------------------------------

@pytest.fixture
def default_bo():
    """The default pack: PIN reset and unblock at the kiosk (Hubei keeps them at the counter)."""
    server = testing.start("default")
    yield server
    server.stop()


def pin_body(bo, person_key: str, operation: str = "reload", challenge: str = "11" * 16) -> dict:
    card = PEOPLE[person_key].card
    return {"operation": operation, "card_auth_id": bo.kiosk.card_auth(card.card_no,
                                                                      card.card_id_code),
            "challenge_hex": challenge}


@pytest.mark.parametrize("method", ["sms", "face"])
def test_pin_reset_and_unblock_known_answers(default_bo, method):
    bo = default_bo
    token = bo.token("card_ordinary", method)
    reset = bo.kiosk.ok("POST", "/v1/me/pin-authorizations", pin_body(bo, "card_ordinary"),
                        token=token)
    # ssc-card.md: RESET MAC4 with R3 = 11 x 16 on the known-answer card
    assert reset == {"apdu_hex": "805E000007" + "12" + "3456" + "67B62E21"}
    unblock = bo.kiosk.ok("POST", "/v1/me/pin-authorizations",
                          pin_body(bo, "card_ordinary", "unblock"), token=token)
    assert unblock == {"apdu_hex": "842400000487791AC3"}


def test_pin_authorisation_needs_sms_or_face_not_the_card(default_bo):
    bo = default_bo
    token = bo.token("card_ordinary", "card")
    r = bo.kiosk.send("POST", "/v1/me/pin-authorizations", pin_body(bo, "card_ordinary"),
                      token=token)
    assert refused(r, 403, "IDENTITY_NOT_VERIFIED")["details"]["reason"] == "needs_sms_or_face"


def test_pin_authorisation_for_the_persons_own_card_only(default_bo):
    bo = default_bo
    token = bo.token("card_blocked", "sms")
    r = bo.kiosk.send("POST", "/v1/me/pin-authorizations", pin_body(bo, "card_ordinary"),
                      token=token)
    assert refused(r, 403, "IDENTITY_NOT_VERIFIED")["details"]["reason"] == \
        "card_of_another_person"
    r = bo.kiosk.send("POST", "/v1/me/pin-authorizations",
                      {"operation": "unblock", "card_auth_id": str(uuid.uuid4()),
                       "challenge_hex": "00" * 16}, token=token)
    assert refused(r, 403, "IDENTITY_NOT_VERIFIED")["details"]["reason"] == "card_auth_unknown"
    assert bo.kiosk.ok("POST", "/v1/me/pin-authorizations",
                       pin_body(bo, "card_blocked", "unblock"), token=token)["apdu_hex"]


def test_pin_authorisation_refused_for_a_lost_or_unknown_card(default_bo):
    bo = default_bo
    token = bo.token("hubei_temp_lost", "sms")
    r = bo.kiosk.send("POST", "/v1/me/pin-authorizations", pin_body(bo, "hubei_temp_lost"),
                      token=token)
    refused(r, 409, "CARD_ALREADY_LOST")
    card_auth_id = bo.kiosk.card_auth("Z12345678", "330100D156000005000000000000ABCD")
    r = bo.kiosk.send("POST", "/v1/me/pin-authorizations",
                      {"operation": "reload", "card_auth_id": card_auth_id,
                       "challenge_hex": "00" * 16}, token=token)
    refused(r, 404, "CARD_NOT_FOUND")


@pytest.mark.parametrize("body,field", [
    ({"card_auth_id": str(uuid.uuid4()), "challenge_hex": "00" * 16}, "operation"),
    ({"operation": "erase", "card_auth_id": str(uuid.uuid4()), "challenge_hex": "00" * 16},
     "operation"),
    ({"operation": "reload", "challenge_hex": "00" * 16}, "card_auth_id"),
    ({"operation": "reload", "card_auth_id": str(uuid.uuid4()), "challenge_hex": "00" * 8},
     "challenge_hex"),
])
def test_pin_authorisation_validation(default_bo, body, field):
    r = default_bo.kiosk.send("POST", "/v1/me/pin-authorizations", body,
                              token=default_bo.token("card_ordinary", "sms"))
    assert refused(r, 400, "VALIDATION_FAILED")["details"]["field"] == field


# --- the terminal ----------------------------------------------------------------------------------

def test_heartbeat_and_config(bo):
    answer = bo.kiosk.ok("POST", "/v1/kiosks/heartbeat", {
        "software_version": "0.3.0", "devices": {"reader": "ok", "camera": {"state": "absent"}},
        "journal_backlog": 2, "uptime_s": 12.5})
    assert set(answer) == {"config_version"}
    config = bo.kiosk.ok("GET", "/v1/kiosks/config")
    assert config["jurisdiction"] == "hubei"
    assert config["idle_timeout_s"] == 120
    assert config["locales"] == ["zh_CN", "en"]
    assert config["config_version"] == answer["config_version"]
    assert config["policy"] == {"jurisdiction": "hubei", "version": "1"}
    assert config["session_ttl_s"] == 600
    bo.kiosk.ok("POST", "/v1/kiosks/heartbeat", {"software_version": "0.3.1", "devices": {},
                                                 "journal_backlog": 0, "uptime_s": 70})
    from backoffice.routes.kiosks import fleet

    with bo.state.database.session() as s:
        [row] = fleet(s)
    assert row["kiosk_id"] == "demo-kiosk-001" and row["beats"] == 2
    assert row["software_version"] == "0.3.1" and row["uptime_s"] == 70


@pytest.mark.parametrize("changes,field", [
    ({"software_version": None}, "software_version"),
    ({"devices": []}, "devices"),
    ({"journal_backlog": -1}, "journal_backlog"),
    ({"journal_backlog": True}, "journal_backlog"),
    ({"uptime_s": "long"}, "uptime_s"),
])
def test_heartbeat_validation(bo, changes, field):
    body = {"software_version": "0.3.0", "devices": {}, "journal_backlog": 0, "uptime_s": 1}
    body.update(changes)
    body = {k: v for k, v in body.items() if v is not None}
    err = refused(bo.kiosk.send("POST", "/v1/kiosks/heartbeat", body), 400, "VALIDATION_FAILED")
    assert err["details"]["field"] == field


def test_a_different_configuration_has_a_different_version():
    a, b = testing.start("hubei"), testing.start("hubei", idle_timeout_s=60)
    try:
        va = a.kiosk.ok("GET", "/v1/kiosks/config")["config_version"]
        vb = b.kiosk.ok("GET", "/v1/kiosks/config")["config_version"]
        assert va != vb
    finally:
        a.stop()
        b.stop()


# --- health and the test clock ---------------------------------------------------------------------

def test_health_names_the_pack_served(bo):
    health = requests.get(bo.url + "/v1/health", timeout=5).json()
    assert health["policy"] == {"jurisdiction": "hubei", "version": "1"}


def test_the_test_clock(bo):
    clock = bo.kiosk.ok("GET", "/v1/test/clock")
    assert clock["offset_s"] == 0
    moved = bo.kiosk.ok("POST", "/v1/test/clock", {"offset_s": 86400})
    assert moved["offset_s"] == 86400
    health = requests.get(bo.url + "/v1/health", timeout=5).json()
    assert health["time"] >= moved["time"]
    assert bo.kiosk.ok("POST", "/v1/test/clock", {"advance_s": -3600})["offset_s"] == 82800
    for body in ({}, {"offset_s": 1, "advance_s": 1}, {"offset_s": "x"},
                 {"offset_s": 10 ** 12}):
        refused(bo.kiosk.send("POST", "/v1/test/clock", body), 400, "VALIDATION_FAILED")
