"""Soak: thousands of citizen sessions in one kiosk process; memory, Qt objects, time per session.

1. The UI (default 2,000 sessions): the real kiosk window (``ui.app.build_app``,
   offscreen) on the in-process emulated reader and the reference back office
   over HTTP (``kiosk_cli.demo_kiosk``), driven like a citizen by ``kiosk_cli.tour``'s
   sessions, every service in rotation: PIN change, PIN reset with an SMS code,
   unblock, loss report without the card (ID number and the name typed in
   pinyin, SMS), lifting it, the card's status without and with the card,
   renewal with the synthetic camera's photo, a new phone number. Each session
   inserts the card (or taps 挂失 / 进度查询), runs the service to its result and
   takes the card back. It runs in a child process, so an interpreter abort
   (``Fatal Python error``) is reported as ``crashed`` with the sessions done.
2. The core without Qt (default 3,000 sessions): the same services through the
   workflows (``kiosk.workflows``) on the same kind of back office, card, journal
   file and outbox, in a child process that never imports PySide6.

At the start, 10 %, 50 % and 100 % each phase prints the process's RSS, the
widget and QObject counts (UI), Python's object count, threads and the mean
time per session since the previous mark. Growth is measured from 10 % (the
first 10 % is warm-up: imports, caches, the first of each screen) to 100 %;
``per_session_ms_first`` is the mean of the sessions from 10 % to 20 %,
``per_session_ms_last`` of the last 10 %. The last line is one JSON object:
the UI phase's figures at the top level and the core's under ``"core"``
(with ``--core-only``, the core's at the top level).

    .venv/bin/python bench/soak.py [--sessions N] [--core-sessions M] [--core-only]
                                   [--tracemalloc]

``--tracemalloc`` (the core) prints the 15 places whose allocations grew most
from 10 % to 100 %. Targets (issue 10): 2,000 UI sessions without a crash,
growth under 10 MB, no upward drift; core growth under 5 MB over 3,000.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
# this file is in bench/, beside bench/ui.py: that folder must not hide the ui package
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
sys.path.insert(0, str(REPO))

#: the reference back office's identity limits for a soak: one citizen asks again and again
#: from one kiosk (the defaults allow 5 SMS per number per hour, 30 checks per kiosk per minute)
SOAK_LIMIT = 10 ** 9
#: the profile change alternates between these numbers (an unchanged number is "nothing changed")
PHONES = ("13900270999", "13900270901")
MARKS = (0.1, 0.5, 1.0)
CHILD_TIMEOUT_S = 6 * 3600


def soak_limits():
    from backoffice.identity import Limits

    return Limits(failures_per_ssn=SOAK_LIMIT, sms_per_ssn=SOAK_LIMIT,
                  attempts_per_kiosk=SOAK_LIMIT)


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def collect_renewals(office) -> None:
    """The outlet hands the renewed card over (the application's last stage), so that the
    next renewal is not RENEWAL_ALREADY_IN_PROGRESS."""
    from sqlalchemy import select

    from backoffice.cards import FINAL_STAGE, open_applications
    from backoffice.models import ApplicationStage, Person

    with office.state.database.session() as s:
        for person_id in s.scalars(select(Person.id)):
            for app in open_applications(s, person_id):
                s.add(ApplicationStage(application_id=app.id, stage=FINAL_STAGE,
                                       at=office.state.clock.now().replace(microsecond=0)))
        s.commit()


class RemoteBackOffice:
    """The reference back office in a process of its own (``--child backoffice``), as a
    kiosk's is: the soak's process then holds the kiosk's memory alone, not the server's
    threads, database caches and their fragments. Demo mode, Hubei, :func:`soak_limits`;
    ``sms.last_code()`` reads the last SMS code it "sent"."""

    def __init__(self, tmp: Path):
        self._tmp = tmp
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--child", "backoffice",
             "--dir", str(tmp)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            cwd=str(REPO))
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.stop()
            raise RuntimeError(f"the back office did not start: {self.url!r}")
        self.sms = self

    def last_code(self) -> str:
        try:
            return (self._tmp / "last-sms-code").read_text(encoding="ascii")
        except FileNotFoundError:
            raise LookupError("no SMS code was sent") from None

    def collect_renewals(self) -> None:
        self.proc.stdin.write("collect\n")
        self.proc.stdin.flush()
        self.proc.stdout.readline()

    def stop(self) -> None:
        if self.proc.stdin and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# --- measuring ------------------------------------------------------------------------------------

class Meter:
    """Times each session and prints the marks (start, 10 %, 50 %, 100 %)."""

    def __init__(self, phase: str, total: int, counts: Callable[[], dict] | None = None):
        self.phase = phase
        self.total = total
        self.counts = counts or (lambda: {})
        self.durations: list[float] = []
        self.failed: list[str] = []
        self.marks: dict[str, dict] = {}
        self._last_mark = 0
        self._next = [(max(1, round(total * m)), f"{round(100 * m)}%") for m in MARKS]

    def mark(self, label: str) -> None:
        gc.collect()
        done = len(self.durations)
        recent = self.durations[self._last_mark:done]
        self._last_mark = done
        m = {"sessions": done, "rss_mb": round(rss_mb(), 1), "py_objects": len(gc.get_objects()),
             "threads": threading.active_count(), **self.counts(),
             "per_session_ms": round(1000 * sum(recent) / len(recent), 1) if recent else None,
             "failed": len(self.failed)}
        self.marks[label] = m
        print(f"{self.phase} {label:>4}: " + ", ".join(f"{k} {v}" for k, v in m.items()),
              flush=True)

    def session(self, run: Callable[[], None], name: str) -> None:
        t0 = time.perf_counter()
        try:
            run()
        except Exception as exc:  # noqa: BLE001 - a failed session is counted, the soak goes on
            self.failed.append(f"{len(self.durations) + 1} {name}: {type(exc).__name__}: {exc}")
            print(f"{self.phase} session {len(self.durations) + 1} ({name}) failed: "
                  f"{type(exc).__name__}: {str(exc)[:300]}", flush=True)
            self.recover()
        self.durations.append(time.perf_counter() - t0)
        done = len(self.durations)
        if done % 100 == 0:
            print(f"PROGRESS {self.phase} {done} rss_mb {rss_mb():.1f}", flush=True)
        while self._next and done >= self._next[0][0]:
            self.mark(self._next.pop(0)[1])

    def recover(self) -> None:
        """Set by the phase: bring the kiosk back to its start after a failed session."""

    def result(self) -> dict:
        n = len(self.durations)
        warm = max(1, round(n * 0.1))
        first = self.durations[warm:max(warm + 1, round(n * 0.2))]
        last = self.durations[max(0, n - warm):]
        start, end = self.marks.get("10%"), self.marks.get("100%")
        half = self.marks.get("50%")
        return {"sessions": n, "crashed": False, "failed_sessions": len(self.failed),
                "rss_growth_mb": round(end["rss_mb"] - start["rss_mb"], 1) if start and end else None,
                "rss_growth_second_half_mb": (round(end["rss_mb"] - half["rss_mb"], 1)
                                              if half and end else None),
                "per_session_ms_first": round(1000 * sum(first) / len(first), 1) if first else None,
                "per_session_ms_last": round(1000 * sum(last) / len(last), 1) if last else None,
                "marks": self.marks, "failures": self.failed[:20]}


# --- 1. the UI --------------------------------------------------------------------------------------

def ui_child(total: int) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import logging

    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication

    from devices.card.emulator.inprocess import DEFAULT_READER
    from kiosk_cli import tour

    logging.basicConfig(level=logging.ERROR)

    class SoakTourist(tour.Tourist):
        """The tour's citizen, without its pauses: it waits for what it needs instead."""

        def pump(self, seconds: float = 0.0) -> None:
            super().pump(min(seconds, 0.005))

        def tap(self, button, *, key: bool = False) -> None:
            self.wait(f"button {button.objectName()!r}",
                      lambda: button.isVisible() and button.isEnabled())
            super().tap(button, key=key)

    def counts() -> dict:
        app = QApplication.instance()
        qobjects = len(app.findChildren(QObject)) + sum(
            1 + len(w.findChildren(QObject)) for w in QApplication.topLevelWidgets())
        return {"widgets": len(QApplication.allWidgets()), "qobjects": qobjects}

    tmp = tempfile.TemporaryDirectory(prefix="ssc-soak-ui-")
    office = RemoteBackOffice(Path(tmp.name))
    t = SoakTourist(Path(tmp.name), large=False, high_contrast=False, locale="zh_CN", shots=False,
                    office=office)
    t.start()
    meter = Meter("ui", total, counts)

    def recover() -> None:
        if t.readers.has_card(DEFAULT_READER):
            t.readers.remove(DEFAULT_READER)
        t.pump(0.2)
        if t.window.controller.session is not None:
            t.window.controller.back_to_attract()
        t.on("attract")
        office.collect_renewals()

    meter.recover = recover
    rotation = list(tour.SHORTEST_SESSIONS)
    meter.mark("start")
    try:
        for i in range(total):
            session = rotation[i % len(rotation)]
            if session is tour.session_profile:
                phone = PHONES[(i // len(rotation)) % 2]
                meter.session(lambda: tour.session_profile(t, phone), session.__name__)
            else:
                meter.session(lambda: session(t), session.__name__)
            if session is tour.session_renewal:
                office.collect_renewals()
    finally:
        t.stop()
        tmp.cleanup()
    return meter.result()


# --- 2. the core without Qt -------------------------------------------------------------------------

class CoreKiosk:
    """The kiosk's core as the UI builds it, without the UI: the signed client, Hubei's rule
    pack, a journal file with its outbox, the in-process reader with software cards; and the
    reference back office over HTTP in a process of its own (as a kiosk's is: what this
    process holds is the kiosk's memory alone)."""

    def __init__(self, tmp: Path):
        from backoffice.testing import portrait_jpeg
        from kiosk.demo_identity import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET
        from devices.card.emulator.inprocess import DEFAULT_READER, EmulatedReaders
        from kiosk.backoffice_client import BackOfficeClient, hsm_step
        from kiosk.journal import Journal, Outbox
        from kiosk.policies import load_pack

        self.office = RemoteBackOffice(tmp)
        self.client = BackOfficeClient(self.office.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET)
        self.hsm = hsm_step(self.client)
        self.pack = load_pack("hubei")
        self.journal = Journal(tmp / "journal.sqlite3", kiosk_id=DEMO_KIOSK_ID)
        self.outbox = Outbox(self.journal, kiosk_id=DEMO_KIOSK_ID, first_delay_s=0.2, max_tries=3)
        self.readers = EmulatedReaders()
        self.reader = DEFAULT_READER
        self.photo = portrait_jpeg()

    def last_code(self) -> str:
        return self.office.sms.last_code()

    def collect_renewals(self) -> None:
        self.office.collect_renewals()

    def kw(self) -> dict:
        return {"journal": self.journal, "outbox": self.outbox}

    def insert(self, profile: str):
        from devices.card.emulator.card import SoftCard
        from devices.card.emulator.profile import demo_profiles, load_profile
        from devices.card.ssc import read_card_info
        from devices.card.transport import CardChannel

        self.readers.insert(self.reader, SoftCard(load_profile(demo_profiles()[profile]),
                                                  state_path=None))
        return read_card_info(CardChannel(self.readers.connect(self.reader)), self.hsm)

    def pull(self) -> None:
        if self.readers.has_card(self.reader):
            self.readers.remove(self.reader)

    def close(self) -> None:
        self.client.close()
        self.outbox.close()
        self.journal.close()
        self.office.stop()


def backoffice_child(tmp: Path) -> int:
    """The core soak's back office: the reference server until stdin closes; ``collect`` on
    stdin collects the renewals; each SMS code is written to ``tmp/last-sms-code``."""
    from backoffice.config import BackOfficeConfig
    from backoffice.server import EmbeddedBackOffice

    class CodeFile:
        def send(self, phone: str, code: str) -> None:
            part = tmp / "last-sms-code.part"
            part.write_text(code, encoding="ascii")
            part.replace(tmp / "last-sms-code")

    config = BackOfficeConfig.for_demo(db_url=f"sqlite:///{tmp / 'backoffice.sqlite3'}",
                                       jurisdiction="hubei", identity_limits=soak_limits())
    office = EmbeddedBackOffice(config).start()
    office.state.sms = CodeFile()
    print(office.url, flush=True)
    try:
        for line in sys.stdin:
            if line.strip() == "collect":
                collect_renewals(office)
                print("ok", flush=True)
    finally:
        office.stop()
    return 0


def _expect(wf, *states: str) -> None:
    if wf.state not in states:
        wf.cancel()
        raise AssertionError(f"{wf.NAME} ended in {wf.state}: {dict(wf.info)}")


def core_sessions(k: CoreKiosk, ordinal: Callable[[], int]) -> list[tuple[str, Callable[[], None]]]:
    """The UI soak's rotation, through the workflows."""
    from backoffice.demo_data import for_stage
    from kiosk.pin import Pin
    from kiosk.workflows.card_status import CardStatusQuery
    from kiosk.workflows.loss_lift import LossLift
    from kiosk.workflows.loss_report import LossReport
    from kiosk.workflows.pin_change import PinChange
    from kiosk.workflows.pin_reset import PinReset
    from kiosk.workflows.pin_unblock import PinUnblock
    from kiosk.workflows.profile_change import ProfileChange
    from kiosk.workflows.renewal import Renewal
    from kiosk_cli.tour import NEW_PIN, PINS

    def with_card(profile: str, make, steps, *final: str):
        def run() -> None:
            try:
                ssc, info = k.insert(profile)
                wf = make(ssc, info)
                steps(wf)
                _expect(wf, *final)
            finally:
                k.pull()
        return run

    def args(ssc, info):
        return (ssc, info, k.client, k.pack)

    def new_pin(wf) -> None:
        wf.enter_new_pin(Pin(NEW_PIN))
        wf.confirm_new_pin(Pin(NEW_PIN))

    def pin_change(wf) -> None:
        wf.enter_current_pin(Pin(PINS["ordinary"]))
        new_pin(wf)

    def by_sms(wf) -> None:
        wf.choose_sms()
        wf.enter_sms_code(k.last_code())

    def reset(wf) -> None:
        by_sms(wf)
        new_pin(wf)

    def unblock(wf) -> None:
        by_sms(wf)
        wf.enter_pin(Pin(PINS["blocked"]))

    def lift(wf) -> None:
        wf.enter_pin(Pin(PINS["ordinary"]))
        wf.confirm()

    def status_with_card(wf) -> None:
        wf.enter_pin(Pin(PINS["ordinary"]))

    def renew(wf) -> None:
        wf.enter_pin(Pin(PINS["ordinary"]))
        wf.choose_reason("damaged")
        wf.take_photo(k.photo)
        wf.choose_delivery("pickup")
        wf.confirm()

    def profile(wf) -> None:
        wf.enter_pin(Pin(PINS["ordinary"]))
        wf.change("phone", PHONES[(ordinal() // 9) % 2])
        wf.review()
        wf.confirm()

    def without_card(make, ssn: str, name: str, steps, *final: str):
        def run() -> None:
            wf = make()
            wf.enter_identity(ssn, name)
            wf.enter_sms_code(k.last_code())
            steps(wf)
            _expect(wf, *final)
        return run

    def report(wf) -> None:
        wf.choose_kind("temporary")
        wf.confirm()

    def renewal_then_collect() -> None:
        try:
            with_card("ordinary", lambda s, i: Renewal(*args(s, i), **k.kw()), renew,
                      "RenewalApplied")()
        finally:
            k.collect_renewals()

    waiting = for_stage("hubei", "card_manufactured")
    return [
        ("pin_change", with_card("ordinary", lambda s, i: PinChange(
            s, journal=k.journal, card_no=i.card.card_no, ssn=i.holder.ssn), pin_change,
            "PinChanged")),
        ("pin_reset", with_card("ordinary", lambda s, i: PinReset(*args(s, i), **k.kw()),
                                reset, "NewPinSet")),
        ("pin_unblock", with_card("blocked", lambda s, i: PinUnblock(*args(s, i), **k.kw()),
                                  unblock, "PinUnblocked")),
        ("loss_report", without_card(lambda: LossReport(k.client, k.pack, **k.kw()),
                                     "420106198503124514", "陈思远", report, "LossReported")),
        ("lift_loss", with_card("ordinary", lambda s, i: LossLift(*args(s, i), **k.kw()), lift,
                                "LossLifted")),
        ("status_without_card", without_card(lambda: CardStatusQuery(k.client, k.pack, **k.kw()),
                                             waiting.ssn, waiting.name, lambda wf: None,
                                             "StatusShown")),
        ("status_with_card", with_card("ordinary", lambda s, i: CardStatusQuery(
            k.client, k.pack, card=s, card_info=i, **k.kw()), status_with_card, "StatusShown")),
        ("renewal", renewal_then_collect),
        ("profile_change", with_card("ordinary", lambda s, i: ProfileChange(
            *args(s, i), **k.kw()), profile, "ProfileChanged")),
    ]


def core_child(total: int, trace: bool) -> dict:
    import logging
    import tracemalloc

    logging.basicConfig(level=logging.ERROR)
    tmp = tempfile.TemporaryDirectory(prefix="ssc-soak-core-")
    k = CoreKiosk(Path(tmp.name))
    meter = Meter("core", total, (lambda: {"traced_mb": round(
        tracemalloc.get_traced_memory()[0] / 2 ** 20, 2)}) if trace else None)
    meter.recover = k.pull
    i = 0
    rotation = core_sessions(k, lambda: i)
    warm = max(1, round(total * 0.1))
    before = None
    meter.mark("start")
    try:
        for i in range(total):
            name, run = rotation[i % len(rotation)]
            if trace and i == warm:
                gc.collect()
                before = tracemalloc.take_snapshot()
            meter.session(run, name)
            if trace and i == 0:
                tracemalloc.start(12)
        if trace and before is not None:
            gc.collect()
            after = tracemalloc.take_snapshot()
            print("core: the allocations that grew most from 10 % to 100 % (tracemalloc):")
            for stat in after.compare_to(before, "traceback")[:15]:
                print(f"  {stat.size_diff / 1024:+.1f} KiB, {stat.count_diff:+d} blocks")
                for line in stat.traceback.format()[-12:]:
                    print("    " + line)
    finally:
        k.close()
        tmp.cleanup()
    if "PySide6" in sys.modules:
        raise RuntimeError("the core soak imported PySide6")
    return meter.result()


# --- the parent ---------------------------------------------------------------------------------------

def run_child(phase: str, args: list[str]) -> dict:
    """Run one phase in a child process; relay its lines; an abort is ``crashed``."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", phase, *args]
    done = 0
    result = None
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True,
                                cwd=str(REPO))
        t0 = time.monotonic()
        for line in proc.stdout:
            if line.startswith("RESULT "):
                result = json.loads(line[len("RESULT "):])
                continue
            if line.startswith(f"PROGRESS {phase} "):
                done = int(line.split()[2])
                continue
            print(line, end="", flush=True)
        try:
            proc.wait(timeout=max(1.0, CHILD_TIMEOUT_S - (time.monotonic() - t0)))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        err.seek(0)
        stderr = err.read()
    if proc.returncode == 0 and result is not None:
        return result
    tail = [ln for ln in stderr.splitlines()
            if ln.strip() and "does not support propagateSizeHints" not in ln][-12:]
    print(f"{phase}: the child ended with {proc.returncode} after about {done} sessions:",
          flush=True)
    for ln in tail:
        print("  " + ln, flush=True)
    return {"sessions": done, "crashed": True, "exit": proc.returncode, "rss_growth_mb": None,
            "per_session_ms_first": None, "per_session_ms_last": None, "stderr_tail": tail}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sessions", type=int, default=None,
                   help="UI sessions (default 2000); with --core-only, core sessions")
    p.add_argument("--core-sessions", type=int, default=3000, help="0: the UI alone")
    p.add_argument("--core-only", action="store_true")
    p.add_argument("--tracemalloc", action="store_true",
                   help="the core: print where allocations grew")
    p.add_argument("--child", choices=["ui", "core", "backoffice"], help=argparse.SUPPRESS)
    p.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child == "backoffice":
        return backoffice_child(args.dir)
    if args.child:
        n = args.sessions
        result = ui_child(n) if args.child == "ui" else core_child(n, args.tracemalloc)
        print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
        return 0

    core_n = args.sessions if (args.core_only and args.sessions) else args.core_sessions
    trace = ["--tracemalloc"] if args.tracemalloc else []
    if args.core_only:
        out = run_child("core", ["--sessions", str(core_n), *trace])
    else:
        ui_n = args.sessions or 2000
        print(f"UI: {ui_n} sessions through the kiosk window (offscreen), every service in turn",
              flush=True)
        out = run_child("ui", ["--sessions", str(ui_n)])
        if core_n > 0:
            print(f"core: {core_n} sessions through the workflows, without Qt", flush=True)
            out["core"] = run_child("core", ["--sessions", str(core_n), *trace])
    summary = {k: v for k, v in out.items() if k not in ("marks", "failures")}
    if "core" in summary:
        summary["core"] = {k: v for k, v in summary["core"].items()
                           if k not in ("marks", "failures")}
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if not out.get("crashed") and not out.get("core", {}).get("crashed") else 1


if __name__ == "__main__":
    sys.exit(main())
