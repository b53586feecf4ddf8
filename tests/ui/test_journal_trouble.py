"""Journal trouble through the production kiosk (ui/run.py's assembly, offscreen, the
reference back office over HTTP, in-process readers):

- the disk fills up (a real 2 MiB tmpfs holding the data directory): what the citizen
  sees, that no service starts, what the fleet is told, and that it comes back by
  itself when space returns;
- a damaged journal at start (garbage first page; truncated): moved aside, a fresh
  one, the fleet told, and the kiosk serves (for ``build_production_app`` and for
  ``kiosk run`` in its own process).
"""

from __future__ import annotations

import re

import pytest
import requests
from PySide6.QtCore import Qt

from kiosk.journal import Journal
from kiosk.journal.recovery import kept_damaged
from tests.support.journal_trouble import DAMAGE_KINDS, damage, fill, small_filesystem

from .kiosk_driver import KioskDriver, soft_card
from .test_run import (DEMO_KIOSK_ID, WAIT_MS, kiosk_run_process, production,  # noqa: F401
                       write_settings)

SMALL_FS = 2 * 1024 * 1024


@pytest.fixture
def office(tmp_path):
    """The reference back office (its fleet metrics and page are on in demo mode)."""
    from backoffice.config import BackOfficeConfig
    from backoffice.server import EmbeddedBackOffice

    config = BackOfficeConfig.for_demo(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}",
                                       jurisdiction="hubei", locales=("zh_CN", "en"))
    with EmbeddedBackOffice(config) as bo:
        yield bo


@pytest.fixture
def small_fs(tmp_path):
    with small_filesystem(tmp_path / "small", SMALL_FS) as where:
        yield where


def journal_state(office) -> str | None:
    """The kiosk's journal state in the back office's ``/metrics`` (None: not reported)."""
    text = requests.get(office.url + "/metrics", timeout=5).text
    found = re.findall(r'ssc_kiosk_journal_state\{kiosk="%s",state="(\w+)"\} 1' % DEMO_KIOSK_ID,
                       text)
    return found[0] if found else None


def fleet_page_journal(office) -> str:
    page = requests.get(office.url + "/fleet", timeout=5).text
    row = re.search(r"<tr class=\"up\"><td>%s</td>(.*?)</tr>" % DEMO_KIOSK_ID, page)
    return re.findall(r"<td>(.*?)</td>", row.group(1))[4]


def test_disk_full_the_kiosk_is_out_of_service_tells_the_fleet_and_comes_back_by_itself(
        tmp_path, small_fs, office, production, qtbot):
    from devices.card.emulator.inprocess import DEFAULT_READER

    store = write_settings(tmp_path, office.url, data_dir=str(small_fs / "data"))
    kiosk, readers = production(store)
    window = kiosk.window
    c = window.controller
    c.settings.journal_recheck_s = 0.2
    d = KioskDriver.on_window(qtbot, window, readers)
    qtbot.waitUntil(lambda: journal_state(office) == "ok", timeout=WAIT_MS)
    d.insert("ordinary")

    filler = fill(small_fs)
    # 修改密码: no PIN screen, no workflow; the kiosk says why and what to do
    d.click(window.home.change_pin_button)
    d.wait_for(window.result)
    texts = d.all_texts()
    assert "本机暂停服务" in texts and "无法保存办理记录" in texts and "请联系工作人员" in texts
    assert c.session.workflow is None and d.submitted == []
    # the fleet hears it at once (the heartbeat interval is 60 s): the staff call
    qtbot.waitUntil(lambda: journal_state(office) == "unwritable", timeout=WAIT_MS)
    assert fleet_page_journal(office) == "unwritable: disk_full"

    d.remove()
    qtbot.waitUntil(lambda: d.screen is window.attract and window.attract.out_of_service,
                    timeout=WAIT_MS)
    texts = d.all_texts()
    assert "本机暂停服务" in texts and "请插入社会保障卡" not in texts
    assert not any(b.isVisible() for b in window.attract.no_card_buttons.values())
    d.click(window.attract.header.language_button)
    qtbot.waitUntil(lambda: window.attract.title.text() == "This kiosk is out of service",
                    timeout=WAIT_MS)
    texts = d.all_texts()
    assert "This kiosk is out of service" in texts
    assert "The staff have been told. Please contact a member of staff" in texts
    # a card now starts no session: the kiosk stays out of service
    d.insert("ordinary", wait_home=False)
    qtbot.waitUntil(lambda: c._present.get(DEFAULT_READER) is True, timeout=WAIT_MS)
    assert c.session is None and d.screen is window.attract and window.attract.out_of_service
    d.remove()

    filler.unlink()                       # space comes back: the kiosk re-checks by itself
    qtbot.waitUntil(lambda: not window.attract.out_of_service, timeout=WAIT_MS)
    assert all(b.isVisible() for b in window.attract.no_card_buttons.values())
    qtbot.waitUntil(lambda: journal_state(office) == "ok", timeout=WAIT_MS)
    d.insert("ordinary")
    d.start_pin_change()                  # services start again
    kiosk.close()
    with Journal(small_fs / "data" / "journal.sqlite3") as j:
        services = [r.service for r in j]
    # the session before the disk filled, then the one after: nothing from the outage
    assert services == ["settings_managed", "kiosk_session", "kiosk_session", "pin_change"]


def test_started_on_a_full_disk_the_kiosk_is_out_of_service_until_space_returns(
        tmp_path, small_fs, office, production, qtbot):
    from devices.card.emulator.inprocess import DEFAULT_READER

    from tests.support.journal_trouble import journal_with_history

    data = small_fs / "data"
    data.mkdir()
    journal_with_history(data / "journal.sqlite3", attempts=10)
    filler = fill(small_fs)
    kiosk, readers = production(write_settings(tmp_path, office.url, data_dir=str(data)))
    window = kiosk.window
    assert window.current_screen() is window.attract and window.attract.out_of_service
    assert window.attract.title.text() == "本机暂停服务"
    qtbot.waitUntil(lambda: journal_state(office) == "unwritable", timeout=WAIT_MS)
    d = KioskDriver.on_window(qtbot, window, readers)
    d.insert("ordinary", wait_home=False)         # the journal is not even open: no session
    qtbot.waitUntil(lambda: window.controller._present.get(DEFAULT_READER) is True,
                    timeout=WAIT_MS)
    assert window.controller.session is None and window.attract.out_of_service
    d.remove()
    filler.unlink()
    # the next re-check is 10 s away: a touch of the screen checks at once
    qtbot.mouseClick(window.attract.title, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.attract.out_of_service, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: journal_state(office) == "ok", timeout=WAIT_MS)
    d.insert("ordinary")
    d.start_pin_change()


@pytest.mark.parametrize("kind", DAMAGE_KINDS)
def test_a_damaged_journal_at_start_is_moved_aside_and_the_kiosk_serves(
        tmp_path, office, production, qtbot, kind):
    from devices.card.emulator.inprocess import DEFAULT_READER

    path = tmp_path / "data" / "journal.sqlite3"
    path.parent.mkdir()
    damaged = damage(path, kind)
    kiosk, readers = production(write_settings(tmp_path, office.url))
    window = kiosk.window
    assert window.current_screen() is window.attract and not window.attract.out_of_service
    [kept] = kept_damaged(path)
    assert kept.read_bytes() == damaged
    first = next(iter(kiosk.journal))
    assert (first.service, first.error_code) == ("journal_replaced", "JOURNAL_DAMAGED")
    assert first.steps[0]["kept_as"] == kept.name
    qtbot.waitUntil(lambda: journal_state(office) == "replaced", timeout=WAIT_MS)
    assert fleet_page_journal(office) == "replaced"
    readers.insert(DEFAULT_READER, soft_card("ordinary"))
    qtbot.waitUntil(lambda: window.current_screen() is window.home, timeout=WAIT_MS)


def test_kiosk_run_starts_on_a_damaged_journal(tmp_path, office):
    """The fault as systemd saw it: ``kiosk run`` exited 1 on a damaged journal."""
    path = tmp_path / "data" / "journal.sqlite3"
    path.parent.mkdir()
    damage(path, "garbage_first_page")
    proc = kiosk_run_process(tmp_path, write_settings(tmp_path, office.url))
    assert proc.returncode == 0, proc.stderr[-2000:]
    [kept] = kept_damaged(path)
    log = (tmp_path / "log" / "kiosk.log").read_text("utf-8")
    assert f"moved aside to {kept.name}" in log and "kiosk demo-kiosk-001 built" in log
    assert journal_state(office) == "replaced"
