"""Which services the home screen offers, and for the others the article that says why.

Two inputs decide:

1. the jurisdiction's rule pack (:meth:`~kiosk.policies.RulePack.offers`): a
   service the regulation keeps away from kiosks is never shown as available;
   its :class:`ServiceChoice` carries the article, the pack's reason
   (``pin_not_in_use``, ``not_at_kiosk``...) and where to go instead
   (``refer_to``: counter, bank, online);
2. the card, once the back office has told its status (``GET /v1/me/card``:
   ``status``, ``loss`` and the ``services`` it allows now): a PIN service on a
   lost card, lifting a loss on a card that is not lost, a second renewal...
   are not offered either, with a reason from the card's state (and the
   article where a rule decides it, e.g. Hubei 第29条 for a formal loss).

Before the card is read (``card_status=None``) only the pack decides; without
a card (``card_present=False``) the services that need the card in the reader
are left out with the reason ``needs_card``. :func:`home_services` answers the
offered ids in the pack's order (:data:`~kiosk.policies.SERVICES`) and a
:class:`ServiceChoice` for every service.

:func:`regulation_status` is the maintenance screen's warning: a pack whose
regulation has lapsed (Hunan after 2026-09-30, 第44条: five years) still runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping

from kiosk.backoffice_types import VOID_CARD_STATUSES, CardStatus
from kiosk.policies import SERVICES, RulePack
from kiosk.workflows.common import rule_article

#: services that need the card in the reader (the PIN, or the card's own session)
NEEDS_CARD = frozenset({"pin_change", "pin_reset", "pin_unblock", "lift_loss",
                        "profile_change", "renewal"})
#: services that also run without the card (ID number, name and an SMS code)
WITHOUT_CARD = tuple(s for s in SERVICES if s not in NEEDS_CARD)
PIN_SERVICES = ("pin_change", "pin_reset", "pin_unblock")


@dataclass(frozen=True)
class ServiceChoice:
    """One service on the home screen: offered, or not with why."""

    service: str
    offered: bool
    #: why not: the pack's reason (``pin_not_in_use``, ``loss_kind_not_in_use``,
    #: ``not_liftable``, ``nothing_editable``, ``not_at_kiosk``) or the card's
    #: (``needs_card``, ``card_<status>``, ``card_not_lost``, ``card_already_lost``,
    #: ``formal_loss_not_liftable``, ``application_in_progress``, ``not_allowed_now``)
    reason: str | None = None
    #: the article that decides it (第N条), when a rule does
    article: str | None = None
    #: where the citizen goes instead (``counter``, ``bank``, ``online``)
    refer_to: tuple[str, ...] = ()
    #: who decided: ``pack`` or ``card`` (None when offered)
    source: str | None = None


@dataclass(frozen=True)
class HomeServices:
    offered: tuple[str, ...]
    choices: Mapping[str, ServiceChoice] = field(repr=False)

    @property
    def not_offered(self) -> dict[str, ServiceChoice]:
        return {s: c for s, c in self.choices.items() if not c.offered}

    def article(self, service: str) -> str | None:
        return self.choices[service].article

    def __contains__(self, service: str) -> bool:
        return service in self.offered


def _pack_choice(pack: RulePack, service: str) -> ServiceChoice:
    offer = pack.offers(service)
    if offer.offered:
        return ServiceChoice(service, True)
    return ServiceChoice(service, False, offer.reason, offer.article,
                         tuple(getattr(offer, "refer_to", ()) or ()), "pack")


def _card_choice(pack: RulePack, service: str, card: CardStatus) -> ServiceChoice:
    """Why the card's state keeps an offered service away (the back office's ``services``)."""
    status = card.status
    loss = card.loss

    def no(reason: str, article: str | None = None, refer_to: tuple[str, ...] = ()):
        return ServiceChoice(service, False, reason, article, refer_to, "card")

    if status in VOID_CARD_STATUSES and service not in ("card_status", "progress"):
        return no(f"card_{status}", refer_to=("counter",))
    if service in PIN_SERVICES:
        return no(f"card_{status}" if status != "active" else "not_allowed_now")
    if service == "lift_loss":
        if loss is None:
            return no("card_not_lost")
        if loss.kind == "formal" and not pack.value("lift_formal_loss_allowed"):
            return no("formal_loss_not_liftable", rule_article(pack, "lift_formal_loss_allowed"))
        if loss.kind == "temporary" and not pack.value("lift_temporary_loss_allowed"):
            return no("not_liftable", rule_article(pack, "lift_temporary_loss_allowed"))
        return no("not_allowed_now", refer_to=("counter",))   # e.g. a replacement applied for
    if service in ("temporary_loss", "formal_loss") and loss is not None:
        return no("card_already_lost")
    if service == "renewal":
        if loss is not None:
            return no("card_already_lost", rule_article(pack, "replacement_requires_formal_loss"))
        return no("application_in_progress")
    return no("not_allowed_now")


def home_services(pack: RulePack, card_status: CardStatus | None = None, *, card_present: bool = True
                  ) -> HomeServices:
    """The services to show: the pack's, narrowed by the card's status when known.

    ``card_status`` is a :class:`~kiosk.backoffice_types.CardStatus` (``GET /v1/me/card``)
    or None; ``card_present`` False for a citizen without the card.
    """
    choices: dict[str, ServiceChoice] = {}
    allowed = set(card_status.services) if card_status is not None else None
    for service in SERVICES:
        choice = _pack_choice(pack, service)
        if choice.offered and not card_present and service in NEEDS_CARD:
            choice = ServiceChoice(service, False, "needs_card", source="card")
        elif choice.offered and allowed is not None and service not in allowed:
            choice = _card_choice(pack, service, card_status)
        choices[service] = choice
    offered = tuple(s for s in SERVICES if choices[s].offered)
    return HomeServices(offered, choices)


def offered_workflows(pack: RulePack | None, *, with_card: bool) -> tuple[str, ...]:
    """The services to show as buttons: with the card (the home screen, in its order) or
    without it (the attract screen's 我的卡丢了 and 查询新卡进度). A workflow is offered when
    the pack offers a service behind it (:data:`~kiosk.workflows.registry.BEHIND`),
    which is also the workflow's own gate; ``pack`` None (no back office): the PIN change."""
    from kiosk.workflows.registry import BEHIND, WITH_CARD, WITHOUT_BACK_OFFICE, WITHOUT_CARD

    table = WITH_CARD if with_card else WITHOUT_CARD
    if pack is None:
        return tuple(s for s in table if s in WITHOUT_BACK_OFFICE)
    offered = home_services(pack).offered
    return tuple(s for s in table if any(b in offered for b in BEHIND.get(s, (s,))))


@dataclass(frozen=True)
class RegulationStatus:
    jurisdiction: str
    number: str
    in_force_until: dt.date | None
    lapsed: bool
    #: the article that sets the dates (Hunan 第44条)
    article: str | None
    #: days until it lapses (None: open-ended; negative: lapsed that many days ago)
    days_left: int | None


def regulation_status(pack: RulePack, today: dt.date) -> RegulationStatus:
    """For the maintenance screen and ``kiosk diag``: has the pack's regulation lapsed?"""
    reg = pack.regulation
    until = reg.in_force_until
    return RegulationStatus(pack.jurisdiction, reg.number, until, pack.lapsed(today),
                            reg.article, None if until is None else (until - today).days)
