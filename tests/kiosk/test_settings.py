"""The kiosk's settings: a real JSON file, a real journal, the back office's real
``GET /v1/kiosks/config`` over HTTP."""

from __future__ import annotations

import dataclasses
import json
import os
import stat

import pytest

from kiosk.journal import Journal
from kiosk.secret_hash import hash_secret
from kiosk.settings import (REASONS, KioskSettings, Problem, SettingsInvalid, SettingsUnreadable,
                            setting_names, settings_path)
from kiosk.settings_checks import check_field, read_secret, validate
from kiosk.settings_managed import MANAGED_KEYS, EffectiveSettings, apply_managed, local_only
from kiosk.settings_store import SettingsStore

DEMO_KIOSK_ID = "demo-kiosk-001"
DEMO_KIOSK_SECRET = "demo-secret-not-for-production"


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret"
    path.write_text(DEMO_KIOSK_SECRET + "\n")
    return path


@pytest.fixture
def good(tmp_path, secret_file):
    """Valid settings for a kiosk of the reference back office (a loopback URL)."""
    return KioskSettings(kiosk_id=DEMO_KIOSK_ID, backoffice_url="http://127.0.0.1:8080",
                         secret_file=str(secret_file), jurisdiction="hubei",
                         data_dir=str(tmp_path / "data"), log_dir=str(tmp_path / "log"))


@pytest.fixture
def journal(tmp_path):
    j = Journal(tmp_path / "journal.sqlite3", kiosk_id=DEMO_KIOSK_ID)
    yield j
    j.close()


def steps_of(journal, service):
    return [[dict(s) for s in r.steps] for r in journal if r.service == service]


# --- defaults and loading -------------------------------------------------------------------

def test_a_fresh_install_has_defaults_and_says_what_is_missing(tmp_path):
    store = SettingsStore(tmp_path / "settings.json")
    s = store.load()
    assert s == KioskSettings()
    assert (s.idle_timeout_s, s.languages, s.default_font, s.speech_volume, s.camera) == \
        (90, ("zh_CN", "en"), "normal", 80, "none")
    assert s.secret_file == "/etc/ssc-kiosk/secret"
    assert s.data_dir == "/var/lib/ssc-kiosk" and s.log_dir == "/var/log/ssc-kiosk"
    reasons = {p.field: p.reason for p in validate(s)}
    assert reasons["kiosk_id"] == "required"
    assert reasons["backoffice_url"] == "required"
    assert reasons["jurisdiction"] == "required"
    assert set(reasons.values()) <= set(REASONS)


def test_missing_keys_take_defaults_and_unknown_keys_are_kept_and_reported(tmp_path, good):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"kiosk_id": "k-7", "idle_timeout_s": 200,
                                "printer": {"model": "x"}, "volume_typo": 3}))
    store = SettingsStore(path)
    s = store.load()
    assert s.kiosk_id == "k-7" and s.idle_timeout_s == 200
    assert s.languages == ("zh_CN", "en") and s.shuffle_keypad is False
    assert store.unknown_keys == ("printer", "volume_typo")
    # a later save keeps them: a newer version's keys survive an older maintenance screen
    store.save(dataclasses.replace(good, kiosk_id="k-7"), actor="technician")
    data = json.loads(path.read_text())
    assert data["printer"] == {"model": "x"} and data["volume_typo"] == 3


def test_a_file_that_is_not_a_json_object_is_unreadable(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    with pytest.raises(SettingsUnreadable):
        SettingsStore(path).load()
    path.write_text("[1, 2]")
    with pytest.raises(SettingsUnreadable):
        SettingsStore(path).load()


def test_settings_path_from_argument_environment_or_default(monkeypatch, tmp_path):
    monkeypatch.delenv("SSC_KIOSK_SETTINGS", raising=False)
    assert str(settings_path()) == "/etc/ssc-kiosk/settings.json"
    monkeypatch.setenv("SSC_KIOSK_SETTINGS", str(tmp_path / "s.json"))
    assert settings_path() == tmp_path / "s.json"
    assert settings_path(tmp_path / "other.json") == tmp_path / "other.json"


# --- validation -----------------------------------------------------------------------------

BAD_VALUES = [
    ("kiosk_id", "", "required"),
    ("kiosk_id", 42, "wrong_type"),
    ("kiosk_id", "kiosk 042", "bad_format"),
    ("kiosk_id", "k" * 65, "bad_format"),
    ("backoffice_url", "", "required"),
    ("backoffice_url", "ftp://bo.example", "not_a_url"),
    ("backoffice_url", "bo.example", "not_a_url"),
    ("backoffice_url", "http://bo.example", "insecure_url"),
    ("backoffice_url", "https://bo.example/?x=1", "url_has_query"),
    ("backoffice_ca_bundle", "ca.pem", "not_absolute"),
    ("backoffice_ca_bundle", "/nonexistent/ca.pem", "not_found"),
    ("backoffice_ca_bundle", 7, "wrong_type"),
    ("client_cert", "/nonexistent/cert.pem", "not_found"),
    ("client_key", "key.pem", "not_absolute"),
    ("secret_file", None, "required"),
    ("secret_file", "/nonexistent/secret", "not_found"),
    ("jurisdiction", "", "required"),
    ("jurisdiction", "atlantis", "unknown_choice"),
    ("jurisdiction", "default", "unknown_choice"),
    ("jurisdiction", ["hubei"], "wrong_type"),
    ("idle_timeout_s", 29, "out_of_range"),
    ("idle_timeout_s", 601, "out_of_range"),
    ("idle_timeout_s", "90", "wrong_type"),
    ("idle_timeout_s", True, "wrong_type"),
    ("idle_timeout_s", 90.5, "wrong_type"),
    ("languages", (), "empty"),
    ("languages", ("zh_CN", "fr"), "unknown_choice"),
    ("languages", ("en", "en"), "duplicate"),
    ("languages", "zh_CN", "wrong_type"),
    ("default_font", "huge", "unknown_choice"),
    ("default_font", None, "wrong_type"),
    ("high_contrast", "yes", "wrong_type"),
    ("shuffle_keypad", 1, "wrong_type"),
    ("speech_volume", -1, "out_of_range"),
    ("speech_volume", 101, "out_of_range"),
    ("speech_volume", "80", "wrong_type"),
    ("speech_default_on", None, "wrong_type"),
    ("camera", "webcam", "unknown_choice"),
    ("camera", -1, "out_of_range"),
    ("camera", 1.5, "wrong_type"),
    ("reader", None, "wrong_type"),
    ("reader", "r" * 257, "too_long"),
    ("data_dir", "var/lib", "not_absolute"),
    ("data_dir", "", "required"),
    ("log_dir", 3, "wrong_type"),
    ("local_technician_credential", "1234", "bad_format"),
    ("local_technician_credential", "scrypt$16384$8$1$c2FsdA==$aGFzaA==", "bad_format"),
    ("local_technician_credential", 1234, "wrong_type"),
]


def test_every_setting_has_bad_values_in_this_test():
    assert {f for f, _, _ in BAD_VALUES} == set(setting_names())
    assert {r for _, _, r in BAD_VALUES} <= set(REASONS)


@pytest.mark.parametrize("name, value, reason", BAD_VALUES,
                         ids=[f"{f}={v!r}"[:40] for f, v, _ in BAD_VALUES])
def test_a_bad_value_is_named_with_its_reason(good, name, value, reason):
    bad = dataclasses.replace(good, **{name: value})
    assert validate(bad) == [Problem(name, reason)]


def test_good_settings_and_their_other_accepted_forms(good, tmp_path):
    assert validate(good) == []
    cert, key, ca = (tmp_path / n for n in ("cert.pem", "key.pem", "ca.pem"))
    for f in (cert, key, ca):
        f.write_text("-----BEGIN-----\n")
    variants = [
        {"backoffice_url": "https://bo.hubei.example/kiosk-api"},
        {"backoffice_url": "http://localhost:8080"},
        {"backoffice_ca_bundle": str(ca), "client_cert": str(cert), "client_key": str(key)},
        {"languages": ("en",)}, {"languages": ("en", "zh_CN")},
        {"camera": 0}, {"camera": "2"}, {"camera": "synthetic"}, {"camera": "/dev/video0"},
        {"reader": "Virtual PCD 00 00"}, {"idle_timeout_s": 30}, {"idle_timeout_s": 600},
        {"default_font": "large", "high_contrast": True, "speech_volume": 0},
        {"local_technician_credential": hash_secret("24680135")},
    ]
    for change in variants:
        assert validate(dataclasses.replace(good, **change)) == [], change


def test_a_client_certificate_needs_its_key_and_the_key_its_certificate(good, tmp_path):
    pem = tmp_path / "x.pem"
    pem.write_text("pem")
    assert validate(dataclasses.replace(good, client_cert=str(pem))) == \
        [Problem("client_key", "required")]
    assert validate(dataclasses.replace(good, client_key=str(pem))) == \
        [Problem("client_cert", "required")]


def test_the_secret_is_read_from_its_file_never_kept_in_the_settings(good, secret_file, tmp_path):
    assert read_secret(good) == DEMO_KIOSK_SECRET
    assert DEMO_KIOSK_SECRET not in json.dumps(good.to_json_dict())
    empty = tmp_path / "empty"
    empty.write_text("  \n")
    with pytest.raises(SettingsInvalid) as e:
        read_secret(dataclasses.replace(good, secret_file=str(empty)))
    assert e.value.problems == (Problem("secret_file", "empty"),)


# --- saving -----------------------------------------------------------------------------------

def test_save_writes_the_file_atomically_and_privately(tmp_path, good):
    path = tmp_path / "etc" / "settings.json"
    store = SettingsStore(path)
    assert store.save(good, actor="install") == setting_names()
    assert SettingsStore(path).load() == good
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]   # no temporary left


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, good, monkeypatch):
    path = tmp_path / "etc" / "settings.json"
    store = SettingsStore(path)
    store.save(good, actor="install")
    before = path.read_bytes()

    def power_cut(src, dst):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(OSError):
        store.save(dataclasses.replace(good, idle_timeout_s=300))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]


def test_invalid_settings_are_refused_nothing_written_and_the_refusal_journalled(
        tmp_path, good, journal):
    path = tmp_path / "settings.json"
    store = SettingsStore(path, journal=journal)
    store.save(good, actor="install")
    before = path.read_bytes()
    with pytest.raises(SettingsInvalid) as e:
        store.save(dataclasses.replace(good, idle_timeout_s=5, languages=()))
    assert e.value.code == "SETTINGS_INVALID"
    assert e.value.problems == (Problem("idle_timeout_s", "out_of_range"),
                                Problem("languages", "empty"))
    assert "idle_timeout_s: out_of_range" in str(e.value)
    assert path.read_bytes() == before
    refused = [r for r in journal if r.service == "settings_change" and r.outcome == "refused"]
    assert len(refused) == 1 and refused[0].error_code == "SETTINGS_INVALID"
    assert dict(refused[0].steps[0])["problems"] == [
        {"field": "idle_timeout_s", "reason": "out_of_range"},
        {"field": "languages", "reason": "empty"}]


def test_every_change_is_journalled_old_to_new_and_the_credential_only_as_changed(
        tmp_path, good, journal):
    store = SettingsStore(tmp_path / "settings.json", journal=journal)
    store.save(good, actor="install")
    credential = hash_secret("24680135")
    changed = store.save(dataclasses.replace(good, idle_timeout_s=120, languages=("en", "zh_CN"),
                                             local_technician_credential=credential),
                         actor="technician")
    assert changed == ["idle_timeout_s", "languages", "local_technician_credential"]
    assert store.save(dataclasses.replace(good, idle_timeout_s=120, languages=("en", "zh_CN"),
                                          local_technician_credential=credential)) == []

    first, second = steps_of(journal, "settings_change")
    assert first[0]["actor"] == "install" and first[0]["first_save"] is True
    assert second[0]["actor"] == "technician" and second[0]["fields"] == 3
    entries = {s["field"]: s for s in second[1:]}
    assert (entries["idle_timeout_s"]["old"], entries["idle_timeout_s"]["new"]) == (90, 120)
    assert entries["languages"]["new"] == ["en", "zh_CN"]
    assert entries["local_technician_credential"] == {
        "step": "changed", "ms": entries["local_technician_credential"]["ms"],
        "field": "local_technician_credential", "change": "changed"}
    # neither the hash nor its salt anywhere in the journal's file, nor the secret
    journal.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("journal.sqlite3*"))
    for part in credential.split("$")[4:]:
        assert part.encode() not in raw
    assert DEMO_KIOSK_SECRET.encode() not in raw


# --- managed settings from the back office --------------------------------------------------

@pytest.fixture
def office(tmp_path, request):
    """The reference back office over HTTP, with the managed settings the test asks for."""
    from backoffice.config import BackOfficeConfig
    from backoffice.server import EmbeddedBackOffice

    overrides = getattr(request, "param", {})
    config = BackOfficeConfig.for_demo(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}", **overrides)
    with EmbeddedBackOffice(config) as bo:
        yield bo


def fetch_config(office):
    from kiosk.backoffice_client import BackOfficeClient

    with BackOfficeClient(office.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, max_attempts=1) as c:
        return c.kiosk_config()


@pytest.mark.parametrize("office", [{"jurisdiction": "hunan", "idle_timeout_s": 240,
                                     "locales": ("en", "zh_CN")}], indirect=True)
def test_the_back_office_settings_override_the_local_ones_and_are_locked(office, good, journal):
    config = fetch_config(office)
    effective = apply_managed(good, config, journal=journal)
    assert isinstance(effective, EffectiveSettings)
    s = effective.settings
    assert (s.jurisdiction, s.idle_timeout_s, s.languages) == ("hunan", 240, ("en", "zh_CN"))
    assert effective.managed == {"jurisdiction", "idle_timeout_s", "languages"}
    assert effective.is_locked("idle_timeout_s") and not effective.is_locked("camera")
    assert effective.local == good and effective.ignored == ()
    assert effective.config_version == config.raw["config_version"]
    # the heartbeat interval the back office asks for (it counts 3 missed as down)
    assert effective.heartbeat_interval_s == config.raw["heartbeat_interval_s"] == 60
    assert local_only(good).heartbeat_interval_s is None
    assert s.kiosk_id == good.kiosk_id and s.backoffice_url == good.backoffice_url
    assert validate(s) == []
    (steps,) = steps_of(journal, "settings_managed")
    assert steps[0]["actor"] == "managed" and steps[0]["fields"] == 3
    changes = {st["field"]: (st["old"], st["new"]) for st in steps[1:]}
    assert changes == {"idle_timeout_s": (90, 240), "jurisdiction": ("hubei", "hunan"),
                       "languages": (["zh_CN", "en"], ["en", "zh_CN"])}


@pytest.mark.parametrize("office", [{"jurisdiction": "hubei", "idle_timeout_s": 5,
                                     "locales": ("zh_CN", "ug_CN")}], indirect=True)
def test_an_invalid_managed_value_is_ignored_and_journalled(office, good, journal):
    effective = apply_managed(good, fetch_config(office), journal=journal)
    assert effective.settings.idle_timeout_s == good.idle_timeout_s     # the local value stays
    assert effective.settings.languages == good.languages
    assert effective.ignored == (Problem("idle_timeout_s", "out_of_range"),
                                 Problem("languages", "unknown_choice"))
    assert effective.managed == {"jurisdiction"}
    (steps,) = steps_of(journal, "settings_managed")
    ignored = [(s["field"], s["reason"]) for s in steps if s["step"] == "ignored"]
    assert ignored == [("idle_timeout_s", "out_of_range"), ("languages", "unknown_choice")]


def test_managed_keys_are_settings_the_back_office_may_set():
    # the network identity, files, hardware and the technician credential stay local
    assert set(MANAGED_KEYS.values()) <= set(setting_names())
    for local in ("kiosk_id", "backoffice_url", "secret_file", "data_dir", "camera", "reader",
                  "local_technician_credential"):
        assert local not in MANAGED_KEYS.values()
    assert check_field("idle_timeout_s", 240) is None
