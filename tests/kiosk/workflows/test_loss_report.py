"""Reporting a lost card without the card, walked row by row against the real reference
back office of each jurisdiction; what differs is table-driven."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from backoffice.identity import Limits
from kiosk.errors import CardAlreadyLost, CardCancelled, ServiceNotOffered
from kiosk.policies import load_pack_file
from kiosk.policies.pack import PACK_DIR
from kiosk.workflows.loss_report import LossReport
from tests.kiosk.workflows.test_kit import (JURISDICTIONS, LostAnswers, TransitionLog,
                                            assert_table_walked, kiosk, kiosk_of)  # noqa: F401

LOG = TransitionLog()


@pytest.fixture(autouse=True)
def _log(monkeypatch):
    LOG.install(monkeypatch)


def start(k, **kw):
    wf = LossReport(k.client, k.pack, **k.kw(**kw))
    seen = []
    wf.subscribe(lambda s: seen.append(s.state))
    wf.seen = seen
    return wf


def identify(k, wf, key):
    p = k.person(key)
    wf.enter_identity(p.ssn, p.name)
    assert wf.state == "EnterSmsCode", wf.info
    wf.enter_sms_code(k.inbox.last_code(p.phone))


def card_of(k, key):
    k.sms_session(key)
    try:
        return k.client.my_card()
    finally:
        k.client.end_session()


def test_identity_then_a_temporary_loss_in_hubei(kiosk):
    wf = start(kiosk)
    p = kiosk.person("hubei_active")               # 王𠮷祥: a character beyond the BMP
    assert wf.state == "EnterIdentity" and wf.info["kinds"] == ("temporary", "formal")
    wf.enter_identity(p.ssn[:-1] + ("0" if p.ssn[-1] != "0" else "1"), p.name)  # identity_invalid
    assert wf.info == {"field": "ssn", "reason": "check_digit"}
    assert kiosk.inbox.sent == []                  # nothing was sent
    wf.enter_identity(p.ssn, "\u0007")             # identity_invalid (the name)
    assert wf.info == {"field": "name", "reason": "control_character"}
    wf.enter_identity(p.ssn, "王吉祥")              # identity_not_verified (the back office)
    assert wf.state == "EnterIdentity" and wf.info["code"] == "IDENTITY_NOT_VERIFIED"
    wf.enter_identity(p.ssn.lower(), p.name)       # sms_sent
    wf.enter_sms_code(kiosk.inbox.wrong_code())    # code_wrong
    wf.resend_code()                               # sms_sent
    wf.enter_sms_code(kiosk.inbox.last_code())     # identity_verified, kinds_to_choose
    assert wf.seen[-2:] == ["CheckingCard", "ChooseLossKind"]
    assert wf.info["kinds"] == ("temporary", "formal") and wf.info["status"] == "active"
    wf.choose_kind("formal")                       # kind_chosen
    assert wf.info["kind"] == "formal" and wf.info["duration"] is None
    wf.change_choice()                             # choose_kind_again
    wf.choose_kind("temporary")                    # kind_chosen (one duration: until lifted)
    assert wf.state == "ConfirmLoss" and wf.info["duration"] == "until_lifted"
    assert wf.info["auto_lift_days"] is None
    wf.confirm()                                   # reported
    assert wf.state == "LossReported" and wf.info["status"] == "temp_lost"
    assert wf.info["auto_lift_at"] is None and wf.info["kind"] == "temporary"
    assert kiosk.client.session_token is None
    [row] = kiosk.attempts("loss_report")
    assert row.outcome == "ok" and row.ssn == p.ssn[:4] + "*" * 10 + p.ssn[-4:]
    assert row.reference and row.card_no and "*" in row.card_no


def test_a_temporary_loss_made_formal_in_hubei(kiosk):
    wf = start(kiosk)
    identify(kiosk, wf, "hubei_temp_lost")         # nothing_to_choose: only formal is left
    assert wf.state == "ConfirmLoss" and wf.info["kind"] == "formal"
    wf.confirm()
    assert wf.state == "LossReported" and wf.info["status"] == "lost"


@pytest.mark.parametrize("key, error", [("hubei_lost", CardAlreadyLost),
                                        ("hubei_cancelled", CardCancelled)])
def test_nothing_to_report_is_refused_at_once(kiosk, key, error):
    wf = start(kiosk)
    identify(kiosk, wf, key)
    assert wf.state == "Refused" and isinstance(wf.info["error"], error)
    assert kiosk.attempts("loss_report")[0].outcome == "refused"


def test_sichuan_lifts_itself_after_7_days(kiosk_of):
    k = kiosk_of("sichuan")
    wf = start(k)
    identify(k, wf, "sichuan_active")              # nothing_to_choose: 7 days
    assert wf.state == "ConfirmLoss" and wf.info["duration"] == "7d"
    assert wf.info["auto_lift_days"] == 7 and wf.info["articles"]["temporary_loss_durations"] \
        == "第18条"
    wf.confirm()
    since, lifts = wf.info["since"], wf.info["auto_lift_at"]
    assert lifts - since == dt.timedelta(days=7)
    k.shift_days(6.9)
    assert card_of(k, "sichuan_active").status == "temp_lost"
    k.shift_days(0.2)
    card = card_of(k, "sichuan_active")
    assert card.status == "active" and card.loss is None


def test_hainan_15_days_or_long(kiosk_of):
    k = kiosk_of("hainan")
    wf = start(k)
    identify(k, wf, "hainan_active")               # durations_to_choose
    assert wf.state == "ChooseLossDuration" and wf.info["durations"] == ("15d", "long")
    assert wf.info["auto_lift_days"] == {"15d": 15, "long": None}
    wf.choose_duration("long")                     # duration_chosen
    wf.change_choice()                             # choose_duration_again
    wf.choose_duration("15d")
    wf.confirm()
    assert wf.info["auto_lift_at"] - wf.info["since"] == dt.timedelta(days=15)
    wf = start(k)
    identify(k, wf, "hainan_not_activated")
    wf.choose_duration("long")
    wf.confirm()
    assert wf.state == "LossReported" and wf.info["auto_lift_at"] is None
    k.shift_days(15.1)
    assert card_of(k, "hainan_active").status == "active"          # 15d lifted itself
    assert card_of(k, "hainan_not_activated").status == "temp_lost"  # long did not


def hainan_with_formal_at_kiosk(tmp_path: Path):
    """Hainan's pack with formal losses at the kiosk: two kinds AND two durations."""
    text = (PACK_DIR / "hainan.toml").read_text(encoding="utf-8").splitlines()
    out = [('formal_loss_at_kiosk = { value = true, article = "第18条" }'
            if line.startswith("formal_loss_at_kiosk") else line) for line in text]
    path = tmp_path / "hainan.toml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return load_pack_file(path)


def test_kind_then_duration_and_back(kiosk_of, tmp_path):
    k = kiosk_of("hainan")
    pack = hainan_with_formal_at_kiosk(tmp_path)
    wf = LossReport(k.client, pack, **k.kw())
    identify(k, wf, "hainan_active")               # kinds_to_choose
    wf.choose_kind("temporary")                    # temporary_chosen
    assert wf.state == "ChooseLossDuration"
    wf.change_choice()                             # choose_kind_again (from the durations)
    wf.choose_kind("temporary")
    wf.choose_duration("15d")
    wf.change_choice()                             # choose_duration_again
    wf.change_choice()                             # choose_kind_again (from the durations)
    assert wf.state == "ChooseLossKind"
    wf.cancel()
    assert wf.state == "Cancelled" and k.client.session_token is None


def test_unknown_outcome_is_pending_with_a_reference(kiosk):
    wf = start(kiosk)
    identify(kiosk, wf, "hubei_active")
    wf.choose_kind("temporary")
    LostAnswers(kiosk.client)                      # the report arrives, its answer is lost
    wf.confirm()                                   # pending
    assert wf.state == "LossPending"
    ref = wf.info["reference"]
    assert len(ref) == 9 and ref[4] == "-" and "kiosk_card_status" in wf.info["how_to_check"]
    # cleanup replayed it once before ending the session: the back office had done it
    entry = kiosk.outbox.status(ref)
    assert entry.state == "done" and entry.outcome == "ok"
    [row] = kiosk.attempts("loss_report")
    assert row.outcome == "ok" and row.reference == ref
    assert card_of(kiosk, "hubei_active").status == "temp_lost"


def test_back_office_down_stays_pending(kiosk):
    wf = start(kiosk)
    identify(kiosk, wf, "hubei_active")
    wf.choose_kind("temporary")
    LostAnswers(kiosk.client, 2, arrive=False)     # the report and the replay never arrive
    wf.confirm()
    assert wf.state == "LossPending"
    assert kiosk.outbox.backlog() == 1
    assert kiosk.attempts("loss_report")[0].outcome == "pending"


def test_too_many_identity_failures(kiosk_of):
    k = kiosk_of("hubei", limits=Limits(failures_per_ssn=1, codes_per_challenge=1))
    p = k.person("hubei_active")
    wf = start(k)
    wf.enter_identity(p.ssn, p.name)
    wf.enter_sms_code(k.inbox.wrong_code())        # too_many_attempts (code)
    assert wf.state == "IdentityRefused"
    wf = start(k)
    wf.enter_identity(p.ssn, p.name)               # too_many_attempts (the number)
    assert wf.state == "IdentityRefused" and wf.info["code"] == "TOO_MANY_ATTEMPTS"


FIRST_CHOICE = {"hunan": ("ConfirmLoss", "until_lifted"), "hubei": ("ChooseLossKind", None),
                "hainan": ("ChooseLossDuration", None), "sichuan": ("ConfirmLoss", "7d"),
                "xinxiang": ("ConfirmLoss", "until_lifted")}


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_what_each_jurisdiction_asks(kiosk_of, jurisdiction):
    k = kiosk_of(jurisdiction)
    wf = start(k)
    identify(k, wf, f"{jurisdiction}_active")
    state, duration = FIRST_CHOICE[jurisdiction]
    assert wf.state == state
    if state == "ConfirmLoss":
        assert wf.info["kind"] == "temporary" and wf.info["duration"] == duration
        wf.confirm()
        assert wf.state == "LossReported"
        assert (wf.info["auto_lift_at"] is None) == (duration == "until_lifted")
    formal = k.pack.offers("formal_loss")
    assert ("formal" in wf.kinds) == formal.offered
    if not formal.offered:
        assert formal.article          # why not, e.g. Hunan 第28条 (at the bank)


def test_no_loss_report_where_no_kind_is_offered(kiosk, tmp_path):
    text = (PACK_DIR / "xinxiang.toml").read_text(encoding="utf-8").splitlines()
    out = [('temporary_loss_at_kiosk = { value = false, article = "第19条", refer_to = '
            '["counter"] }' if line.startswith("temporary_loss_at_kiosk") else line)
           for line in text]
    path = tmp_path / "xinxiang.toml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    pack = load_pack_file(path)
    with pytest.raises(ServiceNotOffered) as e:
        LossReport(kiosk.client, pack, **kiosk.kw())
    assert e.value.article == "第19条" and e.value.details["refer_to"] == ["counter"]


def test_table_walked(request):
    assert_table_walked(LOG, LossReport, request)
