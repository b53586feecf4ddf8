"""Lifting a loss with the found card and its PIN, walked row by row; Hubei's formal loss
cannot be lifted (第29条); Hunan and Hainan send the citizen to the bank."""

from __future__ import annotations

import pytest

from kiosk.errors import CardNotLost, FormalLossNotLiftable, ServiceNotOffered
from kiosk.pin import Pin
from kiosk.workflows.loss_lift import LossLift
from kiosk.policies import load_pack_file
from kiosk.policies.pack import PACK_DIR
from tests.kiosk.workflows.test_kit import (JURISDICTIONS, LostAnswers, TransitionLog,
                                            assert_table_walked, holder_changed, kiosk,
                                            kiosk_of, walk_card_holder_identity)  # noqa: F401

LOG = TransitionLog()


@pytest.fixture(autouse=True)
def _log(monkeypatch):
    LOG.install(monkeypatch)


def lose(k, kind="temporary", duration=None, key="card_ordinary"):
    """Report the card of ``key`` lost (set-up, straight through the client)."""
    k.sms_session(key)
    status = k.client.report_loss(kind, duration)
    k.client.end_session()
    return status


def start(k, profile="ordinary"):
    ssc, info = k.insert(profile)
    return LossLift(ssc, info, k.client, k.pack, **k.kw()), ssc


def test_lift_a_temporary_loss(kiosk):
    lose(kiosk)
    wf, _ = start(kiosk)
    assert wf.state == "EnterPin" and wf.info == {"max_tries": 6}
    wf.enter_pin(Pin("111222"))                    # pin_wrong
    assert wf.info == {"tries_left": 5}
    wf.enter_pin(Pin("802413"))                    # loss_found
    assert wf.state == "ConfirmLift" and wf.info["kind"] == "temporary"
    assert wf.info["card_no"] == "A1****001"
    wf.confirm()                                   # lifted
    assert wf.state == "LossLifted" and wf.info["status"] == "active"
    assert kiosk.client.session_token is None
    [row] = kiosk.attempts("lift_loss")
    assert row.outcome == "ok" and row.card_no == "A1****001"


def test_hubei_refuses_to_lift_a_formal_loss(kiosk):
    lose(kiosk, "formal")
    wf, _ = start(kiosk)
    wf.enter_pin(Pin("802413"))
    assert wf.state == "Refused" and isinstance(wf.info["error"], FormalLossNotLiftable)
    assert wf.info["article"] == "第29条"
    assert kiosk.attempts("lift_loss")[0].error_code == "FORMAL_LOSS_NOT_LIFTABLE"


def test_the_back_office_refuses_too(kiosk):
    """The kiosk checks first, the back office checks again (a kiosk can be tampered with)."""
    lose(kiosk, "formal")
    ssc, info = kiosk.insert("ordinary")
    ssc.verify_pin(Pin("802413"))
    kiosk.client.open_session_card(info.card_auth_id)
    with pytest.raises(FormalLossNotLiftable) as e:
        kiosk.client.lift_loss()
    assert e.value.details["article"] == "第29条"
    kiosk.client.end_session()


def test_a_card_that_is_not_lost(kiosk):
    wf, _ = start(kiosk)
    wf.enter_pin(Pin("802413"))
    assert wf.state == "Refused" and isinstance(wf.info["error"], CardNotLost)


def test_blocked_on_the_sixth_wrong_pin(kiosk):
    lose(kiosk)
    wf, _ = start(kiosk)
    for _ in range(6):
        wf.enter_pin(Pin("111222"))                # pin_blocked at the sixth
    assert wf.state == "PinBlocked" and kiosk.softcard.pin_blocked


def test_unknown_outcome_is_pending(kiosk):
    lose(kiosk)
    wf, _ = start(kiosk)
    wf.enter_pin(Pin("802413"))
    LostAnswers(kiosk.client, 2, arrive=False)
    wf.confirm()                                   # pending
    assert wf.state == "LiftPending" and wf.info["reference"]
    assert kiosk.attempts("lift_loss")[0].outcome == "pending"


def test_card_pulled_at_the_confirmation(kiosk):
    lose(kiosk)
    wf, _ = start(kiosk)
    wf.enter_pin(Pin("802413"))
    wf.card_removed()
    assert wf.state == "CardRemoved" and kiosk.client.session_token is None


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_offered_where_the_pack_says(kiosk_of, jurisdiction):
    k = kiosk_of(jurisdiction)
    lose(k, "temporary", "7d" if jurisdiction == "sichuan" else
         "15d" if jurisdiction == "hainan" else None)
    offer = k.pack.offers("lift_loss")
    ssc, info = k.insert("ordinary")
    if not offer.offered:
        with pytest.raises(ServiceNotOffered) as e:
            LossLift(ssc, info, k.client, k.pack, **k.kw())
        assert (jurisdiction, e.value.article, e.value.details["refer_to"]) in [
            ("hunan", "第29条", ["bank"]), ("hainan", "第19条", ["bank"])]
        return
    wf = LossLift(ssc, info, k.client, k.pack, **k.kw())
    wf.enter_pin(Pin("802413"))
    wf.confirm()
    assert wf.state == "LossLifted"


def test_a_jurisdiction_without_a_pin_identifies_the_holder_by_sms_or_face(kiosk_of, tmp_path):
    """Hainan uses no PIN (第14条) and sends lifts to the bank (第19条); a pack that lets the
    kiosk lift there would identify the card's holder by SMS or face."""
    text = (PACK_DIR / "hainan.toml").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "hainan.toml"
    path.write_text("\n".join('lift_loss_at_kiosk = { value = true, article = "第19条" }'
                              if line.startswith("lift_loss_at_kiosk") else line
                              for line in text) + "\n", encoding="utf-8")
    pack = load_pack_file(path)

    def start_hainan(k, changes):
        ssc, info = k.insert("ordinary")
        return LossLift(ssc, holder_changed(info, changes), k.client, pack, **k.kw())

    by_sms, by_face = walk_card_holder_identity(kiosk_of, start_hainan)
    # the card is not lost (and the real Hainan back office would not lift it anyway)
    assert by_sms.state == by_face.state == "Refused"
    assert isinstance(by_sms.info["error"], CardNotLost)

def test_table_walked(request):
    assert_table_walked(LOG, LossLift, request)
