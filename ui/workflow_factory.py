"""The workflow of a service: the one place that turns a service's name into its workflow.

:func:`make_workflow` is called by the controller when a citizen starts a service;
its body is the only thing that knows the workflows' constructors (a registry of
``kiosk/workflows`` replaces it).
"""

from __future__ import annotations

from typing import Any, Callable

from kiosk import errors
from kiosk.citizen_session import CitizenSession
from kiosk.workflows import pin_change as pc


def make_workflow(service: str, session: CitizenSession, services: Any, client: Any,
                  run_later: Callable[[Callable[[], Any]], None]) -> Any:
    """The workflow of ``service`` for ``session`` (with the card read, or without a card:
    ``session.reader`` None). ``services`` is the kiosk's :class:`ui.kiosk_parts.KioskServices`,
    ``client`` this citizen's back-office client, ``run_later`` runs a cleanup's network I/O
    off the GUI thread. Raises :class:`kiosk.errors.ServiceNotOffered`."""
    kw = {"journal": services.journal, "outbox": services.outbox, "run_later": run_later}
    s = session
    if s.reader is None:
        if service == "loss_report":
            from kiosk.workflows.loss_report import LossReport

            return LossReport(client, services.pack, **kw)
        from kiosk.workflows.card_status import CardStatusQuery

        return CardStatusQuery(client, services.pack, **kw)
    if service == "pin_change":
        h = s.info.holder if s.info is not None else None
        return pc.PinChange(s.card, journal=services.journal,
                            card_no=s.info.card.card_no if s.info is not None else None,
                            ssn=h.ssn if h else None)
    if not services.full:
        raise errors.ServiceNotOffered(details={"service": service})
    args = (s.card, s.info, client, services.pack)
    if service == "pin_reset":
        from kiosk.workflows.pin_reset import PinReset
        return PinReset(*args, **kw)
    if service == "pin_unblock":
        from kiosk.workflows.pin_unblock import PinUnblock
        return PinUnblock(*args, **kw)
    if service == "lift_loss":
        from kiosk.workflows.loss_lift import LossLift
        return LossLift(*args, **kw)
    if service == "profile_change":
        from kiosk.workflows.profile_change import ProfileChange
        return ProfileChange(*args, **kw)
    if service == "renewal":
        from kiosk.workflows.renewal import Renewal
        return Renewal(*args, **kw)
    if service == "card_status":
        from kiosk.workflows.card_status import CardStatusQuery
        return CardStatusQuery(client, services.pack, card=s.card, card_info=s.info, **kw)
    raise errors.ServiceNotOffered(details={"service": service})
