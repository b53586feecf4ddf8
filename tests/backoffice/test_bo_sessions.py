"""Citizen sessions through a real server: card, SMS and face; limits; expiry; the end."""

import datetime as dt
import logging
import uuid

import pytest

from backoffice import testing
from backoffice.config import BackOfficeConfig
from backoffice.demo_data import PEOPLE
from backoffice.identity import Limits, is_weak_code, new_sms_code
from backoffice.testing import Kiosk, b64, card_auth_body, portrait_jpeg
from bo_support import TEST_KIOSK_ID, TEST_KIOSK_SECRET, refused


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


@pytest.fixture
def bo():
    # a second kiosk to show that sessions and card authentications are bound to one
    server = testing.start("hubei", kiosks={TEST_KIOSK_ID: TEST_KIOSK_SECRET})
    yield server
    server.stop()



# --- card ---------------------------------------------------------------------------------

def test_card_session_gives_a_token_bound_for_ten_minutes(bo):
    p = PEOPLE["card_ordinary"]
    opened = bo.kiosk.card_session(p.card.card_no, p.card.card_id_code).answer
    assert set(opened) == {"session_id", "token", "expires_at", "person"}
    assert opened["person"] == {"name": "陈思远", "ssn_masked": "4201**********4514"}
    left = (parse_time(opened["expires_at"]) - dt.datetime.now(dt.timezone.utc)).total_seconds()
    assert 590 <= left <= 601
    card = bo.kiosk.ok("GET", "/v1/me/card", token=opened["token"])
    assert card["card_no"] == "A10000001"


def test_card_session_needs_a_fresh_card_auth_of_this_kiosk(bo):
    p = PEOPLE["card_ordinary"]
    r = bo.kiosk.send("POST", "/v1/sessions", {"method": "card",
                                               "card_auth_id": str(uuid.uuid4())})
    assert refused(r, 403, "IDENTITY_NOT_VERIFIED")["details"]["reason"] == "card_auth_unknown"
    card_auth_id = bo.kiosk.card_auth(p.card.card_no, p.card.card_id_code)
    with Kiosk(bo.url, TEST_KIOSK_ID, TEST_KIOSK_SECRET) as other:
        r = other.send("POST", "/v1/sessions", {"method": "card", "card_auth_id": card_auth_id})
    assert refused(r, 403, "IDENTITY_NOT_VERIFIED")["details"]["reason"] == "card_auth_unknown"
    bo.shift_days(1 / 24)  # an hour: the card authentication (10 minutes) is stale
    r = bo.kiosk.send("POST", "/v1/sessions", {"method": "card", "card_auth_id": card_auth_id})
    assert refused(r, 403, "IDENTITY_NOT_VERIFIED")["details"]["reason"] == "card_auth_expired"


@pytest.mark.parametrize("key,status,code", [
    ("hubei_cancelled", 409, "CARD_CANCELLED"),
    ("hubei_replaced", 409, "CARD_REPLACED"),
])
def test_a_void_card_opens_no_session(bo, key, status, code):
    card = PEOPLE[key].card
    card_auth_id = bo.kiosk.card_auth(card.card_no, card.card_id_code)
    r = bo.kiosk.send("POST", "/v1/sessions", {"method": "card", "card_auth_id": card_auth_id})
    refused(r, status, code)


def test_a_card_not_on_record_is_card_not_found(bo):
    # genuine (the HSM's keys) but unknown to this back office
    card_auth_id = bo.kiosk.card_auth("Z12345678", "330100D156000005000000000000ABCD")
    r = bo.kiosk.send("POST", "/v1/sessions", {"method": "card", "card_auth_id": card_auth_id})
    refused(r, 404, "CARD_NOT_FOUND")


@pytest.mark.parametrize("body,field", [
    ({}, "method"),
    ({"method": "iris"}, "method"),
    ({"method": "card"}, "card_auth_id"),
    ({"method": "card", "card_auth_id": "not-a-uuid"}, "card_auth_id"),
    ({"method": "sms", "name": "陈思远"}, "ssn"),
    ({"method": "sms", "ssn": "420106198503124515", "name": "陈思远"}, "ssn"),  # check digit
    ({"method": "sms", "ssn": "420106198503124514"}, "name"),
    ({"method": "face", "ssn": "420106198503124514", "name": "陈思远"}, "image_jpeg_b64"),
    ({"method": "face", "ssn": "420106198503124514", "name": "陈思远",
      "image_jpeg_b64": "***"}, "image_jpeg_b64"),
    ({"method": "face", "ssn": "420106198503124514", "name": "陈思远",
      "image_jpeg_b64": b64(b"GIF89a not a jpeg")}, "image_jpeg_b64"),
])
def test_malformed_session_requests(bo, body, field):
    err = refused(bo.kiosk.send("POST", "/v1/sessions", body), 400, "VALIDATION_FAILED")
    assert err["details"]["field"] == field


# --- SMS -------------------------------------------------------------------------------------

def test_sms_session_code_then_token(bo):
    p = PEOPLE["hubei_temp_lost"]
    opened = bo.kiosk.ok("POST", "/v1/sessions", {"method": "sms", "ssn": p.ssn, "name": p.name})
    assert set(opened) == {"session_id", "expires_at", "person"}  # no token yet
    assert opened["person"]["ssn_masked"] == p.ssn_masked
    phone, code = bo.sms.sent[-1]
    assert phone == p.phone and len(code) == 6 and code.isdigit()
    verified = bo.kiosk.ok("POST", f"/v1/sessions/{opened['session_id']}/verify", {"code": code})
    assert set(verified) == {"token", "expires_at"}
    card = bo.kiosk.ok("GET", "/v1/me/card", token=verified["token"])
    assert card["status"] == "temp_lost"
    # the code was used: verifying again is refused
    r = bo.kiosk.send("POST", f"/v1/sessions/{opened['session_id']}/verify", {"code": code})
    refused(r, 401, "SESSION_EXPIRED")


def test_five_wrong_codes_then_too_many_attempts_even_for_the_right_one(bo):
    p = PEOPLE["hubei_active"]
    opened = bo.kiosk.ok("POST", "/v1/sessions", {"method": "sms", "ssn": p.ssn, "name": p.name})
    right = bo.sms.last_code(p.phone)
    wrong = "000000" if right != "000000" else "000001"
    path = f"/v1/sessions/{opened['session_id']}/verify"
    for attempt in range(1, 5):
        err = refused(bo.kiosk.send("POST", path, {"code": wrong}), 403, "CHALLENGE_FAILED")
        assert err["details"]["attempts_left"] == 5 - attempt
    refused(bo.kiosk.send("POST", path, {"code": wrong}), 429, "TOO_MANY_ATTEMPTS")
    refused(bo.kiosk.send("POST", path, {"code": right}), 429, "TOO_MANY_ATTEMPTS")


def test_a_wrong_code_counts_even_when_the_answer_is_replayed(bo):
    """A failed attempt is kept with its (replayable) answer; a replay is no new attempt."""
    p = PEOPLE["hubei_active"]
    opened = bo.kiosk.ok("POST", "/v1/sessions", {"method": "sms", "ssn": p.ssn, "name": p.name})
    right = bo.sms.last_code(p.phone)
    wrong = "000000" if right != "000000" else "000001"
    path = f"/v1/sessions/{opened['session_id']}/verify"
    key = str(uuid.uuid4())
    first = bo.kiosk.send("POST", path, {"code": wrong}, key=key)
    again = bo.kiosk.send("POST", path, {"code": wrong}, key=key)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert first.json() == again.json()
    err = refused(bo.kiosk.send("POST", path, {"code": wrong}), 403, "CHALLENGE_FAILED")
    assert err["details"]["attempts_left"] == 3
    assert bo.kiosk.ok("POST", path, {"code": right})["token"]


def test_unknown_or_foreign_session_id_is_session_expired(bo):
    refused(bo.kiosk.send("POST", f"/v1/sessions/{uuid.uuid4()}/verify", {"code": "1111"}),
            401, "SESSION_EXPIRED")
    refused(bo.kiosk.send("POST", "/v1/sessions/not-a-uuid/verify", {"code": "1111"}),
            401, "SESSION_EXPIRED")
    err = refused(bo.kiosk.send("POST", f"/v1/sessions/{uuid.uuid4()}/verify", {"code": "12a"}),
                  400, "VALIDATION_FAILED")
    assert err["details"]["field"] == "code"


def test_an_sms_code_expires(bo):
    p = PEOPLE["hubei_active"]
    opened = bo.kiosk.ok("POST", "/v1/sessions", {"method": "sms", "ssn": p.ssn, "name": p.name})
    code = bo.sms.last_code(p.phone)
    bo.shift_days(6 / 1440)  # 6 minutes
    r = bo.kiosk.send("POST", f"/v1/sessions/{opened['session_id']}/verify", {"code": code})
    assert refused(r, 401, "SESSION_EXPIRED")["details"]["reason"] == "code_expired"


def test_wrong_name_or_unknown_number_is_identity_not_verified_alike(bo):
    p = PEOPLE["hubei_active"]
    wrong_name = bo.kiosk.send("POST", "/v1/sessions", {"method": "sms", "ssn": p.ssn,
                                                         "name": "张三"})
    unknown = bo.kiosk.send("POST", "/v1/sessions", {"method": "sms",
                                                      "ssn": "11010519491231002X",
                                                      "name": "张三"})
    a = refused(wrong_name, 403, "IDENTITY_NOT_VERIFIED")
    b = refused(unknown, 403, "IDENTITY_NOT_VERIFIED")
    assert a == b  # nothing tells whether the number exists
    assert not bo.sms.sent


def test_names_compare_after_normalisation(bo):
    p = PEOPLE["card_long_name"]
    typed = p.name.replace("·", "•").replace("买买提", "买买提 ")
    assert bo.kiosk.sms_session(p.ssn, typed, bo.sms, p.phone).token


def test_failed_identity_checks_lock_the_number(bo):
    p = PEOPLE["hubei_lost"]
    for _ in range(5):
        refused(bo.kiosk.send("POST", "/v1/sessions", {"method": "sms", "ssn": p.ssn,
                                                        "name": "不是他"}),
                403, "IDENTITY_NOT_VERIFIED")
    # now even the right name is refused, by SMS and by face
    err = refused(bo.kiosk.send("POST", "/v1/sessions", {"method": "sms", "ssn": p.ssn,
                                                          "name": p.name}),
                  429, "TOO_MANY_ATTEMPTS")
    assert err["details"]["scope"] == "ssn" and err["details"]["retry_after_s"] > 0
    refused(bo.kiosk.send("POST", "/v1/sessions", {
        "method": "face", "ssn": p.ssn, "name": p.name, "image_jpeg_b64": b64(portrait_jpeg())}),
        429, "TOO_MANY_ATTEMPTS")
    # another number is not affected
    other = PEOPLE["hubei_active"]
    assert bo.kiosk.sms_session(other.ssn, other.name, bo.sms, other.phone).token
    # a day later the number may try again
    bo.shift_days(1.01)
    assert bo.kiosk.sms_session(p.ssn, p.name, bo.sms, p.phone).token


def test_sms_codes_per_number_are_rate_limited(bo):
    p = PEOPLE["hubei_active"]
    for _ in range(5):
        bo.kiosk.ok("POST", "/v1/sessions", {"method": "sms", "ssn": p.ssn, "name": p.name})
    r = bo.kiosk.send("POST", "/v1/sessions", {"method": "sms", "ssn": p.ssn, "name": p.name})
    err = refused(r, 429, "RATE_LIMITED")
    assert err["details"]["scope"] == "sms"
    assert int(r.headers["Retry-After"]) > 0
    assert len(bo.sms.sent) == 5


def test_identity_checks_per_kiosk_are_rate_limited():
    server = testing.start("hubei", identity_limits=Limits(attempts_per_kiosk=3))
    try:
        people = [PEOPLE[k] for k in ("hubei_active", "hubei_lost", "hubei_child",
                                      "hubei_cancelled")]
        for p in people[:3]:
            server.kiosk.ok("POST", "/v1/sessions", {"method": "sms", "ssn": p.ssn,
                                                      "name": p.name})
        p = people[3]
        r = server.kiosk.send("POST", "/v1/sessions", {"method": "sms", "ssn": p.ssn,
                                                        "name": p.name})
        assert refused(r, 429, "RATE_LIMITED")["details"]["scope"] == "kiosk"
        assert 1 <= int(r.headers["Retry-After"]) <= 61
        # the card is no identity check by SMS or face: still fine
        assert server.token("card_ordinary")
    finally:
        server.stop()


def test_a_person_without_a_phone_cannot_use_sms(bo):
    p = PEOPLE["demo_no_phone"]
    r = bo.kiosk.send("POST", "/v1/sessions", {"method": "sms", "ssn": p.ssn, "name": p.name})
    assert refused(r, 403, "IDENTITY_NOT_VERIFIED")["details"]["reason"] == "no_phone_on_record"


def test_demo_mode_writes_the_code_to_the_log(caplog):
    server = testing.start("hubei")
    try:
        from backoffice.identity import LogSmsSender

        server.state.sms = LogSmsSender()
        server.state.sms_codes = lambda: "480715"
        p = PEOPLE["hubei_active"]
        with caplog.at_level(logging.INFO, logger="backoffice.sms"):
            opened = server.kiosk.ok("POST", "/v1/sessions", {"method": "sms", "ssn": p.ssn,
                                                               "name": p.name})
        lines = [r.getMessage() for r in caplog.records if r.name == "backoffice.sms"]
        assert lines == [f"SMS code for {p.phone[:3]}****{p.phone[-4:]}: 480715"]
        assert p.phone not in "\n".join(r.getMessage() for r in caplog.records)
        assert server.kiosk.ok("POST", f"/v1/sessions/{opened['session_id']}/verify",
                               {"code": "480715"})["token"]
    finally:
        server.stop()


def test_codes_are_random_and_never_weak():
    codes = {new_sms_code() for _ in range(300)}
    assert len(codes) > 290
    assert all(len(c) == 6 and c.isdigit() and not is_weak_code(c) for c in codes)
    for weak in ("123456", "654321", "111111", "890123", "000000"):
        assert is_weak_code(weak)


def test_production_without_gateway_or_face_check_offers_neither(tmp_path):
    from backoffice.hsm import HsmKeys
    from backoffice.server import EmbeddedBackOffice

    config = BackOfficeConfig(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}", jurisdiction="hubei",
                              hsm_keys=HsmKeys.from_hex("11" * 16, "22" * 16, "33" * 16),
                              kiosks={TEST_KIOSK_ID: TEST_KIOSK_SECRET})
    with EmbeddedBackOffice(config) as server, Kiosk(server.url, TEST_KIOSK_ID,
                                                     TEST_KIOSK_SECRET) as k:
        for body in ({"method": "sms", "ssn": "420106198503124514", "name": "陈思远"},
                     {"method": "face", "ssn": "420106198503124514", "name": "陈思远",
                      "image_jpeg_b64": b64(portrait_jpeg())}):
            refused(k.send("POST", "/v1/sessions", body), 403, "SERVICE_NOT_OFFERED")
        # no demo people, no test clock outside demo/test mode
        assert k.send("GET", "/v1/test/clock").status_code == 404


def test_a_gateway_hook_sends_the_code(tmp_path):
    sent = []
    server = testing.start("hubei", sms_gateway=lambda phone, code: sent.append((phone, code)))
    try:
        from backoffice.identity import sms_sender_for

        server.state.sms = sms_sender_for(server.state.config)  # undo the capture
        p = PEOPLE["hubei_active"]
        opened = server.kiosk.ok("POST", "/v1/sessions", {"method": "sms", "ssn": p.ssn,
                                                           "name": p.name})
        assert sent and sent[0][0] == p.phone
        assert server.kiosk.ok("POST", f"/v1/sessions/{opened['session_id']}/verify",
                               {"code": sent[0][1]})["token"]
    finally:
        server.stop()


# --- face ------------------------------------------------------------------------------------

def test_face_session_with_one_face(bo):
    p = PEOPLE["hubei_active"]
    opened = bo.kiosk.face_session(p.ssn, p.name, portrait_jpeg()).answer
    assert opened["token"] and opened["person"]["name"] == p.name


@pytest.mark.parametrize("faces,reason", [(0, "no_face"), (2, "several_faces")])
def test_face_session_refused_without_exactly_one_face(bo, faces, reason):
    p = PEOPLE["hubei_active"]
    r = bo.kiosk.send("POST", "/v1/sessions", {"method": "face", "ssn": p.ssn, "name": p.name,
                                               "image_jpeg_b64": b64(portrait_jpeg(faces=faces))})
    assert refused(r, 403, "IDENTITY_NOT_VERIFIED")["details"]["reason"] == reason


# --- the token -------------------------------------------------------------------------------

def test_token_expires_after_ten_minutes(bo):
    token = bo.token("hubei_active")
    assert bo.kiosk.send("GET", "/v1/me/card", token=token).status_code == 200
    bo.shift_days(601 / 86400)
    err = refused(bo.kiosk.send("GET", "/v1/me/card", token=token), 401, "SESSION_EXPIRED")
    assert err["details"]["reason"] == "expired"


def test_token_is_bound_to_its_kiosk(bo):
    token = bo.token("hubei_active")
    with Kiosk(bo.url, TEST_KIOSK_ID, TEST_KIOSK_SECRET) as other:
        r = other.send("GET", "/v1/me/card", token=token)
    assert refused(r, 401, "SESSION_EXPIRED")["details"]["reason"] == "other_kiosk"


@pytest.mark.parametrize("header", [None, "Bearer nonsense-token-that-is-long", "Basic abc"])
def test_no_or_unknown_token(bo, header):
    r = bo.kiosk.send("GET", "/v1/me/card",
                      extra_headers={"Authorization": header} if header is not None else None)
    refused(r, 401, "SESSION_EXPIRED")


def test_delete_current_ends_the_session_and_is_repeatable(bo):
    token = bo.token("hubei_active")
    r = bo.kiosk.send("DELETE", "/v1/sessions/current", token=token)
    assert r.status_code == 204 and r.content == b""
    err = refused(bo.kiosk.send("GET", "/v1/me/card", token=token), 401, "SESSION_EXPIRED")
    assert err["details"]["reason"] == "ended"
    assert bo.kiosk.send("DELETE", "/v1/sessions/current", token=token).status_code == 204
    refused(bo.kiosk.send("DELETE", "/v1/sessions/current"), 401, "SESSION_EXPIRED")
    refused(bo.kiosk.send("DELETE", "/v1/sessions/current", token="x" * 43), 401,
            "SESSION_EXPIRED")


def test_a_token_is_stored_only_as_a_hash(bo):
    from sqlalchemy import select

    from backoffice.models import CitizenSession

    token = bo.token("hubei_active")
    with bo.state.database.session() as s:
        hashes = list(s.scalars(select(CitizenSession.token_hash)))
    assert token not in hashes and len(hashes) == 1 and len(hashes[0]) == 64


def test_card_auth_body_helper_is_genuine(bo):
    body = card_auth_body("A10000001", "420100D156000005A1B2C3D4E5F60718",
                          r1=bytes(range(16)), r2=bytes(range(15, -1, -1)))
    assert body["internal_response_hex"] == "F3E8555F4C478312969FD9785699C477"
