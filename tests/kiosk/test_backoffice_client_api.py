"""Every endpoint of backoffice-api.md through the client, against the real reference server.

The server is the project's reference back office (``EmbeddedBackOffice``, test
mode, seeded demo people). Nothing here is skipped: a client URL the server does
not serve answers ``404 NOT_FOUND`` (``EndpointNotFound``) and fails its test.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import uuid

import pytest

from kiosk import sm4
from kiosk.backoffice_answers import CONTRACT_CODES, ERROR_CLASSES
from kiosk.backoffice_calls import report_loss_call
from kiosk.backoffice_client import BackOfficeClient
from kiosk.backoffice_types import Application, CardStatus, KioskConfig, Profile, Session
from kiosk.card import CardAuthRequest
from kiosk.errors import (BackOfficeError, CardAlreadyLost, CardCancelled, CardNotLost,
                          CardReplaced, ChallengeFailed, ContractError,
                          IdentityNotVerified, KeyFieldChangeRequiresRenewal, NoSession,
                          PhotoInvalid, RenewalAlreadyInProgress, SessionExpired,
                          TooManyAttempts, ValidationFailed)

from .test_backoffice_client import ScriptedServer, json_answer

from backoffice.config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, BackOfficeConfig
from backoffice.demo_data import PEOPLE, STAGES
from backoffice.hsm import TEST_KEYS
from backoffice.server import EmbeddedBackOffice

FAKE_JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"


class Codes:
    """The SMS gateway hook of the test server: remembers the last code per phone."""

    def __init__(self):
        self.last: dict[str, str] = {}

    def __call__(self, phone: str, code: str) -> None:
        self.last[phone] = code


def start_server(tmp_path, **overrides):
    codes = Codes()
    config = BackOfficeConfig.for_tests(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}",
                                        sms_gateway=codes, face_verifier=lambda person, jpeg: True,
                                        **overrides)
    bo = EmbeddedBackOffice(config).__enter__()
    bo.codes = codes
    return bo


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    bo = start_server(tmp_path_factory.mktemp("bo"))
    yield bo
    bo.__exit__(None, None, None)


@pytest.fixture
def own_server(tmp_path):
    """A server of the test's own (its clock is shifted, or its state must be fresh)."""
    bo = start_server(tmp_path)
    yield bo
    bo.__exit__(None, None, None)


@pytest.fixture
def client(server):
    c = BackOfficeClient(server.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET)
    yield c
    c.close()


def card_auth(client, card):
    """The HSM step for a demo card, answered as the card would (test keys)."""
    code = bytes.fromhex(card.card_id_code)
    r1, r2 = os.urandom(16), os.urandom(16)
    response = sm4.sm4_ecb_encrypt(sm4.derive_card_key(TEST_KEYS.internal_auth, code), r1)
    return client.card_auth(CardAuthRequest(card.card_no, code, r1, response, r2))


def card_session(client, key: str) -> Session:
    person = PEOPLE[key]
    answer = card_auth(client, person.card)
    return client.open_session_card(answer.card_auth_id)


def sms_session(client, server, key: str) -> Session:
    person = PEOPLE[key]
    pending = client.open_session_sms(person.ssn, person.name)
    return client.verify_sms(pending.session_id, server.codes.last[person.phone])


# --- errors: one class per contract code ---------------------------------------------------

def test_every_contract_code_has_its_class():
    assert CONTRACT_CODES <= set(ERROR_CLASSES)
    for code, cls in ERROR_CLASSES.items():
        assert issubclass(cls, BackOfficeError)
        assert cls.code == code


@pytest.mark.parametrize("code", sorted(CONTRACT_CODES))
def test_contract_errors_are_typed_with_a_plain_message(code):
    secret = "张三 42010119900307123X 13812341234"
    details = {"field": "phone", "rule": "size", "article": "第14条", "reason": "x"}
    err = {"error": {"code": code, "message": secret, "details": details}}
    with ScriptedServer([json_answer(409, err)]) as srv, \
            BackOfficeClient(srv.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as c:
        with pytest.raises(ERROR_CLASSES[code]) as info:
            c.request("GET", "/v1/me/card")
    e = info.value
    assert type(e) is ERROR_CLASSES[code]
    assert e.code == code and e.http_status == 409 and e.details == details
    text = str(e)
    assert text and text.isascii() and len(text) < 80
    for part in secret.split():
        assert part not in text and part not in repr(e)
    if isinstance(e, ContractError):
        assert e.server_message == secret  # kept for a debugger, never shown


def test_error_attributes():
    from kiosk.errors import PhotoInvalid, ServiceNotOffered, ValidationFailed
    assert ValidationFailed(details={"field": "phone"}).field == "phone"
    assert ServiceNotOffered(details={"article": "第14条"}).article == "第14条"
    assert PhotoInvalid(details={"rule": "background"}).rule == "background"
    assert str(PhotoInvalid(details={"rule": "background"})) == \
        "the photo does not meet the rules (background)"
    assert CardAlreadyLost().refusal and not SessionExpired().refusal


def test_citizen_calls_need_a_session_and_send_nothing_without_one():
    with ScriptedServer([json_answer(200, {})]) as srv, \
            BackOfficeClient(srv.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as c:
        for method in (c.my_card, c.my_applications, c.my_profile, c.lift_loss):
            with pytest.raises(NoSession):
                method()
        with pytest.raises(NoSession):
            c.report_loss("temporary")
        assert not c.end_session()
    assert srv.received == []


def test_argument_checks_happen_before_sending():
    c = BackOfficeClient("http://127.0.0.1:9", DEMO_KIOSK_ID, DEMO_KIOSK_SECRET)
    with pytest.raises(ValueError):
        report_loss_call("stolen")
    with pytest.raises(ValueError):
        report_loss_call("temporary", "3d")
    with pytest.raises(ValueError):
        c.pin_authorization("reset", "id", bytes(16))
    with pytest.raises(ValueError):
        c.update_profile({})
    with pytest.raises(ValueError):
        c.verify_sms("../../v1/x", "123456")
    c.close()


# --- sessions ------------------------------------------------------------------------------

def test_card_session_remembers_the_token_and_sends_it_as_bearer(client):
    session = card_session(client, "card_ordinary")
    assert session.verified and session.method == "card"
    assert client.session is session and client.session_token == session.token
    assert session.person.ssn_masked == PEOPLE["card_ordinary"].ssn_masked
    assert session.expires_at > dt.datetime.now(dt.timezone.utc)
    assert session.token not in repr(session) and "陈思远" not in repr(session)
    card = client.my_card()
    assert isinstance(card, CardStatus) and card.card_no == "A10000001"
    assert card.status == "active" and card.loss is None
    assert isinstance(card.issued_on, dt.date) and card.expires_on > card.issued_on
    assert card.services and all(isinstance(s, str) for s in card.services)
    assert "A10000001" not in repr(card)
    assert client.end_session() is True
    assert client.session is None
    with pytest.raises(NoSession):
        client.my_card()
    # the old token is dead at the back office too
    with pytest.raises(SessionExpired):
        client.request("GET", "/v1/me/card", bearer=session.token)


def test_card_session_refusals(client):
    for key, error in (("hubei_cancelled", CardCancelled), ("hubei_replaced", CardReplaced)):
        answer = card_auth(client, PEOPLE[key].card)
        with pytest.raises(error):
            client.open_session_card(answer.card_auth_id)
    with pytest.raises(IdentityNotVerified):
        client.open_session_card(str(uuid.uuid4()))
    assert client.session is None


def test_sms_session(client, server):
    person = PEOPLE["hubei_stage_personalised"]
    pending = client.open_session_sms(person.ssn, person.name)
    assert not pending.verified and pending.token is None and client.session is None
    assert pending.person is None or pending.person.ssn_masked == person.ssn_masked
    code = server.codes.last[person.phone]
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ChallengeFailed) as info:
        client.verify_sms(pending.session_id, wrong)
    assert info.value.details.get("attempts_left") == 4
    session = client.verify_sms(pending.session_id, code)
    assert session.verified and session.session_id == pending.session_id
    assert client.session_token == session.token
    assert client.my_card().status == "active"
    client.end_session()


def test_sms_five_wrong_codes(client, server):
    person = PEOPLE["hubei_stage_delivered_to_outlet"]
    pending = client.open_session_sms(person.ssn, person.name)
    code = server.codes.last[person.phone]
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        with pytest.raises(ChallengeFailed):
            client.verify_sms(pending.session_id, wrong)
    with pytest.raises(TooManyAttempts):
        client.verify_sms(pending.session_id, wrong)
    with pytest.raises(TooManyAttempts):
        client.verify_sms(pending.session_id, code)
    assert client.session is None


def test_sms_identity_mismatch(client):
    person = PEOPLE["hubei_stage_accepted"]
    with pytest.raises(IdentityNotVerified):
        client.open_session_sms(person.ssn, "不是我")


def test_face_session(client):
    person = PEOPLE["hainan_active"]
    session = client.open_session_face(person.ssn, person.name, FAKE_JPEG)
    assert session.verified and session.method == "face"
    assert client.my_card().card_no == person.card.card_no
    client.end_session()


# --- the card ------------------------------------------------------------------------------

def test_report_and_lift_a_loss(client):
    card_session(client, "card_initial_pin")
    status = client.report_loss("temporary", None)
    assert status.status == "temp_lost" and status.loss.kind == "temporary"
    assert isinstance(status.loss.since, dt.datetime)
    with pytest.raises(CardAlreadyLost):
        client.report_loss("temporary", None)
    assert client.my_card().status == "temp_lost"
    lifted = client.lift_loss()
    assert lifted.status == "active" and lifted.loss is None
    with pytest.raises(CardNotLost):
        client.lift_loss()
    client.end_session()


def test_a_write_replayed_with_its_key_has_one_effect(client, server):
    card_session(client, "card_expiring_soon")
    key = str(uuid.uuid4())
    first = client.report_loss("temporary", None, idempotency_key=key)
    assert not client.last_replayed
    again = client.report_loss("temporary", None, idempotency_key=key)
    assert client.last_replayed and again == first
    from sqlalchemy import func, select

    from backoffice.models import Card, Loss
    with server.state.database.session() as s:
        card_id = s.scalar(select(Card.id).where(Card.card_no == "C44000004"))
        assert s.scalar(select(func.count()).select_from(Loss).where(Loss.card_id == card_id)) == 1
    client.lift_loss()
    client.end_session()


def test_a_duration_the_pack_does_not_allow(client):
    card_session(client, "card_long_name")
    with pytest.raises(ValidationFailed) as info:
        client.report_loss("temporary", "7d")
    assert info.value.field == "duration"
    client.end_session()


# --- applications, profile, renewals -------------------------------------------------------

def test_my_applications_in_stage_order(client, server):
    sms_session(client, server, "hubei_stage_bank_account_opened")
    apps = client.my_applications()
    assert len(apps) == 1 and isinstance(apps[0], Application)
    app = apps[0]
    assert app.kind == "renewal" and app.current_stage == "bank_account_opened"
    names = [s.stage for s in app.stages]
    assert names == list(STAGES[:len(names)]) and names[-1] == "bank_account_opened"
    assert isinstance(app.expected_by, dt.date)
    client.end_session()


def test_profile_read_and_change(client, server):
    sms_session(client, server, "hubei_stage_ready_for_pickup")
    profile = client.my_profile()
    assert isinstance(profile, Profile) and "phone" in profile.editable
    assert profile.name == PEOPLE["hubei_stage_ready_for_pickup"].name
    assert profile.name not in repr(profile) and profile.phone not in repr(profile)
    changed = client.update_profile({"phone": "13700001111"})
    assert changed.phone == "13700001111"
    with pytest.raises(KeyFieldChangeRequiresRenewal) as info:
        client.update_profile({"name": "新名字"})
    assert info.value.field == "name"
    with pytest.raises(ValidationFailed) as info:
        client.update_profile({"phone": "12345"})
    assert info.value.field == "phone"
    assert client.my_profile().phone == "13700001111"
    client.end_session()


def test_renewal(client, server):
    sms_session(client, server, "hubei_child")  # below the photo age: no photo needed
    app = client.apply_renewal("damaged", None, "pickup")
    assert isinstance(app, Application) and app.kind == "renewal"
    assert app.current_stage == "accepted" and [s.stage for s in app.stages] == ["accepted"]
    with pytest.raises(RenewalAlreadyInProgress):
        client.apply_renewal("damaged", None, "pickup")
    assert [a.application_id for a in client.my_applications()] == [app.application_id]
    client.end_session()


def test_renewal_photo_refused_with_its_rule(client, server):
    sms_session(client, server, "hubei_stage_collected")
    with pytest.raises(PhotoInvalid) as info:
        client.apply_renewal("damaged", FAKE_JPEG, "pickup")
    assert info.value.rule in ("format", "size")
    client.end_session()


# --- PIN authorisations ----------------------------------------------------------------------

def test_pin_authorization_returns_the_card_command_with_its_mac(client, server):
    person = PEOPLE["card_blocked"]
    answer = card_auth(client, person.card)
    sms_session(client, server, "card_blocked")
    challenge = bytes([0x11]) * 16
    key = sm4.derive_card_key(TEST_KEYS.pin, bytes.fromhex(person.card.card_id_code))
    apdu = client.pin_authorization("unblock", answer.card_auth_id, challenge)
    assert apdu[:5] == bytes.fromhex("8424000004")
    assert apdu[5:] == sm4.mac4(key, challenge, apdu[:5])
    apdu = client.pin_authorization("reload", answer.card_auth_id, challenge)
    assert apdu[:8] == bytes.fromhex("805E000007123456")
    assert apdu[8:] == sm4.mac4(key, challenge, apdu[:8])
    client.end_session()


def test_pin_authorization_needs_an_identity_check_not_the_card(client):
    person = PEOPLE["card_expired"]
    answer = card_auth(client, person.card)
    client.open_session_card(answer.card_auth_id)
    with pytest.raises(IdentityNotVerified):
        client.pin_authorization("unblock", answer.card_auth_id, bytes(16))
    client.end_session()


# --- the terminal ----------------------------------------------------------------------------

def test_heartbeat_and_config(client):
    beat = client.heartbeat(devices={"reader": "ok", "camera": "absent"}, journal_backlog=2,
                            uptime_s=61.5)
    assert beat.config_version
    config = client.kiosk_config()
    assert isinstance(config, KioskConfig)
    assert config.jurisdiction == "default" and config.idle_timeout_s > 0 and config.locales
    assert config.raw.get("config_version", beat.config_version) == beat.config_version


# --- expiry --------------------------------------------------------------------------------

def test_an_expired_session_is_forgotten(own_server):
    with BackOfficeClient(own_server.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as c:
        card_session(c, "card_ordinary")
        c.request("POST", "/v1/test/clock", json_body={"advance_s": 601})
        with pytest.raises(SessionExpired):
            c.my_card()
        assert c.session is None
        assert c.end_session() is False


def test_jurisdiction_refusal_cites_the_article(tmp_path):
    from kiosk.errors import FormalLossNotLiftable
    bo = start_server(tmp_path, jurisdiction="hubei")
    try:
        with BackOfficeClient(bo.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as c:
            sms_session(c, bo, "hubei_lost")
            with pytest.raises(FormalLossNotLiftable) as info:
                c.lift_loss()
            assert "第29条" in (info.value.details.get("article") or "")
    finally:
        bo.__exit__(None, None, None)


def test_b64_bodies_are_what_the_contract_says():
    with ScriptedServer([json_answer(200, {"session_id": "s", "token": "t" * 20,
                                           "expires_at": "2030-01-01T00:00:00Z",
                                           "person": {"name": "张三", "ssn_masked": "x"}})]) as srv, \
            BackOfficeClient(srv.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as c:
        c.open_session_face("42010119900307123X", "张三", FAKE_JPEG)
        import json
        body = json.loads(srv.received[0]["body"])
        assert body == {"method": "face", "ssn": "42010119900307123X", "name": "张三",
                        "image_jpeg_b64": base64.b64encode(FAKE_JPEG).decode()}
