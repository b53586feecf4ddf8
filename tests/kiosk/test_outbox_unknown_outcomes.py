"""Unknown outcomes (docs/outbox.md), with the back office in a process of its own and its
faults injected for real (``POST /v1/test/faults``: the next requests to a route answer
``500 INTERNAL`` before the back office acts, or after its effect is committed).

Each case walks the loss report (挂失) as a citizen does, through the workflow with the
journal and outbox in a file, and asserts what the citizen is told (the result screen's
words, ``ui.outcomes``, in Chinese and English), what the journal says, and what the back
office holds (its database, read from here; the card's status through the API).
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the result screen's words need Qt

import pytest
from sqlalchemy import func, select

from backoffice.config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET
from backoffice.demo_data import PEOPLE
from backoffice.models import Card, CitizenSession, Loss
from kiosk.backoffice_client import BackOfficeClient
from kiosk.journal import Journal, Outbox
from kiosk.policies import load_pack
from kiosk.workflows.loss_report import LossReport
from tests.support.backoffice_process import BackOfficeProcess

LOSS = ("POST", "/v1/me/card/loss")


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    with BackOfficeProcess(tmp_path_factory.mktemp("office")) as bo:
        yield bo


class Kiosk:
    """The kiosk's side: its client, its journal and outbox in a file, a replayer's client."""

    def __init__(self, office: BackOfficeProcess, folder):
        self.office = office
        self.client = BackOfficeClient(office.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET)
        self.journal = Journal(folder / "journal.sqlite3", kiosk_id=DEMO_KIOSK_ID)
        self.outbox = Outbox(self.journal)
        #: the Replayer's client: a client of its own, with no citizen session
        self.replayer = BackOfficeClient(office.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET)

    def fault(self, when: str, count: int) -> None:
        """Arm (count 0: disarm) a 500 on the loss report, in the back office's process."""
        self.replayer.request("POST", "/v1/test/faults", json_body={
            "method": LOSS[0], "path": LOSS[1], "when": when, "count": count})

    def report_loss(self, key: str) -> LossReport:
        """A citizen without the card reports it lost (temporary, until lifted): ID number
        and name, the SMS code, the kind, confirm. The workflow ends and cleans up."""
        p = PEOPLE[key]
        wf = LossReport(self.client, load_pack("hubei"), journal=self.journal,
                        outbox=self.outbox)
        wf.enter_identity(p.ssn, p.name)
        assert wf.state == "EnterSmsCode", wf.info
        wf.enter_sms_code(self.office.sms_code(p.phone))
        wf.choose_kind("temporary")
        assert wf.state == "ConfirmLoss"
        wf.confirm()
        return wf

    def attempt(self):
        [row] = [r for r in self.journal if r.service == "loss_report"]
        return row

    def close(self) -> None:
        self.client.close()
        self.replayer.close()
        self.outbox.close()
        self.journal.close()


@pytest.fixture
def kiosk(office, tmp_path):
    k = Kiosk(office, tmp_path)
    yield k
    k.close()


def losses(office: BackOfficeProcess, card_no: str) -> list[Loss]:
    with office.holds().session() as s:
        card_id = s.scalar(select(Card.id).where(Card.card_no == card_no))
        return list(s.scalars(select(Loss).where(Loss.card_id == card_id)))


def card_status(kiosk: Kiosk, key: str) -> str:
    """The card's status as the back office tells it (a session of its own)."""
    p = PEOPLE[key]
    with BackOfficeClient(kiosk.office.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET) as c:
        s = c.open_session_sms(p.ssn, p.name)
        c.verify_sms(s.session_id, kiosk.office.sms_code(p.phone))
        try:
            return c.my_card().status
        finally:
            c.end_session()


def sessions_ended(office: BackOfficeProcess) -> int:
    with office.holds().session() as s:
        return s.scalar(select(func.count()).select_from(CitizenSession)
                        .where(CitizenSession.ended_at.is_not(None)))


def told(qapp, info, language: str) -> str:
    from ui import i18n, outcomes

    i18n.install(qapp, language)
    try:
        m = outcomes.pending(info)
        return "\n".join((m.title, m.text, m.advice))
    finally:
        i18n.install(qapp, "zh_CN")


def steps(record, name: str) -> list[dict]:
    return [dict(s) for s in record.steps if s["step"] == name]


# --- (1) 500 after the back office acted ------------------------------------------------------

def test_a_500_after_the_effect_is_pending_then_ok_with_one_loss(kiosk, office, qapp):
    kiosk.fault("after", 1)
    wf = kiosk.report_loss("hubei_active")

    # the citizen is told "recorded, not confirmed yet", never "failed"
    assert wf.state == "LossPending"
    ref = wf.info["reference"]
    zh = told(qapp, wf.info, "zh_CN")
    assert zh.startswith("申请已记录") and ref in zh and "失败" not in zh
    assert "本机会自动重新提交" in zh and "12333" in zh and "柜台" in zh
    en = told(qapp, wf.info, "en")
    assert en.startswith("Your request is recorded") and ref in en
    assert "12333" in en and "service counter" in en and "fail" not in en.lower()

    # the first answer was the 500; the replay before the session ended learned the truth
    record = kiosk.attempt()
    [pending] = steps(record, "outcome_pending")
    assert pending["error"] == "INTERNAL"
    [replayed] = steps(record, "outbox_replayed")
    assert replayed["result"] == "ok" and replayed["stored_answer"] is True
    assert (record.outcome, record.error_code, record.reference) == ("ok", None, ref)
    entry = kiosk.outbox.status(ref)
    assert (entry.state, entry.outcome) == ("done", "ok") and kiosk.outbox.backlog() == 0

    # the back office holds exactly one loss, and says so
    [loss] = losses(office, PEOPLE["hubei_active"].card.card_no)
    assert loss.kind == "temporary" and loss.lifted_at is None
    assert card_status(kiosk, "hubei_active") == "temp_lost"


# --- (2) 500 before the back office acted, the fault persisting past the session's end --------

def test_a_500_before_the_effect_is_completed_after_the_session_ended(kiosk, office, qapp):
    card_no = PEOPLE["hubei_stage_accepted"].card.card_no
    ended_before = sessions_ended(office)
    kiosk.fault("before", 1000)                       # the back office keeps failing
    try:
        wf = kiosk.report_loss("hubei_stage_accepted")
        assert wf.state == "LossPending"
        ref = wf.info["reference"]
        assert ref in told(qapp, wf.info, "zh_CN")
        # the session is over (the citizen left), the request is still owed
        assert kiosk.client.session_token is None
        assert sessions_ended(office) == ended_before + 1
        record = kiosk.attempt()
        assert (record.outcome, record.reference) == ("pending", ref)
        assert [s["error"] for s in steps(record, "outcome_pending")] == ["INTERNAL"]
        [entry] = kiosk.outbox.entries()
        assert entry.state == "pending" and entry.tries == 2 and entry.last_error == "INTERNAL"
        assert losses(office, card_no) == []
        # a replay while the fault persists changes nothing
        report = kiosk.outbox.replay(kiosk.replayer, due_only=False)
        assert report.still_pending == [ref] and kiosk.attempt().outcome == "pending"
    finally:
        kiosk.fault("before", 0)                      # the back office recovers

    # the replay after the session's end runs the request made while it lived
    report = kiosk.outbox.replay(kiosk.replayer, due_only=False)
    assert report.delivered == [ref]
    record = kiosk.attempt()
    assert (record.outcome, record.error_code) == ("ok", None)
    assert steps(record, "outbox_replayed")[-1]["stored_answer"] is False
    [loss] = losses(office, card_no)
    assert loss.kind == "temporary" and loss.lifted_at is None
    assert card_status(kiosk, "hubei_stage_accepted") == "temp_lost"
    # asked again: the stored answer, no second loss
    assert kiosk.outbox.replay(kiosk.replayer, due_only=False).settled == 0
    assert len(losses(office, card_no)) == 1


# --- (3) a replay older than the back office's window -----------------------------------------

def test_a_replay_older_than_the_window_is_refused_and_journalled(tmp_path):
    with BackOfficeProcess(tmp_path / "office",
                           settings={"SSC_BACKOFFICE_LATE_REPLAY_WINDOW_S": "1"}) as office:
        k = Kiosk(office, tmp_path)
        try:
            card_no = PEOPLE["hubei_child"].card.card_no
            k.fault("before", 1000)
            wf = k.report_loss("hubei_child")
            assert wf.state == "LossPending"
            k.fault("before", 0)
            [entry] = k.outbox.entries()
            # the window (1 s here, 24 h by default) passes after the request was made
            made = entry.created_at.timestamp()
            while time.time() < made + 3:       # past the window, whole seconds and slack
                time.sleep(0.1)
            report = k.outbox.replay(k.replayer, due_only=False)
            assert report.refused == [entry.reference]
            record = k.attempt()
            assert (record.outcome, record.error_code) == ("refused", "REPLAY_TOO_OLD")
            assert steps(record, "outbox_replayed")[-1]["error"] == "REPLAY_TOO_OLD"
            entry = k.outbox.status(entry.reference)
            assert (entry.state, entry.outcome, entry.result_code) == \
                ("done", "refused", "REPLAY_TOO_OLD")
            assert losses(office, card_no) == []
        finally:
            k.close()
