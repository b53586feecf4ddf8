"""``kiosk demo``: refuses politely without a display, runs headless with --quit-after."""

from __future__ import annotations

from ui import demo


def test_no_display_is_a_hint_not_a_crash(monkeypatch, capsys):
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    assert demo.run_demo(["--windowed"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("No display found.")
    assert "xvfb-run -a -s '-screen 0 1920x1080x24' ./run demo" in err
    assert "QT_QPA_PLATFORM=offscreen" in err


def test_display_detection():
    assert demo.display_available({"DISPLAY": ":99"})
    assert demo.display_available({"WAYLAND_DISPLAY": "wayland-0"})
    assert demo.display_available({"QT_QPA_PLATFORM": "offscreen"})
    assert not demo.display_available({})


def test_unknown_demo_card(capsys):
    assert demo.run_demo(["--card", "no_such_card", "--quit-after", "0"]) == 2
    assert "no_such_card" in capsys.readouterr().err


def test_headless_run_with_a_card(tmp_path):
    """``run_demo`` end to end, in its own process (as ``kiosk demo`` runs it).

    Not in the test process: after a ``QApplication.exec()`` there, pytest-qt's
    waits no longer deliver queued signals from other threads.
    """
    import os
    import subprocess
    import sys

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    code = ("import logging, sys; logging.basicConfig(level=logging.INFO); "
            "from ui.demo import run_demo; sys.exit(run_demo(sys.argv[1:]))")
    proc = subprocess.run([sys.executable, "-c", code, "--card", "ordinary", "--quit-after", "2"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "card read on 'Emulated Reader 0'" in proc.stderr       # the home screen was reached
    assert "Traceback" not in proc.stderr


def test_full_screen_and_frameless_unless_windowed(qtbot, hsm):
    from PySide6.QtCore import Qt

    from devices.card.emulator.inprocess import EmulatedReaders
    from ui.app import build_app, show_kiosk, teardown

    readers = EmulatedReaders()
    window = build_app(readers, readers, hsm)
    try:
        show_kiosk(window)
        qtbot.waitUntil(lambda: bool(window.windowState() & Qt.WindowState.WindowFullScreen), timeout=2000)
        assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
        window.hide()
        show_kiosk(window, windowed=True)
        qtbot.waitUntil(lambda: not window.windowState() & Qt.WindowState.WindowFullScreen, timeout=2000)
        assert not window.windowFlags() & Qt.WindowType.FramelessWindowHint
    finally:
        teardown(window)
        window.close()
        window.deleteLater()
