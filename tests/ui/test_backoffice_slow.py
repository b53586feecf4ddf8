"""A back office that trickles its answer, through the UI (issue 10, item 3).

The kiosk talks to the reference back office through a raw socket server on
127.0.0.1 (:class:`tests.support.trickle.TrickleServer`) that forwards every
request but one: ``GET /v1/me/card`` gets its status line and headers at once
and then one byte every 0.3 s. The card, the PIN, the card authentication and
the back-office session are real and quick; only that answer never comes whole.

What the citizen must see is the back office's slowness (社保系统响应超时), never
读卡超时 (the card was fine), whichever deadline passes first: the client's own
(the whole call) or the UI's step deadline; the journal records
``BACKOFFICE_TIMEOUT``; and while the call is stuck, the next citizen's card is
read at once (the ended session's worker finishes the call on its own thread).
"""

from __future__ import annotations

import pytest

from backoffice.config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET
from kiosk.backoffice_client import BackOfficeClient, hsm_step
from tests.support.trickle import TrickleServer
from ui.controller import KioskServices, UiSettings

from .kiosk_driver import Citizen, KioskDriver, make_readers

ORDINARY_PIN = "802413"                       # tests/support/pin_leaks.TEST_PINS
SLOW_TITLE = "社保系统响应超时"


def _is_card_status_read(method: str, path: str) -> bool:
    return method == "GET" and path == "/v1/me/card"


@pytest.fixture
def slow_office(demo):
    with TrickleServer(interval_s=0.3, upstream=demo.office.url,
                       trickle=_is_card_status_read) as srv:
        yield srv


@pytest.fixture
def make_kiosk(qtbot, demo, slow_office):
    made = []

    def make(*, deadline_s: float, command_timeout_s: float) -> KioskDriver:
        client = BackOfficeClient(slow_office.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET,
                                  connect_timeout=0.5, max_attempts=1, deadline_s=deadline_s)
        services = KioskServices(client=client, pack=demo.services.pack,
                                 journal=demo.services.journal, outbox=demo.services.outbox)
        settings = UiSettings(result_seconds=20, idle_seconds=90, read_timeout_s=10,
                              command_timeout_s=command_timeout_s)
        driver = KioskDriver(qtbot, make_readers(), hsm_step(client), settings,
                             services=services, demo=demo)
        made.append((driver, client))
        return driver

    yield make
    for driver, client in made:
        driver.close()
        client.close()


def _ask_card_status(k: KioskDriver) -> Citizen:
    c = Citizen(k)
    k.insert("ordinary")
    c.tap(k.window.home.service_buttons["card_status"])
    c.wait_pin("verify")
    c.pin(ORDINARY_PIN)
    return c


def _attempts(demo, service: str) -> list:
    return [a for a in demo.services.journal.recent(20) if a.service == service]


@pytest.mark.parametrize("deadline_s, command_timeout_s", [
    (1.5, 6.0),     # the client's deadline passes first: BackOfficeTimeout from the client
    (4.0, 1.5),     # the UI's step deadline passes first, the call still waiting
], ids=["client-deadline", "step-deadline"])
def test_a_trickling_back_office_is_named_not_the_card(make_kiosk, slow_office, demo,
                                                       deadline_s, command_timeout_s):
    k = make_kiosk(deadline_s=deadline_s, command_timeout_s=command_timeout_s)
    c = _ask_card_status(k)
    # bounded by the first deadline (with the client's deadline gone, the step's would
    # pass only after this wait)
    result = c.wait("result", timeout=int((min(deadline_s, command_timeout_s) + 3) * 1000))
    assert slow_office.trickled == ["GET /v1/me/card"]
    assert result.heading.text() == SLOW_TITLE
    assert "读卡超时" not in k.all_texts()
    assert "社保系统没有在规定时间内应答" in k.all_texts()
    # the journal: the service failed because the back office was too slow
    k.qtbot.waitUntil(lambda: any(a.ended_at for a in _attempts(demo, "card_status")),
                      timeout=3000)
    attempt = _attempts(demo, "card_status")[0]
    assert (attempt.outcome, attempt.error_code) == ("failed", "BACKOFFICE_TIMEOUT")
    # the kiosk session, when the card is taken, ends with the same cause
    k.remove()
    c.wait("attract")
    k.qtbot.waitUntil(lambda: any(a.ended_at for a in _attempts(demo, "kiosk_session")),
                      timeout=3000)
    session = _attempts(demo, "kiosk_session")[0]
    assert (session.outcome, session.error_code) == ("failed", "BACKOFFICE_TIMEOUT")
    # the call still waiting (step deadline first) ends by the client's deadline
    k.qtbot.waitUntil(lambda: slow_office.active == 0 and not k.controller._retired,
                      timeout=int((deadline_s + 2) * 1000))


@pytest.mark.parametrize("deadline_s, command_timeout_s", [(1.5, 6.0), (4.0, 1.5)],
                         ids=["client-deadline", "step-deadline"])
def test_a_trickled_write_is_told_as_not_known_because_too_slow(make_kiosk, slow_office, demo,
                                                                deadline_s, command_timeout_s):
    # the write is the card session's opening (POST /v1/sessions): it may have run
    slow_office.trickle = lambda method, path: method == "POST" and path == "/v1/sessions"
    k = make_kiosk(deadline_s=deadline_s, command_timeout_s=command_timeout_s)
    c = _ask_card_status(k)
    result = c.wait("result", timeout=int((min(deadline_s, command_timeout_s) + 3) * 1000))
    assert slow_office.trickled == ["POST /v1/sessions"]
    assert result.heading.text() == "无法确认办理结果"
    assert "社保系统没有在规定时间内应答，无法确认是否办理成功" in k.all_texts()
    assert "读卡超时" not in k.all_texts() and "没有任何改动" not in k.all_texts()
    k.qtbot.waitUntil(lambda: any(a.ended_at for a in _attempts(demo, "card_status")),
                      timeout=3000)
    attempt = _attempts(demo, "card_status")[0]
    assert (attempt.outcome, attempt.error_code) == ("timeout", "OUTCOME_UNKNOWN")
    k.remove()
    k.qtbot.waitUntil(lambda: slow_office.active == 0 and not k.controller._retired,
                      timeout=int((deadline_s + 2) * 1000))


def test_a_trickled_card_authentication_is_named_not_the_card(make_kiosk, slow_office, demo):
    slow_office.trickle = lambda method, path: method == "POST" and path == "/v1/card-auth"
    k = make_kiosk(deadline_s=1.5, command_timeout_s=6.0)
    k.insert("ordinary", wait_home=False)
    result = Citizen(k).wait("result", timeout=4500)
    assert slow_office.trickled == ["POST /v1/card-auth"]
    assert result.heading.text() == SLOW_TITLE
    assert "读卡超时" not in k.all_texts()
    k.remove()
    k.qtbot.waitUntil(lambda: any(a.ended_at for a in _attempts(demo, "kiosk_session")),
                      timeout=3000)
    session = _attempts(demo, "kiosk_session")[0]
    assert (session.outcome, session.error_code) == ("failed", "BACKOFFICE_TIMEOUT")


def test_the_next_citizen_is_served_while_a_call_is_stuck(make_kiosk, slow_office):
    k = make_kiosk(deadline_s=10.0, command_timeout_s=15.0)
    c = _ask_card_status(k)
    k.qtbot.waitUntil(lambda: slow_office.active == 1, timeout=3000)   # the call is stuck
    k.remove()                                  # the first citizen gives up and leaves
    c.wait("attract")
    k.insert("expiring_soon")                   # the next citizen's card: home screen (5 s)
    assert slow_office.active == 1              # while the first call still trickles
    assert "读卡超时" not in k.all_texts()
    assert len(k.controller._retired) == 1      # the first session's worker still runs it
    # the back office lets go: the stuck call ends and its worker stops by itself
    slow_office.close()
    k.qtbot.waitUntil(lambda: not k.controller._retired, timeout=5000)
    assert k.screen is k.window.home            # the next citizen was not disturbed
