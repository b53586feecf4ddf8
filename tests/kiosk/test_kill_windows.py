"""kill -9 at the kiosk's windows, then a restart: the journal tells what really happened.

Each test runs the kiosk core in a child process (the workflow, the journal on a
real SQLite file, the software card with its state file, all in ``tmp_path``)
against the reference back office in a process of its own over HTTP. The child
announces the window on its stdout and waits there; the test kills it with
SIGKILL, starts again (a new :class:`Journal` on the same file and the start-up
recovery, :meth:`Journal.close_interrupted`, as ``ui/run.py`` does), and checks
what the journal says, what the back office holds and what the card holds.

Windows (``docs/outbox.md``, kill windows):

- after the outbox settled a loss report (answered ``ok``, or refused
  ``CARD_ALREADY_LOST``) and before the attempt ended;
- after the card's RESET (the citizen is choosing the new PIN), after the card
  acknowledged the new PIN's CHANGE (PIN reset), after a PIN change's CHANGE,
  after the card's UNBLOCK: each card effect is journalled before the next step
  (``kiosk/workflows/card_effect.py``).
"""

from __future__ import annotations

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from backoffice.config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET
from backoffice.demo_data import PEOPLE
from devices.card.emulator import EmulatedReaders, SoftCard, demo_profiles, load_profile
from devices.card.ssc import read_card_info
from devices.card.transport import CardChannel
from kiosk.backoffice_calls import report_loss_call
from kiosk.backoffice_client import BackOfficeClient, hsm_step
from kiosk.errors import WrongPin
from kiosk.journal import Journal, Outbox
from kiosk.pin import Pin

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 60
LOSER = PEOPLE["hubei_active"]
PIN_OF = {"ordinary": "802413", "blocked": "590317"}
NEW_PIN = "135790"

BACKOFFICE = textwrap.dedent("""
    import sys
    from backoffice.config import BackOfficeConfig
    from backoffice.server import EmbeddedBackOffice
    db, codes = sys.argv[1:3]

    def sms(phone, code):
        with open(codes, "a", encoding="utf-8") as f:
            f.write(f"{phone} {code}\\n")

    config = BackOfficeConfig.for_tests(jurisdiction="hubei", db_url="sqlite:///" + db,
                                        sms_gateway=sms)
    office = EmbeddedBackOffice(config).start()
    print(office.url, flush=True)
    sys.stdin.read()                      # until the test closes our stdin
    office.stop()
""")

KIOSK = textwrap.dedent("""
    import os, sys, threading, time
    from backoffice.config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET
    from backoffice.demo_data import PEOPLE
    from backoffice.testing import portrait_jpeg
    from devices.card.emulator import EmulatedReaders, SoftCard, demo_profiles, load_profile
    from devices.card.ssc import read_card_info
    from devices.card.transport import CardChannel
    from kiosk.backoffice_client import BackOfficeClient, hsm_step
    from kiosk.journal import Journal, Outbox
    from kiosk.pin import Pin
    from kiosk.policies import load_pack

    mode, journal_path, url, card_state, codes = sys.argv[1:6]
    journal = Journal(journal_path, kiosk_id=DEMO_KIOSK_ID, strict=True)
    outbox = Outbox(journal)
    client = BackOfficeClient(url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, read_timeout=10)
    pack = load_pack("hubei")
    kw = dict(journal=journal, outbox=outbox)

    def hold(label):
        print(label, flush=True)          # the window: the test kills us here
        threading.Event().wait(120)
        sys.exit("not killed")

    def card(profile):
        readers = EmulatedReaders()
        reader = readers.readers()[0]
        readers.insert(reader, SoftCard(load_profile(demo_profiles()[profile]),
                                        state_path=card_state))
        return read_card_info(CardChannel(readers.connect(reader), trace=None), hsm_step(client))

    def sms_code(phone):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            lines = open(codes, encoding="utf-8").read().split("\\n") if os.path.exists(codes) else []
            for line in reversed(lines):
                if line.startswith(phone + " "):
                    return line.split()[1]
            time.sleep(0.02)
        sys.exit("no SMS code came")

    if mode.startswith("loss"):
        from kiosk.workflows.loss_report import LossReport
        submit = Outbox.submit

        def submit_then_hold(self, *args, **kwargs):
            try:
                return submit(self, *args, **kwargs)
            finally:                       # settled (ok or refused), the attempt still open
                hold("settled")

        Outbox.submit = submit_then_hold
        person = PEOPLE["hubei_active"]
        wf = LossReport(client, pack, **kw)
        wf.enter_identity(person.ssn, person.name)
        wf.enter_sms_code(sms_code(person.phone))
        wf.choose_kind("temporary")
        assert wf.state == "ConfirmLoss", wf.state
        if mode == "loss_refused":
            print("confirming", flush=True)
            sys.stdin.readline()           # the test reports the loss meanwhile
        wf.confirm()
    elif mode == "pin_change":
        from kiosk.workflows.pin_change import PinChange
        ssc, info = card("ordinary")
        wf = PinChange(ssc, journal=journal, card_no=info.card.card_no, ssn=info.holder.ssn)
        wf.on_card_effect(hold)
        wf.enter_current_pin(Pin("802413"))
        wf.enter_new_pin(Pin("135790"))
        wf.confirm_new_pin(Pin("135790"))
    elif mode.startswith("reset"):
        from kiosk.workflows.pin_reset import PinReset
        ssc, info = card("ordinary")
        wf = PinReset(ssc, info, client, pack, **kw)
        wanted = "pin_reset" if mode == "reset_RESET" else "pin_changed"
        wf.on_card_effect(lambda effect: effect == wanted and hold(effect))
        wf.choose_face()
        wf.show_face(portrait_jpeg())
        assert wf.state == "EnterNewPin", wf.state
        wf.enter_new_pin(Pin("135790"))
        wf.confirm_new_pin(Pin("135790"))
    elif mode == "unblock":
        from kiosk.workflows.pin_unblock import PinUnblock
        ssc, info = card("blocked")
        wf = PinUnblock(ssc, info, client, pack, **kw)
        wf.on_card_effect(hold)
        wf.choose_face()
        wf.show_face(portrait_jpeg())
    sys.exit(f"the window never came ({wf.state})")
""")


class Lines:
    """A child's stdout, line by line, with a bounded wait."""

    def __init__(self, stream):
        self._q: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self._q.put(line.strip())
        self._q.put("")

    def next(self, what: str) -> str:
        try:
            return self._q.get(timeout=WAIT_S)
        except queue.Empty:
            raise AssertionError(f"no {what} within {WAIT_S} s") from None


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SSC_BACKOFFICE_")}
    env["PYTHONPATH"] = str(ROOT)
    return env


class BackOfficeProcess:
    """The reference back office (test mode, Hubei) in a process of its own."""

    def __init__(self, tmp_path: Path):
        self.db = tmp_path / "bo.sqlite3"
        self.codes = tmp_path / "sms.txt"
        self.proc = subprocess.Popen([sys.executable, "-c", BACKOFFICE, str(self.db),
                                      str(self.codes)], cwd=ROOT, env=_env(), text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.url = Lines(self.proc.stdout).next("back office URL")
        assert self.url.startswith("http://"), "the back office did not start"

    def client(self) -> BackOfficeClient:
        return BackOfficeClient(self.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, read_timeout=10)

    def sms_code(self, phone: str) -> str:
        lines = self.codes.read_text(encoding="utf-8").splitlines()
        return [line.split()[1] for line in lines if line.startswith(phone + " ")][-1]

    def losses(self, card_no: str) -> int:
        with sqlite3.connect(self.db) as c:
            return c.execute("SELECT count(*) FROM losses JOIN cards ON cards.id = losses.card_id"
                             " WHERE cards.card_no = ?", (card_no,)).fetchone()[0]

    def answered(self, path: str) -> list[int]:
        """The statuses of the requests to ``path`` the back office recorded under a key."""
        with sqlite3.connect(self.db) as c:
            return [r[0] for r in c.execute("SELECT response_status FROM idempotency_keys"
                                            " WHERE path = ? AND state = 'done'", (path,))]

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(10)
            self.proc.stdout.close()


@pytest.fixture
def backoffice(tmp_path):
    bo = BackOfficeProcess(tmp_path)
    yield bo
    bo.close()


def kill_at_window(tmp_path: Path, bo: BackOfficeProcess, mode: str, *,
                   meanwhile=None) -> Path:
    """Run the kiosk child in ``mode`` up to its window, SIGKILL it there; the journal's path."""
    journal = tmp_path / "journal.sqlite3"
    child = subprocess.Popen([sys.executable, "-c", KIOSK, mode, str(journal), bo.url,
                              str(tmp_path / "card.json"), str(bo.codes)],
                             cwd=ROOT, env=_env(), text=True, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        lines = Lines(child.stdout)
        label = lines.next("window")
        if meanwhile is not None:
            assert label == "confirming", child.stderr.read()
            meanwhile()
            child.stdin.write("go on\n")
            child.stdin.flush()
            label = lines.next("window")
        assert label and child.poll() is None, child.stderr.read()
    finally:
        child.kill()                       # SIGKILL: at the window (at once on a failure)
        child.wait(10)
        for stream in (child.stdin, child.stdout, child.stderr):
            stream.close()
    assert child.returncode == -signal.SIGKILL
    return journal


def restart(path: Path) -> tuple[Journal, object]:
    """The kiosk starts again: the journal on the same file, the start-up recovery."""
    journal = Journal(path, kiosk_id=DEMO_KIOSK_ID)
    assert journal.close_interrupted() == 1
    [record] = [r for r in journal if r.service != "kiosk_session"]
    return journal, record


def closed_at_restart(record) -> dict:
    [step] = [s for s in record.steps if s["step"] == "closed_at_restart"]
    return dict(step)


def card_pin(bo: BackOfficeProcess, tmp_path: Path, profile: str, pin: str) -> bool:
    """Does the card (from its state file, put in a reader again) take ``pin``?"""
    readers = EmulatedReaders()
    reader = readers.readers()[0]
    readers.insert(reader, SoftCard(load_profile(demo_profiles()[profile]),
                                    state_path=tmp_path / "card.json"))
    with bo.client() as client:
        ssc, _ = read_card_info(CardChannel(readers.connect(reader), trace=None), hsm_step(client))
        try:
            ssc.verify_pin(Pin(pin))
        except WrongPin:
            return False
    return True


# --- the outbox settled, the attempt not ended ----------------------------------------------

def test_killed_after_the_outbox_settled_the_attempt_is_ok(tmp_path, backoffice):
    path = kill_at_window(tmp_path, backoffice, "loss_ok")
    assert backoffice.losses(LOSER.card.card_no) == 1
    journal, record = restart(path)
    try:
        # before: failed / INTERRUPTED for a loss the back office had recorded
        assert (record.service, record.outcome, record.error_code) == ("loss_report", "ok", None)
        assert closed_at_restart(record)["outbox_state"] == "done"
        outbox = Outbox(journal)
        [entry] = outbox.entries()
        assert (entry.state, entry.outcome, entry.reference) == ("done", "ok", record.reference)
        with backoffice.client() as client:
            assert outbox.replay(client, due_only=False).settled == 0    # nothing to send again
    finally:
        journal.close()
    assert backoffice.losses(LOSER.card.card_no) == 1


def test_killed_after_the_outbox_settled_a_refusal_the_attempt_is_refused(tmp_path, backoffice):
    def report_meanwhile():
        # the same citizen's loss, reported elsewhere while the kiosk asks for confirmation
        with backoffice.client() as other:
            pending = other.open_session_sms(LOSER.ssn, LOSER.name)
            other.verify_sms(pending.session_id, backoffice.sms_code(LOSER.phone))
            other.perform(report_loss_call("temporary", None))
            other.end_session()

    path = kill_at_window(tmp_path, backoffice, "loss_refused", meanwhile=report_meanwhile)
    journal, record = restart(path)
    try:
        assert (record.outcome, record.error_code) == ("refused", "CARD_ALREADY_LOST")
        [entry] = Outbox(journal).entries()
        assert (entry.state, entry.outcome, entry.result_code) == \
            ("done", "refused", "CARD_ALREADY_LOST")
    finally:
        journal.close()
    assert backoffice.losses(LOSER.card.card_no) == 1        # the other report only


# --- the card changed, the attempt not ended ------------------------------------------------

@pytest.mark.parametrize("mode, profile, effect, pin_now, pin_before", [
    ("reset_RESET", "ordinary", "pin_reset", "123456", PIN_OF["ordinary"]),
    ("reset_CHANGE", "ordinary", "pin_changed", NEW_PIN, "123456"),
    ("pin_change", "ordinary", "pin_changed", NEW_PIN, PIN_OF["ordinary"]),
    ("unblock", "blocked", "pin_unblocked", PIN_OF["blocked"], None),
])
def test_killed_after_the_card_changed_the_attempt_says_so(tmp_path, backoffice, mode, profile,
                                                         effect, pin_now, pin_before):
    path = kill_at_window(tmp_path, backoffice, mode)
    journal, record = restart(path)
    try:
        # before: failed / INTERRUPTED while the card had done it
        assert (record.outcome, record.error_code) == ("ok", "CARD_CHANGED")
        assert closed_at_restart(record) == {"step": "closed_at_restart", "basis": "card",
                                             "card_effect": effect}
        assert [s["card_effect"] for s in record.steps if s.get("card_effect")][-1] == effect
    finally:
        journal.close()
    if mode != "pin_change":
        # the back office authorised the card's command (RESET or UNBLOCK) once
        assert backoffice.answered("/v1/me/pin-authorizations") == [200]
    # what the card holds: the PIN the journal says (a wrong try last: it costs one)
    assert card_pin(backoffice, tmp_path, profile, pin_now)
    if pin_before is not None:
        assert not card_pin(backoffice, tmp_path, profile, pin_before)
