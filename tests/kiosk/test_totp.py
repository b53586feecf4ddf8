"""One-time codes against the RFCs' own test vectors (RFC 6238 Appendix B, RFC 4226 Appendix D)."""

from __future__ import annotations

import base64

import pytest

from kiosk import totp

SEED_SHA1 = b"12345678901234567890"
SEED_SHA256 = b"12345678901234567890123456789012"
SEED_SHA512 = b"1234567890" * 6 + b"1234"
SEEDS = {"sha1": SEED_SHA1, "sha256": SEED_SHA256, "sha512": SEED_SHA512}

#: RFC 6238 Appendix B: (time, code, mode), 8 digits
RFC6238 = [
    (59, "94287082", "sha1"), (59, "46119246", "sha256"), (59, "90693936", "sha512"),
    (1111111109, "07081804", "sha1"), (1111111109, "68084774", "sha256"),
    (1111111109, "25091201", "sha512"),
    (1111111111, "14050471", "sha1"), (1111111111, "67062674", "sha256"),
    (1111111111, "99943326", "sha512"),
    (1234567890, "89005924", "sha1"), (1234567890, "91819424", "sha256"),
    (1234567890, "93441116", "sha512"),
    (2000000000, "69279037", "sha1"), (2000000000, "90698825", "sha256"),
    (2000000000, "38618901", "sha512"),
    (20000000000, "65353130", "sha1"), (20000000000, "77737706", "sha256"),
    (20000000000, "47863826", "sha512"),
]

#: RFC 4226 Appendix D: HOTP of counters 0..9, 6 digits
RFC4226 = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
           "399871", "520489"]


@pytest.mark.parametrize("unix_s, expected, mode", RFC6238)
def test_rfc6238_vectors(unix_s, expected, mode):
    assert totp.totp(SEEDS[mode], unix_s, digits=8, algorithm=mode) == expected
    # the same from the base32 text an authenticator app is given
    secret = base64.b32encode(SEEDS[mode]).decode()
    assert totp.totp(secret, unix_s, digits=8, algorithm=mode) == expected


def test_rfc4226_hotp_vectors():
    assert [totp.hotp(SEED_SHA1, c) for c in range(10)] == RFC4226


def test_the_six_digit_sha1_code_is_the_last_six_digits_of_the_rfc_one():
    # what an authenticator app shows: the same truncation, modulo 10^6
    assert totp.totp(SEED_SHA1, 59) == "287082"
    assert totp.totp(SEED_SHA1, 1111111109) == "081804"


def test_a_code_is_accepted_one_step_either_side_and_no_further():
    secret = base64.b32encode(SEED_SHA1).decode()
    now = 1234567890.0
    step = totp.step_of(now)
    for offset in (-1, 0, 1):
        assert totp.verify(secret, totp.totp(secret, now + 30 * offset), now) == step + offset
    for offset in (-2, 2):
        assert totp.verify(secret, totp.totp(secret, now + 30 * offset), now) is None


def test_a_used_step_is_not_accepted_again():
    secret = base64.b32encode(SEED_SHA1).decode()
    now = 1234567890.0
    current = totp.totp(secret, now)
    step = totp.verify(secret, current, now)
    assert totp.verify(secret, current, now, after_step=step) is None
    assert totp.verify(secret, totp.totp(secret, now + 30), now, after_step=step) == step + 1


@pytest.mark.parametrize("bad", ["", "12345", "1234567", "12345a", "１２３４５６", None,
                                 123456])
def test_malformed_codes_are_refused(bad):
    assert totp.verify(base64.b32encode(SEED_SHA1).decode(), bad, 59) is None


def test_base32_secrets_are_read_as_people_type_them():
    secret = base64.b32encode(SEED_SHA1).decode()
    spaced = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)).lower()
    assert totp.decode_secret(spaced) == SEED_SHA1
    assert totp.decode_secret(secret.rstrip("=")) == SEED_SHA1
    with pytest.raises(ValueError):
        totp.decode_secret("not base32!")
    with pytest.raises(ValueError):
        totp.decode_secret("")


def test_new_secrets_are_random_base32_of_20_bytes():
    a, b = totp.new_secret(), totp.new_secret()
    assert a != b and len(totp.decode_secret(a)) == 20


def test_the_provisioning_uri_names_the_account_and_the_parameters():
    uri = totp.provisioning_uri("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "T0001")
    assert uri.startswith("otpauth://totp/SSC%20kiosk:T0001?")
    assert "secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" in uri
    assert "digits=6" in uri and "period=30" in uri and "algorithm=SHA1" in uri
