"""The demo people, cards, losses and applications (seeded in demo and test mode).

Everyone here is fictitious. Three groups:

- the holders of the software cards in ``devices/card/emulator/profiles/``
  (same card number, identification code, social security number and name),
  so the demo kiosk and the end-to-end tests find their cards on record;
- in each of the five jurisdictions (hunan, hubei, hainan, sichuan, xinxiang),
  one person per card status (``active``, ``temp_lost``, ``lost``,
  ``replaced``, ``cancelled``, ``not_activated``), one child under the photo
  age, and one person per production stage (an application that reached
  ``accepted`` ... ``collected``);
- ``demo_no_phone``: a holder without a mobile number (SMS cannot work).

Everyone except ``demo_no_phone`` has a mobile number, so SMS sessions work.
Tests take the full values from :data:`PEOPLE` (``PEOPLE["hubei_temp_lost"].ssn``);
``backoffice/DEMO.md`` is the table for people (:func:`markdown`; a test keeps
it in step). :func:`seed` is idempotent: a person whose number is already on
record is left as it is. Days given relative to today (``*_in_days``) follow
the software cards' profiles, so an expired card stays expired.

``python -m backoffice.demo_data`` prints the Markdown table.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from kiosk import ssn as ssn_rules

log = logging.getLogger("backoffice.demo_data")

JURISDICTIONS = ("hunan", "hubei", "hainan", "sichuan", "xinxiang")
STATUSES = ("active", "temp_lost", "lost", "replaced", "cancelled", "not_activated")
STAGES = ("accepted", "uploaded_to_province", "bank_account_opened", "card_manufactured",
          "personalised", "delivered_to_outlet", "ready_for_pickup", "collected")

#: the outlet new applications name, per jurisdiction
OUTLETS = {
    "hunan": "长沙市社会保障卡服务中心（芙蓉区网点）",
    "hubei": "武汉市社会保障卡服务中心（武昌区网点）",
    "hainan": "海口市社会保障卡一卡通服务中心（龙华区网点）",
    "sichuan": "成都市社会保障卡服务中心（锦江区网点）",
    "xinxiang": "新乡市社会保障卡服务中心（红旗区网点）",
}

_REGION = {"hunan": "430102", "hubei": "420106", "hainan": "460106", "sichuan": "510104",
           "xinxiang": "410702"}
_CARD_REGION = {"hunan": "430100", "hubei": "420100", "hainan": "460100", "sichuan": "510100",
                "xinxiang": "410700"}
_CARD_LETTER = {"hunan": "N", "hubei": "W", "hainan": "Q", "sichuan": "S", "xinxiang": "X"}
_CITY = {"hunan": "湖南省长沙市芙蓉区", "hubei": "湖北省武汉市武昌区", "hainan": "海南省海口市龙华区",
         "sichuan": "四川省成都市锦江区", "xinxiang": "河南省新乡市红旗区"}
_BANK = {"hunan": "中国建设银行", "hubei": "中国工商银行", "hainan": "中国农业银行",
         "sichuan": "中国银行", "xinxiang": "中国邮政储蓄银行", "beijing": "北京银行",
         "guangdong": "广州银行", "xinjiang": "新疆银行"}
#: the demo temporary losses: the duration each jurisdiction's pack gives them
_DEMO_LOSS_DURATION = {"hainan": "15d", "sichuan": "7d"}
_DURATION_DAYS = {"7d": 7, "15d": 15}
#: the PostgreSQL advisory lock held while seeding
_PG_SEED_LOCK = 0x55C_B0_0002
_SURNAMES = "李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
_GIVEN = ("建华", "秀兰", "志明", "海燕", "国强", "丽娟", "文杰", "春梅", "晓东", "玉珍", "伟", "敏",
          "子涵", "浩然", "雨桐", "思琪")


@dataclass(frozen=True)
class DemoLoss:
    kind: str                    # temporary | formal
    duration: str | None         # 7d | 15d | long | None (until lifted)
    days_ago: int
    lifted_by: str | None = None  # set when the loss ended with a replacement


@dataclass(frozen=True)
class DemoCard:
    card_no: str
    card_id_code: str
    status: str
    #: days relative to today (negative = past) or absolute days
    issued: int | dt.date
    expires: int | dt.date
    bank: str
    loss: DemoLoss | None = None


@dataclass(frozen=True)
class DemoApplication:
    kind: str                    # first | renewal | replacement
    stage: str                   # the last stage reached
    accepted_days_ago: int
    reason: str | None = None
    delivery: str = "pickup"
    #: the card it renews or replaces: index into the person's cards
    card_index: int | None = None


@dataclass(frozen=True)
class DemoPerson:
    key: str
    ssn: str
    name: str
    gender: str                  # 1 male, 2 female
    ethnicity: str               # GB/T 3304
    birth_date: dt.date
    jurisdiction: str
    phone: str | None
    address: str
    cards: tuple[DemoCard, ...] = ()
    applications: tuple[DemoApplication, ...] = ()
    nationality: str = "CHN"
    id_valid_until: str | None = None
    mailing_address: str | None = None
    #: the software-card profile (``devices/card/emulator/profiles/<name>.toml``)
    profile: str | None = None
    note: str = ""

    @property
    def ssn_masked(self) -> str:
        return ssn_rules.mask(self.ssn)

    @property
    def card(self) -> DemoCard | None:
        """The person's current card (the last one listed)."""
        return self.cards[-1] if self.cards else None


def make_ssn(region: str, birth: dt.date, seq: int, male: bool) -> str:
    """A valid 18-character number (GB 11643: odd 17th digit = male)."""
    gender_digit = (seq % 5) * 2 + (1 if male else 0)
    first17 = f"{region}{birth:%Y%m%d}{seq % 100:02d}{gender_digit}"
    return first17 + ssn_rules.check_digit(first17)


# --- the software cards' holders -----------------------------------------------------

_PROFILE_PEOPLE = (
    DemoPerson("card_ordinary", "420106198503124514", "陈思远", "1", "01", dt.date(1985, 3, 12),
               "hubei", "13900270901", "湖北省武汉市武昌区中南路12号",
               cards=(DemoCard("A10000001", "420100D156000005A1B2C3D4E5F60718", "active",
                               dt.date(2021, 6, 18), 2400, "中国工商银行"),),
               id_valid_until="2035-03-12", profile="ordinary",
               note="software card `ordinary` (the spec's known-answer card)"),
    DemoPerson("card_initial_pin", "420111199211050627", "王丽华", "2", "01",
               dt.date(1992, 11, 5), "hubei", "13900270902", "湖北省武汉市洪山区珞喻路88号",
               cards=(DemoCard("A10000002", "420100D1560000055A5A000000000002", "active",
                               -20, 3630, "中国工商银行"),),
               id_valid_until="2032-11-05", profile="initial_pin",
               note="software card `initial_pin` (new card, PIN never changed)"),
    DemoPerson("card_blocked", "110105196807211379", "刘建国", "1", "01", dt.date(1968, 7, 21),
               "beijing", "13900270903", "北京市朝阳区建国路1号",
               cards=(DemoCard("B11000003", "110100D1560000055A5A000000000003", "active",
                               dt.date(2019, 9, 2), 1500, "北京银行"),),
               id_valid_until="长期", profile="blocked",
               note="software card `blocked` (PIN blocked: reset/unblock by SMS or face)"),
    DemoPerson("card_expiring_soon", "440104195801302283", "赵秀英", "2", "01",
               dt.date(1958, 1, 30), "guangdong", "13900270904", "广东省广州市越秀区中山四路5号",
               cards=(DemoCard("C44000004", "440100D1560000055A5A000000000004", "active",
                               -3590, 60, "广州银行"),),
               id_valid_until="长期", profile="expiring_soon",
               note="software card `expiring_soon` (renewal suggested)"),
    DemoPerson("card_expired", "510104197909093150", "孙志强", "1", "01", dt.date(1979, 9, 9),
               "sichuan", "13900270905", "四川省成都市锦江区红星路三段1号",
               cards=(DemoCard("D51000005", "510100D1560000055A5A000000000005", "active",
                               -3695, -45, "中国银行"),),
               id_valid_until="2029-09-09", profile="expired",
               note="software card `expired` (expired 45 days ago)"),
    DemoPerson("card_long_name", "650102199004170198", "阿卜杜热合曼·买买提吐尔逊·艾合买提江", "1", "05",
               dt.date(1990, 4, 17), "xinjiang", "13900270906",
               "新疆维吾尔自治区乌鲁木齐市天山区解放南路9号",
               cards=(DemoCard("E65000006", "650100D1560000055A5A000000000006", "active",
                               dt.date(2022, 3, 7), 2600, "新疆银行"),),
               id_valid_until="2030-04-17", profile="long_name",
               note="software card `long_name` (姓名 + 姓名扩展)"),
    DemoPerson("card_des", "420102197512020936", "周文博", "1", "01", dt.date(1975, 12, 2),
               "hubei", "13900270907", "湖北省武汉市江岸区沿江大道100号",
               cards=(DemoCard("F42000007", "420100D1560000055A5A000000000007", "active",
                               dt.date(2016, 5, 10), 900, "中国工商银行"),),
               id_valid_until="长期", profile="des_card",
               note="software card `des_card` (algorithm 01: not served at the kiosk)"),
)


# --- one person per status and per stage, in each jurisdiction ---------------------------

_SLOTS = STATUSES + ("child",) + tuple(f"stage_{s}" for s in STAGES)
#: the kind of the application of each stage person (``first``: no card yet)
_STAGE_KIND = {"accepted": "renewal", "uploaded_to_province": "first",
               "bank_account_opened": "renewal", "card_manufactured": "first",
               "personalised": "renewal", "delivered_to_outlet": "renewal",
               "ready_for_pickup": "first", "collected": "renewal"}


def _jurisdiction_people(j_index: int, j: str) -> list[DemoPerson]:
    people = []
    for slot_index, slot in enumerate(_SLOTS):
        seq = 100 + slot_index
        male = (slot_index + j_index) % 2 == 0
        if slot == "child":
            birth = dt.date(2021, 6, 1)
        else:
            birth = dt.date(1960 + (slot_index * 3 + j_index * 5) % 36, 1 + slot_index % 12,
                            1 + (slot_index * 7 + j_index) % 28)
        ssn = make_ssn(_REGION[j], birth, seq + j_index, male)
        surname = _SURNAMES[(slot_index * 5 + j_index * 3) % len(_SURNAMES)]
        given = _GIVEN[(slot_index * 3 + j_index) % len(_GIVEN)]
        name = surname + given
        if j == "hubei" and slot == "active":
            name = "王𠮷祥"   # a rare character outside the BMP (CJK Extension B)
        phone = f"1390027{j_index}{slot_index:03d}"
        address = f"{_CITY[j]}示范路{slot_index + 1}号{j_index + 1}栋"

        def card(status: str, n: int = 0, issued: int = -400, expires: int = 3250,
                 loss: DemoLoss | None = None) -> DemoCard:
            card_no = f"{_CARD_LETTER[j]}{_REGION[j][:2]}{seq:04d}{n:02d}"
            code = f"{_CARD_REGION[j]}D156000005DE{j_index:02d}{seq:06d}{n:06d}"
            return DemoCard(card_no, code, status, issued, expires, _BANK[j], loss)

        cards: tuple[DemoCard, ...] = ()
        apps: tuple[DemoApplication, ...] = ()
        note = ""
        if slot == "active":
            cards = (card("active"),)
            note = "active card" + ("; a rare character (𠮷) in the name" if j == "hubei" else "")
        elif slot == "temp_lost":
            duration = _DEMO_LOSS_DURATION.get(j)
            cards = (card("temp_lost", loss=DemoLoss("temporary", duration, 2)),)
            note = f"temporary loss 2 days ago ({duration or 'until lifted'})"
        elif slot == "lost":
            cards = (card("lost", loss=DemoLoss("formal", None, 10)),)
            note = "formal loss 10 days ago"
        elif slot == "replaced":
            cards = (card("replaced", loss=DemoLoss("formal", None, 30, lifted_by="replacement")),)
            apps = (DemoApplication("replacement", "card_manufactured", 25, delivery="pickup",
                                    card_index=0),)
            note = "card replaced after a formal loss; the replacement is being made"
        elif slot == "cancelled":
            cards = (card("cancelled", issued=-2000, expires=1650),)
            note = "card cancelled"
        elif slot == "not_activated":
            cards = (card("not_activated", issued=-3, expires=3647),)
            apps = (DemoApplication("first", "collected", 40),)
            note = "first card collected, social-security function not activated"
        elif slot == "child":
            cards = (card("active", issued=-300, expires=3350),)
            note = "child under 7 (no photo needed for a renewal until 2028-06-01)"
        else:
            stage = slot.removeprefix("stage_")
            kind = _STAGE_KIND[stage]
            if kind == "first":
                apps = (DemoApplication("first", stage, 3 + 2 * STAGES.index(stage)),)
                note = f"first card at stage {stage} (no card yet)"
            elif stage == "collected":
                cards = (card("replaced", 0, issued=-3700, expires=-50),
                         card("active", 1, issued=-5, expires=3645))
                apps = (DemoApplication("renewal", stage, 40, reason="expired",
                                        delivery="mail", card_index=0),)
                note = "renewal collected: old card replaced, new card active"
            else:
                cards = (card("active", issued=-3500, expires=150),)
                apps = (DemoApplication("renewal", stage, 3 + 2 * STAGES.index(stage),
                                        reason="damaged", card_index=0,
                                        delivery="mail" if stage == "personalised"
                                        else "pickup"),)
                note = f"renewal at stage {stage}"
        people.append(DemoPerson(
            key=f"{j}_{slot}", ssn=ssn, name=name, gender="1" if male else "2", ethnicity="01",
            birth_date=birth, jurisdiction=j, phone=phone, address=address, cards=cards,
            applications=apps, id_valid_until=f"{2030 + slot_index % 10}-0{1 + j_index}-15",
            note=note))
    return people


def _build() -> dict[str, DemoPerson]:
    people: list[DemoPerson] = list(_PROFILE_PEOPLE)
    for j_index, j in enumerate(JURISDICTIONS):
        people.extend(_jurisdiction_people(j_index, j))
    no_phone_birth = dt.date(1983, 8, 8)
    people.append(DemoPerson(
        "demo_no_phone", make_ssn("420106", no_phone_birth, 99, True), "钱立新", "1", "01",
        no_phone_birth, "hubei", None, "湖北省武汉市武昌区示范路99号",
        cards=(DemoCard("W42009900", "420100D156000005DE99000099000000", "active", -700, 2950,
                        "中国工商银行"),),
        note="no mobile number on record (SMS refused)"))
    result = {p.key: p for p in people}
    assert len(result) == len(people), "duplicate demo keys"
    return result


#: every demo person by key
PEOPLE: dict[str, DemoPerson] = _build()


def person(key: str) -> DemoPerson:
    return PEOPLE[key]


def for_status(jurisdiction: str, status: str) -> DemoPerson:
    return PEOPLE[f"{jurisdiction}_{status}"]


def for_stage(jurisdiction: str, stage: str) -> DemoPerson:
    return PEOPLE[f"{jurisdiction}_stage_{stage}"]


# --- seeding --------------------------------------------------------------------------------

def _day(value: int | dt.date, today: dt.date) -> dt.date:
    return value if isinstance(value, dt.date) else today + dt.timedelta(days=value)


def seed(database, now: dt.datetime) -> int:
    """Add the demo people (and the demo technicians, :mod:`.demo_technicians`) not yet
    on record; return how many people were added."""
    from .demo_technicians import seed as seed_technicians

    seed_technicians(database, now)
    # the software card counts its relative days from the machine's local date: so do we
    today = now.astimezone().date()
    try:
        return _seed(database, now, today)
    except IntegrityError:  # another server seeded the same database at the same time
        log.info("demo data: already seeded by another server")
        return 0


def _seed(database, now: dt.datetime, today: dt.date) -> int:
    from .cards import add_working_days, china_day
    from .models import Application, ApplicationStage, Card, Loss, Person

    with database.session() as s:
        if s.get_bind().dialect.name == "postgresql":  # servers starting together seed once
            s.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_SEED_LOCK})
        known = set(s.scalars(select(Person.ssn)))
        known_cards = set(s.scalars(select(Card.card_no)))
        todo = [p for p in PEOPLE.values()
                if p.ssn not in known and not any(c.card_no in known_cards for c in p.cards)]
        # three flushes in all (people, cards, the rest): a start-up stays quick
        rows = [Person(ssn=p.ssn, name=p.name, gender=p.gender, ethnicity=p.ethnicity,
                       nationality=p.nationality, birth_date=p.birth_date,
                       id_valid_until=p.id_valid_until, phone=p.phone, address=p.address,
                       mailing_address=p.mailing_address, jurisdiction=p.jurisdiction,
                       created_at=now, updated_at=now) for p in todo]
        s.add_all(rows)
        s.flush()
        card_rows: dict[str, list[Card]] = {}
        for p, row in zip(todo, rows):
            card_rows[p.key] = [Card(card_no=c.card_no, card_id_code=c.card_id_code,
                                     person_id=row.id, status=c.status,
                                     issued_on=_day(c.issued, today),
                                     expires_on=_day(c.expires, today), bank=c.bank,
                                     created_at=now, updated_at=now) for c in p.cards]
            s.add_all(card_rows[p.key])
        s.flush()
        for p, row in zip(todo, rows):
            for c, card_row in zip(p.cards, card_rows[p.key]):
                if c.loss is None:
                    continue
                since = now - dt.timedelta(days=c.loss.days_ago)
                days = _DURATION_DAYS.get(c.loss.duration or "")
                s.add(Loss(card_id=card_row.id, kind=c.loss.kind, duration=c.loss.duration,
                           since=since, previous_status="active",
                           auto_lift_at=since + dt.timedelta(days=days) if days else None,
                           lifted_at=since + dt.timedelta(days=5) if c.loss.lifted_by else None,
                           lifted_by=c.loss.lifted_by))
            for a in p.applications:
                accepted = now - dt.timedelta(days=a.accepted_days_ago)
                app = Application(
                    id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"ssc-demo:{p.key}:{a.kind}")),
                    person_id=row.id,
                    card_id=card_rows[p.key][a.card_index].id if a.card_index is not None
                    else None,
                    kind=a.kind, reason=a.reason,
                    outlet=OUTLETS.get(p.jurisdiction, "社会保障卡服务网点"),
                    delivery=a.delivery,
                    mailing_address=p.address if a.delivery == "mail" else None,
                    expected_by=add_working_days(china_day(accepted), 30),
                    created_at=accepted)
                s.add(app)
                for i, stage in enumerate(STAGES[:STAGES.index(a.stage) + 1]):
                    s.add(ApplicationStage(application_id=app.id, stage=stage,
                                           at=min(now, accepted + dt.timedelta(days=2 * i))))
        added = len(todo)
        s.commit()
    if added:
        log.info("demo data: %d people added", added)
    return added


# --- the table of DEMO.md -----------------------------------------------------------------------

def markdown() -> str:
    lines = ["| key | name | ssn (masked) | jurisdiction | card no | status | applications | "
             "phone | note |",
             "|---|---|---|---|---|---|---|---|---|"]
    for p in PEOPLE.values():
        cards = ", ".join(f"{c.card_no} ({c.status})" for c in p.cards) or "none"
        apps = ", ".join(f"{a.kind} at {a.stage}" for a in p.applications) or ""
        phone = p.phone[:3] + "****" + p.phone[-4:] if p.phone else "none"
        lines.append(f"| `{p.key}` | {p.name} | {p.ssn_masked} | {p.jurisdiction} | {cards} | "
                     f"{p.card.status if p.card else 'no card'} | {apps} | {phone} | {p.note} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(markdown(), end="")
