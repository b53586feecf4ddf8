"""Late replays (docs/outbox.md, backoffice/late_replay.py), injected faults
(``/v1/test/faults``), through a real server."""

from __future__ import annotations

import json
import time
import uuid

import pytest
import requests
from sqlalchemy import func, select

from backoffice import testing
from backoffice.config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, BackOfficeConfig, ConfigError
from backoffice.demo_data import PEOPLE
from backoffice.models import Loss
from bo_support import error_of
from kiosk import signing

LOSS = "/v1/me/card/loss"
BODY = json.dumps({"kind": "temporary", "duration": None}).encode()


@pytest.fixture
def bo():
    server = testing.start("hubei")
    yield server
    server.stop()


def send(bo, method: str, path: str, body: bytes, *, token: str | None, key: str,
         original: int | None = None, original_signature: str | None = None,
         secret: str = DEMO_KIOSK_SECRET, kiosk_id: str = DEMO_KIOSK_ID) -> requests.Response:
    """A signed request as the kiosk's outbox sends a replay (``original``: its first time)."""
    replay = {}
    if original is not None:
        bearer = f"Bearer {token}" if token else None
        replay = {signing.ORIGINAL_TIMESTAMP_HEADER: str(original),
                  signing.ORIGINAL_SIGNATURE_HEADER: original_signature or signing.replay_signature(
                      secret, method, path, original, body, key, bearer)}
    with testing.Kiosk(bo.url, kiosk_id, secret) as kiosk:
        return kiosk.send(method, path, body, token=token, key=key, extra_headers=replay,
                          timeout=10)


def losses(bo, key: str) -> int:
    from backoffice.models import Card

    with bo.state.database.session() as s:
        card_id = s.scalar(select(Card.id).where(Card.card_no == PEOPLE[key].card.card_no))
        return s.scalar(select(func.count()).select_from(Loss).where(Loss.card_id == card_id))


def ended_session(bo, key: str) -> tuple[str, int]:
    """A token whose session ended right away, and a time inside its lifetime."""
    token = bo.token(key, "sms")
    made = int(time.time())
    bo.kiosk.ok("DELETE", "/v1/sessions/current", token=token)
    return token, made


def test_a_request_made_in_the_session_runs_after_its_end(bo):
    token, made = ended_session(bo, "hubei_active")
    key = str(uuid.uuid4())
    plain = send(bo, "POST", LOSS, BODY, token=token, key=key)
    assert plain.status_code == 401 and error_of(plain)["details"]["reason"] == "ended"
    r = send(bo, "POST", LOSS, BODY, token=token, key=str(uuid.uuid4()), original=made)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "temp_lost" and losses(bo, "hubei_active") == 1


@pytest.mark.parametrize("breaks", ["signature", "body", "key", "token", "malformed", "future"])
def test_a_claim_that_does_not_hold_is_bad_signature(bo, breaks):
    token, made = ended_session(bo, "hubei_active")
    key = str(uuid.uuid4())
    sig = {
        "signature": "0" * 64,
        "body": signing.replay_signature(DEMO_KIOSK_SECRET, "POST", LOSS, made, b"{}", key,
                                         f"Bearer {token}"),
        "key": signing.replay_signature(DEMO_KIOSK_SECRET, "POST", LOSS, made, BODY,
                                        str(uuid.uuid4()), f"Bearer {token}"),
        "token": signing.replay_signature(DEMO_KIOSK_SECRET, "POST", LOSS, made, BODY, key,
                                          "Bearer another-token-0123456789"),
        "malformed": "not hex",
        "future": None,
    }[breaks]
    original = made + 3600 if breaks == "future" else made
    r = send(bo, "POST", LOSS, BODY, token=token, key=key, original=original,
             original_signature=sig)
    assert r.status_code == 401 and error_of(r)["code"] == "BAD_SIGNATURE", r.text
    assert losses(bo, "hubei_active") == 0


def test_a_claim_is_checked_even_with_a_live_session(bo):
    token = bo.token("hubei_active", "sms")
    r = send(bo, "POST", LOSS, BODY, token=token, key=str(uuid.uuid4()),
             original=int(time.time()), original_signature="0" * 64)
    assert r.status_code == 401 and error_of(r)["code"] == "BAD_SIGNATURE"
    assert losses(bo, "hubei_active") == 0


def test_a_request_made_outside_the_session_is_session_expired(bo):
    token, made = ended_session(bo, "hubei_active")
    r = send(bo, "POST", LOSS, BODY, token=token, key=str(uuid.uuid4()), original=made - 3600)
    err = error_of(r)
    assert r.status_code == 401 and err["code"] == "SESSION_EXPIRED"
    assert err["details"]["reason"] == "ended" and "original_time" in err["details"]
    assert losses(bo, "hubei_active") == 0


def test_only_the_outbox_writes_take_a_late_replay(bo):
    """A PIN authorisation is bound to a card challenge: never completed late."""
    token, made = ended_session(bo, "hubei_active")
    body = json.dumps({"operation": "reload", "card_auth_id": str(uuid.uuid4()),
                       "challenge_hex": "00" * 8}).encode()
    r = send(bo, "POST", "/v1/me/pin-authorizations", body, token=token,
             key=str(uuid.uuid4()), original=made)
    assert r.status_code == 401 and error_of(r)["code"] == "SESSION_EXPIRED"


def test_another_kiosks_token_is_never_admitted(tmp_path):
    other = {"kiosk-b": "secret-of-kiosk-b-000"}
    server = testing.start("hubei", kiosks=other)
    try:
        token, made = ended_session(server, "hubei_active")
        r = send(server, "POST", LOSS, BODY, token=token, key=str(uuid.uuid4()), original=made,
                 kiosk_id="kiosk-b", secret=other["kiosk-b"])
        err = error_of(r)
        assert err["code"] == "SESSION_EXPIRED" and err["details"]["reason"] == "other_kiosk"
    finally:
        server.stop()


def test_a_replay_past_the_window_is_replay_too_old(tmp_path):
    server = testing.start("hubei", late_replay_window_s=1)
    try:
        token, made = ended_session(server, "hubei_active")
        while time.time() < made + 3:
            time.sleep(0.1)
        r = send(server, "POST", LOSS, BODY, token=token, key=str(uuid.uuid4()), original=made)
        err = error_of(r)
        assert r.status_code == 401 and err["code"] == "REPLAY_TOO_OLD", r.text
        assert err["details"]["outcome"] == "not_done" and err["details"]["window_s"] == 1
        assert losses(server, "hubei_active") == 0
    finally:
        server.stop()


def test_the_window_never_exceeds_the_key_retention():
    with pytest.raises(ConfigError, match="late_replay_window_s"):
        BackOfficeConfig.for_tests(idempotency_retention_s=3600,
                                   late_replay_window_s=7200).validate()


# --- injected faults, and 5xx answers ---------------------------------------------------------

def test_a_fault_before_leaves_no_effect_and_the_key_free(bo):
    token = bo.token("hubei_active", "sms")
    armed = bo.kiosk.ok("POST", "/v1/test/faults", {"method": "POST", "path": LOSS,
                                                    "when": "before", "count": 1})
    assert armed == {"faults": [{"method": "POST", "path": LOSS, "when": "before",
                                 "remaining": 1}]}
    key = str(uuid.uuid4())
    first = send(bo, "POST", LOSS, BODY, token=token, key=key)
    assert first.status_code == 500 and error_of(first)["details"]["injected"] == "before"
    assert losses(bo, "hubei_active") == 0
    assert bo.kiosk.ok("GET", "/v1/test/faults") == {"faults": []}
    again = send(bo, "POST", LOSS, BODY, token=token, key=key)   # the same key runs now
    assert again.status_code == 200 and "Idempotent-Replayed" not in again.headers
    assert losses(bo, "hubei_active") == 1


def test_a_fault_after_keeps_the_effect_and_its_stored_answer(bo):
    token = bo.token("hubei_active", "sms")
    bo.kiosk.ok("POST", "/v1/test/faults", {"method": "POST", "path": LOSS, "when": "after",
                                            "count": 1})
    key = str(uuid.uuid4())
    first = send(bo, "POST", LOSS, BODY, token=token, key=key)
    assert first.status_code == 500 and error_of(first)["details"]["injected"] == "after"
    assert losses(bo, "hubei_active") == 1                        # it acted
    again = send(bo, "POST", LOSS, BODY, token=token, key=key)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["status"] == "temp_lost" and losses(bo, "hubei_active") == 1


def test_faults_are_refused_outside_the_api_and_disarmed_with_zero(bo):
    r = bo.kiosk.send("POST", "/v1/test/faults", {"method": "POST", "path": "/v1/test/clock",
                                                  "when": "before", "count": 1})
    assert r.status_code == 400 and error_of(r)["details"]["field"] == "path"
    bo.kiosk.ok("POST", "/v1/test/faults", {"method": "POST", "path": LOSS, "when": "before",
                                            "count": 5})
    assert bo.kiosk.ok("POST", "/v1/test/faults", {"method": "POST", "path": LOSS,
                                                   "when": "before", "count": 0}) == \
        {"faults": []}
