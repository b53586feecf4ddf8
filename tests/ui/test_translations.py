"""The translation files: every string has its English, and the committed .ts files are current.

``scripts/build_translations.py --check`` is the "no translation is missing"
check: it fails when a string has no ``#: en:`` comment, or when
``locales/*.ts`` lacks a string, has it unfinished or with old English, or
still has one the code dropped. The fix is always: write the comment, then
``.venv/bin/python scripts/build_translations.py``.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "build_translations.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("build_translations", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_translations", mod)    # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


bt = _load_script()


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120)


def _messages(ts: Path) -> list[ET.Element]:
    return list(ET.parse(ts).getroot().iter("message"))


# --- the repository -----------------------------------------------------------------

def test_no_translation_is_missing():
    r = run("--check")
    assert r.returncode == 0, "\n" + r.stdout + r.stderr


def test_sources_are_chinese():
    msgs = _messages(REPO / "locales" / "kiosk_en.ts")
    assert len(msgs) > 60
    for m in msgs:
        assert re.search(r"[\u4e00-\u9fff]", m.findtext("source")), m.findtext("source")


def test_committed_files_are_not_build_products():
    ignored = subprocess.run(["git", "check-ignore", "-q", "locales/kiosk_en.qm"], cwd=REPO).returncode
    assert ignored == 0, ".qm files are built at install time and must be ignored by git"


# --- the script on a small copy --------------------------------------------------------

SAMPLE = '''
from PySide6.QtCore import QCoreApplication

translate = QCoreApplication.translate


def hello():
    #: en: Hello
    return translate("demo", "你好")


def cards(n):
    #: en: You have %n cards
    return translate("demo", "您有 %n 张卡", None, n)


def tries(n):
    #: en: %n time left | %n times left (explicit)
    return translate("demo", "还剩 %n 次", None, n)
'''


@pytest.fixture
def sample(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "demo.py").write_text(SAMPLE, encoding="utf-8")
    return src, tmp_path / "locales"


def test_build_fills_english_and_releases(sample):
    src, locales = sample
    r = run("--update", "--release", "--sources", str(src), "--locales", str(locales))
    assert r.returncode == 0, r.stdout + r.stderr

    en = {m.findtext("source"): m for m in _messages(locales / "kiosk_en.ts")}
    assert set(en) == {"你好", "您有 %n 张卡", "还剩 %n 次"}
    assert en["你好"].find("translation").text == "Hello"
    for m in en.values():
        assert m.find("translation").get("type") is None          # finished
    assert [f.text for f in en["您有 %n 张卡"].iter("numerusform")] == ["You have %n card", "You have %n cards"]
    assert [f.text for f in en["还剩 %n 次"].iter("numerusform")] == ["%n time left", "%n times left (explicit)"]

    zh = {m.findtext("source"): m for m in _messages(locales / "kiosk_zh_CN.ts")}
    assert set(zh) == set(en)
    assert [f.text for f in zh["您有 %n 张卡"].iter("numerusform")] == ["您有 %n 张卡"]

    translator = QTranslator()
    assert translator.load(str(locales / "kiosk_en.qm"))
    assert translator.translate("demo", "你好") == "Hello"
    assert translator.translate("demo", "您有 %n 张卡", None, 1) == "You have %n card"
    assert translator.translate("demo", "您有 %n 张卡", None, 4) == "You have %n cards"
    assert (locales / "kiosk_zh_CN.qm").stat().st_size > 0


def test_build_is_idempotent(sample):
    src, locales = sample
    assert run("--update", "--release", "--sources", str(src), "--locales", str(locales)).returncode == 0
    files = sorted(locales.iterdir())
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    r = run("--update", "--release", "--sources", str(src), "--locales", str(locales))
    assert r.returncode == 0
    assert "unchanged" in r.stdout and "built" not in r.stdout
    assert sorted(locales.iterdir()) == files
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before


def test_check_names_every_problem(sample):
    src, locales = sample
    assert run("--sources", str(src), "--locales", str(locales)).returncode == 0
    assert run("--check", "--sources", str(src), "--locales", str(locales)).returncode == 0

    code = SAMPLE.replace("#: en: Hello\n", "")                          # English removed
    code = code.replace("You have %n cards", "You hold %n cards")          # English changed
    code = code.replace('"还剩 %n 次"', '"剩余 %n 次"')                      # string replaced
    code += textwrap.dedent('''
        def bye():
            #: en: Goodbye
            return translate("demo", "再见")
        ''')                                                                  # string added
    (src / "demo.py").write_text(code, encoding="utf-8")
    before = (locales / "kiosk_en.ts").read_bytes()
    r = run("--check", "--sources", str(src), "--locales", str(locales))
    assert r.returncode == 1
    out = r.stdout
    assert re.search(r"no English.*你好", out)
    assert re.search(r"kiosk_en\.ts: outdated.*您有 %n 张卡", out)
    assert re.search(r"kiosk_en\.ts: missing.*再见", out)
    assert re.search(r"kiosk_en\.ts: missing.*剩余 %n 次", out)
    assert re.search(r"kiosk_en\.ts: vanished.*还剩 %n 次", out)
    assert re.search(r"kiosk_zh_CN\.ts: vanished.*还剩 %n 次", out)
    assert (locales / "kiosk_en.ts").read_bytes() == before                # --check writes nothing
    assert not [p for p in locales.iterdir() if p.name.startswith(".")]

    # the update brings everything in but the string without English
    r = run("--sources", str(src), "--locales", str(locales))
    assert r.returncode == 1 and "你好" in r.stderr
    hello = next(m for m in _messages(locales / "kiosk_en.ts") if m.findtext("source") == "你好")
    assert hello.find("translation").get("type") == "unfinished" and not hello.find("translation").text
    r = run("--check", "--sources", str(src), "--locales", str(locales))
    assert r.returncode == 1 and r.stdout.strip().count("\n") == 0 and "no English" in r.stdout

    (src / "demo.py").write_text(code.replace('    return translate("demo", "你好")',
                                              '    #: en: Hi\n    return translate("demo", "你好")'),
                                 encoding="utf-8")
    assert run("--sources", str(src), "--locales", str(locales)).returncode == 0
    r = run("--check", "--sources", str(src), "--locales", str(locales))
    assert r.returncode == 0, r.stdout
    en = {m.findtext("source"): m.find("translation").text for m in _messages(locales / "kiosk_en.ts")}
    assert en["你好"] == "Hi"


def test_release_rebuilds_only_what_changed(sample):
    src, locales = sample
    assert run("--update", "--release", "--sources", str(src), "--locales", str(locales)).returncode == 0
    r = run("--release", "--locales", str(locales))
    assert r.returncode == 0 and r.stdout == ""
    (locales / "kiosk_en.qm").unlink()
    r = run("--release", "--locales", str(locales))
    assert r.returncode == 0 and "kiosk_en.qm: built" in r.stdout and "zh_CN" not in r.stdout


# --- English plurals ----------------------------------------------------------------------

@pytest.mark.parametrize("plural, singular", [
    ("Wrong PIN. You have %n tries left.", "Wrong PIN. You have %n try left."),
    ("Back to the start in %n seconds", "Back to the start in %n second"),
    ("%n days, then it ends by itself", "%n day, then it ends by itself"),
    ("%n of 6 digits typed", "%n of 6 digits typed"),
    ("%n boxes and %n matches", "%n box and %n match"),
    ("%n people", "%n person"),
    ("%n is the number", "%n is the number"),
    ("%n glass", "%n glass"),
])
def test_singular_by_rule(plural, singular):
    assert bt.numerus_forms(plural) == [singular, plural]


def test_singular_given_in_the_comment():
    assert bt.numerus_forms("%n person waits | %n people wait") == ["%n person waits", "%n people wait"]
