"""Every service workflow on real parts: the project's software card in a vpcd reader of
a real pcscd (through :class:`~devices.card.emulator.VpcdBridge`), the kiosk's PC/SC
transport, and the reference back office as a real HTTP server on loopback.

One test per workflow, each a citizen's whole visit, kept short; the unit tests
(``tests/kiosk/workflows/test_*.py``) walk every transition.
"""

from __future__ import annotations

import datetime as dt

import pytest

from devices.card.emulator import SoftCard, VpcdBridge, demo_profiles, load_profile
from devices.card.pcsc import PcscBackend
from devices.card.ssc import read_card_info
from devices.card.transport import CardChannel
from kiosk.backoffice_client import hsm_step
from kiosk.errors import FormalLossNotLiftable, ServiceNotOffered
from kiosk.pin import Pin
from kiosk.workflows.card_status import CardStatusQuery
from kiosk.workflows.loss_lift import LossLift
from kiosk.workflows.loss_report import LossReport
from kiosk.workflows.pin_reset import PinReset
from kiosk.workflows.pin_unblock import PinUnblock
from kiosk.workflows.profile_change import ProfileChange
from kiosk.workflows.renewal import Renewal
from tests.e2e.conftest import wait_reader_state
from tests.kiosk.workflows.test_kit import FACE_OK, Kiosk, passport_photo

pytestmark = pytest.mark.e2e


class PcscCards:
    """Software cards going in and out of reader 0, read by the kiosk over PC/SC."""

    def __init__(self, daemon, kiosk: Kiosk):
        self.daemon = daemon
        self.kiosk = kiosk
        self.reader = daemon.reader_names[0]
        self.bridge = VpcdBridge(None, port=daemon.slot_port(0))
        self.backend = PcscBackend()
        self.transports = []
        self.softcard: SoftCard | None = None

    def start(self) -> "PcscCards":
        wait_reader_state(self.daemon, present=False)
        self.bridge.start()
        return self

    def insert(self, profile: str = "ordinary"):
        """The card goes in; the kiosk reads it with authentication: ``(ssc, info)``."""
        if self.bridge.attached:
            self.pull()                                     # a person takes one card out first
        for t in self.transports:
            t.close()
        self.transports.clear()
        self.softcard = SoftCard(load_profile(demo_profiles()[profile]), state_path=None)
        self.bridge.insert(self.softcard)
        assert self.bridge.wait_attached(5)
        wait_reader_state(self.daemon, present=True)
        transport = self.backend.connect(self.reader)
        self.transports.append(transport)
        return read_card_info(CardChannel(transport), hsm_step(self.kiosk.client))

    def pull(self) -> None:
        self.bridge.remove()
        wait_reader_state(self.daemon, present=False)

    def close(self) -> None:
        for t in self.transports:
            t.close()
        self.backend.close()
        self.bridge.stop()
        if self.daemon.running and self.daemon.readers:
            wait_reader_state(self.daemon, present=False)


@pytest.fixture
def office():
    made = []

    def make(jurisdiction="hubei"):
        k = Kiosk(jurisdiction)
        made.append(k)
        return k

    yield make
    for k in made:
        k.close()


@pytest.fixture
def cards(daemon):
    made = []

    def make(kiosk: Kiosk) -> PcscCards:
        c = PcscCards(daemon, kiosk).start()
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


def report_loss(k: Kiosk, key: str, *, kind="temporary", duration=None):
    """A LossReport walked through to the end, without the card."""
    p = k.person(key)
    wf = LossReport(k.client, k.pack, **k.kw())
    wf.enter_identity(p.ssn, p.name)
    wf.enter_sms_code(k.inbox.last_code(p.phone))
    if wf.state == "ChooseLossKind":
        wf.choose_kind(kind)
    if wf.state == "ChooseLossDuration":
        wf.choose_duration(duration)
    wf.confirm()
    return wf


def test_pin_reset_over_pcsc(office, cards):
    k = office("hubei")
    c = cards(k)
    ssc, info = c.insert("ordinary")
    wf = PinReset(ssc, info, k.client, k.pack, **k.kw())
    wf.choose_sms()
    wf.enter_sms_code(k.inbox.last_code())
    assert wf.state == "EnterNewPin"
    wf.enter_new_pin(Pin("135790"))
    wf.confirm_new_pin(Pin("135790"))
    assert wf.state == "NewPinSet" and k.client.session_token is None
    ssc.verify_pin(Pin("135790"))
    assert k.attempts("pin_reset")[0].outcome == "ok"


def test_pin_unblock_over_pcsc(office, cards):
    k = office("sichuan")
    c = cards(k)
    ssc, info = c.insert("blocked")
    wf = PinUnblock(ssc, info, k.client, k.pack, **k.kw())
    wf.choose_face()
    wf.show_face(FACE_OK)
    assert wf.state == "EnterRememberedPin" and not c.softcard.pin_blocked
    wf.enter_pin(Pin("590317"))
    assert wf.state == "PinUnblocked"


def test_hainan_refuses_pin_services_with_the_card_in(office, cards):
    k = office("hainan")
    c = cards(k)
    ssc, info = c.insert("ordinary")
    for cls in (PinReset, PinUnblock):
        with pytest.raises(ServiceNotOffered) as e:
            cls(ssc, info, k.client, k.pack, **k.kw())
        assert e.value.article == "第14条"


def test_hainan_identifies_the_holder_by_face_instead_of_a_pin(office, cards):
    k = office("hainan")
    c = cards(k)
    ssc, info = c.insert("ordinary")
    wf = ProfileChange(ssc, info, k.client, k.pack, **k.kw())
    assert wf.state == "ChooseIdentityCheck" and wf.info["article"] == "第14条"
    wf.choose_face()
    wf.show_face(FACE_OK)
    assert wf.state == "EditProfile"
    wf.change("address", "海南省海口市龙华区𠮷祥路1号")
    wf.review()
    wf.confirm()
    assert wf.state == "ProfileChanged"


def test_loss_report_then_lift_over_pcsc(office, cards):
    k = office("hubei")
    wf = report_loss(k, "card_ordinary", kind="temporary")   # without the card
    assert wf.state == "LossReported" and wf.info["status"] == "temp_lost"
    c = cards(k)
    ssc, info = c.insert("ordinary")                        # the card is found
    lift = LossLift(ssc, info, k.client, k.pack, **k.kw())
    lift.enter_pin(Pin("802413"))
    assert lift.state == "ConfirmLift" and lift.info["kind"] == "temporary"
    lift.confirm()
    assert lift.state == "LossLifted" and lift.info["status"] == "active"
    # Hubei: a formal loss is not lifted (第29条)
    report_loss(k, "card_ordinary", kind="formal")
    lift = LossLift(ssc, info, k.client, k.pack, **k.kw())
    lift.enter_pin(Pin("802413"))
    assert lift.state == "Refused" and isinstance(lift.info["error"], FormalLossNotLiftable)
    assert lift.info["article"] == "第29条"


def test_sichuan_loss_lifts_itself_shown_over_pcsc(office, cards):
    k = office("sichuan")
    wf = report_loss(k, "card_ordinary")
    assert wf.info["duration"] == "7d"
    c = cards(k)
    ssc, info = c.insert("ordinary")
    status = CardStatusQuery(k.client, k.pack, card=ssc, card_info=info, **k.kw())
    status.enter_pin(Pin("802413"))
    loss = status.info["card"]["loss"]
    assert status.info["card"]["status"] == "temp_lost"
    assert loss["auto_lift_at"] - loss["since"] == dt.timedelta(days=7)
    k.shift_days(7.1)
    ssc, info = c.insert("ordinary")                        # a fresh authentication
    status = CardStatusQuery(k.client, k.pack, card=ssc, card_info=info, **k.kw())
    status.enter_pin(Pin("802413"))
    assert status.info["card"]["status"] == "active" and status.info["card"]["loss"] is None


def test_profile_change_over_pcsc_and_a_card_pulled(office, cards):
    k = office("hubei")
    c = cards(k)
    ssc, info = c.insert("ordinary")
    wf = ProfileChange(ssc, info, k.client, k.pack, **k.kw())
    wf.enter_pin(Pin("802413"))
    wf.change("phone", "13812345678")
    wf.change("name", "陈思源")
    assert wf.info["code"] == "KEY_FIELD_CHANGE_REQUIRES_RENEWAL"
    wf.review()
    wf.confirm()
    assert wf.state == "ProfileChanged" and wf.info["profile"].phone == "13812345678"
    # the next citizen pulls the card while the PIN is checked
    ssc, info = c.insert("ordinary")
    wf = ProfileChange(ssc, info, k.client, k.pack, **k.kw())
    c.pull()
    pin = Pin("802413")
    wf.enter_pin(pin)
    assert wf.state == "CardRemoved" and len(pin) == 0


def test_card_status_over_pcsc(office, cards):
    k = office("hubei")
    c = cards(k)
    ssc, info = c.insert("expiring_soon")
    wf = CardStatusQuery(k.client, k.pack, card=ssc, card_info=info, **k.kw())
    wf.enter_pin(Pin("470285"))
    assert wf.state == "StatusShown"
    assert 0 < wf.info["card"]["expires_in_days"] <= 61


def test_renewal_over_pcsc(office, cards):
    k = office("hubei")
    c = cards(k)
    ssc, info = c.insert("expiring_soon")
    wf = Renewal(ssc, info, k.client, k.pack, **k.kw())
    wf.enter_pin(Pin("470285"))
    wf.choose_reason("expired")
    wf.take_photo(passport_photo())
    wf.choose_delivery("pickup")
    wf.confirm()
    assert wf.state == "RenewalApplied" and wf.info["current_stage"] == "accepted"
    assert k.attempts("renewal")[0].outcome == "ok"
