"""Request signatures (kiosk/signing.py), shared by the client and the back office."""

import hashlib
import hmac

import pytest

from kiosk import signing

SECRET = "demo-secret-not-for-production"


def test_body_digest_is_sha256_hex_and_empty_for_none():
    assert signing.body_digest(b"abc") == hashlib.sha256(b"abc").hexdigest()
    assert signing.body_digest(None) == signing.body_digest(b"") == hashlib.sha256(b"").hexdigest()


def test_signature_follows_the_contract_string():
    body = b'{"a":1}'
    expected_msg = ("POST\n/v1/card-auth?x=1\n1700000000\n" + hashlib.sha256(body).hexdigest())
    expected = hmac.new(SECRET.encode(), expected_msg.encode(), hashlib.sha256).hexdigest()
    sig = signing.signature(SECRET, "post", "/v1/card-auth?x=1", 1700000000, body)
    assert sig == expected
    assert sig == sig.lower() and len(sig) == 64
    # str and bytes secrets, int and str timestamps give the same value
    assert signing.signature(SECRET.encode(), "POST", "/v1/card-auth?x=1", "1700000000",
                             body) == expected


@pytest.mark.parametrize("change", ["method", "path", "query", "timestamp", "body", "secret"])
def test_any_change_breaks_the_signature(change):
    args = dict(secret=SECRET, method="POST", path_with_query="/v1/card-auth", timestamp=1700000000,
                body=b"{}")
    sig = signing.signature(**args)
    changed = dict(args)
    changed.update({
        "method": {"method": "PATCH"},
        "path": {"path_with_query": "/v1/card-auth2"},
        "query": {"path_with_query": "/v1/card-auth?a=1"},
        "timestamp": {"timestamp": 1700000001},
        "body": {"body": b"{ }"},
        "secret": {"secret": SECRET + "x"},
    }[change])
    assert not signing.verify(**changed, presented=sig)
    assert signing.verify(**args, presented=sig)


def test_verify_tolerates_case_but_not_garbage():
    sig = signing.signature(SECRET, "GET", "/v1/x", 1, b"")
    assert signing.verify(SECRET, "GET", "/v1/x", 1, b"", sig.upper())
    assert not signing.verify(SECRET, "GET", "/v1/x", 1, b"", "")
    assert not signing.verify(SECRET, "GET", "/v1/x", 1, b"", None)
    assert not signing.verify(SECRET, "GET", "/v1/x", 1, b"", "é" * 64)
    assert not signing.verify(SECRET, "GET", "/v1/x", 1, b"", sig[:-1])


def test_signed_headers():
    h = signing.signed_headers("demo-kiosk-001", SECRET, "POST", "/v1/card-auth", b"{}",
                               timestamp=1700000000)
    assert h["X-Kiosk-Id"] == "demo-kiosk-001"
    assert h["X-Timestamp"] == "1700000000"
    assert h["X-Signature"] == signing.signature(SECRET, "POST", "/v1/card-auth", 1700000000, b"{}")
