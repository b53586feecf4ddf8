"""Offline speech (ui/speech.py): espeak-ng writes real WAV files here, so no audio device is needed.

A fake espeak-ng (a shell script that never ends) shows that an utterance is
killed when a new one starts, when it is stopped and when it runs too long.
"""

from __future__ import annotations

import array
import logging
import math
import shutil
import stat
import wave
from pathlib import Path

import pytest

from ui import speech
from ui.speech import Speaker, has_pin_like_number, speakable
from tests.support.needs import require


@pytest.fixture(scope="module")
def espeak():
    require("espeak-ng is not installed" if shutil.which("espeak-ng") is None else None)


@pytest.fixture
def speaker(qtbot, tmp_path):
    s = Speaker(output_dir=tmp_path / "wav")
    yield s
    s.stop()


def _say(qtbot, s: Speaker, text: str, language: str, **kw) -> Path:
    with qtbot.waitSignal(s.finished, timeout=10000):
        assert s.say(text, language, **kw)
    assert s.last_output is not None
    return s.last_output


def _wav(path: Path) -> tuple[float, float]:
    """(seconds, RMS) of a 16-bit mono WAV."""
    with wave.open(str(path)) as w:
        assert w.getsampwidth() == 2
        frames = w.readframes(w.getnframes())
        seconds = w.getnframes() / w.getframerate()
    samples = array.array("h", frames)
    rms = math.sqrt(sum(x * x for x in samples) / len(samples)) if samples else 0.0
    return seconds, rms


def _fake_espeak(tmp_path: Path, body: str) -> str:
    """An executable standing in for espeak-ng; it appends its PID to ``pids`` first."""
    exe = tmp_path / "fake-espeak-ng"
    exe.write_text(f"#!/bin/sh\necho $$ >> '{tmp_path / 'pids'}'\n{body}\n")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return str(exe)


def _pids(tmp_path: Path) -> list[int]:
    f = tmp_path / "pids"
    return [int(x) for x in f.read_text().split()] if f.exists() else []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[-1][:1] not in ("Z", "X")
    except FileNotFoundError:
        return False


# --- real espeak-ng -------------------------------------------------------------------

def test_mandarin_prompt_becomes_a_wav(espeak, qtbot, speaker):
    started = []
    speaker.started.connect(started.append)
    seconds, rms = _wav(_say(qtbot, speaker, "请插入社会保障卡", "zh_CN"))
    assert started == ["请插入社会保障卡"]
    assert seconds > 1.0 and rms > 500          # eight syllables of audible speech


def test_english_prompt_becomes_a_wav(espeak, qtbot, speaker):
    seconds, rms = _wav(_say(qtbot, speaker, "Please insert your social security card", "en"))
    assert seconds > 1.0 and rms > 500


def test_the_language_picks_the_voice(espeak, qtbot, speaker):
    zh = _say(qtbot, speaker, "社会保障卡", "zh_CN").read_bytes()
    en = _say(qtbot, speaker, "社会保障卡", "en").read_bytes()
    assert zh != en


def test_volume_sets_the_loudness(espeak, qtbot, speaker):
    speaker.set_volume(100)
    _, loud = _wav(_say(qtbot, speaker, "请输入密码", "zh_CN"))
    speaker.set_volume(30)
    _, soft = _wav(_say(qtbot, speaker, "请输入密码", "zh_CN"))
    speaker.set_volume(0)
    _, silent = _wav(_say(qtbot, speaker, "请输入密码", "zh_CN"))
    assert loud > 1000
    assert 0.15 * loud < soft < 0.5 * loud
    assert silent < 1.0
    speaker.set_volume(250)
    assert speaker.volume == 100


def test_disabled_speaks_nothing(espeak, qtbot, speaker):
    started = []
    speaker.started.connect(started.append)
    speaker.set_enabled(False)
    assert not speaker.enabled
    assert speaker.say("请插入社会保障卡", "zh_CN") is False
    qtbot.wait(100)
    assert started == [] and not speaker.output_dir.exists()
    speaker.set_enabled(True)
    _say(qtbot, speaker, "请插入社会保障卡", "zh_CN")


def test_playing_without_a_sound_card_does_not_hang(espeak, qtbot):
    """No output dir: espeak-ng plays (or fails for want of a device); finished comes either way."""
    s = Speaker(volume=0)
    with qtbot.waitSignal(s.finished, timeout=10000):
        assert s.say("好", "zh_CN")
    assert not s.speaking


# --- PIN safety ------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["您的密码是802413", "8 0 2 4 1 3", "80-24-13", "Your PIN is 975310.",
                                  "新密码 123456", "１２３４５６"])
def test_six_digits_in_a_row_are_refused(qtbot, tmp_path, caplog, text):
    s = Speaker(output_dir=tmp_path, executable=_fake_espeak(tmp_path, "exit 0"))
    started = []
    s.started.connect(started.append)
    with caplog.at_level(logging.DEBUG, logger="ui.speech"):
        assert s.say(text, "zh_CN") is False
    qtbot.wait(50)
    assert started == [] and _pids(tmp_path) == []       # espeak-ng never ran
    assert "refused" in caplog.text
    digits = "".join(ch for ch in text if ch.isdigit())
    assert digits not in caplog.text.replace(" ", "")    # the warning does not repeat the number


@pytest.mark.parametrize("text", ["密码错误，还可尝试 3 次", "2026年11月22日", "Back to the start in 20 seconds",
                                  "12345 和 67"])
def test_short_numbers_are_spoken(text):
    assert speakable(text) and not has_pin_like_number(text)


def test_allow_numbers_speaks_a_long_number(espeak, qtbot, speaker):
    assert speaker.say("受理编号 20261122", "zh_CN") is False
    _say(qtbot, speaker, "受理编号 20261122", "zh_CN", allow_numbers=True)


# --- process handling (fake espeak-ng) ------------------------------------------------

def test_a_new_utterance_interrupts_the_one_playing(qtbot, tmp_path):
    s = Speaker(executable=_fake_espeak(tmp_path, "cat >/dev/null\nexec sleep 30"))
    started, finished = [], []
    s.started.connect(started.append)
    s.finished.connect(lambda: finished.append(1))
    assert s.say("第一句", "zh_CN")
    qtbot.waitUntil(lambda: len(_pids(tmp_path)) == 1, timeout=5000)
    first = _pids(tmp_path)[0]
    assert s.say("第二句", "zh_CN")
    qtbot.waitUntil(lambda: not _alive(first), timeout=5000)
    qtbot.waitUntil(lambda: len(_pids(tmp_path)) == 2, timeout=5000)
    second = _pids(tmp_path)[1]
    assert _alive(second) and s.speaking
    assert started == ["第一句", "第二句"] and finished == []
    with qtbot.waitSignal(s.finished, timeout=2000):
        s.stop()
    qtbot.waitUntil(lambda: not _alive(second), timeout=5000)
    qtbot.wait(100)
    assert finished == [1] and not s.speaking


def test_disabling_silences_the_utterance(qtbot, tmp_path):
    s = Speaker(executable=_fake_espeak(tmp_path, "exec sleep 30"))
    assert s.say("请稍候", "zh_CN")
    qtbot.waitUntil(lambda: len(_pids(tmp_path)) == 1, timeout=5000)
    with qtbot.waitSignal(s.finished, timeout=2000):
        s.set_enabled(False)
    qtbot.waitUntil(lambda: not _alive(_pids(tmp_path)[0]), timeout=5000)


def test_an_utterance_is_killed_after_its_time(qtbot, tmp_path):
    s = Speaker(executable=_fake_espeak(tmp_path, "exec sleep 30"), timeout_s=0.3)
    with qtbot.waitSignal(s.finished, timeout=3000):
        assert s.say("请稍候", "zh_CN")
    assert not s.speaking
    qtbot.waitUntil(lambda: not _alive(_pids(tmp_path)[0]), timeout=5000)


def test_a_failing_espeak_ends_the_utterance(qtbot, tmp_path):
    s = Speaker(output_dir=tmp_path / "wav", executable=_fake_espeak(tmp_path, "echo 'no audio' >&2; exit 1"))
    with qtbot.waitSignal(s.finished, timeout=5000):
        assert s.say("请稍候", "zh_CN")
    assert s.last_output is None and not s.speaking


def test_an_espeak_that_cannot_start_ends_the_utterance(qtbot, tmp_path):
    broken = tmp_path / "espeak-ng"
    broken.write_bytes(b"\x7fELF not really")
    broken.chmod(0o755)
    s = Speaker(executable=str(broken))
    assert s.available
    with qtbot.waitSignal(s.finished, timeout=5000):
        assert s.say("请稍候", "zh_CN")
    assert not s.speaking


def test_missing_espeak_is_a_quiet_no_op(qtbot, monkeypatch, tmp_path):
    monkeypatch.setattr(speech, "ESPEAK", str(tmp_path / "no-such-espeak-ng"))
    s = Speaker(output_dir=tmp_path / "wav")
    started = []
    s.started.connect(started.append)
    assert not s.available
    assert s.say("请插入社会保障卡", "zh_CN") is False
    s.stop()
    qtbot.wait(50)
    assert started == [] and not (tmp_path / "wav").exists()
    assert Speaker(executable="no-such-espeak-ng-on-path").available is False


def test_an_unknown_language_is_not_spoken(qtbot, tmp_path):
    s = Speaker(executable=_fake_espeak(tmp_path, "exit 0"))
    assert s.say("Bonjour", "fr") is False
    assert _pids(tmp_path) == []


def test_a_speaker_dropped_while_speaking_does_not_crash(qtbot, tmp_path):
    """The process outlives its Speaker and ends by itself (a collected Speaker once crashed PySide)."""
    import gc

    s = Speaker(executable=_fake_espeak(tmp_path, "cat >/dev/null\nexec sleep 0.3"))
    assert s.say("请稍候", "zh_CN")
    qtbot.waitUntil(lambda: len(_pids(tmp_path)) == 1, timeout=5000)
    del s
    gc.collect()
    qtbot.waitUntil(lambda: not _alive(_pids(tmp_path)[0]), timeout=5000)
    qtbot.waitUntil(lambda: not speech._PROCESSES, timeout=5000)
