"""Live language switching (ui/i18n.py): the screens follow, the formats follow, and back again.

The English expected on a screen is read from the committed ``locales/kiosk_en.ts``
(which ``tests/ui/test_translations.py`` checks against the ``#: en:`` comments),
so these tests follow the wording of the screens as it changes.
"""

from __future__ import annotations

import datetime
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QDate, QLocale, QObject, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from ui import i18n

LOCALES = Path(__file__).resolve().parents[2] / "locales"


@pytest.fixture(autouse=True)
def chinese_then_as_before(qapp):
    saved = QLocale()
    i18n.install(qapp, "zh_CN")     # as the kiosk does at start (sets the default locale too)
    QCoreApplication.processEvents()
    yield
    i18n.translations().uninstall()  # the other test modules run as they would without this one
    QLocale.setDefault(saved)
    QCoreApplication.processEvents()


@pytest.fixture(scope="module")
def english() -> dict[str, str]:
    """Chinese source -> English, for every non-plural message of kiosk_en.ts with one English."""
    found: dict[str, set[str]] = {}
    for msg in ET.parse(LOCALES / "kiosk_en.ts").getroot().iter("message"):
        tr = msg.find("translation")
        if msg.get("numerus") != "yes" and tr is not None and tr.text and not tr.get("type"):
            found.setdefault(msg.findtext("source"), set()).add(tr.text)
    return {src: next(iter(en)) for src, en in found.items() if len(en) == 1}


def _texts(widget: QWidget) -> dict[tuple[str, str], str]:
    """Every non-empty label text, button text and accessible name under ``widget``."""
    out = {}
    for i, w in enumerate(widget.findChildren(QWidget)):
        key = w.objectName() or f"#{i}"
        if isinstance(w, (QLabel, QAbstractButton)) and w.text():
            out[(key, "text")] = w.text()
        if isinstance(w, QAbstractButton) and w.accessibleName():
            out[(key, "accessible")] = w.accessibleName()
    return out


def _switch(qtbot, language: str) -> None:
    assert i18n.install(QApplication.instance(), language)
    assert i18n.current_language() == language
    qtbot.wait(10)          # LanguageChange is delivered through the event loop
    QCoreApplication.processEvents()


def _check_screen_switches(qtbot, screen: QWidget, english: dict[str, str], must_have: set[str]) -> None:
    chinese = _texts(screen)
    expected = {k: english[v] for k, v in chinese.items() if v in english}
    assert must_have <= set(chinese.values()), "the screen's wording changed: update must_have"
    assert len(expected) >= 3
    _switch(qtbot, "en")
    qtbot.waitUntil(lambda: {k: v for k, v in _texts(screen).items() if k in expected} == expected, timeout=2000)
    _switch(qtbot, "zh_CN")
    qtbot.waitUntil(lambda: _texts(screen) == chinese, timeout=2000)


def test_home_screen_switches_to_english_and_back(qtbot, english):
    from ui.screens.home import HomeScreen

    screen = HomeScreen()
    qtbot.addWidget(screen)
    _check_screen_switches(qtbot, screen, english, {"您好！请选择要办理的业务。", "姓名"})
    assert english["您好！请选择要办理的业务。"] == "Hello! Please choose a service."


def test_attract_screen_switches_to_english_and_back(qtbot, english):
    from ui.screens.attract import AttractScreen

    screen = AttractScreen()
    qtbot.addWidget(screen)
    _check_screen_switches(qtbot, screen, english, {"请插入社会保障卡"})
    _switch(qtbot, "en")
    qtbot.waitUntil(lambda: screen.title.text() == "Please insert your social security card", timeout=2000)


def test_the_running_kiosk_switches_language(kiosk):
    from ui import messages

    _switch(kiosk.qtbot, "en")
    kiosk.qtbot.waitUntil(lambda: kiosk.window.attract.title.text()
                          == "Please insert your social security card", timeout=2000)
    # %n plurals: English has a singular and a plural
    assert messages.wrong_pin(1) == "Wrong PIN. You have 1 try left."
    assert messages.wrong_pin(3) == "Wrong PIN. You have 3 tries left."
    _switch(kiosk.qtbot, "zh_CN")
    kiosk.qtbot.waitUntil(lambda: kiosk.window.attract.title.text() == "请插入社会保障卡", timeout=2000)
    assert messages.wrong_pin(1) == "密码错误，还可尝试 1 次"


def test_the_locale_and_direction_follow_the_language(qtbot, qapp):
    changed = []
    conn = i18n.translations().languageChanged.connect(changed.append)
    try:
        _switch(qtbot, "en")
        assert QLocale().language() == QLocale.Language.English
        assert qapp.layoutDirection() == Qt.LayoutDirection.LeftToRight
        _switch(qtbot, "zh_CN")
        assert QLocale().language() == QLocale.Language.Chinese
    finally:
        QObject.disconnect(conn)     # (SignalInstance.disconnect leaks a reference in PySide 6.12)
    assert changed == ["en", "zh_CN"]


def test_an_unknown_language_is_refused(qapp):
    with pytest.raises(ValueError):
        i18n.install(qapp, "fr")
    assert i18n.current_language() == "zh_CN"


def test_a_checkout_without_qm_files_builds_them(qtbot, qapp, tmp_path, monkeypatch):
    """Only the committed .ts files: the .qm is built into the cache on first use."""
    locales = tmp_path / "locales"
    locales.mkdir()
    for ts in LOCALES.glob("*.ts"):
        shutil.copy(ts, locales)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    t = i18n.Translations(locales_dir=locales)
    try:
        assert t.install(qapp, "en")
        assert (tmp_path / "cache" / "ssc-kiosk" / "locales" / "kiosk_en.qm").stat().st_size > 0
        assert not list(locales.glob("*.qm"))
        assert QCoreApplication.translate("AttractScreen", "请插入社会保障卡") \
            == "Please insert your social security card"
    finally:
        t.uninstall()
    assert QCoreApplication.translate("AttractScreen", "请插入社会保障卡") == "请插入社会保障卡"


# --- formats ----------------------------------------------------------------------

def test_format_date_in_both_languages():
    d = datetime.date(2026, 11, 22)
    assert i18n.format_date(d, "zh_CN") == "2026年11月22日"
    assert i18n.format_date(d, "en") == "22 November 2026"
    assert i18n.format_date(QDate(2027, 1, 5), "en") == "5 January 2027"


def test_formats_follow_the_current_language(qtbot):
    dt = datetime.datetime(2026, 11, 22, 14, 5)
    assert i18n.format_datetime(dt) == "2026年11月22日 14:05"
    _switch(qtbot, "en")
    assert i18n.format_date(dt.date()) == "22 November 2026"
    assert i18n.format_datetime(dt) == "22 November 2026, 14:05"


def test_format_number():
    assert i18n.format_number(1234567, language="en") == "1,234,567"
    assert i18n.format_number(1234567, language="zh_CN") == "1,234,567"
    assert i18n.format_number(1234.5, 2, language="en") == "1,234.50"
    assert i18n.format_number(0.25, language="zh_CN") == "0.25"
