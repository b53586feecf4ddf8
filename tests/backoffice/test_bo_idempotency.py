"""Idempotency-Key: replays, reuse, races, released and abandoned claims."""

import datetime as dt
import json
import threading
import time
import uuid

import pytest
from sqlalchemy import func, select

from backoffice import db
from backoffice.app import create_app, get_state
from backoffice.config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, BackOfficeConfig
from backoffice.errors import ApiError
from backoffice.idempotency import check_routes, idempotent, request_fingerprint
from backoffice.models import CardAuth, IdempotencyRecord
from backoffice.testing import Kiosk
from bo_support import error_of, kat_body
from kiosk import signing


def count(server_or_state, model) -> int:
    st = getattr(server_or_state, "state", server_or_state)
    with st.database.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_replay_returns_the_first_answer_with_no_second_effect(server, kiosk):
    key = str(uuid.uuid4())
    first = kiosk.send("POST", "/v1/card-auth", kat_body(), key=key)
    second = kiosk.send("POST", "/v1/card-auth", kat_body(), key=key)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert count(server, CardAuth) == 1
    assert count(server, IdempotencyRecord) == 1
    # a new key is a new authentication
    third = kiosk.send("POST", "/v1/card-auth", kat_body())
    assert third.json()["card_auth_id"] != first.json()["card_auth_id"]
    assert count(server, CardAuth) == 2


def test_the_key_is_compared_as_a_uuid(server, kiosk):
    key = uuid.uuid4()
    first = kiosk.send("POST", "/v1/card-auth", kat_body(), key=str(key))
    again = kiosk.send("POST", "/v1/card-auth", kat_body(), key=str(key).upper())
    assert again.json()["card_auth_id"] == first.json()["card_auth_id"]


def test_same_key_other_body_is_idempotency_key_reused(server, kiosk):
    key = str(uuid.uuid4())
    assert kiosk.send("POST", "/v1/card-auth", kat_body(), key=key).status_code == 200
    r = kiosk.send("POST", "/v1/card-auth", kat_body(card_no="B12345678"), key=key)
    assert r.status_code == 409
    assert error_of(r)["code"] == "IDEMPOTENCY_KEY_REUSED"
    # other path (query) with the same key is also another request
    r = kiosk.send("POST", "/v1/card-auth?x=1", kat_body(), key=key)
    assert r.status_code == 409
    assert count(server, CardAuth) == 1


def test_error_answers_are_replayed_too(server, kiosk):
    key = str(uuid.uuid4())
    body = kat_body(internal_response_hex="00" * 16)
    first = kiosk.send("POST", "/v1/card-auth", body, key=key)
    second = kiosk.send("POST", "/v1/card-auth", body, key=key)
    assert first.status_code == second.status_code == 403
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert count(server, CardAuth) == 0


def test_keys_are_scoped_per_kiosk(tmp_path):
    config = BackOfficeConfig.for_tests(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}",
                                        kiosks={"kiosk-b": "secret-of-kiosk-b-000"})
    from backoffice.server import EmbeddedBackOffice

    with EmbeddedBackOffice(config) as bo:
        a, b = Kiosk(bo.url), Kiosk(bo.url, "kiosk-b", "secret-of-kiosk-b-000")
        key = str(uuid.uuid4())
        ra = a.send("POST", "/v1/card-auth", kat_body(), key=key)
        rb = b.send("POST", "/v1/card-auth", kat_body(), key=key)
        a.close(), b.close()
        assert ra.status_code == rb.status_code == 200
        assert ra.json()["card_auth_id"] != rb.json()["card_auth_id"]


@pytest.mark.parametrize("key,reason", [(False, "missing"), ("not-a-uuid", "not_a_uuid")])
def test_writes_need_a_uuid_key(server, kiosk, key, reason):
    r = kiosk.send("POST", "/v1/card-auth", kat_body(), key=key)
    assert r.status_code == 400
    err = error_of(r)
    assert err["code"] == "VALIDATION_FAILED"
    assert err["details"] == {"field": "Idempotency-Key", "reason": reason}
    assert count(server, CardAuth) == 0


@pytest.fixture(params=["file", "memory"])
def any_db_server(request, tmp_path):
    from backoffice.server import EmbeddedBackOffice

    url = f"sqlite:///{tmp_path / 'bo.sqlite3'}" if request.param == "file" else "sqlite:///:memory:"
    with EmbeddedBackOffice(BackOfficeConfig.for_tests(db_url=url)) as bo:
        yield bo


def test_racing_requests_have_one_effect(any_db_server):
    server = any_db_server
    key = str(uuid.uuid4())
    n = 8
    barrier = threading.Barrier(n)
    results = [None] * n

    def go(i):
        raw = Kiosk(server.url)
        barrier.wait()
        results[i] = raw.send("POST", "/v1/card-auth", kat_body(), key=key)
        raw.close()

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert all(r is not None and r.status_code == 200 for r in results), \
        [r.status_code if r is not None else None for r in results]
    assert len({r.json()["card_auth_id"] for r in results}) == 1
    assert count(server, CardAuth) == 1
    assert count(server, IdempotencyRecord) == 1


def test_every_writing_route_must_be_idempotent():
    app = create_app(BackOfficeConfig.for_tests())
    app.add_url_rule("/v1/sloppy", "sloppy", lambda: "", methods=["POST"])
    with pytest.raises(RuntimeError, match="idempotent"):
        check_routes(app)


def test_a_writing_route_cannot_be_public():
    from backoffice.auth import public

    app = create_app(BackOfficeConfig.for_tests())
    app.add_url_rule("/v1/open", "open", public(idempotent(lambda: "")), methods=["POST"])
    with pytest.raises(RuntimeError, match="public"):
        check_routes(app)


# --- claims: in progress, released, abandoned (Flask test client) ---------------------------

def signed(client, method, path, body: bytes, key: str):
    headers = signing.signed_headers(DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, method, path, body)
    headers["Idempotency-Key"] = key
    headers["Content-Type"] = "application/json"
    return client.open(path, method=method, data=body, headers=headers)


def insert_claim(app, key, body: bytes, *, age_s: float, path="/v1/card-auth"):
    st = get_state(app)
    locked = st.clock.wall() - dt.timedelta(seconds=age_s)
    with st.database.session() as s:
        s.add(IdempotencyRecord(kiosk_id=DEMO_KIOSK_ID, key=key, method="POST", path=path,
                                request_hash=request_fingerprint("POST", path, body),
                                state="processing", lock_token=str(uuid.uuid4()),
                                locked_at=locked, created_at=locked))
        s.commit()


def test_a_claim_in_progress_answers_in_use_after_waiting():
    app = create_app(BackOfficeConfig.for_tests(idempotency_wait_s=0.3))
    key, body = str(uuid.uuid4()), json.dumps(kat_body()).encode()
    insert_claim(app, key, body, age_s=1)
    started = time.monotonic()
    r = signed(app.test_client(), "POST", "/v1/card-auth", body, key)
    assert 0.25 <= time.monotonic() - started < 3
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "IDEMPOTENCY_KEY_IN_USE"
    assert r.headers["Retry-After"] == "1"


def test_an_abandoned_claim_is_taken_over():
    app = create_app(BackOfficeConfig.for_tests(idempotency_lock_timeout_s=30))
    key, body = str(uuid.uuid4()), json.dumps(kat_body()).encode()
    insert_claim(app, key, body, age_s=31)
    r = signed(app.test_client(), "POST", "/v1/card-auth", body, key)
    assert r.status_code == 200
    assert count(get_state(app), CardAuth) == 1
    again = signed(app.test_client(), "POST", "/v1/card-auth", body, key)
    assert again.get_json() == r.get_json()


def test_an_unexpected_failure_releases_the_key_and_rolls_back():
    app = create_app(BackOfficeConfig.for_tests())
    calls = []

    @idempotent
    def flaky():
        calls.append(1)
        db.session().add(CardAuth(id=str(uuid.uuid4()), card_no="X", card_id_code="00",
                                  kiosk_id="k", created_at=get_state(app).clock.now(),
                                  expires_at=get_state(app).clock.now()))
        db.session().flush()
        if len(calls) == 1:
            raise RuntimeError("boom")
        return {"ok": True}

    app.add_url_rule("/v1/flaky", "flaky", flaky, methods=["POST"])
    key = str(uuid.uuid4())
    client = app.test_client()
    first = signed(client, "POST", "/v1/flaky", b"{}", key)
    assert first.status_code == 500 and first.get_json()["error"]["code"] == "INTERNAL"
    assert count(get_state(app), CardAuth) == 0      # the write was rolled back
    assert count(get_state(app), IdempotencyRecord) == 0  # and the key released
    second = signed(client, "POST", "/v1/flaky", b"{}", key)
    assert second.status_code == 200 and second.get_json() == {"ok": True}
    assert count(get_state(app), CardAuth) == 1
    third = signed(client, "POST", "/v1/flaky", b"{}", key)
    assert third.headers["Idempotent-Replayed"] == "true" and len(calls) == 2


def test_a_5xx_answer_is_not_stored_and_frees_the_key():
    """A 5xx says nothing about what happened (docs/outbox.md): never a stored answer."""
    app = create_app(BackOfficeConfig.for_tests())
    calls = []

    @idempotent
    def ledger_down_once():
        calls.append(1)
        if len(calls) == 1:
            raise ApiError("INTERNAL", "the ledger is down", status=500)
        return {"ok": True}

    app.add_url_rule("/v1/ledger", "ledger", ledger_down_once, methods=["POST"])
    key, client = str(uuid.uuid4()), app.test_client()
    assert signed(client, "POST", "/v1/ledger", b"{}", key).status_code == 500
    assert count(get_state(app), IdempotencyRecord) == 0
    second = signed(client, "POST", "/v1/ledger", b"{}", key)
    assert second.status_code == 200 and "Idempotent-Replayed" not in second.headers
    assert len(calls) == 2


def test_old_keys_are_purged():
    app = create_app(BackOfficeConfig.for_tests(idempotency_retention_s=60, late_replay_window_s=60))
    st = get_state(app)
    old = st.clock.wall() - dt.timedelta(seconds=120)
    with st.database.session() as s:
        s.add(IdempotencyRecord(kiosk_id=DEMO_KIOSK_ID, key=str(uuid.uuid4()), method="POST",
                                path="/v1/card-auth", request_hash="0" * 64, state="done",
                                lock_token="t", locked_at=old, created_at=old, completed_at=old,
                                response_status=200, response_body=b"{}"))
        s.commit()
    body = json.dumps(kat_body()).encode()
    assert signed(app.test_client(), "POST", "/v1/card-auth", body,
                  str(uuid.uuid4())).status_code == 200
    assert count(st, IdempotencyRecord) == 1
