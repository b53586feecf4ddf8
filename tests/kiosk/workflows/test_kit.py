"""The kit the workflow tests share (imported by ``tests/kiosk/workflows/test_*.py``, unit and e2e).

- :class:`Kiosk`: the real reference back office of one jurisdiction
  (:class:`~backoffice.server.EmbeddedBackOffice`, test mode, seeded with the
  demo people) over real HTTP on loopback, the kiosk's signed client, the
  jurisdiction's rule pack, an in-memory journal with its outbox, and
  in-process readers for software cards. SMS codes reach the test through the
  back office's gateway hook (``sms_gateway``: the :class:`SmsInbox`); faces
  and renewal photos pass the back office's own checks (:data:`FACE_OK`, a
  synthetic portrait from :mod:`backoffice.testing`).
- :class:`TransitionLog` records every ``(state, event)`` a workflow fires, so
  each module can prove its tests walked every row of the table.

The tests in this file check the kit itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import threading

import numpy as np
import pytest

from backoffice.config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET, BackOfficeConfig
from backoffice.demo_data import PEOPLE
from backoffice.identity import Limits
from backoffice.server import EmbeddedBackOffice
from backoffice.testing import encode_jpeg, portrait_jpeg
from devices.card.emulator import EmulatedReaders, SoftCard, demo_profiles, load_profile
from devices.card.ssc import read_card_info
from devices.card.transport import CardChannel
from kiosk.backoffice_client import BackOfficeClient, hsm_step
from kiosk.journal import Journal, Outbox
from kiosk.policies import load_pack
from kiosk.workflows.base import Workflow

JURISDICTIONS = ("hunan", "hubei", "hainan", "sichuan", "xinxiang")
#: a synthetic portrait the reference back office's face check accepts (one face that
#: OpenCV's Haar cascade finds), and a picture it refuses (no face: a blank white JPEG)
FACE_OK = portrait_jpeg()
FACE_OTHER = encode_jpeg(np.full((441, 358, 3), 255, np.uint8))
PIN_OF = {"ordinary": "802413", "blocked": "590317", "initial_pin": "123456",
          "expiring_soon": "470285", "expired": "315926", "long_name": "260719"}
DAY_S = 86400


class SmsInbox:
    """The back office's SMS gateway in tests: remembers the codes it was given."""

    def __init__(self):
        self.sent: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def send(self, phone: str, code: str) -> None:
        with self._lock:
            self.sent.append((phone, code))

    def last_code(self, phone: str | None = None) -> str:
        with self._lock:
            for p, code in reversed(self.sent):
                if phone is None or p == phone:
                    return code
        raise AssertionError("no SMS code was sent")

    def wrong_code(self, phone: str | None = None) -> str:
        code = self.last_code(phone)
        return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


class TransitionLog:
    """Every (workflow, state before, event) fired while installed."""

    def __init__(self):
        self.rows: set[tuple[str, str, str]] = set()
        self._original = Workflow.fire

    def install(self, monkeypatch) -> None:
        original, rows = self._original, self.rows

        def fire(wf, event, **info):
            before = wf.state
            snap = original(wf, event, **info)
            rows.add((wf.NAME, before, event))
            return snap

        monkeypatch.setattr(Workflow, "fire", fire)

    def walked(self, name: str) -> set[tuple[str, str]]:
        return {(s, e) for n, s, e in self.rows if n == name}

    def missing(self, cls) -> set[tuple[str, str]]:
        return set(cls.TRANSITIONS) - self.walked(cls.NAME)


def make_readers():
    """The in-process reader, or with ``SSC_TEST_CARD=pcsc`` a vpcd reader behind a real pcscd."""
    if os.environ.get("SSC_TEST_CARD") == "pcsc":
        from tests.support.vpcd_readers import VpcdReaders

        return VpcdReaders()
    return EmulatedReaders()


class Kiosk:
    """One kiosk of ``jurisdiction`` against its own reference back office."""

    def __init__(self, jurisdiction: str = "hubei", *, limits: Limits | None = None,
                 with_outbox: bool = True):
        self.jurisdiction = jurisdiction
        self.inbox = SmsInbox()
        config = BackOfficeConfig.for_tests(jurisdiction=jurisdiction,
                                            sms_gateway=self.inbox.send,
                                            identity_limits=limits)
        self.office = EmbeddedBackOffice(config).start()
        self.client = BackOfficeClient(self.office.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET,
                                       read_timeout=10)
        self.pack = load_pack(jurisdiction)
        self.journal = Journal(":memory:", kiosk_id=DEMO_KIOSK_ID)
        self.outbox = Outbox(self.journal) if with_outbox else None
        self.readers = make_readers()
        self.reader = self.readers.readers()[0]
        self.softcard: SoftCard | None = None

    # --- cards ---------------------------------------------------------------------
    def insert(self, profile: str | SoftCard = "ordinary"):
        """Put a software card in the reader and read it as the kiosk does (authenticated).

        Returns ``(ssc, card_info)``."""
        card = profile if isinstance(profile, SoftCard) else SoftCard(
            load_profile(demo_profiles()[profile]), state_path=None)
        self.softcard = card
        if self.readers.has_card(self.reader):
            self.readers.remove(self.reader)
        self.readers.insert(self.reader, card)
        channel = CardChannel(self.readers.connect(self.reader), trace=None)
        return read_card_info(channel, hsm_step(self.client))

    def pull(self) -> None:
        self.readers.remove(self.reader)

    # --- the back office -------------------------------------------------------------
    def shift_days(self, days: float) -> None:
        """Move the back office's business clock (test mode only)."""
        self.office.state.clock.shift(days * DAY_S)

    def kw(self, **extra):
        """The keyword arguments every workflow takes here."""
        kw = {"journal": self.journal, "outbox": self.outbox}
        kw.update(extra)
        return kw

    def person(self, key: str):
        return PEOPLE[key]

    def sms_session(self, key: str):
        """Open a verified SMS session for the demo person ``key`` (test set-up)."""
        p = PEOPLE[key]
        s = self.client.open_session_sms(p.ssn, p.name)
        return self.client.verify_sms(s.session_id, self.inbox.last_code())

    def attempts(self, service: str | None = None):
        rows = list(self.journal)
        return [r for r in rows if service is None or r.service == service]

    def close(self) -> None:
        if hasattr(self.readers, "close"):
            self.readers.close()
        self.client.close()
        if self.outbox is not None:
            self.outbox.close()
        self.journal.close()
        self.office.stop()


@pytest.fixture
def kiosk_of():
    """``kiosk_of("sichuan", limits=...)`` -> a :class:`Kiosk`, closed after the test."""
    made: list[Kiosk] = []

    def make(jurisdiction: str = "hubei", **kw) -> Kiosk:
        k = Kiosk(jurisdiction, **kw)
        made.append(k)
        return k

    yield make
    for k in made:
        k.close()


@pytest.fixture
def kiosk(kiosk_of):
    return kiosk_of("hubei")


def assert_table_walked(log: TransitionLog, cls, request) -> None:
    """The module's last test: every row of ``cls.TRANSITIONS`` was fired by its tests."""
    module = request.module
    names = {n for n in dir(module) if n.startswith("test_")}
    ran = {item.name.split("[")[0] for item in request.session.items
           if item.module is module}
    if names - ran:
        pytest.skip("only part of the module ran")
    missing = log.missing(cls)
    assert not missing, f"{cls.NAME}: rows never walked: {sorted(missing)}"


def china_today() -> dt.date:
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()


# --- the kit's own tests ----------------------------------------------------------------------

def test_sms_codes_reach_the_test(kiosk):
    s = kiosk.client.open_session_sms(PEOPLE["card_ordinary"].ssn, PEOPLE["card_ordinary"].name)
    assert not s.verified
    code = kiosk.inbox.last_code("13900270901")
    assert len(code) == 6 and kiosk.inbox.wrong_code() != code
    assert kiosk.client.verify_sms(s.session_id, code).verified
    assert kiosk.client.end_session()


def test_face_hook_and_card_read(kiosk):
    ssc, info = kiosk.insert("ordinary")
    assert info.holder.name == "陈思远" and info.card_auth_id
    p = PEOPLE["card_ordinary"]
    assert kiosk.client.open_session_face(p.ssn, p.name, FACE_OK).verified
    assert kiosk.client.my_card().card_no == "A10000001"
    kiosk.client.end_session()


def test_clock_shift_is_business_time_only(kiosk):
    before = kiosk.office.state.clock.now()
    kiosk.shift_days(2)
    assert (kiosk.office.state.clock.now() - before).days == 2
    assert kiosk.client.health()["status"]


class LostAnswers:
    """Makes the next ``n`` writes of ``client`` reach the back office but lose the answer
    (``OutcomeUnknown``, as after a read timeout), or never arrive (``arrive=False``)."""

    def __init__(self, client: BackOfficeClient, n: int = 1, *, arrive: bool = True):
        from kiosk.errors import BackOfficeUnavailable, OutcomeUnknown

        self.client, self.left, self.arrive = client, n, arrive
        self._request = client.request
        self._errors = (OutcomeUnknown, BackOfficeUnavailable)
        client.request = self._lossy  # type: ignore[method-assign]

    def _lossy(self, method, path, **kw):
        if self.left > 0 and method in ("POST", "PATCH", "DELETE") and path.startswith("/v1/me/"):
            self.left -= 1
            if self.arrive:
                self._request(method, path, **kw)
                raise self._errors[0]("lost answer (test)", details={"reason": "read_timeout"})
            raise self._errors[1]("cannot connect (test)", details={"reason": "connect"})
        return self._request(method, path, **kw)


def card_of_person(key: str) -> SoftCard:
    """A software card for the demo person ``key`` (the ordinary card's profile with that
    person's card number, identification code and holder data; the PIN stays 802413)."""
    p = PEOPLE[key]
    base = load_profile(demo_profiles()["ordinary"])
    profile = dataclasses.replace(base, profile_name=key, card_no=p.card.card_no,
                                  card_id_code=bytes.fromhex(p.card.card_id_code), ssn=p.ssn,
                                  name=p.name, gender=p.gender, birth_date=p.birth_date)
    return SoftCard(profile, state_path=None)


def passport_photo() -> bytes:
    """A renewal photo that passes every rule the back office checks, the face included."""
    return portrait_jpeg()


def test_photo_and_faces_pass_the_real_checks():
    from backoffice.faces import count_faces, decode
    from backoffice.photo_check import check_photo

    assert check_photo(passport_photo()) is None
    assert count_faces(decode(FACE_OK)) == 1 and count_faces(decode(FACE_OTHER)) == 0


def test_card_of_a_demo_person(kiosk):
    ssc, info = kiosk.insert(card_of_person("hubei_child"))
    assert info.holder.name == PEOPLE["hubei_child"].name


def walk_card_holder_identity(kiosk_of, start) -> list:
    """Walk every SMS/face row of ``CARD_HOLDER_ROWS`` where no PIN is in use (Hainan 第14条).

    ``start(k, holder_changes)`` puts the ordinary card in ``k``'s reader and returns a new
    workflow (``holder_changes``: fields of the holder read from the card to falsify).
    Returns the two workflows that got through (by SMS, by face), for more checks.
    """
    k = kiosk_of("hainan", limits=Limits(codes_per_challenge=2, failures_per_ssn=3))
    wf = start(k, None)
    assert wf.state == "ChooseIdentityCheck", wf.state
    assert wf.info["pin_in_use"] is False and wf.info["article"] == "第14条"
    wf.choose_sms()                                     # sms_sent
    wf.resend_code()                                    # sms_sent again
    wf.enter_sms_code(k.inbox.wrong_code())             # code_wrong
    wf.other_method()                                   # back to the choice (from the SMS)
    wf.choose_face()                                    # face_chosen
    wf.show_face(FACE_OTHER)                            # face_refused (failure 1)
    wf.other_method()                                   # back to the choice (from the face)
    wf.choose_sms()
    wf.enter_sms_code(k.inbox.last_code())              # identity_verified
    assert wf.state not in ("ChooseIdentityCheck", "EnterSmsCode", "IdentityRefused"), wf.info
    by_sms = wf
    wf = start(k, None)
    wf.choose_face()
    wf.show_face(FACE_OK)                               # identity_verified (face)
    by_face = wf
    wf = start(k, {"ssn": "420106198503124515"})
    wf.choose_sms()                                     # identity_invalid
    assert wf.state == "IdentityRefused" and wf.info["reason"] == "check_digit"
    wf = start(k, {"name": "冒名者"})
    wf.choose_sms()                                     # identity_not_verified (failure 2)
    assert wf.state == "IdentityRefused"
    wf = start(k, None)
    wf.choose_sms()
    wf.enter_sms_code(k.inbox.wrong_code())
    wf.enter_sms_code(k.inbox.wrong_code())             # too_many_attempts (code; failure 3)
    assert wf.state == "IdentityRefused"
    wf = start(k, None)
    wf.choose_sms()                                     # too_many_attempts (the choice)
    assert wf.state == "IdentityRefused" and wf.info["code"] == "TOO_MANY_ATTEMPTS"
    wf = start(k, None)
    wf.choose_face()
    wf.show_face(FACE_OK)                               # too_many_attempts (face)
    assert wf.state == "IdentityRefused"
    return [by_sms, by_face]


def holder_changed(info, changes):
    """``info`` with the holder's fields in ``changes`` replaced (None: unchanged)."""
    if not changes:
        return info
    return dataclasses.replace(info, holder=dataclasses.replace(info.holder, **changes))


def identify_holder(wf, pin: str = "802413") -> None:
    """Card + PIN, or card + face where the jurisdiction uses no PIN (Hainan)."""
    from kiosk.pin import Pin

    if wf.state == "EnterPin":
        wf.enter_pin(Pin(pin))
    else:
        wf.choose_face()
        wf.show_face(FACE_OK)


def test_docs_show_every_row():
    """docs/workflows.md shows each module's table as it is (a section per workflow)."""
    import re
    from pathlib import Path

    from kiosk.workflows.card_status import CardStatusQuery
    from kiosk.workflows.identity import CARD_HOLDER_ROWS
    from kiosk.workflows.loss_lift import LossLift
    from kiosk.workflows.loss_report import LossReport
    from kiosk.workflows.pin_change import PinChange
    from kiosk.workflows.pin_reset import PinReset
    from kiosk.workflows.pin_unblock import PinUnblock
    from kiosk.workflows.profile_change import ProfileChange
    from kiosk.workflows.renewal import Renewal

    text = (Path(__file__).resolve().parents[3] / "docs" / "workflows.md").read_text("utf-8")
    sections = re.split(r"\n(?=##+ )", text)

    def rows_in(section: str) -> set[tuple[str, str, str]]:
        return set(re.findall(r"^\| (\w+) \| `(\w+)` \| (\w+) \|$", section, re.M))

    def triples(table) -> set[tuple[str, str, str]]:
        return {(s, e, n) for (s, e), n in table.items()}

    shared = [s for s in sections if s.startswith("### Identifying the citizen")]
    assert len(shared) == 1 and rows_in(shared[0]) == triples(CARD_HOLDER_ROWS)
    for cls in (PinChange, PinReset, PinUnblock, LossReport, LossLift, ProfileChange,
                CardStatusQuery, Renewal):
        [section] = [s for s in sections if s.startswith("## ") and f"`{cls.__name__}`)" in
                     s.splitlines()[0]]
        expected = triples(cls.TRANSITIONS)
        if triples(CARD_HOLDER_ROWS) <= expected:
            assert "CARD_HOLDER_ROWS" in section, cls.__name__
            expected -= triples(CARD_HOLDER_ROWS)
        assert rows_in(section) == expected, cls.__name__
