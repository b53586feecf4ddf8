"""Benchmark: the kiosk UI's cold start, its screen-to-screen switches, and (later) taps per service.

1. Cold start. The time from just before the process is started (the parent's
   clock before ``Popen``) to the moment the kiosk is usable: the real
   composition root (:func:`ui.app.build_app` on the in-process emulated
   readers, no back office: ``hsm_step=None``) has built the window, it is
   shown at 1920 × 1080 and exposed, its first paint is done and the event
   loop has run idle once (a zero timer queued from the first paint fired).
   The child prints that moment (``time.monotonic()``, the same clock in every
   process on Linux) and the parent subtracts. Baseline, in the same run and
   interleaved: a bare PySide6 process showing a QWidget with one QLabel (the
   same CJK text and font), measured the same way. ``startup_ratio`` =
   kiosk median / bare median. Offscreen (``QT_QPA_PLATFORM=offscreen``), and,
   where ``Xvfb`` is installed, again on a real X server (Xvfb, ``xcb``).
   When the ratio is above 2, the kiosk's imports are profiled
   (``python -X importtime``) and the slowest are printed.
2. Screen switch. In one process, the window switches through
   ``window.screens()`` with ``window.show_screen``; measured from the call to
   after ``processEvents()`` (layouts) and ``window.repaint()`` (a synchronous
   paint of the whole window) have returned. Also the live theme switch
   (``theme.apply`` between normal and 长辈版 + high contrast), measured the
   same way.
3. Taps per service: :func:`count_taps` (to be written once the service
   screens exist).

    .venv/bin/python bench/ui.py [--starts 15] [--switches 100] [--no-xvfb]

Human lines first; the last line is one JSON object: startup_median_s,
bare_median_s, startup_ratio, switch_median_ms, switch_p95_ms,
theme_switch_median_ms, taps, and, under Xvfb, xvfb_startup_median_s,
xvfb_bare_median_s, xvfb_startup_ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# this file is bench/ui.py: its folder must not hide the ui package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
sys.path.insert(0, str(REPO))

CHILD_TIMEOUT_S = 60
DESIGN = (1920, 1080)
BARE_TEXT = "请插入社会保障卡"
WRONG_SIZES: set[str] = set()     # window sizes other than DESIGN seen at start-up


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


# --- the child: one cold start ---------------------------------------------------------------

def production_services():
    """What a deployed kiosk builds at start besides the window: the back-office client
    (nothing listens at its URL here: nothing is asked at start), the rule pack, the
    journal and its outbox (a temporary file)."""
    from kiosk.backoffice_client import BackOfficeClient
    from kiosk.journal import Journal, Outbox
    from kiosk.policies import load_pack
    from ui.controller import KioskServices

    journal = Journal(Path(tempfile.mkdtemp(prefix="ssc-bench-ui-")) / "journal.sqlite3",
                      kiosk_id="bench-kiosk")
    return KioskServices(client=BackOfficeClient("http://127.0.0.1:9", "bench-kiosk", "secret"),
                         pack=load_pack("hubei"), journal=journal, outbox=Outbox(journal))


def child(kind: str) -> int:
    """Start the kiosk (``kind`` = kiosk) or the bare window (bare); print READY <monotonic>."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    if kind == "kiosk":
        from devices.card.emulator.inprocess import EmulatedReaders
        from ui.app import build_app, teardown

        imported = time.monotonic()
        readers = EmulatedReaders()
        window = build_app(readers, readers, None, services=production_services)
        from PySide6.QtWidgets import QApplication
        app = QApplication.instance()
    else:
        from PySide6.QtGui import QFont
        from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

        imported = time.monotonic()
        app = QApplication(sys.argv[:1])
        font = QFont("Noto Sans CJK SC")
        font.setPixelSize(28)
        app.setFont(font)
        window = QWidget()
        QVBoxLayout(window).addWidget(QLabel(BARE_TEXT, window))
        teardown = None
    built = time.monotonic()

    class FirstPaint(QObject):
        def __init__(self):
            super().__init__()
            self.painted = False

        def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint and not self.painted:
                self.painted = True
                QTimer.singleShot(0, ready)        # after this paint, once the loop is idle
            return False

    def ready():
        handle = window.windowHandle()
        if handle is None or not handle.isExposed():
            QTimer.singleShot(1, ready)
            return
        now = time.monotonic()
        shown = kind != "kiosk" or window.current_screen() is window.attract
        print(f"PHASES {imported!r} {built!r}", flush=True)
        print(f"READY {now!r} {int(shown)} {window.width()}x{window.height()}", flush=True)
        if kind == "kiosk":
            serving()
            return
        app.quit()

    def serving():
        # the deferred start-up work done: journal open, card watcher running
        if window.controller._bridge is None:
            QTimer.singleShot(2, serving)
            return
        print(f"SERVING {time.monotonic()!r}", flush=True)
        teardown(window)
        app.quit()

    probe = FirstPaint()
    window.installEventFilter(probe)
    window.resize(*DESIGN)
    window.show()
    return app.exec()


SERVING: list[float] = []     # kiosk starts: seconds until the card watcher runs (journal open)


def one_start(kind: str, env: dict[str, str], phases: list | None = None) -> float:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S,
                          cwd=str(REPO))
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("READY ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{kind} start failed ({proc.returncode}): {proc.stderr[-2000:]}")
    _, at, shown, size = lines[-1].split()
    serving = [ln for ln in proc.stdout.splitlines() if ln.startswith("SERVING ")]
    if serving and env.get("QT_QPA_PLATFORM") == "offscreen":
        SERVING.append(float(serving[-1].split()[1]) - t0)
    if phases is not None:
        _, imported, built = [ln for ln in proc.stdout.splitlines() if ln.startswith("PHASES ")][-1].split()
        phases.append((float(imported) - t0, float(built) - t0))
    if shown != "1":
        raise RuntimeError(f"{kind}: not on the attract screen when ready")
    if size != f"{DESIGN[0]}x{DESIGN[1]}" and size not in WRONG_SIZES:
        WRONG_SIZES.add(size)
        print(f"WARNING: the {kind} window is {size}, not {DESIGN[0]}x{DESIGN[1]}: some screen's "
              f"minimum size is larger than the screen (see ui/inventory.py check())")
    return float(at) - t0


def cold_starts(n: int, env: dict[str, str], kiosk_phases: list | None = None,
                bare_phases: list | None = None) -> tuple[list[float], list[float]]:
    """Interleaved kiosk and bare starts, after one warm-up of each (disk cache, font cache).

    ``*_phases`` collect (imports done, window built) of each start, in seconds from t0.
    """
    one_start("kiosk", env)
    one_start("bare", env)
    kiosk, bare = [], []
    for _ in range(n):
        kiosk.append(one_start("kiosk", env, kiosk_phases))
        bare.append(one_start("bare", env, bare_phases))
    return kiosk, bare


def _phase_line(name: str, phases: list, total: float) -> str:
    imp = statistics.median(p[0] for p in phases)
    built = statistics.median(p[1] for p in phases)
    return (f"  {name}: imports done at {imp:.3f} s, window built at {built:.3f} s "
            f"(build {built - imp:.3f} s), shown, painted and idle at {total:.3f} s "
            f"(show {total - built:.3f} s)")


def import_profile(env: dict[str, str], top: int = 15) -> list[tuple[float, str]]:
    """The kiosk child's slowest top-level imports of the project and its libraries (ms, cumulative)."""
    cmd = [sys.executable, "-X", "importtime", str(Path(__file__).resolve()), "--child", "kiosk"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S,
                          cwd=str(REPO))
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _head, cumulative, name = line.split("|", 2)
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        if depth <= 2:
            rows.append((int(cumulative) / 1000, name.strip(), depth))
    rows.sort(reverse=True)
    return [(ms, ("  " * d) + name) for ms, name, d in rows[:top]]


class Xvfb:
    """A private X server for the children (``None`` display when Xvfb is not installed)."""

    def __init__(self):
        self.proc = None
        self.display = None

    def __enter__(self):
        exe = shutil.which("Xvfb")
        if exe is None:
            return self
        r, w = os.pipe()
        self.proc = subprocess.Popen([exe, "-displayfd", str(w), "-screen", "0",
                                      f"{DESIGN[0]}x{DESIGN[1]}x24", "-nolisten", "tcp"],
                                     pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(w)
        with os.fdopen(r) as f:
            num = f.readline().strip()
        if not num:
            self.proc.kill()
            self.proc = None
            return self
        self.display = f":{num}"
        return self

    def __exit__(self, *exc):
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


# --- screen and theme switches, in this process ------------------------------------------------

def switches(n: int) -> tuple[list[float], list[float]]:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    from devices.card.emulator.inprocess import EmulatedReaders
    from ui import theme
    from ui.app import build_app, teardown

    readers = EmulatedReaders()
    window = build_app(readers, readers, None)
    app = QApplication.instance()
    window.build_all()                     # the lazy screens too: every switch is measured
    window.resize(*DESIGN)
    window.show()
    deadline = time.monotonic() + 10
    while (window.windowHandle() is None or not window.windowHandle().isExposed()) \
            and time.monotonic() < deadline:
        app.processEvents()
    screens = window.screens()
    for s in screens:                      # each screen laid out once, as after a day's use
        window.show_screen(s)
        app.processEvents()
        window.repaint()
    screen_ms: list[float] = []
    i = 0
    while len(screen_ms) < n:
        target = screens[i % len(screens)]
        i += 1
        if target is window.current_screen():
            continue
        start = time.perf_counter()
        window.show_screen(target)
        app.processEvents()
        window.repaint()
        screen_ms.append((time.perf_counter() - start) * 1000)
    theme_ms: list[float] = []
    window.show_screen(window.attract)
    app.processEvents()
    for k in range(10):
        t = theme.LARGE_HIGH_CONTRAST if k % 2 == 0 else theme.NORMAL
        start = time.perf_counter()
        theme.apply(app, t)
        app.processEvents()
        window.repaint()
        theme_ms.append((time.perf_counter() - start) * 1000)
    theme.apply(app, theme.NORMAL)
    teardown(window)
    window.close()
    window.deleteLater()
    app.processEvents()
    return screen_ms, theme_ms


# --- taps per service ---------------------------------------------------------------------------

def count_taps() -> tuple[dict[str, int], dict[str, int], dict[str, str]]:
    """Taps a citizen needs per service on its shortest path, from the card (or
    "I lost my card") to the result: ``kiosk_cli.tour.shortest_paths`` on the real window,
    the embedded reference back office and the emulated card.

    Taps are touches of buttons; PIN digits, SMS and ID digits and the letters
    and candidates typed on the keyboard are counted apart (keystrokes).
    Returns (taps, keystrokes, outcome of each service).
    """
    from kiosk_cli.tour import count_taps as walk

    t = walk()
    return t.taps, t.keys, t.outcomes


# --- main -----------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--starts", type=int, default=15, help="cold starts of each kind (>= 10)")
    ap.add_argument("--switches", type=int, default=100, help="screen switches (>= 50)")
    ap.add_argument("--no-xvfb", action="store_true", help="offscreen only")
    ap.add_argument("--child", choices=("kiosk", "bare"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(args.child)

    # the bytecode a deployed kiosk has (scripts/install.sh compiles it): without it, each
    # start would compile the project's sources again (PYTHONDONTWRITEBYTECODE machines)
    import compileall

    for package in ("kiosk", "ui", "devices", "backoffice"):
        compileall.compile_dir(str(REPO / package), quiet=1)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    results: dict = {}

    env = {**base_env, "QT_QPA_PLATFORM": "offscreen"}
    kp, bp = [], []
    kiosk, bare = cold_starts(args.starts, env, kp, bp)
    k_med, b_med = statistics.median(kiosk), statistics.median(bare)
    ratio = k_med / b_med
    print(f"cold start, offscreen ({args.starts} each, interleaved): kiosk median {k_med:.3f} s "
          f"(p95 {percentile(kiosk, 0.95):.3f} s), bare PySide6 window median {b_med:.3f} s "
          f"(p95 {percentile(bare, 0.95):.3f} s), ratio {ratio:.2f}")
    print(_phase_line("kiosk", kp, k_med))
    serve_med = statistics.median(SERVING[-len(kiosk):]) if SERVING else None
    if serve_med is not None:
        print(f"  kiosk: serving cards (journal open, watcher running) at {serve_med:.3f} s")
    print(_phase_line("bare ", bp, b_med))
    results.update(startup_median_s=round(k_med, 4), bare_median_s=round(b_med, 4),
                   startup_ratio=round(ratio, 3),
                   serving_median_s=round(serve_med, 4) if serve_med is not None else None)

    if not args.no_xvfb:
        with Xvfb() as x:
            if x.display is None:
                print("Xvfb: not installed, skipped")
            else:
                xenv = {**base_env, "QT_QPA_PLATFORM": "xcb", "DISPLAY": x.display}
                xk, xb = cold_starts(args.starts, xenv)
                xk_med, xb_med = statistics.median(xk), statistics.median(xb)
                print(f"cold start, Xvfb {x.display} ({args.starts} each): kiosk median {xk_med:.3f} s, "
                      f"bare median {xb_med:.3f} s, ratio {xk_med / xb_med:.2f}")
                results.update(xvfb_startup_median_s=round(xk_med, 4), xvfb_bare_median_s=round(xb_med, 4),
                               xvfb_startup_ratio=round(xk_med / xb_med, 3))

    if ratio > 2:
        print("start-up above 2x the bare window; the kiosk's slowest imports (cumulative ms):")
        for ms, name in import_profile(env):
            print(f"  {ms:8.1f}  {name}")

    screen_ms, theme_ms = switches(args.switches)
    s_med, s_p95 = statistics.median(screen_ms), percentile(screen_ms, 0.95)
    t_med = statistics.median(theme_ms)
    print(f"screen switch ({len(screen_ms)} switches, show_screen -> processEvents -> repaint): "
          f"median {s_med:.2f} ms, p95 {s_p95:.2f} ms")
    print(f"live theme switch (normal <-> large + high contrast, {len(theme_ms)}x): median {t_med:.1f} ms")
    taps, keys, outcomes = count_taps()
    print("taps per service (shortest path; keystrokes apart; outcome):")
    for service, n in taps.items():
        print(f"  {service:26s} {n:3d} taps  {keys.get(service, 0):3d} keystrokes  {outcomes.get(service)}")
    results.update(window_sizes_not_design=sorted(WRONG_SIZES), switch_median_ms=round(s_med, 3), switch_p95_ms=round(s_p95, 3),
                   theme_switch_median_ms=round(t_med, 2), taps=taps, keystrokes=keys)
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # skip the interpreter's finalisation: PySide6 can crash collecting Qt objects at exit
    os._exit(code)
