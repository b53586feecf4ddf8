"""``POST /v1/technicians/verify`` over real HTTP: two factors, one answer, locks, no leaks.

The demo technicians (:mod:`backoffice.demo_technicians`) are seeded in test
mode; their one-time codes are computed here with :mod:`kiosk.totp` from the
wall clock, as their authenticator app would. Locks follow the business clock,
moved with ``POST /v1/test/clock``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from backoffice import demo_technicians
from backoffice.app import get_state
from backoffice.config import BackOfficeConfig
from backoffice.demo_technicians import TECHNICIANS
from backoffice.models import Technician, TechnicianToken
from backoffice.server import EmbeddedBackOffice
from backoffice.testing import Kiosk
from backoffice.technicians import LOCK_AFTER, LOCK_S
from bo_support import TEST_KIOSK_ID, TEST_KIOSK_SECRET, refused
from kiosk import secret_hash
from tests.support.pin_leaks import TEST_PINS
from tests.support.totp_codes import code, early_in_step

T1, T2, GONE = TECHNICIANS["T0001"], TECHNICIANS["T0002"], TECHNICIANS["T0009"]
WRONG_PIN = "135790"


def verify(kiosk, account: str, pin: str, otp: str, **extra):
    body = {"account": account, "pin": pin, "otp": otp, "nonce": secrets.token_urlsafe(24)}
    body.update(extra)
    return kiosk.send("POST", "/v1/technicians/verify", {k: v for k, v in body.items()
                                                          if v is not None})



@pytest.fixture
def two_kiosks(tmp_path):
    """A server that knows a second kiosk (the demo kiosk is the first)."""
    from backoffice import testing

    db_url = testing.database_factory() if testing.database_factory \
        else f"sqlite:///{tmp_path / 'bo.sqlite3'}"
    config = BackOfficeConfig.for_tests(db_url=db_url,
                                        kiosks={TEST_KIOSK_ID: TEST_KIOSK_SECRET})
    with EmbeddedBackOffice(config) as bo:
        first, second = Kiosk(bo.url), Kiosk(bo.url, TEST_KIOSK_ID, TEST_KIOSK_SECRET)
        yield first, second
        first.close()
        second.close()


def test_the_demo_pins_are_test_pins_and_their_stored_hashes_match():
    for tech in TECHNICIANS.values():
        assert tech.pin in TEST_PINS  # so the session-wide guard catches any leak
        assert secret_hash.verify_secret(tech.pin_hash, tech.pin)
    assert WRONG_PIN in TEST_PINS
    demo_md = Path(demo_technicians.__file__).with_name("DEMO.md").read_text(encoding="utf-8")
    assert demo_technicians.markdown() in demo_md, \
        "regenerate the table: python -m backoffice.demo_technicians"


def test_the_right_pin_and_code_give_a_maintenance_token_for_15_minutes(server, kiosk):
    early_in_step()
    r = verify(kiosk, "t0001", T1.pin, code(T1))  # the account in any case
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["technician"] == {"account": "T0001", "name": T1.name}
    expires = dt.datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    now = get_state(server.app).clock.now()
    assert dt.timedelta(minutes=14) < expires - now <= dt.timedelta(minutes=15)
    with get_state(server.app).database.session() as s:
        row = s.scalar(select(TechnicianToken))
        assert row.kiosk_id == "demo-kiosk-001"
        assert row.token_hash == hashlib.sha256(body["token"].encode()).hexdigest()


def test_a_wrong_pin_a_wrong_code_an_unknown_or_inactive_account_get_the_same_answer(kiosk):
    early_in_step()
    answers = [
        verify(kiosk, "T0001", WRONG_PIN, code(T1)),               # wrong PIN
        verify(kiosk, "T0001", T1.pin, code(T2)),                  # another's code
        verify(kiosk, "T4242", T1.pin, code(T1)),                  # no such account
        verify(kiosk, "T0009", GONE.pin, code(GONE)),              # inactive
    ]
    errors = [refused(r, 403, "TECHNICIAN_NOT_VERIFIED") for r in answers]
    assert all(e == errors[0] for e in errors), errors
    assert errors[0]["details"] == {}


def test_five_failures_in_a_row_lock_the_account_until_15_minutes_have_passed(kiosk):
    for _ in range(LOCK_AFTER - 1):
        refused(verify(kiosk, "T0001", WRONG_PIN, code(T1)), 403, "TECHNICIAN_NOT_VERIFIED")
    r = verify(kiosk, "T0001", WRONG_PIN, code(T1))
    err = refused(r, 429, "TOO_MANY_ATTEMPTS")
    assert err["details"]["scope"] == "account"
    assert err["details"]["retry_after_s"] == LOCK_S
    assert r.headers["Retry-After"] == str(LOCK_S)
    locked_until = err["details"]["locked_until"]

    early_in_step()
    r = verify(kiosk, "T0001", T1.pin, code(T1))  # the right credentials wait too
    assert refused(r, 429, "TOO_MANY_ATTEMPTS")["details"]["locked_until"] == locked_until

    kiosk.send("POST", "/v1/test/clock", {"advance_s": LOCK_S - 60})
    early_in_step()
    refused(verify(kiosk, "T0001", T1.pin, code(T1)), 429, "TOO_MANY_ATTEMPTS")
    kiosk.send("POST", "/v1/test/clock", {"advance_s": 61})
    early_in_step()
    assert verify(kiosk, "T0001", T1.pin, code(T1)).status_code == 200


def test_the_account_lock_holds_at_every_kiosk_and_the_kiosk_lock_for_every_account(
        two_kiosks):
    first, second = two_kiosks
    for _ in range(LOCK_AFTER):
        r = verify(first, "T0001", WRONG_PIN, code(T1))
    assert refused(r, 429, "TOO_MANY_ATTEMPTS")["details"]["scope"] == "account"
    early_in_step()
    # the account, elsewhere
    err = refused(verify(second, "T0001", T1.pin, code(T1)), 429, "TOO_MANY_ATTEMPTS")
    assert err["details"]["scope"] == "account"
    # the kiosk, for another account
    err = refused(verify(first, "T0002", T2.pin, code(T2)), 429, "TOO_MANY_ATTEMPTS")
    assert err["details"]["scope"] == "kiosk"
    # another account at another kiosk is not concerned
    assert verify(second, "T0002", T2.pin, code(T2)).status_code == 200


def test_failures_with_unknown_accounts_lock_the_kiosk(two_kiosks):
    first, second = two_kiosks
    for i in range(LOCK_AFTER):
        r = verify(first, f"X{i:04d}", WRONG_PIN, "000000")
    assert refused(r, 429, "TOO_MANY_ATTEMPTS")["details"]["scope"] == "kiosk"
    early_in_step()
    refused(verify(first, "T0001", T1.pin, code(T1)), 429, "TOO_MANY_ATTEMPTS")
    assert verify(second, "T0001", T1.pin, code(T1)).status_code == 200


def test_a_success_resets_the_count(kiosk):
    for _ in range(LOCK_AFTER - 1):
        refused(verify(kiosk, "T0002", WRONG_PIN, code(T2)), 403, "TECHNICIAN_NOT_VERIFIED")
    early_in_step()
    assert verify(kiosk, "T0002", T2.pin, code(T2)).status_code == 200
    for _ in range(LOCK_AFTER - 1):
        refused(verify(kiosk, "T0002", WRONG_PIN, code(T2)), 403, "TECHNICIAN_NOT_VERIFIED")


def test_the_previous_steps_code_is_accepted_once_and_older_ones_never(kiosk):
    early_in_step()
    refused(verify(kiosk, "T0001", T1.pin, code(T1, -2)), 403, "TECHNICIAN_NOT_VERIFIED")
    previous = code(T1, -1)
    assert verify(kiosk, "T0001", T1.pin, previous).status_code == 200
    # a one-time code is used once (a new request: a new nonce, a new key)
    refused(verify(kiosk, "T0001", T1.pin, previous), 403, "TECHNICIAN_NOT_VERIFIED")


def test_malformed_requests_are_refused_as_such_and_do_not_count(kiosk):
    for body_pin, otp, field in (("12345", "123456", "pin"), ("1234567", "123456", "pin"),
                                 ("13579a", "123456", "pin"), (WRONG_PIN, "12345", "otp")):
        err = refused(verify(kiosk, "T0001", body_pin, otp), 400, "VALIDATION_FAILED")
        assert err["details"]["field"] == field
    err = refused(verify(kiosk, "T0001", WRONG_PIN, "123456", nonce=None), 400,
                  "VALIDATION_FAILED")
    assert err["details"]["field"] == "nonce"
    err = refused(verify(kiosk, "1T", WRONG_PIN, "123456"), 400, "VALIDATION_FAILED")
    assert err["details"]["field"] == "account"
    early_in_step()
    assert verify(kiosk, "T0001", T1.pin, code(T1)).status_code == 200


def test_the_pin_and_the_code_never_reach_the_server_log(server, kiosk, caplog):
    early_in_step()
    otp = code(T1)
    wrong_otp = code(T2)
    with caplog.at_level(logging.DEBUG):
        refused(verify(kiosk, "T0001", WRONG_PIN, otp), 403, "TECHNICIAN_NOT_VERIFIED")
        refused(verify(kiosk, "T0001", T1.pin, wrong_otp), 403, "TECHNICIAN_NOT_VERIFIED")
        r = verify(kiosk, "T0001", T1.pin, otp)
        assert r.status_code == 200
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and len(
                [x for x in caplog.records if x.name == "backoffice.access"]) < 3:
            time.sleep(0.01)
    everything = "\n".join(x.getMessage() for x in caplog.records)
    assert "POST /v1/technicians/verify 403" in everything
    assert "POST /v1/technicians/verify 200" in everything
    assert "technician T0001 verified at kiosk demo-kiosk-001" in everything
    assert "refused (wrong_pin)" in everything and "refused (wrong_otp)" in everything
    for secret in (T1.pin, WRONG_PIN, otp, wrong_otp, r.json()["token"], T1.totp_secret):
        assert secret not in everything
    with get_state(server.app).database.session() as s:
        row = s.scalar(select(Technician).where(Technician.account == "T0001"))
        assert T1.pin not in row.pin_hash and row.failed_count == 0
