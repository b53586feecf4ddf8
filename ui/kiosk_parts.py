"""The kiosk's parts as the composition root hands them to the controller.

:class:`UiSettings` (timings and the citizen-facing options, from
:func:`ui.settings_bridge.ui_settings`), :class:`KioskServices` (the back office, the
rules, the journal, the camera, maintenance), and the pinyin keyboard's warm-up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable

log = logging.getLogger(__name__)


@dataclass
class UiSettings:
    shuffle_keypad: bool = False
    # hand a PIN or an SMS code over when its last digit is typed (no 确认 tap)
    auto_submit: bool = True
    # the result screen returns to the attract screen after this many seconds
    result_seconds: int = 20
    # no touch for this long during a session → the "do you need more time?" warning
    idle_seconds: int = 90
    # the warning's countdown; no answer → the session ends
    idle_warning_seconds: int = 30
    # deadline of the card read (select, read, authentication with the back office)
    read_timeout_s: float = 30.0
    # deadline of one PIN command or back-office call
    command_timeout_s: float = 20.0
    # the live picture must have been good this long before the photo is taken by itself
    photo_hold_s: float = 1.0
    # speech: on at start (the citizen switches it in the header) and its volume, 0-100
    speech_on: bool = False
    speech_volume: int = 80
    # the languages offered (the first is the one the kiosk starts in); one: no switch
    languages: tuple[str, ...] = ("zh_CN", "en")
    # the journal cannot be written: re-checked this often (ui/journal_watch.py), wanting
    # this much free space (None: kiosk.journal.health.MIN_FREE_BYTES)
    journal_recheck_s: float = 10.0
    journal_min_free_bytes: int | None = None


@dataclass
class KioskServices:
    """What the services need besides the card: the back office, the rules, the journal.

    ``client`` is a :class:`kiosk.backoffice_client.BackOfficeClient`, ``pack`` a
    :class:`kiosk.policies.RulePack`; without them only the PIN change (card only)
    is offered. ``camera`` makes the kiosk's camera (a :class:`devices.camera.Camera`;
    the demo's is synthetic) for the renewal's photo and the face check; without
    one the photo cannot be taken and the face check is not offered. ``face_check``:
    the back office checks faces (the SMS code is offered beside it in any case).
    """

    client: Any = None
    pack: Any = None
    journal: Any = None
    outbox: Any = None
    camera: Callable[[], Any] | None = None
    face_check: bool = True
    # ui.maintenance.MaintenanceServices: without it the entry gesture does nothing
    maintenance: Any = None

    @property
    def full(self) -> bool:
        return self.client is not None and self.pack is not None


def warm_up_keyboard() -> None:
    """Build the pinyin keyboard's index in the background, so the first key is quick."""
    import threading

    def warm() -> None:
        try:
            from kiosk.pinyin_input import shared_engine

            shared_engine().warm_up()
        except Exception:  # noqa: BLE001 - the keyboard builds it itself when needed
            log.debug("pinyin warm-up failed", exc_info=True)

    threading.Thread(target=warm, name="pinyin-warm-up", daemon=True).start()
