"""The PIN change workflow walked transition by transition, without Qt, on the
in-process software card."""

import threading

import pytest

from devices.card.emulator import EmulatedReaders, SoftCard, demo_profiles, load_profile
from devices.card.ssc import SscCard
from devices.card.transport import CardChannel
from kiosk.errors import CardRemoved
from kiosk.pin import Pin
from kiosk.workflows.base import InvalidTransition
from kiosk.workflows.pin_change import PinChange


def make(profile="ordinary", **kw):
    readers = EmulatedReaders()
    card = SoftCard(load_profile(demo_profiles()[profile]), state_path=None, **kw)
    readers.insert(readers.readers()[0], card)
    ssc = SscCard(CardChannel(readers.connect(readers.readers()[0]), trace=None))
    ssc.select_application()
    return card, ssc, readers


def walk(wf, seen):
    wf.subscribe(lambda snap: seen.append((snap.state, dict(snap.info))))
    return wf


def walk_a_whole_change(wf):
    wf.enter_current_pin(Pin("111222"))                       # pin_wrong
    wf.enter_current_pin(Pin("802413"))                       # pin_verified
    wf.enter_new_pin(Pin("123456"))                           # new_pin_refused
    wf.enter_new_pin(Pin("135790"))                           # new_pin_entered
    wf.confirm_new_pin(Pin("135791"))                         # mismatch
    wf.enter_new_pin(Pin("135790"))
    wf.confirm_new_pin(Pin("135790"))                         # changed


def test_every_transition_of_a_change():
    card, ssc, _ = make()
    seen = []
    wf = walk(PinChange(ssc), seen)
    assert wf.state == "EnterCurrentPin"
    walk_a_whole_change(wf)
    assert [s for s, _ in seen] == ["EnterCurrentPin", "EnterNewPin", "EnterNewPin", "ConfirmNewPin",
                                    "EnterNewPin", "ConfirmNewPin", "PinChanged"]
    assert seen[0][1] == {"tries_left": 5}
    assert seen[2][1] == {"reason": "initial_pin"}
    assert wf.finished and wf._current is None and wf._new is None
    ssc.verify_pin(Pin("135790"))


def test_blocking_on_the_sixth_wrong_pin():
    _, ssc, _ = make()
    wf = PinChange(ssc)
    for _ in range(5):
        wf.enter_current_pin(Pin("111222"))
    assert wf.state == "EnterCurrentPin" and wf.info == {"tries_left": 1}
    wf.enter_current_pin(Pin("111222"))
    assert wf.state == "PinBlocked" and wf.finished
    # like every service: a step after the end does nothing, and the PIN is wiped
    late = Pin("802413")
    wf.enter_current_pin(late)
    assert wf.state == "PinBlocked" and len(late) == 0
    with pytest.raises(InvalidTransition):      # a step the state does not offer is a bug
        PinChange(ssc).enter_new_pin(Pin("135790"))


def test_card_pulled_mid_workflow_wipes_the_pins():
    card, ssc, readers = make()
    wf = PinChange(ssc)
    current = Pin("802413")
    wf.enter_current_pin(current)
    readers.remove(readers.readers()[0])
    new = Pin("135790")
    wf.enter_new_pin(new)
    confirmation = Pin("135790")
    wf.confirm_new_pin(confirmation)
    assert wf.state == "CardRemoved" and isinstance(wf.info["error"], CardRemoved)
    assert len(current) == len(new) == len(confirmation) == 0


def test_cancel_while_the_card_checks_the_pin():
    """The citizen walks away (or the card is pulled) while VERIFY is on its way."""
    card, ssc, _ = make()
    card.faults.delay_s = 0.3
    wf = PinChange(ssc)
    pin = Pin("802413")
    t = threading.Thread(target=wf.enter_current_pin, args=(pin,))
    t.start()
    wf.cancel()
    t.join(5)
    assert wf.state == "Cancelled" and len(pin) == 0


def test_refused_where_the_pack_uses_no_pin():
    """Hainan 第14条: no PIN in use, so no PIN change: refused before anything is typed,
    with the article, and on record in the journal."""
    import tempfile
    from pathlib import Path

    from kiosk.errors import ServiceNotOffered
    from kiosk.journal import Journal
    from kiosk.policies import load_pack
    from kiosk.workflows.registry import WorkflowContext, build_workflow

    _, ssc, _ = make()
    with tempfile.TemporaryDirectory() as d, Journal(Path(d) / "j.sqlite") as journal:
        ctx = WorkflowContext(client=object(), pack=load_pack("hainan"), card=ssc,
                              journal=journal)
        with pytest.raises(ServiceNotOffered) as refused:
            build_workflow("pin_change", ctx)
        assert "14" in refused.value.details["article"]
        [attempt] = journal.recent()
        assert (attempt.service, attempt.outcome) == ("pin_change", "refused")
    # where the pack uses the PIN, the same context starts it
    wf = build_workflow("pin_change", WorkflowContext(client=None, pack=None, card=ssc))
    assert wf.state == "EnterCurrentPin"


def change_meanwhile(ssc, old: str, new: str) -> None:
    """Another change of the same card's PIN completes (the PIN is ``new`` after)."""
    other = PinChange(ssc)
    other.enter_current_pin(Pin(old))
    other.enter_new_pin(Pin(new))
    other.confirm_new_pin(Pin(new))
    assert other.state == "PinChanged"


def test_every_row_is_walked(monkeypatch):
    """The table-walk check every workflow has: each row of TRANSITIONS is fired."""
    from tests.kiosk.workflows.test_kit import TransitionLog

    log = TransitionLog()
    log.install(monkeypatch)
    _, ssc, _ = make()
    walk_a_whole_change(PinChange(ssc))                       # the PIN is 135790 now
    # a change that began with the old PIN: the card refuses it at the CHANGE
    stale = PinChange(ssc)
    stale.enter_current_pin(Pin("135790"))
    stale.enter_new_pin(Pin("246810"))
    change_meanwhile(ssc, "135790", "975310")
    stale.confirm_new_pin(Pin("246810"))                      # ConfirmNewPin --pin_wrong-->
    assert stale.state == "EnterCurrentPin" and stale.info == {"tries_left": 5}
    for _ in range(5):
        stale.enter_current_pin(Pin("111222"))                # ... --pin_blocked-->
    assert stale.state == "PinBlocked"
    # the CHANGE on the last try blocks the card
    _, ssc2, _ = make()
    last = PinChange(ssc2)
    last.enter_current_pin(Pin("802413"))
    last.enter_new_pin(Pin("135790"))
    change_meanwhile(ssc2, "802413", "975310")
    for _ in range(5):
        PinChange(ssc2).enter_current_pin(Pin("111222"))
    last.confirm_new_pin(Pin("135790"))                       # ConfirmNewPin --pin_blocked-->
    assert last.state == "PinBlocked" and last._current is None and last._new is None
    assert log.missing(PinChange) == set()
