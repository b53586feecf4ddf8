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


def test_every_transition_of_a_change():
    card, ssc, _ = make()
    seen = []
    wf = walk(PinChange(ssc), seen)
    assert wf.state == "EnterCurrentPin"
    wf.enter_current_pin(Pin("111222"))                       # pin_wrong
    wf.enter_current_pin(Pin("802413"))                       # pin_verified
    wf.enter_new_pin(Pin("123456"))                           # new_pin_refused
    wf.enter_new_pin(Pin("135790"))                           # new_pin_entered
    wf.confirm_new_pin(Pin("135791"))                         # mismatch
    wf.enter_new_pin(Pin("135790"))
    wf.confirm_new_pin(Pin("135790"))                         # changed
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
    with pytest.raises(InvalidTransition):
        wf.enter_current_pin(Pin("802413"))


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


def test_forced_change_after_reset_starts_at_the_new_pin():
    card, ssc, _ = make("initial_pin")
    wf = PinChange(ssc, after_reset=True)
    assert wf.state == "EnterNewPin"
    wf.enter_new_pin(Pin("246810"))
    wf.confirm_new_pin(Pin("246810"))
    assert wf.state == "PinChanged"
    ssc.verify_pin(Pin("246810"))
