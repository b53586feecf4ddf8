"""The translation scheme of ui/messages.py holds: Chinese sources, English in ``#: en:`` comments.

lupdate must find every string with its English, and a translation loaded at
run time must reach the screens (``self.tr`` contexts are the class names).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

UI = Path(__file__).resolve().parents[2] / "ui"
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed")
    return found


@pytest.fixture(scope="module")
def ts_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ts") / "ui_en.ts"
    sources = sorted(str(p) for p in UI.rglob("*.py"))
    subprocess.run([_tool("pyside6-lupdate"), *sources, "-target-language", "en", "-ts", str(out)],
                   check=True, capture_output=True, timeout=60)
    return out


def _messages(ts: str) -> list[str]:
    return re.findall(r"<message.*?</message>", ts, re.S)


def test_every_string_has_its_english(ts_file):
    msgs = _messages(ts_file.read_text(encoding="utf-8"))
    assert len(msgs) > 60
    # exactly one English line per string (lupdate joins the comments of a
    # string written twice; such a string belongs in one helper)
    missing = [re.search(r"<source>(.*?)</source>", m, re.S).group(1)
               for m in msgs if not re.search(r"<extracomment>en: [^\n]+</extracomment>", m)]
    assert missing == []


def test_sources_are_chinese(ts_file):
    for m in _messages(ts_file.read_text(encoding="utf-8")):
        src = re.search(r"<source>(.*?)</source>", m, re.S).group(1)
        assert re.search(r"[\u4e00-\u9fff]", src), src


def test_a_loaded_translation_reaches_the_screens(kiosk, ts_file, tmp_path):
    ts = ts_file.read_text(encoding="utf-8")
    english = {
        "请插入社会保障卡": "Please insert your social security card",
        "密码错误，还可尝试 %n 次": None,
    }

    def fill(m: re.Match) -> str:
        block = m.group(0)
        src = re.search(r"<source>(.*?)</source>", block, re.S).group(1)
        if src not in english:
            return block
        if english[src] is None:    # numerus: one form per English plural
            return re.sub(r'<translation type="unfinished">.*?</translation>',
                          "<translation><numerusform>Wrong PIN. %n try left.</numerusform>"
                          "<numerusform>Wrong PIN. %n tries left.</numerusform></translation>",
                          block, flags=re.S)
        return block.replace('<translation type="unfinished"></translation>',
                             f"<translation>{english[src]}</translation>")

    filled = tmp_path / "ui_en.ts"
    filled.write_text(re.sub(r"<message.*?</message>", fill, ts, flags=re.S), encoding="utf-8")
    qm = tmp_path / "ui_en.qm"
    subprocess.run([_tool("pyside6-lrelease"), str(filled), "-qm", str(qm)],
                   check=True, capture_output=True, timeout=60)
    translator = QTranslator()
    assert translator.load(str(qm))
    app = QCoreApplication.instance()
    app.installTranslator(translator)
    try:
        kiosk.qtbot.waitUntil(lambda: kiosk.window.attract.title.text()
                              == "Please insert your social security card", timeout=2000)
        from ui import messages

        assert messages.wrong_pin(1) == "Wrong PIN. 1 try left."
        assert messages.wrong_pin(3) == "Wrong PIN. 3 tries left."
    finally:
        app.removeTranslator(translator)
    kiosk.qtbot.waitUntil(lambda: kiosk.window.attract.title.text() == "请插入社会保障卡", timeout=2000)
