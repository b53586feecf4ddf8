"""The home screen's services: the pack decides, the card's status narrows, and every
service that is not offered says why (with the article where a rule decides)."""

from __future__ import annotations

import datetime as dt

import pytest

from backoffice.demo_data import STATUSES
from kiosk.policies import SERVICES, load_pack
from kiosk.services import NEEDS_CARD, home_services, regulation_status
from tests.kiosk.workflows.test_kit import JURISDICTIONS, kiosk_of  # noqa: F401


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_the_pack_alone(jurisdiction):
    pack = load_pack(jurisdiction)
    home = home_services(pack)
    assert home.offered == tuple(pack.offered_services())
    for service, choice in home.not_offered.items():
        offer = pack.offers(service)
        assert (choice.reason, choice.article, choice.source) == (offer.reason, offer.article,
                                                                  "pack")
        assert choice.article, f"{jurisdiction} {service}: no article says why"


NOT_OFFERED = {
    "hainan": {"pin_change": ("pin_not_in_use", "第14条", ()),
               "pin_reset": ("pin_not_in_use", "第14条", ()),
               "pin_unblock": ("pin_not_in_use", "第14条", ()),
               "formal_loss": ("not_at_kiosk", "第18条", ("bank", "online")),
               "lift_loss": ("not_at_kiosk", "第19条", ("bank",))},
    "hunan": {"formal_loss": ("not_at_kiosk", "第28条", ("bank",)),
              "lift_loss": ("not_at_kiosk", "第29条", ("bank",)),
              "profile_change": ("not_at_kiosk", "第25条", ("bank",))},
    "hubei": {},
    "sichuan": {"formal_loss": ("not_at_kiosk", "第17条", ("counter",))},
    "xinxiang": {"formal_loss": ("loss_kind_not_in_use", "第19条", ()),
                 "renewal": ("not_at_kiosk", "第9条", ("counter",))},
}


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_what_each_jurisdiction_leaves_out_and_why(jurisdiction):
    home = home_services(load_pack(jurisdiction))
    assert {s: (c.reason, c.article, c.refer_to) for s, c in home.not_offered.items()} \
        == NOT_OFFERED[jurisdiction]


def test_without_the_card():
    home = home_services(load_pack("hubei"), card_present=False)
    assert home.offered == ("temporary_loss", "formal_loss", "card_status", "progress")
    for service in NEEDS_CARD:
        assert home.choices[service].reason == "needs_card"
    hainan = home_services(load_pack("hainan"), card_present=False)
    assert hainan.choices["pin_reset"].reason == "pin_not_in_use"   # the pack's reason first


def test_hunan_reports_its_regulation_lapsed_after_2026_09_30():
    pack = load_pack("hunan")
    last_day = regulation_status(pack, dt.date(2026, 9, 30))
    assert not last_day.lapsed and last_day.days_left == 0 and last_day.article == "第44条"
    after = regulation_status(pack, dt.date(2026, 10, 1))
    assert after.lapsed and after.days_left == -1 and after.number == "湘人社规〔2021〕17号"
    assert not regulation_status(load_pack("hubei"), dt.date(2040, 1, 1)).lapsed
    # a lapsed pack still offers its services (the maintenance screen warns)
    assert home_services(pack).offered == tuple(pack.offered_services())


def card_status_of(k, key):
    k.sms_session(key)
    try:
        return k.client.my_card()
    finally:
        k.client.end_session()


@pytest.mark.parametrize("jurisdiction", ["hubei", "hainan", "sichuan"])
def test_the_card_narrows_and_agrees_with_the_back_office(kiosk_of, jurisdiction):
    k = kiosk_of(jurisdiction)
    for status in STATUSES:
        card = card_status_of(k, f"{jurisdiction}_{status}")
        home = home_services(k.pack, card)
        assert set(home.offered) == set(card.services), status
        for service in SERVICES:
            choice = home.choices[service]
            assert choice.offered == (service in card.services)
            if not choice.offered:
                assert choice.reason and choice.source in ("pack", "card")


def test_reasons_from_the_card(kiosk_of):
    k = kiosk_of("hubei")
    active = home_services(k.pack, card_status_of(k, "hubei_active"))
    assert {"pin_change", "pin_reset", "pin_unblock", "temporary_loss", "formal_loss",
            "renewal"} <= set(active.offered)
    assert active.choices["lift_loss"].reason == "card_not_lost"
    lost = home_services(k.pack, card_status_of(k, "hubei_lost"))
    assert (lost.choices["lift_loss"].reason, lost.choices["lift_loss"].article) == (
        "formal_loss_not_liftable", "第29条")
    assert lost.choices["pin_reset"].reason == "card_lost"
    assert lost.choices["renewal"].reason == "card_already_lost"
    temp = home_services(k.pack, card_status_of(k, "hubei_temp_lost"))
    assert "lift_loss" in temp and "formal_loss" in temp
    assert temp.choices["temporary_loss"].reason == "card_already_lost"
    renewing = home_services(k.pack, card_status_of(k, "hubei_stage_personalised"))
    assert renewing.choices["renewal"].reason == "application_in_progress"
    replaced = home_services(k.pack, card_status_of(k, "hubei_replaced"))
    assert replaced.choices["pin_change"].reason == "card_replaced"
    assert replaced.choices["pin_change"].refer_to == ("counter",)
