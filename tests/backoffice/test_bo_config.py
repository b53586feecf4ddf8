"""Configuration safety rules of the back office."""

import json
from pathlib import Path

import pytest

from backoffice.app import create_app, get_state
from backoffice.config import (DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, BackOfficeConfig, Clock,
                               ConfigError, iso_utc)
from backoffice.hsm import TEST_KEYS, HsmKeys
from backoffice.models import SCHEMA_VERSION
from backoffice.server import serve_from_args

PROD_KEYS = HsmKeys.from_hex("11" * 16, "22" * 16, "33" * 16)


def prod(**changes):
    values = dict(db_url="sqlite:///:memory:", hsm_keys=PROD_KEYS,
                  kiosks={"kiosk-a": "a-long-production-secret-0001"})
    values.update(changes)
    return BackOfficeConfig(**values)


def test_production_without_keys_refuses_to_start():
    with pytest.raises(ConfigError, match="HSM"):
        prod(hsm_keys=None).validate()
    with pytest.raises(ConfigError):
        create_app(prod(hsm_keys=None))


def test_production_with_the_test_keys_refuses_to_start():
    with pytest.raises(ConfigError, match="test"):
        prod(hsm_keys=TEST_KEYS).validate()


def test_test_keys_are_the_default_in_demo_and_test_mode():
    assert BackOfficeConfig(demo=True).resolved_hsm_keys() is TEST_KEYS
    assert BackOfficeConfig(test_mode=True).resolved_hsm_keys() is TEST_KEYS
    prod().validate()


def test_clock_offset_only_in_demo_or_test_mode():
    with pytest.raises(ConfigError, match="clock"):
        prod(clock_offset_s=3600).validate()
    BackOfficeConfig.for_tests(clock_offset_s=7 * 86400).validate()
    with pytest.raises(ConfigError):
        Clock(5)
    with pytest.raises(PermissionError):
        Clock().shift(5)


def test_clock_shift_moves_business_time_not_wall_time():
    clock = Clock(adjustable=True, source=lambda: 1_700_000_000.0)
    clock.shift(86400)
    assert clock.timestamp() == 1_700_086_400.0
    assert clock.wall_timestamp() == 1_700_000_000.0
    assert iso_utc(clock.now()) == "2023-11-15T22:13:20Z"


def test_demo_pair_only_in_demo_mode():
    demo = BackOfficeConfig.for_demo(db_url="sqlite:///:memory:")
    assert demo.resolved_kiosks() == {DEMO_KIOSK_ID: DEMO_KIOSK_SECRET}
    configured = prod(kiosks={DEMO_KIOSK_ID: DEMO_KIOSK_SECRET, "kiosk-a": "secret-a-0123456789",
                              "sneaky": DEMO_KIOSK_SECRET})
    assert configured.resolved_kiosks() == {"kiosk-a": "secret-a-0123456789"}
    app = create_app(configured)
    registry = get_state(app).kiosks
    assert registry.secret_for(DEMO_KIOSK_ID) is None
    assert registry.secret_for("sneaky") is None
    assert registry.secret_for("kiosk-a") == b"secret-a-0123456789"


def test_bad_values_are_refused():
    with pytest.raises(ConfigError):
        prod(jurisdiction="Hu Bei").validate()
    with pytest.raises(ConfigError):
        prod(kiosks={"bad id!": "x"}).validate()
    with pytest.raises(ConfigError):
        prod(kiosks={"kiosk-a": ""}).validate()
    with pytest.raises(ConfigError):
        prod(max_clock_skew_s=0).validate()


def test_repr_shows_no_secrets():
    text = repr(prod())
    assert "a-long-production-secret" not in text and "1111" not in text


def test_from_env(tmp_path):
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"internal_auth": "11" * 16, "external_auth": "22" * 16,
                                "pin": "33" * 16}))
    env = {"SSC_BACKOFFICE_DB": "sqlite:///:memory:",
           "SSC_BACKOFFICE_JURISDICTION": "hubei",
           "SSC_BACKOFFICE_KIOSKS": "k1:secret-one,k2:secret:with:colons",
           "SSC_BACKOFFICE_HSM_KEYS_FILE": str(keys)}
    config = BackOfficeConfig.from_env(env, jurisdiction=None, demo=None)
    assert config.db_url == "sqlite:///:memory:"
    assert config.jurisdiction == "hubei"
    assert config.kiosks == {"k1": "secret-one", "k2": "secret:with:colons"}
    assert config.hsm_keys == PROD_KEYS
    assert not config.demo
    config.validate()
    assert BackOfficeConfig.from_env(env, jurisdiction="hainan").jurisdiction == "hainan"


def test_default_db_is_a_file_under_the_state_dir(tmp_path):
    config = BackOfficeConfig(demo=True, state_dir=tmp_path)
    assert config.resolved_db_url() == f"sqlite:///{tmp_path.resolve()}/backoffice.sqlite3"
    app = create_app(config)
    assert (tmp_path / "backoffice.sqlite3").exists()
    assert get_state(app).database.schema_version() == SCHEMA_VERSION
    get_state(app).database.dispose()


def test_serve_from_args_refuses_production_without_keys(monkeypatch, capsys):
    for name in ("DB", "KIOSKS", "KIOSKS_FILE", "HSM_KEYS_FILE", "HSM_K_IA", "HSM_K_EA",
                 "HSM_K_PIN", "JURISDICTION", "STATE_DIR"):
        monkeypatch.delenv("SSC_BACKOFFICE_" + name, raising=False)
    assert serve_from_args(db="sqlite:///:memory:", port=0) == 2
    assert "HSM" in capsys.readouterr().err


def test_memory_database_is_private_and_vanishes():
    from backoffice.db import Database

    a, b = Database("sqlite:///:memory:"), Database("sqlite:///:memory:")
    assert a.url.database != b.url.database
    path = Path(a.url.database)
    assert path.parent.exists()
    a.dispose()
    b.dispose()
    assert not path.parent.exists()
