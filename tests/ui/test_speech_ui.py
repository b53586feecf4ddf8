"""Speech in the kiosk: the header switches it on, each screen is read in the current
language, and a PIN being typed is never part of what is spoken."""

from __future__ import annotations

import shutil

import pytest

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


@pytest.fixture
def speaking_kiosk(qtbot, demo, settings, tmp_path):
    from ui.speech import Speaker

    from .kiosk_driver import KioskDriver, make_readers

    speaker = Speaker(output_dir=tmp_path)
    spoken: list[str] = []
    speaker.started.connect(spoken.append)
    k = KioskDriver(qtbot, make_readers(), demo.hsm, settings, services=demo.services, demo=demo,
                    speaker=speaker)
    k.spoken = spoken
    k.speaker = speaker
    yield k
    k.close()
    speaker.stop()


def test_speech_reads_each_screen_and_never_a_pin(speaking_kiosk, qtbot):
    from ui.app import switch_language

    k = speaking_kiosk
    assert not k.window.speech_on
    k.click(k.window.attract.header.speech_button)          # the citizen turns speech on
    qtbot.waitUntil(lambda: any("请插入社会保障卡" in s for s in k.spoken), timeout=3000)
    qtbot.waitUntil(lambda: k.speaker.last_output is not None and k.speaker.last_output.exists()
                    and k.speaker.last_output.stat().st_size > 1000, timeout=10000)
    k.insert("ordinary")
    k.start_pin_change()
    k.type_digits("8024")                                   # four digits typed, not yet sent
    qtbot.waitUntil(lambda: any("请输入当前密码" in s for s in k.spoken), timeout=3000)
    assert all("8024" not in s and "802413" not in s for s in k.spoken)
    switch_language(k.window, "en")
    qtbot.waitUntil(lambda: any("current PIN" in s for s in k.spoken[-2:]), timeout=3000)
    switch_language(k.window, "zh_CN")
