"""``kiosk run``: the production kiosk built from a settings file, on the reference back
office over HTTP and the in-process emulated readers (offscreen, pytest-qt)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.journal import Journal
from kiosk.demo_identity import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET
from kiosk.settings import KioskSettings, SettingsInvalid
from kiosk.settings_store import SettingsStore

from .kiosk_driver import soft_card
from tests.support.network import dead_url

ROOT = Path(__file__).resolve().parents[2]
WAIT_MS = 8000


@pytest.fixture
def office(tmp_path):
    """The reference back office, managing this kiosk's idle timeout and languages."""
    from backoffice.config import BackOfficeConfig
    from backoffice.server import EmbeddedBackOffice

    config = BackOfficeConfig.for_demo(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}",
                                       jurisdiction="hubei", idle_timeout_s=150,
                                       locales=("en", "zh_CN"))
    with EmbeddedBackOffice(config) as bo:
        yield bo


def write_settings(tmp_path: Path, url: str, **changes) -> SettingsStore:
    secret = tmp_path / "secret"
    secret.write_text(DEMO_KIOSK_SECRET + "\n")
    values = dict(kiosk_id=DEMO_KIOSK_ID, backoffice_url=url, secret_file=str(secret),
                  jurisdiction="hunan", idle_timeout_s=60, languages=("zh_CN", "en"),
                  camera="synthetic", data_dir=str(tmp_path / "data"),
                  log_dir=str(tmp_path / "log"))
    values.update(changes)
    store = SettingsStore(tmp_path / "settings.json")
    store.save(KioskSettings(**values), actor="install")
    return store


@pytest.fixture
def production(qtbot):
    """Builds the production kiosk on emulated readers; closes whatever it built."""
    from devices.card.emulator.inprocess import EmulatedReaders
    from ui.run import build_production_app

    built = []

    def build(store: SettingsStore, readers=None, **kw):
        readers = readers or EmulatedReaders()
        kiosk = build_production_app(store.load(), store=store, backend=readers,
                                     watcher=readers, speaker=None, config_timeout_s=2.0, **kw)
        built.append(kiosk)
        kiosk.window.resize(1920, 1080)
        kiosk.window.show()
        qtbot.waitExposed(kiosk.window)
        return kiosk, readers

    yield build
    for kiosk in built:
        kiosk.close()


def services_journalled(data_dir: Path, service: str) -> list[list[dict]]:
    with Journal(data_dir / "journal.sqlite3") as j:
        return [[dict(s) for s in r.steps] for r in j if r.service == service]


def test_the_kiosk_starts_on_the_attract_screen_with_the_managed_settings(
        tmp_path, office, production, qtbot):
    from devices.card.emulator.inprocess import DEFAULT_READER

    store = write_settings(tmp_path, office.url)
    kiosk, readers = production(store)
    window = kiosk.window
    assert window.current_screen() is window.attract
    assert window.production is kiosk
    # the back office's idle timeout, jurisdiction and languages win over the file's
    assert window.controller.settings.idle_seconds == 150
    assert kiosk.settings.jurisdiction == "hubei" and kiosk.services.pack.jurisdiction == "hubei"
    assert kiosk.settings.languages == ("en", "zh_CN")
    from ui import i18n

    assert i18n.current_language() == "en"
    assert window.attract.header.language_button.isVisible()     # two languages offered
    assert kiosk.effective.is_locked("idle_timeout_s") and not kiosk.effective.is_locked("camera")
    assert store.load().idle_timeout_s == 60          # the local file keeps its own value
    assert kiosk.services.camera is not None          # "synthetic"
    # a card is authenticated by the back office over HTTP: the home screen
    readers.insert(DEFAULT_READER, soft_card("ordinary"))
    qtbot.waitUntil(lambda: window.current_screen() is window.home, timeout=WAIT_MS)
    kiosk.close()
    (managed,) = services_journalled(tmp_path / "data", "settings_managed")
    assert {s["field"] for s in managed if s["step"] == "changed"} == \
        {"idle_timeout_s", "jurisdiction", "languages"}


def test_without_the_back_office_it_runs_on_the_local_settings_and_says_so(
        tmp_path, production):
    store = write_settings(tmp_path, dead_url(), jurisdiction="hubei", languages=("zh_CN",))
    kiosk, _ = production(store)
    assert kiosk.window.current_screen() is kiosk.window.attract
    assert kiosk.window.controller.settings.idle_seconds == 60
    # one language offered: no language button in the header
    assert not kiosk.window.attract.header.language_button.isVisible()
    assert kiosk.window.attract.header.large_button.isVisible()
    assert kiosk.effective.managed == frozenset()
    kiosk.close()
    (steps,) = services_journalled(tmp_path / "data", "settings_managed")
    assert steps[0]["step"] == "config_unavailable"
    assert steps[0]["error"] == "BACKOFFICE_UNAVAILABLE"


def test_only_the_configured_reader_is_served(tmp_path, office, production, qtbot):
    from devices.card.emulator.inprocess import EmulatedReaders

    store = write_settings(tmp_path, office.url, reader="Counter Reader")
    readers = EmulatedReaders(("Staff Reader", "Counter Reader"))
    kiosk, _ = production(store, readers)
    window = kiosk.window
    readers.insert("Staff Reader", soft_card("ordinary"))
    qtbot.wait(300)
    assert window.current_screen() is window.attract
    readers.insert("Counter Reader", soft_card("initial_pin"))
    qtbot.waitUntil(lambda: window.current_screen() is window.home, timeout=WAIT_MS)


def test_invalid_settings_stop_the_start_before_anything_is_opened(tmp_path):
    from ui.run import build_production_app

    store = write_settings(tmp_path, "http://127.0.0.1:9")
    data = json.loads(store.path.read_text())
    data["backoffice_url"] = "http://bo.example"        # plain http off loopback
    store.path.write_text(json.dumps(data))
    with pytest.raises(SettingsInvalid) as e:
        build_production_app(store.load(), store=store, speaker=None)
    assert [(p.field, p.reason) for p in e.value.problems] == [("backoffice_url", "insecure_url")]
    assert not (tmp_path / "data").exists()


def kiosk_run_process(tmp_path: Path, store: SettingsStore) -> subprocess.CompletedProcess:
    """``kiosk run --quit-after 1`` in its own process, offscreen, on ``store``'s settings."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
               SSC_KIOSK_SETTINGS=str(store.path))
    return subprocess.run([sys.executable, "-m", "kiosk_cli", "run", "--quit-after", "1"],
                          env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)


def test_kiosk_run_from_the_command_line(tmp_path, office):
    """``kiosk run`` in its own process, on PC/SC (no reader here is fine: the kiosk
    says so on its attract screen), quitting by itself."""
    proc = kiosk_run_process(tmp_path, write_settings(tmp_path, office.url))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    log = (tmp_path / "log" / "kiosk.log").read_text("utf-8")
    assert "kiosk demo-kiosk-001 built: jurisdiction hubei" in log
    (managed,) = services_journalled(tmp_path / "data", "settings_managed")
    assert managed[0]["step"] == "applied"


def test_kiosk_run_refuses_invalid_settings_with_the_problems(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"kiosk_id": "k 1", "idle_timeout_s": 5}))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-m", "kiosk_cli", "run", "--settings", str(path),
                           "--quit-after", "0"], env=env, capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert proc.returncode == 1
    assert "kiosk_id: bad_format" in proc.stderr and "backoffice_url: required" in proc.stderr


def test_the_ui_settings_follow_the_kiosk_settings():
    from ui import theme as themes
    from ui.settings_bridge import ui_language, ui_settings, ui_theme

    s = KioskSettings(idle_timeout_s=200, shuffle_keypad=True, speech_default_on=True,
                      speech_volume=35, default_font="large", high_contrast=True,
                      languages=("en", "zh_CN"))
    ui = ui_settings(s)
    assert (ui.idle_seconds, ui.shuffle_keypad, ui.speech_on, ui.speech_volume) == \
        (200, True, True, 35)
    assert ui_theme(s) == themes.LARGE_HIGH_CONTRAST and ui_language(s) == "en"
    assert ui_theme(KioskSettings()) == themes.NORMAL and ui_language(KioskSettings()) == "zh_CN"
