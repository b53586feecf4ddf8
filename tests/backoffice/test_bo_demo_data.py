"""The demo people: in step with the software cards, covering every status and stage."""

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from backoffice import demo_data, testing
from backoffice.db import Database
from backoffice.demo_data import JURISDICTIONS, PEOPLE, STAGES, STATUSES, markdown, seed
from backoffice.models import Card, Person
from devices.card.emulator.profile import demo_profiles, load_profile
from kiosk import ssn as ssn_rules

DEMO_MD = Path(demo_data.__file__).with_name("DEMO.md")


def ssc_profiles():
    for name, path in demo_profiles().items():
        profile = load_profile(path)
        if profile.has_ssc_application:
            yield name, profile


def test_every_software_card_has_its_holder_on_record():
    by_profile = {p.profile: p for p in PEOPLE.values() if p.profile}
    names = []
    for name, profile in ssc_profiles():
        names.append(name)
        person = by_profile[name]
        card = person.card
        assert card.card_no == profile.card_no
        assert card.card_id_code == profile.card_id_code.hex().upper()
        assert person.ssn == profile.ssn and person.name == profile.name
        assert person.gender == profile.gender and person.ethnicity == profile.ethnicity
        assert person.birth_date == profile.birth_date
        today = dt.date.today()
        assert demo_data._day(card.issued, today) == profile.issued_on
        assert demo_data._day(card.expires, today) == profile.expires_on
    assert set(names) == set(by_profile)


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_every_status_and_stage_in_every_jurisdiction(jurisdiction):
    for status in STATUSES:
        assert demo_data.for_status(jurisdiction, status).card.status == status
    for stage in STAGES:
        person = demo_data.for_stage(jurisdiction, stage)
        assert [a.stage for a in person.applications] == [stage]
    assert demo_data.PEOPLE[f"{jurisdiction}_child"].birth_date > dt.date(2019, 6, 1)


def test_demo_values_are_well_formed():
    seen_cards = set()
    for person in PEOPLE.values():
        assert ssn_rules.is_valid(person.ssn), person.key
        assert person.phone is None or re.fullmatch(r"1[3-9]\d{9}", person.phone), person.key
        assert person.gender in ("1", "2") and re.fullmatch(r"\d\d", person.ethnicity)
        for card in person.cards:
            assert re.fullmatch(r"[\x21-\x7e]{9}", card.card_no), card.card_no
            assert re.fullmatch(r"[0-9A-F]{32}", card.card_id_code), card.card_id_code
            assert card.card_id_code[6:16] == "D156000005"
            assert card.card_no not in seen_cards
            seen_cards.add(card.card_no)
    assert len({p.ssn for p in PEOPLE.values()}) == len(PEOPLE)
    assert [p.key for p in PEOPLE.values() if not p.phone] == ["demo_no_phone"]


def test_demo_md_is_in_step():
    text = DEMO_MD.read_text(encoding="utf-8")
    assert markdown() in text, "regenerate the table: python -m backoffice.demo_data"
    for person in PEOPLE.values():
        assert person.ssn not in text  # masked only


def test_seeding_is_idempotent(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'bo.sqlite3'}")
    try:
        now = dt.datetime.now(dt.timezone.utc)
        database.create_schema(now)
        assert seed(database, now) == len(PEOPLE)
        assert seed(database, now) == 0
        with database.session() as s:
            assert len(list(s.scalars(select(Person.id)))) == len(PEOPLE)
            statuses = {c.card_no: c.status for c in s.scalars(select(Card))}
        for person in PEOPLE.values():
            for card in person.cards:
                assert statuses[card.card_no] == card.status
    finally:
        database.dispose()


def test_every_software_card_opens_a_card_session():
    server = testing.start("hubei")
    try:
        for name, profile in ssc_profiles():
            if profile.algorithm != 3:
                continue  # the kiosk stops at the FCI; the HSM would still answer
            opened = server.kiosk.card_session(profile.card_no, profile.card_id_code.hex())
            card = server.kiosk.ok("GET", "/v1/me/card", token=opened.token)
            assert card["card_no"] == profile.card_no
            assert card["expires_on"] == profile.expires_on.isoformat()
    finally:
        server.stop()
