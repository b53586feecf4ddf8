"""One place that builds a citizen service's workflow: a service name and one context.

Every service, the PIN change included, is built here the same way: from a
:class:`WorkflowContext` holding the parts a workflow may use (the back office's
client, the rule pack, the card in the reader and what was read from it, the
journal, the outbox, how to run network I/O later, the kiosk's capabilities).
The pack's gate runs in the workflow's constructor (a service the jurisdiction
does not offer raises :class:`~kiosk.errors.ServiceNotOffered` with the article);
a service the kiosk has no workflow for raises it too.

``WITH_CARD`` and ``WITHOUT_CARD`` say which services start with the card in the
reader (the home screen) and which without it (the attract screen's 我的卡丢了
and 查询新卡进度).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from kiosk.errors import ServiceNotOffered

from .base import Workflow
from .ports import BackOffice, Journal, Outbox, PinCard, RulePack, RunLater


@dataclass(frozen=True)
class WorkflowContext:
    """What a workflow is built from; ``client``/``pack`` None on a kiosk that runs
    without a back office (only the PIN change, which needs nothing but the card)."""

    client: BackOffice | None = None
    pack: RulePack | None = None
    #: the card in the reader and what was read from it with authentication (None without)
    card: PinCard | None = None
    card_info: Any = None
    journal: Journal | None = None
    outbox: Outbox | None = None
    run_later: RunLater | None = None
    #: a camera is present (face check offered beside the SMS code)
    camera_present: bool = False

    @property
    def full(self) -> bool:
        return self.client is not None and self.pack is not None

    def service_kw(self) -> dict[str, Any]:
        return {"journal": self.journal, "outbox": self.outbox, "run_later": self.run_later,
                "camera_present": self.camera_present}


def _pin_change(ctx: WorkflowContext) -> Workflow:
    from .pin_change import PinChange

    return PinChange(ctx.card, ctx.card_info, ctx.client, ctx.pack, **ctx.service_kw())


def _with_card(module: str, cls: str) -> Callable[[WorkflowContext], Workflow]:
    def build(ctx: WorkflowContext) -> Workflow:
        import importlib

        workflow = getattr(importlib.import_module(f"kiosk.workflows.{module}"), cls)
        return workflow(ctx.card, ctx.card_info, ctx.client, ctx.pack, **ctx.service_kw())
    return build


def _card_status(ctx: WorkflowContext) -> Workflow:
    from .card_status import CardStatusQuery

    return CardStatusQuery(ctx.client, ctx.pack, card=ctx.card, card_info=ctx.card_info,
                           **ctx.service_kw())


def _loss_report(ctx: WorkflowContext) -> Workflow:
    from .loss_report import LossReport

    return LossReport(ctx.client, ctx.pack, **ctx.service_kw())


#: services started with the card in the reader, in the home screen's order
WITH_CARD: dict[str, Callable[[WorkflowContext], Workflow]] = {
    "pin_change": _pin_change,
    "pin_reset": _with_card("pin_reset", "PinReset"),
    "pin_unblock": _with_card("pin_unblock", "PinUnblock"),
    "lift_loss": _with_card("loss_lift", "LossLift"),
    "profile_change": _with_card("profile_change", "ProfileChange"),
    "card_status": _card_status,
    "renewal": _with_card("renewal", "Renewal"),
}
#: services started without the card (the attract screen)
WITHOUT_CARD: dict[str, Callable[[WorkflowContext], Workflow]] = {
    "loss_report": _loss_report,
    "card_status": _card_status,
}
#: the pack's services behind each workflow (``kiosk.policies.SERVICES``): the workflow is
#: offered when the pack offers one of them (the workflow's own gate asks the same
#: ``RulePack.offers``)
BEHIND: dict[str, tuple[str, ...]] = {
    "loss_report": ("temporary_loss", "formal_loss"),
    "card_status": ("card_status", "progress"),
}
#: services that run without a back office (a card-only kiosk)
WITHOUT_BACK_OFFICE = frozenset({"pin_change"})


def build_workflow(service: str, ctx: WorkflowContext) -> Workflow:
    """The workflow of ``service`` (a home-screen id, or a no-card one when
    ``ctx.card`` is None), its pack gate passed; else :class:`ServiceNotOffered`."""
    table = WITH_CARD if ctx.card is not None else WITHOUT_CARD
    factory = table.get(service)
    if factory is None or (not ctx.full and service not in WITHOUT_BACK_OFFICE):
        raise ServiceNotOffered(details={"service": service})
    return factory(ctx)
