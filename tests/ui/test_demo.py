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
    assert proc.stdout.startswith("kiosk demo: the kiosk is running")   # not silent


def test_startup_message_says_what_runs_how_to_see_it_and_how_to_stop(monkeypatch):
    """Under ``xvfb-run`` nothing shows: the demo says what runs, how to look, how to stop."""
    text = demo.startup_message(demo.parse_args([]),
                                {"DISPLAY": ":99", "XAUTHORITY": "/tmp/xvfb-run.x/Xauthority"})
    assert "kiosk is running on display :99" in text
    assert "x11vnc -display :99 -auth /tmp/xvfb-run.x/Xauthority -localhost" in text
    assert "frameless" in text and "--windowed" in text
    assert "apt-get install x11vnc" in text
    assert "x11vnc -display :0 -localhost" in demo.startup_message(demo.parse_args([]),
                                                                    {"DISPLAY": ":0"})
    assert "kiosk tour OUTDIR" in text
    assert "退出演示" in text and "Ctrl+C" in text
    windowed = demo.startup_message(demo.parse_args(["--windowed", "--no-panel"]),
                                    {"WAYLAND_DISPLAY": "wayland-0"})
    assert "a framed window" in windowed and "x11vnc" not in windowed    # VNC is for X displays
    assert "退出演示" not in windowed and "Ctrl+C" in windowed           # no panel, no button


def test_ctrl_c_ends_the_demo_cleanly(tmp_path):
    """The full-screen window has no close button; Ctrl+C in the terminal stops the demo."""
    import os
    import signal
    import subprocess
    import sys

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    code = "import sys; from ui.demo import run_demo; sys.exit(run_demo(sys.argv[1:]))"
    proc = subprocess.Popen([sys.executable, "-c", code, "--quit-after", "60"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()            # printed once the window is up
        assert first.startswith("kiosk demo: the kiosk is running"), proc.stderr.read()[-2000:]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        assert "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


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


def test_the_production_kiosk_has_no_demo_panel():
    """退出演示 and the demo cards are the demo's: ``kiosk run`` never loads the panel."""
    import subprocess
    import sys

    code = ("import sys, ui.run; "
            "sys.exit(1 if any(m.startswith('ui.widgets.demo_panel') or m == 'ui.demo' "
            "for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0
