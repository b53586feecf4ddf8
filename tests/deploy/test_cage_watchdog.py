"""The unit's ExecStart as systemd runs it, short of systemd: cage (headless) runs the
kiosk's real window with the real watchdog feeder, and READY=1 and the WATCHDOG=1 pings
reach $NOTIFY_SOCKET from cage's child.

systemd sets WATCHDOG_PID to the process it started, cage; the kiosk, cage's child,
feeds the watchdog only because the unit's ExecStart drops WATCHDOG_PID
(`/usr/bin/env -u WATCHDOG_PID`). The second case takes that out and shows the
watchdog then goes unfed (systemd would kill the kiosk every 30 s).

`kiosk run` is stood in for by a script that shows ``ui.main_window.MainWindow``
with ``ui.watchdog.install_watchdog`` for a moment and closes it. cage refuses to
run as root, so as root it runs in a user namespace as uid 1000 (mapped to root,
so it still reads this checkout's Python). Needs cage, Xwayland and Qt's Wayland
client libraries (scripts/install.sh); skipped with the reason where missing,
failed in CI.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from kiosk import service_install
from tests.support.needs import require

WATCHDOG_USEC = 200_000      # pings every 0.1 s
SHOWN_FOR_MS = 1500          # how long the stand-in kiosk keeps its window up after painting

STAND_IN = textwrap.dedent(f"""\
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from ui.main_window import MainWindow
    from ui.watchdog import install_watchdog

    assert sys.argv[1:] == ["run"], sys.argv
    app = QApplication(sys.argv[:1])
    assert app.platformName() == "wayland", app.platformName()
    window = MainWindow()
    feeder = install_watchdog(app, window)
    window.showFullScreen()
    # up for a moment after its first paint, then closed (STOPPING=1); never longer than 30 s
    window.firstPainted.connect(lambda: QTimer.singleShot({SHOWN_FOR_MS}, window.close))
    window.closing.connect(app.quit)
    QTimer.singleShot(30_000, app.quit)
    sys.exit(app.exec())
    """)


def _missing() -> str | None:
    for exe, package in (("/usr/bin/cage", "cage"), ("/usr/bin/Xwayland", "xwayland"),
                         ("/usr/bin/env", "coreutils")):
        if not os.access(exe, os.X_OK):
            return f"{exe} is missing (apt package {package})"
    qt_wayland = Path(__import__("PySide6").__file__).parent / "Qt/lib/libQt6WaylandClient.so.6"
    if qt_wayland.exists():
        ldd = subprocess.run(["ldd", str(qt_wayland)], capture_output=True, text=True, timeout=30)
        if "not found" in ldd.stdout:
            return "Qt's Wayland client lacks libraries (apt packages libwayland-cursor0 libwayland-egl1)"
    return None


@pytest.fixture
def cage_available():
    require(_missing(), ci_hint="CI installs these: scripts/install.sh")
    if os.geteuid() == 0:
        probe = subprocess.run(["unshare", "--user", "--map-user=1000", "--map-group=1000", "true"],
                               capture_output=True, text=True, timeout=30)
        if probe.returncode != 0:
            pytest.skip(f"cage refuses root and no user namespace here: {probe.stderr.strip()}")


def exec_start(prefix: Path) -> list[str]:
    """The unit's ExecStart for ``prefix``, from the installed unit file."""
    root = prefix.parent / "root"
    service_install.install_units(root, str(prefix), "kiosk")
    text = (root / service_install.UNIT_DIR / service_install.MAIN_UNIT).read_text()
    (line,) = [l for l in text.splitlines() if l.startswith("ExecStart=")]
    return shlex.split(line.removeprefix("ExecStart="))


def run_under_cage(tmp_path: Path, argv: list[str]) -> tuple[list[str], str]:
    """Run ``argv`` as systemd would (WATCHDOG_PID = its own pid); the notifications and output."""
    notify_path = tmp_path / "notify"
    runtime = tmp_path / "xdg"
    runtime.mkdir(mode=0o700)
    messages: list[str] = []
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("WAYLAND_", "DISPLAY", "QT_", "WATCHDOG_", "NOTIFY_"))}
    env.update(XDG_RUNTIME_DIR=str(runtime), NOTIFY_SOCKET=str(notify_path),
               WATCHDOG_USEC=str(WATCHDOG_USEC), QT_QPA_PLATFORM="wayland",
               WLR_BACKENDS="headless", WLR_RENDERER="pixman", WLR_LIBINPUT_NO_DEVICES="1")
    if os.geteuid() == 0:
        argv = ["unshare", "--user", "--map-user=1000", "--map-group=1000", *argv]
    # `exec` keeps the pid: WATCHDOG_PID names the process that becomes cage, as systemd's does
    script = 'WATCHDOG_PID=$$ exec "$@"'
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(notify_path))
        sock.settimeout(0.2)
        stop = threading.Event()

        def listen() -> None:  # systemd reads as messages come (its queue holds 10)
            while not stop.is_set():
                try:
                    messages.append(sock.recv(4096).decode("utf-8"))
                except socket.timeout:
                    pass

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        proc = subprocess.Popen(["/bin/sh", "-c", script, "sh", *argv], env=env, cwd=tmp_path,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
        try:
            out, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate(timeout=10)
            pytest.fail(f"cage and the kiosk did not end within 60 s:\n{out}")
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            stop.set()
            listener.join(timeout=5)
    kinds = [m.split("\n")[0] for m in messages]
    print(out + "notifications: " + ", ".join(f"{k} x{kinds.count(k)}" for k in dict.fromkeys(kinds)))
    assert proc.returncode == 0, out
    return messages, out


@pytest.fixture
def prefix(tmp_path) -> Path:
    """A stand-in installation: PREFIX/.venv/bin/kiosk runs the stand-in `kiosk run`."""
    prefix = tmp_path / "opt" / "ssc-kiosk"
    (prefix / ".venv" / "bin").mkdir(parents=True)
    (prefix / "stand_in_kiosk.py").write_text(STAND_IN)
    kiosk = prefix / ".venv" / "bin" / "kiosk"
    kiosk.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} "
                     f"{shlex.quote(str(prefix / 'stand_in_kiosk.py'))} \"$@\"\n")
    kiosk.chmod(0o755)
    return prefix


def test_the_kiosk_under_cage_is_ready_and_feeds_the_watchdog(tmp_path, prefix, cage_available):
    argv = exec_start(prefix)
    assert argv[:4] == ["/usr/bin/cage", "-d", "-s", "--"]
    messages, _ = run_under_cage(tmp_path, argv)
    kinds = [m.split("\n")[0] for m in messages]
    assert kinds.count("READY=1") == 1
    assert kinds.count("WATCHDOG=1") >= 3
    assert kinds[-1] == "STOPPING=1"
    assert kinds.index("READY=1") < kinds.index("STOPPING=1")


def test_without_dropping_watchdog_pid_the_watchdog_goes_unfed(tmp_path, prefix, cage_available):
    argv = [a for a in exec_start(prefix) if a not in ("/usr/bin/env", "-u", "WATCHDOG_PID")]
    messages, _ = run_under_cage(tmp_path, argv)
    kinds = [m.split("\n")[0] for m in messages]
    assert "READY=1" in kinds and "WATCHDOG=1" not in kinds
