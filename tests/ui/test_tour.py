"""``kiosk tour``: every service, every screen, in both languages and both font modes.

The tour (``kiosk_cli/tour.py``) drives the real window like a citizen, on the
emulated card and the reference back office, and writes one PNG per screen
and ``inventory.json``. Here it runs in-process (offscreen, 1920 × 1080) and
the inventory is checked: every service reached its result, every screen
keeps the size rules of its mode (``ui/inventory.py`` ``check``: text at
least 24 px / 32 px in 长辈版, touch targets 80 / 100 px, nothing clipped,
overlapping or off the screen, every interactive widget named for assistive
technology), and the names are in the tour's language.
"""

from __future__ import annotations

import json
import re

import pytest

from kiosk_cli.tour import run_tour

SERVICES = {"pin_change", "pin_reset", "pin_unblock", "loss_report", "lift_loss", "card_status",
            "profile_change", "renewal"}
HAN = re.compile(r"[\u4e00-\u9fff]")

MODES = [
    pytest.param("zh_CN", False, False, id="zh_CN-normal"),
    pytest.param("en", True, False, id="en-large"),
    pytest.param("zh_CN", True, True, id="zh_CN-large-high-contrast"),
    pytest.param("en", False, False, id="en-normal"),
]


@pytest.mark.parametrize("locale,large,contrast", MODES)
def test_tour_every_service_and_screen(qapp, tmp_path, locale, large, contrast):
    t = run_tour(tmp_path, locale=locale, large=large, high_contrast=contrast)
    data = json.loads((tmp_path / "inventory.json").read_text(encoding="utf-8"))

    # every service ran to its end through the UI
    assert SERVICES <= set(data["taps"]), set(data["taps"])
    successes = {s for s, kind in data["outcomes"].items() if kind == "success"}
    assert {"pin_change", "pin_reset", "pin_unblock", "loss_report", "lift_loss",
            "profile_change", "renewal"} <= successes, data["outcomes"]
    assert data["outcomes"]["card_status"] == "StatusScreen"

    # one PNG per screen, and an inventory entry for it
    ids = [s["screen"] for s in data["screens"]]
    assert len(ids) == len(set(ids)) >= 40
    for s in data["screens"]:
        assert (tmp_path / s["png"]).stat().st_size > 10_000

    # the rules of the mode hold on every screen
    assert data["violations"] == [], "\n".join(data["violations"])
    interactive = [w for s in data["screens"] for w in s["widgets"] if w["interactive"]]
    assert interactive and all(w["accessible_name"] for w in interactive)

    # the words are the tour's language: English screens carry no Chinese in their buttons,
    # apart from what is data (names, addresses, candidates of the pinyin keyboard) and the
    # language switch that names 中文 in its own language
    if locale == "en":
        chinese = {w["accessible_name"] for s in data["screens"] for w in s["widgets"]
                   if w["interactive"] and HAN.search(w["accessible_name"] or "")
                   and w["class"] == "QPushButton"
                   and not (w["object_name"] or "").startswith(("candidate", "headerLanguage",
                                                                "identityName", "item_", "region"))}
        assert not chinese, sorted(chinese)[:20]
    assert t.violations == []
