"""``kiosk demo``: the kiosk on emulated cards and the embedded reference back office.

The kiosk window is exactly the product's (built by :func:`ui.app.build_app`);
demo mode adds only a small, clearly labelled control window, kept on top,
to insert any demo profile's card, pull it, and take the back office offline.
The demo cards keep their PIN state in memory for the run (a PIN changed in the
demo is back to the profile's at the next start); the profiles' PINs are in
``devices/card/emulator/profiles/*.toml``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Callable

NO_DISPLAY = ("No display found. Run it under a virtual display: "
              "xvfb-run -a -s '-screen 0 1920x1080x24' ./run demo\n"
              "  (or QT_QPA_PLATFORM=offscreen for a headless check, with --quit-after SECONDS)\n"
              "  To see it from another computer over VNC: README.md, 'On a machine without a display'.")

log = logging.getLogger(__name__)


def startup_message(args: argparse.Namespace, env: dict[str, str] | os._Environ = os.environ) -> str:
    """What ``kiosk demo`` prints once its window is up: what runs, how to see it (a machine
    without a screen shows nothing by itself), how to stop it."""
    display = env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("QT_QPA_PLATFORM", "")
    window = ("a framed window" if args.windowed else
              "full screen, frameless, no close button (--windowed for a framed window)")
    lines = [
        f"kiosk demo: the kiosk is running on display {display} ({window}),",
        f"  {args.jurisdiction.capitalize()}'s rules, emulated demo cards, the reference back office in-process.",
    ]
    if not args.no_panel:
        lines += ["  The demo panel is the brown '▼ 演示' button in the kiosk's header: it inserts and",
                  "  pulls the demo cards and shows the last SMS code."]
    if env.get("DISPLAY", "").startswith(":"):
        lines += [
            "  To see it from another computer (e.g. under xvfb-run): a VNC server on this display,",
            "    apt-get install x11vnc",
            f"    x11vnc -display {env['DISPLAY']}"
            + (f" -auth {env['XAUTHORITY']}" if env.get("XAUTHORITY") else "")
            + " -localhost -nopw -forever -shared",
            "  then on your computer: ssh -L 5900:localhost:5900 <this machine>, and a VNC viewer",
            "  on localhost:5900.",
        ]
    lines += [
        "  Pictures of every screen instead: .venv/bin/kiosk tour OUTDIR",
        "  To stop: " + ("" if args.no_panel else "the panel's 退出演示 (Quit the demo) button, or ")
        + "Ctrl+C here.",
    ]
    return "\n".join(lines)


def stop_on_signals(app) -> Callable[[], None]:
    """Ctrl+C (SIGINT) and SIGTERM end the demo cleanly; returns what puts things back. Qt's
    event loop runs no Python code by itself, so a timer gives Python's signal handlers a
    turn every 200 ms."""
    import signal

    from PySide6.QtCore import QTimer

    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    for signum in previous:
        # quit() would ask the locked window; a timer, so that a signal that comes before
        # app.exec() runs still ends the loop once it runs
        signal.signal(signum, lambda *_: QTimer.singleShot(0, lambda: app.exit(0)))
    tick = QTimer()
    tick.timeout.connect(lambda: None)
    tick.start(200)

    def restore() -> None:
        tick.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return restore


def display_available(env: dict[str, str] | os._Environ = os.environ) -> bool:
    """True when Qt can open a window: X11, Wayland, or a platform chosen explicitly."""
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("QT_QPA_PLATFORM"))


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="kiosk demo", description="the kiosk in demo mode")
    p.add_argument("--windowed", action="store_true",
                   help="a framed window instead of full screen (development)")
    p.add_argument("--card", metavar="PROFILE",
                   help="insert this demo card at start (see `kiosk card profiles`)")
    p.add_argument("--shuffle", action="store_true", help="shuffle the PIN keypad's digits")
    p.add_argument("--no-panel", action="store_true", help="hide the demo control window")
    p.add_argument("--quit-after", type=float, metavar="SECONDS",
                   help="quit after this many seconds (headless checks)")
    p.add_argument("--jurisdiction", default="hubei",
                   choices=["hunan", "hubei", "hainan", "sichuan", "xinxiang"],
                   help="the rule pack and the back office's jurisdiction (default: hubei)")
    p.add_argument("--camera", default="synthetic", metavar="synthetic|INDEX|PATH",
                   help="the photo camera: the synthetic citizen (default), a V4L2 device "
                        "index (0) or a device path or video file")
    p.add_argument("--locale", default="zh_CN", choices=["zh_CN", "en"], help="starting language")
    p.add_argument("--large-font", action="store_true", help="start in large-text mode (长辈版)")
    p.add_argument("--high-contrast", action="store_true", help="start in high contrast")
    return p.parse_args(argv)


def run_demo(argv: list[str] | None = None) -> int:
    """Run the demo until its window closes; returns the exit status (2: no display)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--"]:          # `kiosk demo -- --windowed`
        argv = argv[1:]
    args = parse_args(argv)
    if not display_available():
        print(NO_DISPLAY, file=sys.stderr)
        return 2

    from devices.card.emulator.inprocess import EmulatedReaders
    from devices.card.emulator.profile import demo_profiles

    from PySide6.QtCore import QObject

    from . import theme as themes
    from .app import build_app, ensure_application, show_kiosk, teardown
    from .controller import UiSettings
    from kiosk_cli.demo_kiosk import DemoKiosk
    from .speech import Speaker
    from .widgets.demo_panel import DemoPanel

    profiles = demo_profiles()
    if args.card and args.card not in profiles:
        print(f"kiosk demo: no demo card {args.card!r} (choose from {', '.join(sorted(profiles))})",
              file=sys.stderr)
        return 2

    app = ensure_application([sys.argv[0]] if sys.argv else ["kiosk"])
    with DemoKiosk(args.jurisdiction) as demo:
        if args.camera != "synthetic":
            from devices.camera.opencv import OpenCvCamera

            source = int(args.camera) if args.camera.isdigit() else args.camera
            demo.services.camera = lambda: OpenCvCamera(source)
        readers = EmulatedReaders()
        demo.enable_maintenance(readers)
        window = build_app(readers, readers, demo.hsm,
                           settings=UiSettings(shuffle_keypad=args.shuffle),
                           theme=themes.theme_for(args.large_font, args.high_contrast),
                           services=demo.services, speaker=Speaker(), language=args.locale)
        panel = DemoPanel(readers, profiles, demo, kiosk=window)
        show_kiosk(window, windowed=args.windowed)
        if not args.no_panel:
            panel.show()
            panel.raise_()
        if args.card:
            panel.insert(args.card)
        if args.quit_after is not None:
            from PySide6.QtCore import QTimer

            QTimer.singleShot(int(args.quit_after * 1000), lambda: app.exit(0))  # quit() would ask the locked window
        # closing the kiosk window ends the demo (the panel is a tool window and does not count);
        # disconnected before the clean-up closes windows, which must not post a Quit to a
        # QApplication that outlives the demo (tests)
        quit_on_close = app.lastWindowClosed.connect(app.quit)
        restore_signals = stop_on_signals(app)
        print(startup_message(args), flush=True)
        try:
            status = app.exec()
        finally:
            QObject.disconnect(quit_on_close)
            restore_signals()
            panel.close()
            teardown(window)
            window.close()
            window.deleteLater()
            panel.deleteLater()
    return int(status)
