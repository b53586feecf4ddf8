"""The HTTP contract of the reference back office, through a real server on loopback."""

import datetime as dt
import json
import logging
import time

import pytest
import requests
from sqlalchemy import func, select

from backoffice.config import BackOfficeConfig
from backoffice.models import CardAuth
from backoffice.server import EmbeddedBackOffice
from backoffice.testing import Kiosk
from bo_support import (KAT_CARD_ID, KAT_EXTERNAL, TEST_KIOSK_ID, TEST_KIOSK_SECRET,
                        error_of, kat_body)


def parse_time(text: str) -> dt.datetime:
    assert text.endswith("Z")
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


def count_card_auths(server) -> int:
    with server.state.database.session() as s:
        return s.scalar(select(func.count()).select_from(CardAuth))


# --- health ----------------------------------------------------------------------

def test_health_is_unsigned_and_gives_time_and_policy(server):
    r = requests.get(server.url + "/v1/health", timeout=5)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert abs((parse_time(body["time"]) - dt.datetime.now(dt.timezone.utc)).total_seconds()) < 5
    assert body["policy"] == {"jurisdiction": "default", "version": "1"}
    assert r.headers["Content-Type"].startswith("application/json")


# --- card authentication -----------------------------------------------------------

def test_card_auth_known_answer(server, kiosk):
    r = kiosk.send("POST", "/v1/card-auth", kat_body())
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"card_auth_id", "external_auth_hex", "expires_at"}
    assert body["external_auth_hex"] == KAT_EXTERNAL
    expires = parse_time(body["expires_at"])
    left = (expires - dt.datetime.now(dt.timezone.utc)).total_seconds()
    assert 590 <= left <= 601
    with server.state.database.session() as s:
        row = s.get(CardAuth, body["card_auth_id"])
        assert row.card_no == "A12345678"
        assert row.card_id_code == KAT_CARD_ID
        assert row.kiosk_id == "demo-kiosk-001"
        assert row.expires_at == expires
        assert row.created_at.tzinfo is not None


def test_card_auth_accepts_lowercase_hex(kiosk):
    body = {k: (v.lower() if k != "card_no" else v) for k, v in kat_body().items()}
    r = kiosk.send("POST", "/v1/card-auth", body)
    assert r.status_code == 200
    assert r.json()["external_auth_hex"] == KAT_EXTERNAL


def test_wrong_internal_answer_is_card_not_genuine(server, kiosk):
    r = kiosk.send("POST", "/v1/card-auth", kat_body(internal_response_hex="00" * 16))
    assert r.status_code == 403
    assert error_of(r)["code"] == "CARD_NOT_GENUINE"
    assert count_card_auths(server) == 0


@pytest.mark.parametrize("field,value,reason", [
    ("card_id_code", None, "missing"),
    ("card_id_code", "420100D156", "bad_length"),
    ("internal_random_hex", "ZZ" * 16, "not_hex"),
    ("internal_response_hex", 12345, "not_a_string"),
    ("external_challenge_hex", "00" * 17, "bad_length"),
    ("card_no", "A1234", "bad_format"),
    ("card_no", None, "missing"),
])
def test_malformed_fields_are_validation_failed(kiosk, field, value, reason):
    r = kiosk.send("POST", "/v1/card-auth", kat_body(**{field: value}))
    assert r.status_code == 400
    err = error_of(r)
    assert err["code"] == "VALIDATION_FAILED"
    assert err["details"] == {"field": field, "reason": reason}


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1,2]", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object(kiosk, raw):
    r = kiosk.send("POST", "/v1/card-auth", raw)
    assert r.status_code == 400
    err = error_of(r)
    assert err["code"] == "VALIDATION_FAILED" and err["details"]["field"] == "body"


def test_business_clock_offset_in_test_mode(tmp_path):
    config = BackOfficeConfig.for_tests(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}",
                                        clock_offset_s=7 * 86400)
    with EmbeddedBackOffice(config) as bo:
        shifted = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=7)
        health = requests.get(bo.url + "/v1/health", timeout=5).json()
        assert abs((parse_time(health["time"]) - shifted).total_seconds()) < 5
        # signatures are still checked against the real clock
        raw = Kiosk(bo.url)
        r = raw.send("POST", "/v1/card-auth", kat_body())
        raw.close()
        assert r.status_code == 200
        expires = parse_time(r.json()["expires_at"])
        assert abs((expires - shifted).total_seconds() - 600) < 5


# --- signatures ----------------------------------------------------------------------

@pytest.mark.parametrize("case", ["unsigned", "unknown_kiosk", "wrong_secret", "tampered_body",
                                  "wrong_path", "bad_timestamp", "missing_signature"])
def test_bad_signatures(server, case):
    raw = Kiosk(server.url)
    body = kat_body()
    kwargs = {}
    if case == "unsigned":
        kwargs["sign"] = False
    elif case == "unknown_kiosk":
        raw.kiosk_id = "kiosk-nobody"
    elif case == "wrong_secret":
        raw.secret = "not-the-secret"
    elif case == "tampered_body":
        kwargs["signed_body"] = json.dumps(kat_body(card_no="B12345678")).encode()
    elif case == "wrong_path":
        kwargs["signed_path"] = "/v1/card-auth?x=1"
    elif case == "bad_timestamp":
        kwargs["extra_headers"] = {"X-Timestamp": "yesterday"}
    elif case == "missing_signature":
        kwargs["extra_headers"] = {"X-Signature": ""}
    r = raw.send("POST", "/v1/card-auth", body, **kwargs)
    raw.close()
    assert r.status_code == 401
    assert error_of(r)["code"] == "BAD_SIGNATURE"
    assert count_card_auths(server) == 0


def test_the_query_is_part_of_the_signed_path(kiosk):
    r = kiosk.send("POST", "/v1/card-auth?trace=1", kat_body())
    assert r.status_code == 200
    r = kiosk.send("POST", "/v1/card-auth?trace=1", kat_body(), signed_path="/v1/card-auth")
    assert r.status_code == 401


@pytest.mark.parametrize("offset", [-301, 301, -86400])
def test_stale_or_future_timestamp_is_clock_skew(kiosk, offset):
    r = kiosk.send("POST", "/v1/card-auth", kat_body(), timestamp=int(time.time()) + offset)
    assert r.status_code == 401
    err = error_of(r)
    assert err["code"] == "CLOCK_SKEW"
    assert err["details"]["max_skew_s"] == 300
    assert "server_time" in err["details"]


def test_skew_within_the_limit_is_accepted(kiosk):
    r = kiosk.send("POST", "/v1/card-auth", kat_body(), timestamp=int(time.time()) - 250)
    assert r.status_code == 200


def test_demo_pair_refused_by_a_non_demo_server(tmp_path):
    from backoffice.config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET

    config = BackOfficeConfig(test_mode=True, demo=False,
                              db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}",
                              kiosks={DEMO_KIOSK_ID: DEMO_KIOSK_SECRET,
                                      TEST_KIOSK_ID: TEST_KIOSK_SECRET})
    with EmbeddedBackOffice(config) as bo:
        demo = Kiosk(bo.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET)
        r = demo.send("POST", "/v1/card-auth", kat_body())
        demo.close()
        assert r.status_code == 401 and error_of(r)["code"] == "BAD_SIGNATURE"
        good = Kiosk(bo.url, TEST_KIOSK_ID, TEST_KIOSK_SECRET)
        r = good.send("POST", "/v1/card-auth", kat_body())
        good.close()
        assert r.status_code == 200


# --- error shape ---------------------------------------------------------------------

def test_unknown_route_is_404_in_the_error_shape(server, kiosk):
    r = requests.get(server.url + "/v1/nothing-here", timeout=5)
    assert r.status_code == 404 and error_of(r)["code"] == "NOT_FOUND"
    r = kiosk.send("POST", "/v2/card-auth", kat_body())
    assert r.status_code == 404 and error_of(r)["code"] == "NOT_FOUND"


def test_wrong_method_is_405_in_the_error_shape(server):
    r = requests.get(server.url + "/v1/card-auth", timeout=5)
    assert r.status_code == 405
    assert error_of(r)["code"] == "METHOD_NOT_ALLOWED"
    assert "POST" in r.headers["Allow"]


def test_too_large_body(tmp_path):
    config = BackOfficeConfig.for_tests(max_body_bytes=1000)
    with EmbeddedBackOffice(config) as bo:
        raw = Kiosk(bo.url)
        r = raw.send("POST", "/v1/card-auth", b"x" * 5000)
        raw.close()
    assert r.status_code == 413 and error_of(r)["code"] == "PAYLOAD_TOO_LARGE"


def test_unexpected_exception_is_internal_without_traceback(caplog):
    from backoffice.app import create_app
    from backoffice.auth import public

    app = create_app(BackOfficeConfig.for_tests())

    @public
    def boom():
        raise RuntimeError("secret internals 0xDEADBEEF")

    app.add_url_rule("/v1/boom", view_func=boom)
    with caplog.at_level(logging.ERROR, logger="backoffice"):
        r = app.test_client().get("/v1/boom")
    assert r.status_code == 500
    err = r.get_json()["error"]
    assert err["code"] == "INTERNAL" and err["message"] == "internal error"
    assert err["details"]["request_id"] == r.headers["X-Request-Id"]
    text = r.get_data(as_text=True)
    assert "Traceback" not in text and "DEADBEEF" not in text and "RuntimeError" not in text
    assert any(rec.exc_info for rec in caplog.records)  # the traceback went to the log


# --- access log ------------------------------------------------------------------------

def test_one_access_line_per_request_and_no_bodies(server, kiosk, caplog):
    with caplog.at_level(logging.INFO):
        kiosk.send("POST", "/v1/card-auth", kat_body())
        requests.get(server.url + "/v1/health?ssn=110101199003070012", timeout=5)
        kiosk.send("POST", "/v1/card-auth", kat_body(internal_response_hex="00" * 16))
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and len(
                [r for r in caplog.records if r.name == "backoffice.access"]) < 3:
            time.sleep(0.01)
    lines = [r.getMessage() for r in caplog.records if r.name == "backoffice.access"]
    assert len(lines) == 3
    assert lines[0].startswith("POST /v1/card-auth 200 ")
    assert "ms" in lines[0] and "kiosk=demo-kiosk-001" in lines[0]
    assert lines[1].startswith("GET /v1/health 200 ")
    assert lines[2].startswith("POST /v1/card-auth 403 ")
    assert lines[2].endswith(" code=CARD_NOT_GENUINE")
    everything = "\n".join(r.getMessage() for r in caplog.records)
    for secret_ish in (KAT_CARD_ID, KAT_EXTERNAL, "110101199003070012", "A12345678",
                       "F3E8555F4C478312969FD9785699C477"):
        assert secret_ish not in everything
