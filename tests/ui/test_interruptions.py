"""Every service interrupted at each of its steps: the card pulled, the back office gone, the citizen idle.

Each service is a list of steps (:data:`FLOWS`); a test walks a service up to
one step through the UI, like a citizen (``kiosk_driver.Citizen``), and then:

- pulls the card: the attract screen, nothing typed left on any keypad, no
  session, the workflow journalled as ``card_removed``;
- stops the back office (``demo.set_offline(True)``) and takes the next step:
  a sentence on the result screen, nothing technical, and a journal entry;
- stops touching the screen: the idle warning with "I need more time" (which
  keeps the session), then the end of the session: "操作超时", the workflow
  cancelled in the journal, nothing typed left.

And the header's "call staff" shows the notice and journals ``staff_called``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest
from PySide6.QtCore import QPoint, Qt

from backoffice.demo_data import for_stage

from .kiosk_driver import WAIT_MS, Citizen
from .test_services import (BLOCKED_PIN, NEW_PIN, ORDINARY, ORDINARY_NAME, ORDINARY_PIN, SLOW_MS,
                            report_lost_in_backoffice)

UNAVAILABLE = "暂时无法连接社保系统"
TIMED_OUT = "操作超时"


@pytest.fixture
def settings():
    """The conftest's settings; the idle tests shorten the idle time once they reach their step."""
    from ui.controller import UiSettings

    return UiSettings(result_seconds=20, idle_seconds=90, idle_warning_seconds=1, read_timeout_s=10,
                      command_timeout_s=10, photo_hold_s=0.3)


# --- the services, step by step ------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    name: str
    arrive: Callable[[Citizen], None]     # wait until the step's screen is there
    go_on: Callable[[Citizen], None]      # what the citizen does there to go on


@dataclass(frozen=True)
class Flow:
    service: str                          # the workflow's journal service
    card: str | None                      # the software card, None: a service without the card
    start: Callable[[Citizen], None]
    steps: tuple[Step, ...]

    def step(self, name: str) -> Step:
        return next(s for s in self.steps if s.name == name)


def _tile(service: str) -> Callable[[Citizen], None]:
    return lambda c: c.tap(c.window.home.service_buttons[service])


def _pin_step(step: str, pin: str) -> Step:
    return Step(step, lambda c: c.wait_pin(step, timeout=SLOW_MS), lambda c: c.pin(pin))


def _screen(name: str, pred: Callable[[Citizen], bool] | None = None) -> Callable[[Citizen], None]:
    return lambda c: c.wait(name, (lambda: pred(c)) if pred else None, timeout=SLOW_MS)


def _sms_step() -> Step:
    return Step("sms", _screen("code"), lambda c: c.sms(timeout=SLOW_MS))


def _edit_phone_and_review(c: Citizen) -> None:
    c.tap(c.window.profile.edit_buttons["phone"])
    code = c.wait("code")
    c.pad(code.pad, "13800138007", confirm=True)
    c.wait("profile", lambda: "phone" in c.window.profile._changed, timeout=SLOW_MS)
    c.tap(c.window.profile.review_button)


def _method_step() -> Step:
    """The holder's choice between a text message code and the face check: the code."""
    return Step("method", _screen("choice"), lambda c: c.choose("sms"))


def _use_photo(c: Citizen) -> None:
    c.tap(c.window.photo.use_button)


def _start_lift(c: Citizen) -> None:
    report_lost_in_backoffice(c.k.demo, ORDINARY.cards[0].card_no)
    _tile("lift_loss")(c)


STAGE_PERSON = for_stage("hubei", "card_manufactured")      # 刘思琪

FLOWS: dict[str, Flow] = {
    "pin_change": Flow("pin_change", "ordinary", _tile("pin_change"), (
        _pin_step("current", ORDINARY_PIN), _pin_step("new", NEW_PIN), _pin_step("confirm", NEW_PIN))),
    "pin_reset": Flow("pin_reset", "ordinary", _tile("pin_reset"), (
        _method_step(),
        _sms_step(), _pin_step("new", NEW_PIN), _pin_step("confirm", NEW_PIN))),
    "pin_unblock": Flow("pin_unblock", "blocked", _tile("pin_unblock"), (
        _method_step(),
        _sms_step(), _pin_step("remembered", BLOCKED_PIN))),
    "loss_report": Flow("loss_report", None, lambda c: c.tap(c.window.attract.lost_button), (
        Step("identity", _screen("identity"), lambda c: c.identity(ORDINARY.ssn, ORDINARY_NAME)),
        _sms_step(),
        Step("kind", _screen("choice"), lambda c: c.choose("temporary")),
        Step("confirm", _screen("confirm"), lambda c: c.choose("confirm")))),
    "lift_loss": Flow("lift_loss", "ordinary", _start_lift, (
        _pin_step("verify", ORDINARY_PIN),
        Step("confirm", _screen("confirm"), lambda c: c.choose("confirm")))),
    "profile_change": Flow("profile_change", "ordinary", _tile("profile_change"), (
        _pin_step("verify", ORDINARY_PIN),
        Step("profile", _screen("profile"), _edit_phone_and_review),
        Step("confirm", _screen("confirm"), lambda c: c.choose("confirm")))),
    "card_status": Flow("card_status", "ordinary", _tile("card_status"), (
        _pin_step("verify", ORDINARY_PIN),)),
    "card_status_no_card": Flow("card_status", None, lambda c: c.tap(c.window.attract.status_button), (
        Step("identity", _screen("identity"),
             lambda c: c.identity(STAGE_PERSON.ssn, [("liu", "刘"), ("si", "思"), ("qi", "琪")])),
        _sms_step())),
    "renewal": Flow("renewal", "ordinary", _tile("renewal"), (
        _pin_step("verify", ORDINARY_PIN),
        Step("reason", _screen("choice"), lambda c: c.choose("damaged")),
        Step("photo", _screen("photo", lambda c: c.window.photo.use_button.isVisible()), _use_photo),
        Step("delivery", _screen("confirm"), lambda c: c.choose("pickup")))),
}


def walk(c: Citizen, flow: Flow, until: str) -> Step:
    """Start the service and go through its steps until ``until``'s screen is there."""
    if flow.card is not None:
        c.k.insert(flow.card, wait_home=False)
        c.wait("home", timeout=SLOW_MS)
    flow.start(c)
    for step in flow.steps:
        step.arrive(c)
        if step.name == until:
            return step
        step.go_on(c)
    raise AssertionError(f"{flow.service} has no step {until!r}")


def _type_something(c: Citizen) -> None:
    """A few digits on the keypad of the screen shown (what must not survive the session)."""
    w = c.window
    if c.screen is w.pin:
        for d in "975":
            c.k.click(w.pin.keypad.digit_button(d))
        assert len(w.pin.keypad) == 3
    elif c.screen is w.code:
        for d in "123":
            c.key(w.code.pad.keys[d])
        assert w.code.pad.text() == "123"
    elif c.screen is w.identity:
        for d in "4201":
            c.key(w.identity.pad.keys[d])


def _nothing_typed_left(c: Citizen) -> None:
    w = c.window
    assert len(w.pin.keypad) == 0
    assert w.code.pad.text() == ""
    assert w.identity.pad.text() == "" and w.identity.keyboard.text() == ""


def _attempts(c: Citizen, service: str) -> list:
    return [a for a in c.k.demo.services.journal.recent(50) if a.service == service]


def _wait_outcome(c: Citizen, service: str, outcomes: set[str], timeout: int = WAIT_MS):
    """The newest journal attempt of ``service`` once it has ended with one of ``outcomes``."""
    found = []

    def ended() -> bool:
        att = _attempts(c, service)
        if att and att[0].outcome in outcomes:
            found[:] = att[:1]
            return True
        return False

    try:
        c.k.qtbot.waitUntil(ended, timeout=timeout)
    except Exception:
        att = _attempts(c, service)
        raise AssertionError(f"{service}: newest outcome {att[0].outcome if att else None!r}, "
                             f"wanted one of {sorted(outcomes)}") from None
    return found[0]


def _ids(table):
    return [f"{s}-{st}" for s, st, *_ in table]


# --- (a) the card pulled at each step ---------------------------------------------------------

CARD_STEPS = [(name, step.name) for name, flow in FLOWS.items() if flow.card is not None
              for step in flow.steps]


#: steps after the card carried out a PIN command (RESET, UNBLOCK): the citizen who pulls
#: the card is told what it holds now, and the journal says the card changed
AFTER_CARD_EFFECT = {("pin_reset", "new"): "密码已重置", ("pin_reset", "confirm"): "密码已重置",
                     ("pin_unblock", "remembered"): "密码解锁成功"}


@pytest.mark.parametrize("service,step", CARD_STEPS, ids=_ids(CARD_STEPS))
def test_card_pulled(kiosk, service, step):
    c = Citizen(kiosk)
    flow = FLOWS[service]
    walk(c, flow, step)
    _type_something(c)
    kiosk.remove()
    told = AFTER_CARD_EFFECT.get((service, step))
    if told:
        c.wait("result")
        assert told in kiosk.all_texts()
        assert kiosk.controller.session is None
        _nothing_typed_left(c)
        row = _wait_outcome(c, flow.service, {"ok"})
        assert row.error_code == "CARD_CHANGED"
        _wait_outcome(c, "kiosk_session", {"card_removed"})
        assert all(len(p) == 0 for p in kiosk.submitted), "a PIN handed over was not wiped"
        return
    c.wait("attract")
    assert kiosk.controller.session is None
    _nothing_typed_left(c)
    assert kiosk.window.home.ssn_value.text() == ""         # nothing of the holder stays on screen
    if service == "pin_change":
        # the PIN change (card only) is journalled in the kiosk's session
        _wait_outcome(c, "kiosk_session", {"card_removed"})
    else:
        _wait_outcome(c, flow.service, {"card_removed"})
        _wait_outcome(c, "kiosk_session", {"card_removed"})
    assert all(len(p) == 0 for p in kiosk.submitted), "a PIN handed over was not wiped"


@pytest.mark.parametrize("service", ["pin_change", "pin_reset"])
def test_card_pulled_right_after_the_card_acknowledged_the_change(kiosk, monkeypatch, service):
    """The card answers the CHANGE, and the citizen pulls it before the kiosk goes on: the new
    PIN is in force, the citizen is told so, the journal says the card changed."""
    import time

    from devices.card.emulator import EmulatedReaders
    from devices.card.ssc import SscCard, read_card_info
    from devices.card.transport import CardChannel
    from kiosk.pin import Pin

    controller = kiosk.controller
    change = SscCard.change_pin

    def change_then_pulled(card, *args, **kwargs):       # on the kiosk's card thread
        change(card, *args, **kwargs)                    # 9000: the new PIN is on the card
        kiosk.remove()
        deadline = time.monotonic() + 5                  # the kiosk handles the pull first
        while controller.session is not None and time.monotonic() < deadline:
            time.sleep(0.01)

    monkeypatch.setattr(SscCard, "change_pin", change_then_pulled)
    c = Citizen(kiosk)
    walk(c, FLOWS[service], "confirm").go_on(c)
    # (a reset's card was told first that it holds the initial PIN, then what it holds now)
    r = c.wait("result", lambda: c.window.result.heading.text() == "新密码已生效")
    assert "新密码已生效，原密码已不能使用" in r.text.text()
    assert controller.session is None
    row = _wait_outcome(c, service, {"ok"})
    assert row.error_code == "CARD_CHANGED"
    assert [(s["step"], s.get("after_end")) for s in row.steps if s.get("card_effect")][-1] == \
        ("changed" if service == "pin_change" else "new_pin_set", True)
    _wait_outcome(c, "kiosk_session", {"card_removed"})
    _nothing_typed_left(c)
    # the card holds the new PIN
    readers = EmulatedReaders()
    reader = readers.readers()[0]
    readers.insert(reader, kiosk.card)
    card, _ = read_card_info(CardChannel(readers.connect(reader), trace=None), None)
    card.verify_pin(Pin(NEW_PIN))


def test_the_card_answers_the_change_after_the_kiosk_gave_up_waiting(kiosk, settings):
    """A slow card: the kiosk's deadline for the CHANGE passes (an error on screen), then the
    card carries it out. The citizen is told the new PIN is in force, not left with the error."""
    from devices.card.emulator import EmulatedReaders
    from devices.card.ssc import read_card_info
    from devices.card.transport import CardChannel
    from kiosk.pin import Pin

    c = Citizen(kiosk)
    step = walk(c, FLOWS["pin_change"], "confirm")
    settings.command_timeout_s = 0.3           # the kiosk's deadline for a card step
    kiosk.card.faults.delay_s = 0.6            # each answer of the card comes later than that
    step.go_on(c)
    c.wait("result", lambda: c.window.result.heading.text() == "新密码已生效", timeout=SLOW_MS)
    row = _wait_outcome(c, "pin_change", {"ok"})
    assert row.error_code == "CARD_CHANGED"
    assert [s["step"] for s in row.steps if s.get("after_end")] == ["changed"]
    kiosk.card.faults.clear()
    kiosk.remove()
    c.wait("attract")
    readers = EmulatedReaders()
    reader = readers.readers()[0]
    readers.insert(reader, kiosk.card)
    card, _ = read_card_info(CardChannel(readers.connect(reader), trace=None), None)
    card.verify_pin(Pin(NEW_PIN))


# --- (b) the back office gone before the next call ----------------------------------------------

#: (service, step, what the citizen is told): the back office is stopped at the step, then
#: the citizen goes on ("start": stopped on the home screen, then the service's tile).
#: The four writes go through the outbox: recorded, sent again later, a reference to check.
OFFLINE_STEPS = [
    ("pin_reset", "method", "unavailable"),          # the SMS is sent once it is chosen
    ("pin_reset", "sms", "unavailable"),             # the code is checked
    ("pin_unblock", "method", "unavailable"),
    ("pin_unblock", "sms", "unavailable"),
    ("loss_report", "identity", "unavailable"),      # the ID number and name, the SMS
    ("loss_report", "sms", "unavailable"),
    ("loss_report", "confirm", "pending"),           # the loss report (outbox)
    ("lift_loss", "verify", "unavailable"),          # the card's holder opens a session
    ("lift_loss", "confirm", "pending"),
    ("profile_change", "verify", "unavailable"),
    ("profile_change", "confirm", "pending"),
    ("card_status", "verify", "unavailable"),
    ("card_status_no_card", "identity", "unavailable"),
    ("card_status_no_card", "sms", "unavailable"),
    ("renewal", "verify", "unavailable"),
    ("renewal", "delivery", "pending"),              # the application (outbox)
]


@pytest.mark.parametrize("service,step,told", OFFLINE_STEPS, ids=_ids(OFFLINE_STEPS))
def test_back_office_gone(kiosk, service, step, told):
    c = Citizen(kiosk)
    flow = FLOWS[service]
    if step == "start":
        kiosk.insert(flow.card, wait_home=False)
        c.wait("home", timeout=SLOW_MS)
        kiosk.demo.set_offline(True)
        flow.start(c)
    else:
        s = walk(c, flow, step)
        kiosk.demo.set_offline(True)
        s.go_on(c)
    r = c.wait("result", timeout=SLOW_MS)
    shown = kiosk.all_texts()
    assert "Traceback" not in shown and "Error" not in shown and "http" not in shown
    if told == "unavailable":
        assert r.heading.text() == UNAVAILABLE
        assert r.kind == "error" and r.code == "BACKOFFICE_UNAVAILABLE"
        assert "没有任何改动" in r.text.text()                 # nothing changed, in plain words
        assert "稍后再试" in r.advice.text()
        att = _wait_outcome(c, flow.service, {"failed"})
        assert att.error_code == "BACKOFFICE_UNAVAILABLE"
        session = _attempts(c, "kiosk_session")[0]
        errors = [st for st in session.steps if st["step"] == "error"]
        assert errors and errors[0]["code"] == "BACKOFFICE_UNAVAILABLE"
    else:
        # recorded in the outbox: not "done", not "failed", a reference and how to check
        assert r.heading.text() == "申请已记录"
        assert r.kind == "info" and r.code == "PENDING"
        assert "本机会自动重新提交" in r.text.text()
        assert "查询" in r.advice.text()
        att = _wait_outcome(c, flow.service, {"pending"})
        assert att.reference and att.reference in r.text.text()
    # the citizen is done: back to the start, the session closed, nothing typed kept
    kiosk.click(r.done_button)
    c.wait("attract")
    assert kiosk.controller.session is None
    _nothing_typed_left(c)


def test_a_500_after_the_loss_was_recorded_is_pending_then_ok(kiosk):
    """The back office records the loss, then answers 500 INTERNAL (an injected fault,
    docs/outbox.md): the citizen is told it is recorded and not yet confirmed, never that
    it failed; the replay before the session ends learns the truth; one loss on record."""
    from sqlalchemy import func, select

    from backoffice.models import Card, Loss

    c = Citizen(kiosk)
    step = walk(c, FLOWS["loss_report"], "confirm")
    kiosk.demo.office.state.injected_faults.arm("POST", "/v1/me/card/loss", "after", 1)
    step.go_on(c)
    r = c.wait("result", timeout=SLOW_MS)
    assert r.heading.text() == "申请已记录" and r.kind == "info" and r.code == "PENDING"
    assert "失败" not in r.heading.text() + r.text.text() + r.advice.text()
    assert "12333" in r.text.text()                          # urgent: report it by phone now
    assert "12333" in r.advice.text() and "柜台" in r.advice.text()
    att = _wait_outcome(c, "loss_report", {"ok"})
    assert att.reference and att.reference in r.text.text()
    with kiosk.demo.office.state.database.session() as s:
        card_id = s.scalar(select(Card.id).where(Card.card_no == ORDINARY.card.card_no))
        assert s.scalar(select(func.count()).select_from(Loss)
                        .where(Loss.card_id == card_id)) == 1
    kiosk.click(r.done_button)
    c.wait("attract")


# --- (c) the citizen goes idle at each step -----------------------------------------------------

#: the identity step, a middle step and the confirm step of each service (all, for the short ones)
IDLE_SKIPPED = {("loss_report", "sms"), ("renewal", "reason"), ("pin_reset", "method"),
                ("pin_unblock", "method")}
IDLE_STEPS = [(name, step.name) for name, flow in FLOWS.items() for step in flow.steps
              if (name, step.name) not in IDLE_SKIPPED]
#: where "I need more time" is tried too (one step per service)
MORE_TIME = {("pin_change", "new"), ("pin_reset", "sms"), ("pin_unblock", "remembered"),
             ("loss_report", "kind"), ("lift_loss", "confirm"), ("profile_change", "profile"),
             ("card_status", "verify"), ("card_status_no_card", "identity"), ("renewal", "photo")}


def _touch(c: Citizen) -> None:
    """A touch on the screen that is no button (the idle time starts again from it)."""
    header = c.screen.header
    c.k.qtbot.mouseClick(header.title, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))


@pytest.mark.parametrize("service,step", IDLE_STEPS, ids=_ids(IDLE_STEPS))
def test_idle(kiosk, settings, service, step):
    c = Citizen(kiosk)
    flow = FLOWS[service]
    walk(c, flow, step)
    here = c.screen
    _type_something(c)
    warning = kiosk.window.idle_warning
    settings.idle_seconds = 1
    _touch(c)                                  # the last touch: from now on the citizen waits
    kiosk.qtbot.waitUntil(warning.isVisible, timeout=3000)
    assert warning.heading.text() == "您还需要更多时间吗？"
    assert warning.more_button.text() == "我需要更多时间"
    assert warning.more_button.isVisible() and warning.more_button.isEnabled()
    session = kiosk.controller.session
    if (service, step) in MORE_TIME:
        kiosk.click(warning.more_button)
        kiosk.qtbot.waitUntil(lambda: not warning.isVisible(), timeout=1000)
        assert kiosk.controller.session is session and session.workflow is not None
        assert not session.workflow.finished
        assert c.screen is here                # the citizen carries on where they were
        if here is kiosk.window.pin:
            assert len(kiosk.window.pin.keypad) == 3      # what was typed is still there
        elif here is kiosk.window.code:
            assert kiosk.window.code.pad.text() == "123"
        kiosk.qtbot.waitUntil(warning.isVisible, timeout=3000)     # idle again
    # no answer: the session ends
    wf = session.workflow
    told = AFTER_CARD_EFFECT.get((service, step))
    if told:
        # the card was reset or unblocked: the citizen is told that, not "nothing changed"
        r = c.wait("result", timeout=3000)
        assert r.heading.text() == told and "没有做任何改动" not in r.text.text()
        assert _wait_outcome(c, flow.service, {"ok"}).error_code == "CARD_CHANGED"
        kiosk.remove()
        c.wait("attract")
        _nothing_typed_left(c)
    elif flow.card is not None:
        r = c.wait("result", timeout=3000)
        assert r.heading.text() == TIMED_OUT
        assert "没有做任何改动" in r.text.text()
        assert not warning.isVisible()
        assert session.workflow is None and wf.finished
        assert len(kiosk.window.pin.keypad) == 0          # no PIN digit survives the end
        if service != "pin_change":
            _wait_outcome(c, flow.service, {"cancelled", "timeout"})
        kiosk.remove()                                    # the citizen comes back for the card
        c.wait("attract")
        _nothing_typed_left(c)
    else:
        # without a card there is nothing to take back: straight to the start
        c.wait("attract", timeout=3000)
        assert not warning.isVisible()
        _nothing_typed_left(c)
        _wait_outcome(c, flow.service, {"cancelled", "timeout"})
    assert kiosk.controller.session is None
    assert wf.finished
    # the kiosk's session journal says what happened (its outcome: test_session_outcome_*)
    session_row = _wait_outcome(c, "kiosk_session", {"timeout", "card_removed"})
    names = [s["step"] for s in session_row.steps]
    assert "idle_warning" in names and "idle_timeout" in names
    if (service, step) in MORE_TIME:
        assert "more_time" in names


# --- call staff ----------------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["attract", "pin"])
def test_call_staff(kiosk, where):
    c = Citizen(kiosk)
    if where == "pin":
        walk(c, FLOWS["pin_change"], "current")
    screen = c.screen
    kiosk.click(screen.header.staff_button)
    notice = kiosk.window.notice
    kiosk.qtbot.waitUntil(notice.isVisible, timeout=1000)
    assert notice.heading.text() == "已呼叫工作人员"
    assert "工作人员" in notice.text.text()
    assert c.screen is screen                      # the service waits under the notice
    kiosk.click(notice.ok_button)
    kiosk.qtbot.waitUntil(lambda: not notice.isVisible(), timeout=1000)
    rows = _attempts(c, "kiosk_session")
    assert any(any(s["step"] == "staff_called" for s in a.steps) for a in rows)
    if where == "pin":
        assert kiosk.controller.session is not None and kiosk.window.pin.step == "current"


# --- how the kiosk's session ended, in the journal -----------------------------------------------

def test_session_outcome_when_the_card_is_taken_after_the_result(kiosk):
    c = Citizen(kiosk)
    walk(c, FLOWS["pin_change"], "confirm").go_on(c)
    r = c.wait("result", timeout=SLOW_MS)
    assert r.code == "PIN_CHANGED"
    kiosk.remove()                     # the citizen takes the card, as the result screen asks
    c.wait("attract")
    row = _wait_outcome(c, "kiosk_session", {"ok", "card_removed", "timeout", "cancelled"})
    assert row.outcome == "ok"


def test_session_outcome_after_an_idle_timeout(kiosk, settings):
    c = Citizen(kiosk)
    walk(c, FLOWS["pin_change"], "current")
    settings.idle_seconds = 1
    _touch(c)
    c.wait("result", timeout=4000)
    kiosk.remove()
    c.wait("attract")
    row = _wait_outcome(c, "kiosk_session", {"ok", "card_removed", "timeout", "cancelled"})
    assert row.outcome == "timeout"
