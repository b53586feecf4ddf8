"""The workflow of a service: the one place the UI turns a service's name into its workflow.

:func:`make_workflow` puts the citizen's session and the kiosk's parts into one
:class:`kiosk.workflows.registry.WorkflowContext`; the registry (``kiosk/workflows/registry.py``)
knows the workflows and which are offered.
"""

from __future__ import annotations

from typing import Any, Callable

from kiosk.citizen_session import CitizenSession
from kiosk.workflows.registry import WorkflowContext, build_workflow


def make_workflow(service: str, session: CitizenSession, services: Any, client: Any,
                  run_later: Callable[[Callable[[], Any]], None], *,
                  camera_present: bool = False) -> Any:
    """The workflow of ``service`` for ``session`` (with the card read, or without a card:
    ``session.reader`` None). ``services`` is the kiosk's :class:`ui.kiosk_parts.KioskServices`,
    ``client`` this citizen's back-office client, ``run_later`` runs a cleanup's network I/O
    off the GUI thread. Raises :class:`kiosk.errors.ServiceNotOffered`."""
    full = services.full
    return build_workflow(service, WorkflowContext(
        client=client if full else None, pack=services.pack if full else None,
        card=session.card, card_info=session.info, journal=services.journal,
        outbox=services.outbox if full else None, run_later=run_later,
        camera_present=camera_present))
