"""Every service end to end through the UI, like a citizen, against the reference back office.

The kiosk runs on the emulated reader and the embedded Hubei back office
(fixture ``kiosk``). Each service is driven through its screens by taps and
keystrokes (``kiosk_driver.Citizen``), in Chinese and English, at the normal
and the large text size: the mode is switched first with the header's own
buttons, as a citizen would. ``zh_CN``/normal and ``en``/large run for every
service; the other two run on a subset (PIN change, card status with the card; zh_CN/large
also the status without the card).

What is checked is what the citizen sees (the result heading and its kind, the
texts in the chosen language, masked numbers only), that the back office's
state changed (its database), that the journal recorded the outcome, and the
issue's requirement: at most 4 taps per service (PIN digits and typed
characters not counted), profile change excepted.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from backoffice.demo_data import PEOPLE, for_stage
from ui import i18n
from ui import theme as themes

from .kiosk_driver import WAIT_MS, Citizen

# PINs of tests/support/pin_leaks.TEST_PINS
ORDINARY_PIN = "802413"
BLOCKED_PIN = "590317"
NEW_PIN = "135790"

ORDINARY = PEOPLE["card_ordinary"]            # 陈思远, software card "ordinary"
ORDINARY_NAME = [("chen", "陈"), ("si", "思"), ("yuan", "远")]
MAX_TAPS = 4                                  # the issue: taps per service, PIN digits not counted
SLOW_MS = 10000                               # a wait that includes back-office calls

MODES = {
    "zh-normal": ("zh_CN", False),
    "en-large": ("en", True),
    "zh-large": ("zh_CN", True),
    "en-normal": ("en", False),
}
FULL = ["zh-normal", "en-large"]              # every service
ALL = FULL + ["zh-large", "en-normal"]        # the subset that runs the whole 2 × 2 matrix


@pytest.fixture
def citizen(kiosk, request):
    """The kiosk in one language and text size, switched with the header's buttons."""
    language, large = MODES[request.param]
    c = Citizen(kiosk)
    c.language, c.large = language, large
    app = QApplication.instance()
    try:
        choose_mode(c)
        c.reset_counts()
        yield c
    finally:
        i18n.translations().uninstall()
        themes.apply(app, themes.NORMAL)
        QApplication.processEvents()


def choose_mode(c: Citizen) -> None:
    """On the start screen, the citizen switches to their language and text size (every
    citizen starts in the kiosk's defaults: Chinese, normal text)."""
    kiosk = c.k
    if c.language == "en":
        kiosk.click(kiosk.window.attract.header.language_button)
        kiosk.qtbot.waitUntil(lambda: i18n.current_language() == "en", timeout=WAIT_MS)
        kiosk.qtbot.waitUntil(
            lambda: kiosk.window.attract.title.text() == "Please insert your social security card",
            timeout=WAIT_MS)
    if c.large:
        kiosk.click(kiosk.window.attract.header.large_button)
        kiosk.qtbot.waitUntil(lambda: themes.current().large, timeout=WAIT_MS)
        # the screens were built again: the new attract screen is the one shown
        c.wait("attract")
        assert kiosk.window.attract.header.large_button.text().startswith("✓")
        # the driver's list of handed-over PINs follows the rebuilt PIN screen
        kiosk.window.pin.keypad.submitted.connect(kiosk.submitted.append)


def tr(c: Citizen, zh: str, en: str) -> str:
    """What the citizen should read in the chosen language."""
    return en if c.language == "en" else zh


# --- helpers -------------------------------------------------------------------------------

def _attempts(demo, service: str) -> list:
    return [a for a in demo.services.journal.recent(50) if a.service == service]


def _result(c: Citizen, timeout: int = SLOW_MS):
    return c.wait("result", timeout=timeout)


def _no_full_numbers(c: Citizen, *numbers: str) -> None:
    shown = c.k.all_texts()
    for n in numbers:
        assert n not in shown, "a full number is on screen"


def _db(demo):
    return demo.office.state.database


def _card_row(demo, card_no: str):
    from backoffice.models import Card

    with _db(demo).session() as s:
        card = s.scalar(select(Card).where(Card.card_no == card_no))
        s.expunge(card)
        return card


def _person_row(demo, ssn: str):
    from backoffice.models import Person

    with _db(demo).session() as s:
        p = s.scalar(select(Person).where(Person.ssn == ssn))
        s.expunge(p)
        return p


def report_lost_in_backoffice(demo, card_no: str) -> None:
    """A temporary loss on record (as the counter would have made it), for the lift."""
    from backoffice.models import Card, Loss

    now = dt.datetime.now(dt.timezone.utc)
    with _db(demo).session() as s:
        card = s.scalar(select(Card).where(Card.card_no == card_no))
        s.add(Loss(card_id=card.id, kind="temporary", duration=None, since=now - dt.timedelta(days=1),
                   previous_status=card.status))
        card.status = "temp_lost"
        s.commit()


def card_pin_is(card, pin: str) -> bool:
    """Whether the software card's PIN is ``pin`` now (its stored digest; no APDU)."""
    return card._digest(pin.encode("ascii")) == card._pin_digest


def insert_home(c: Citizen, profile: str = "ordinary") -> None:
    c.k.insert(profile, wait_home=False)
    home = c.wait("home", timeout=SLOW_MS)
    # the holder recognises the card, a bystander learns nothing
    person = PEOPLE[f"card_{profile}"]
    assert home.ssn_value.text() == person.ssn[:4] + "*" * 10 + person.ssn[-4:]
    _no_full_numbers(c, person.ssn, person.name)


# --- PIN change --------------------------------------------------------------------------

@pytest.mark.parametrize("citizen", ALL, indirect=True)
def test_pin_change(citizen):
    c = citizen
    insert_home(c)
    card = c.k.card
    assert c.window.home.service_buttons["pin_change"].text() == tr(c, "修改密码", "Change PIN")
    c.tap(c.window.home.service_buttons["pin_change"])
    c.wait_pin("current")
    assert c.window.pin.prompt.text() == tr(c, "请输入当前密码", "Please enter your current PIN")
    c.pin(ORDINARY_PIN)
    c.wait_pin("new")
    c.pin(NEW_PIN)
    c.wait_pin("confirm")
    c.pin(NEW_PIN)
    r = _result(c)
    assert r.kind == "success"
    assert r.heading.text() == tr(c, "密码修改成功", "Your PIN has been changed")
    assert r.advice.text() == tr(c, "请取回您的社会保障卡。", "Please take your social security card.")
    assert card_pin_is(card, NEW_PIN)      # the card's own PIN changed
    assert c.taps <= MAX_TAPS, c.taps
    c.k.remove()
    c.wait("attract")


# --- PIN reset (SMS) ---------------------------------------------------------------------

@pytest.mark.parametrize("citizen", FULL, indirect=True)
def test_pin_reset_by_sms(citizen):
    c = citizen
    insert_home(c)
    card = c.k.card
    c.tap(c.window.home.service_buttons["pin_reset"])
    choice = c.wait("choice", timeout=SLOW_MS)      # a text message code, or the face check
    assert {"sms", "face"} <= set(choice.buttons)
    c.choose("sms")
    c.sms(timeout=SLOW_MS)
    assert c.window.code.prompt.text() == tr(c, "请输入手机收到的短信验证码",
                                              "Please type the code we sent to your phone")
    c.wait_pin("new", timeout=SLOW_MS)
    c.pin(NEW_PIN)
    c.wait_pin("confirm")
    c.pin(NEW_PIN)
    r = _result(c)
    assert (r.kind, r.code) == ("success", "NEW_PIN_SET")
    assert r.heading.text() == tr(c, "新密码设置成功", "Your new PIN is set")
    assert card_pin_is(card, NEW_PIN) and card.tries_left == 6
    assert c.taps <= MAX_TAPS, c.taps
    c.k.qtbot.waitUntil(lambda: any(a.outcome == "ok" for a in _attempts(c.k.demo, "pin_reset")),
                        timeout=WAIT_MS)


# --- PIN unblock (blocked card) ------------------------------------------------------------

@pytest.mark.parametrize("citizen", FULL, indirect=True)
def test_pin_unblock(citizen):
    c = citizen
    insert_home(c, "blocked")
    card = c.k.card
    assert card.pin_blocked
    c.tap(c.window.home.service_buttons["pin_unblock"])
    c.wait("choice", timeout=SLOW_MS)
    c.choose("sms")
    c.sms(timeout=SLOW_MS)
    c.wait_pin("remembered", timeout=SLOW_MS)
    c.pin(BLOCKED_PIN)
    r = _result(c)
    assert (r.kind, r.code) == ("success", "PIN_UNBLOCKED")
    assert r.heading.text() == tr(c, "密码解锁成功", "Your PIN is unblocked")
    assert not card.pin_blocked and card_pin_is(card, BLOCKED_PIN)
    assert c.taps <= MAX_TAPS, c.taps
    c.k.qtbot.waitUntil(lambda: any(a.outcome == "ok" for a in _attempts(c.k.demo, "pin_unblock")),
                        timeout=WAIT_MS)


# --- report a loss without the card -----------------------------------------------------------

@pytest.mark.parametrize("citizen", FULL, indirect=True)
def test_report_loss_without_the_card(citizen):
    c = citizen
    demo = c.k.demo
    attract = c.window.attract
    assert attract.lost_button.accessibleName() == tr(c, "我的卡丢了", "I lost my card")
    c.tap(attract.lost_button)
    c.identity(ORDINARY.ssn, ORDINARY_NAME)
    c.sms(timeout=SLOW_MS)
    choice = c.wait("choice", timeout=SLOW_MS)
    assert choice.prompt.text() == tr(c, "请选择挂失方式", "Which kind of loss report?")
    assert set(choice.buttons) >= {"temporary", "formal"}
    c.choose("temporary")
    confirm = c.wait("confirm", timeout=SLOW_MS)
    assert confirm.prompt.text() == tr(c, "确认挂失您的社会保障卡？", "Report this card lost?")
    assert confirm.values[0][1].text() == tr(c, "临时挂失", "Temporary loss report")
    c.choose("confirm")
    r = _result(c)
    assert (r.kind, r.code) == ("success", "LOSS_REPORTED")
    assert r.heading.text() == tr(c, "挂失成功", "Your card is reported lost")
    card_no = ORDINARY.cards[0].card_no
    assert card_no[-3:] in r.text.text()            # the card's last digits, not the number
    _no_full_numbers(c, card_no, ORDINARY.ssn, ORDINARY.name)
    assert c.taps <= MAX_TAPS, c.taps
    assert c.keys >= 18 + 6                          # the ID number and the SMS code were typed
    assert _card_row(demo, card_no).status == "temp_lost"
    c.k.qtbot.waitUntil(lambda: any(a.outcome == "ok" for a in _attempts(demo, "loss_report")),
                        timeout=WAIT_MS)
    c.tap(r.done_button)
    c.wait("attract")
    assert c.k.controller.session is None


@pytest.mark.parametrize("citizen", ["zh-normal"], indirect=True)
def test_a_temporary_loss_can_only_be_made_formal(citizen):
    """Hubei: a card already under temporary loss can only be made formal. The
    confirmation offers no 重新选择 (there is nothing else to choose; tapping it used to
    end the service as Failed), and the formal report goes through."""
    c = citizen
    demo = c.k.demo
    card_no = ORDINARY.cards[0].card_no
    report_lost_in_backoffice(demo, card_no)
    c.tap(c.window.attract.lost_button)
    c.identity(ORDINARY.ssn, ORDINARY_NAME)
    c.sms(timeout=SLOW_MS)
    confirm = c.wait("confirm", timeout=SLOW_MS)
    assert confirm.values[0][1].text() == tr(c, "正式挂失", "Formal loss report")
    assert "change" not in confirm.buttons
    assert tr(c, "重新选择", "Choose again") not in c.k.visible_texts()
    c.choose("confirm")
    r = _result(c)
    assert (r.kind, r.code) == ("success", "LOSS_REPORTED")
    assert _card_row(demo, card_no).status == "lost"


# --- lift the loss -----------------------------------------------------------------------------

@pytest.mark.parametrize("citizen", FULL, indirect=True)
def test_lift_loss(citizen):
    c = citizen
    demo = c.k.demo
    card_no = ORDINARY.cards[0].card_no
    report_lost_in_backoffice(demo, card_no)
    insert_home(c)
    c.tap(c.window.home.service_buttons["lift_loss"])
    c.wait_pin("verify")
    c.pin(ORDINARY_PIN)
    confirm = c.wait("confirm", timeout=SLOW_MS)
    assert confirm.prompt.text() == tr(c, "确认解除这张卡的挂失？", "Cancel the loss report of this card?")
    assert confirm.values[0][1].text() == tr(c, "临时挂失", "Temporary loss report")
    c.choose("confirm")
    r = _result(c)
    assert (r.kind, r.code) == ("success", "LOSS_LIFTED")
    assert r.heading.text() == tr(c, "解除挂失成功", "The loss report is cancelled")
    assert c.taps <= MAX_TAPS, c.taps
    assert _card_row(demo, card_no).status == "active"
    c.k.qtbot.waitUntil(lambda: any(a.outcome == "ok" for a in _attempts(demo, "lift_loss")),
                        timeout=WAIT_MS)


# --- profile change ------------------------------------------------------------------------------

@pytest.mark.parametrize("citizen", FULL, indirect=True)
def test_profile_change_phone(citizen):
    c = citizen
    demo = c.k.demo
    new_phone = "13800138007"
    insert_home(c)
    c.tap(c.window.home.service_buttons["profile_change"])
    c.wait_pin("verify")
    c.pin(ORDINARY_PIN)
    profile = c.wait("profile", timeout=SLOW_MS)
    # the phone on record is shown masked
    _name, value = profile.value_labels["phone"]
    assert value.text() == ORDINARY.phone[:3] + "****" + ORDINARY.phone[-4:]
    c.tap(profile.edit_buttons["phone"])
    code = c.wait("code")
    assert code.prompt.text() == tr(c, "新的手机号码", "New: Mobile phone")
    c.pad(code.pad, new_phone, confirm=True)
    profile = c.wait("profile", lambda: "phone" in c.window.profile._changed, timeout=SLOW_MS)
    assert tr(c, "（已修改）", "(changed)") in profile.value_labels["phone"][1].text()
    c.tap(profile.review_button)
    confirm = c.wait("confirm", timeout=SLOW_MS)
    assert confirm.prompt.text() == tr(c, "确认提交以下修改？", "Save these changes?")
    row = confirm.values[0][1].text()
    assert "138****8007" in row and new_phone not in row
    c.choose("confirm")
    r = _result(c)
    assert (r.kind, r.code) == ("success", "PROFILE_CHANGED")
    assert r.heading.text() == tr(c, "信息修改成功", "Your details are updated")
    assert c.taps <= MAX_TAPS + 1, c.taps             # the one exception: edit, type, save
    assert _person_row(demo, ORDINARY.ssn).phone == new_phone
    c.k.qtbot.waitUntil(lambda: any(a.outcome == "ok" for a in _attempts(demo, "profile_change")),
                        timeout=WAIT_MS)


# --- card status --------------------------------------------------------------------------------

@pytest.mark.parametrize("citizen", ALL, indirect=True)
def test_card_status_with_the_card(citizen):
    c = citizen
    card_no = ORDINARY.cards[0].card_no
    insert_home(c)
    c.tap(c.window.home.service_buttons["card_status"])
    c.wait_pin("verify")
    c.pin(ORDINARY_PIN)
    status = c.wait("status", timeout=SLOW_MS)
    assert c.taps <= MAX_TAPS, c.taps
    assert status.prompt.text() == tr(c, "您的社会保障卡", "Your card")
    rows = {status.card_rows.itemAtPosition(i, 0).widget().text():
            status.card_rows.itemAtPosition(i, 1).widget().text()
            for i in range(status.card_rows.rowCount()) if status.card_rows.itemAtPosition(i, 0)}
    assert rows[tr(c, "状态", "Status")] == tr(c, "正常使用", "In use")
    shown_no = rows[tr(c, "卡号", "Card number")]
    assert shown_no and shown_no != card_no and shown_no[-2:] == card_no[-2:]   # masked
    assert status.timeline_title.text() == tr(c, "没有正在办理的制卡申请。",
                                              "No card application in progress.")
    _no_full_numbers(c, card_no, ORDINARY.ssn)
    c.tap(status.done_button)
    r = _result(c)
    assert r.heading.text() == tr(c, "感谢使用", "Thank you")


@pytest.mark.parametrize("citizen", FULL + ["zh-large"], indirect=True)
def test_card_status_without_the_card(citizen):
    c = citizen
    person = for_stage("hubei", "card_manufactured")      # 刘思琪, a card in production
    assert person.name == "刘思琪"
    c.tap(c.window.attract.status_button)
    c.identity(person.ssn, [("liu", "刘"), ("si", "思"), ("qi", "琪")])
    c.sms(timeout=SLOW_MS)
    status = c.wait("status", timeout=SLOW_MS)
    assert c.taps <= MAX_TAPS, c.taps
    stages = [s for s, _label in status.stage_labels]
    assert stages[:4] == ["accepted", "uploaded_to_province", "bank_account_opened", "card_manufactured"]
    labels = {s: lab.text() for s, lab in status.stage_labels}
    assert labels["accepted"] == tr(c, "申请已受理", "Application accepted")
    assert labels["card_manufactured"] == tr(c, "卡片已制作", "Card manufactured")
    # the current stage is marked, the earlier ones ticked, the later ones to come
    marks = [status.stages.itemAtPosition(i, 0).widget().text() for i in range(len(stages))]
    cur = stages.index("card_manufactured")
    assert marks[cur] == "●" and set(marks[:cur]) == {"✓"} and set(marks[cur + 1:]) == {"○"}
    _no_full_numbers(c, person.ssn, person.name)
    c.tap(status.done_button)
    r = _result(c)
    c.tap(r.done_button)
    c.wait("attract")
    assert c.k.controller.session is None


# --- renewal ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("citizen", FULL, indirect=True)
def test_renewal_then_its_progress(citizen):
    from backoffice.models import Application

    c = citizen
    demo = c.k.demo
    insert_home(c)
    c.tap(c.window.home.service_buttons["renewal"])
    c.wait_pin("verify")
    c.pin(ORDINARY_PIN)
    choice = c.wait("choice", timeout=SLOW_MS)
    assert choice.prompt.text() == tr(c, "请选择换卡原因", "Why do you need a new card?")
    c.choose("damaged")
    photo = c.wait("photo")
    c.k.qtbot.waitUntil(lambda: photo.view.has_picture, timeout=SLOW_MS)   # the live picture
    assert photo.guidance.isVisible() and photo.capture_button.isVisible()
    c.k.qtbot.waitUntil(lambda: c.window.photo.use_button.isVisible(), timeout=SLOW_MS)
    assert photo.prompt.text() == tr(c, "这张照片可以吗？", "Is this photo all right?")
    c.tap(photo.use_button)
    confirm = c.wait("confirm", timeout=SLOW_MS)
    assert confirm.values[0][1].text() == tr(c, "卡片损坏", "The card is damaged")
    c.choose("pickup")
    r = _result(c)
    assert (r.kind, r.code) == ("success", "RENEWAL_APPLIED")
    assert r.heading.text() == tr(c, "换卡申请已提交", "Your application is submitted")
    assert c.taps <= MAX_TAPS, c.taps
    person_id = _person_row(demo, ORDINARY.ssn).id
    with _db(demo).session() as s:
        apps = s.scalars(select(Application).where(Application.person_id == person_id,
                                                   Application.kind == "renewal")).all()
        assert len(apps) == 1
        app_id, reason, delivery = apps[0].id, apps[0].reason, apps[0].delivery
    assert (reason, delivery) == ("damaged", "pickup")
    assert tr(c, "申请编号：", "Application number: ") + app_id in r.text.text()

    # the card-status query now shows the application in its timeline
    c.k.remove()
    c.wait("attract")
    choose_mode(c)                                   # back in the defaults: switched again
    insert_home(c)
    c.tap(c.window.home.service_buttons["card_status"])
    c.wait_pin("verify")
    c.pin(ORDINARY_PIN)
    status = c.wait("status", timeout=SLOW_MS)
    assert app_id in status.timeline_title.text()
    stages = [s for s, _label in status.stage_labels]
    assert stages[0] == "accepted"
    assert status.stage_labels[0][1].text() == tr(c, "申请已受理", "Application accepted")
    assert status.stages.itemAtPosition(0, 0).widget().text() == "●"


# --- what the citizen reads about a lost card --------------------------------------------------------

@pytest.mark.parametrize("citizen", ["zh-normal"], indirect=True)
def test_card_status_of_a_card_reported_lost(citizen):
    c = citizen
    report_lost_in_backoffice(c.k.demo, ORDINARY.cards[0].card_no)
    insert_home(c)
    c.tap(c.window.home.service_buttons["card_status"])
    c.wait_pin("verify")
    c.pin(ORDINARY_PIN)
    status = c.wait("status", timeout=SLOW_MS)
    rows = {status.card_rows.itemAtPosition(i, 0).widget().text():
            status.card_rows.itemAtPosition(i, 1).widget().text()
            for i in range(status.card_rows.rowCount()) if status.card_rows.itemAtPosition(i, 0)}
    assert "挂失日期" in rows                        # the loss is there, with its day
    assert rows["状态"] != "未知" and "挂失" in rows["状态"]


def test_loss_result_names_the_card_by_its_last_digits(qapp):
    from kiosk import masking
    from ui import outcomes

    info = {"card_no": masking.card_no(ORDINARY.cards[0].card_no), "kind": "temporary",
            "status": "temp_lost"}
    first_line = outcomes.loss_reported(info).text.splitlines()[0]
    assert "*" not in first_line
    assert "尾号 " + ORDINARY.cards[0].card_no[-3:] in first_line


# --- the mode changed in the middle of a service ------------------------------------------------------

@pytest.mark.parametrize("citizen", ["zh-normal"], indirect=True)
def test_language_and_text_size_switched_on_the_confirm_screen(citizen):
    """The header's buttons on any screen: the texts follow, the service goes on where it was."""
    c = citizen
    report_lost_in_backoffice(c.k.demo, ORDINARY.cards[0].card_no)
    insert_home(c)
    c.tap(c.window.home.service_buttons["lift_loss"])
    c.wait_pin("verify")
    c.pin(ORDINARY_PIN)
    confirm = c.wait("confirm", timeout=SLOW_MS)
    assert confirm.prompt.text() == "确认解除这张卡的挂失？"
    c.k.click(confirm.header.language_button)
    c.k.qtbot.waitUntil(lambda: confirm.prompt.text() == "Cancel the loss report of this card?",
                        timeout=WAIT_MS)
    assert confirm.buttons["confirm"].text() == "Cancel the loss report"
    assert confirm.header.service.text() == "Cancel a loss report"
    c.k.click(confirm.header.large_button)
    c.k.qtbot.waitUntil(lambda: themes.current().large, timeout=WAIT_MS)
    # new screens at the new size, the same question on them, in English
    confirm = c.wait("confirm")
    assert confirm.prompt.text() == "Cancel the loss report of this card?"
    assert confirm.header.large_button.text().startswith("✓")
    c.choose("confirm")
    r = _result(c)
    assert (r.code, r.heading.text()) == ("LOSS_LIFTED", "The loss report is cancelled")
    assert _card_row(c.k.demo, ORDINARY.cards[0].card_no).status == "active"
