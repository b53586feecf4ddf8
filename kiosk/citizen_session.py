"""The citizen's session at the kiosk, without Qt: who is served, what was offered, how it ended.

The UI's session (``ui/citizen_session.py``) keeps the timers, the card thread and the
screens; the facts that are not Qt's live here and are tested without a display:

- :class:`CitizenSession`: the citizen being served (with the card in a reader, or
  without a card), its jobs in flight, the PINs handed over, its journal attempt;
- :func:`card_services` / :func:`no_card_services`: what the home and attract
  screens offer, from the rule pack;
- :func:`journal_outcome`: how a session's ending is journalled;
- :func:`true_cause`: what a step's passed deadline means (the card's slowness or
  the back office's).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from kiosk import errors
from kiosk.card import CardInfo
from kiosk.pin import Pin

log = logging.getLogger(__name__)

# home-screen services that start a workflow with the card in the reader
CARD_SERVICES = ("pin_change", "pin_reset", "pin_unblock", "lift_loss", "profile_change",
                 "card_status", "renewal")
# attract-screen services without the card: the workflow, and the pack services behind it
NO_CARD_SERVICES = {"loss_report": ("temporary_loss", "formal_loss"),
                    "card_status": ("card_status", "progress")}


@dataclass(eq=False)
class CitizenSession:
    """The citizen being served; fields written on the worker thread are marked."""

    reader: str | None                      # None: a service without the card
    transport: Any = None                   # the card's transport, set on the worker thread
    card: Any = None                        # the card's application (devices.card.ssc.SscCard)
    info: CardInfo | None = None
    workflow: Any = None
    unsubscribe: Callable[[], None] | None = None
    finishing: bool = False                 # on the result screen, waiting for the card to go
    submitted: list[Pin] = field(default_factory=list)   # handed to jobs not answered yet
    jobs: set[int] = field(default_factory=set)          # its jobs in flight
    attempt: Any = None                     # the journal's kiosk_session attempt
    ending: str | None = None               # how it ended, for the journal
    ran: Any = None                         # the last workflow it ran (a card effect's source)
    card_effect: str | None = None          # what the card did for it (a PIN command answered)
    client: Any = None                      # this citizen's view of the back-office client

    def close_on_worker(self) -> None:
        t, self.transport = self.transport, None
        if t is not None:
            try:
                t.close()
            except Exception:  # noqa: BLE001 - a card already gone
                log.debug("closing the transport failed", exc_info=True)

    def wipe_submitted(self) -> None:
        """PINs handed over that a stale job still holds."""
        for p in self.submitted:
            p.wipe()
        self.submitted.clear()


def card_services(pack: Any) -> tuple[str, ...]:
    """The home screen's services for a card in the reader (``pack`` None: the PIN change only)."""
    if pack is None:
        return ("pin_change",)
    from kiosk.services import home_services

    offered = home_services(pack).offered
    out = []
    for s in CARD_SERVICES:
        if s == "card_status":
            if "card_status" in offered or "progress" in offered:
                out.append(s)
        elif s in offered:
            out.append(s)
    return tuple(out)


def no_card_services(pack: Any) -> tuple[str, ...]:
    """The attract screen's services without a card (``pack`` None: none)."""
    if pack is None:
        return ()
    return tuple(s for s, behind in NO_CARD_SERVICES.items()
                 if any(pack.offers(b).offered for b in behind))


_OUTCOMES = {"card_removed": "card_removed", "idle_timeout": "timeout",
             "finished": "ok", "shutdown": "cancelled"}


def journal_outcome(ending: str) -> tuple[str, str, str | None]:
    """A session's ending (``finished``, ``card_removed``, ``error:CODE``...) as the journal
    records it: (how it ended, the outcome, the outcome's detail)."""
    how, _, detail = ending.partition(":")
    outcome = "failed" if ending.startswith("error:") else _OUTCOMES.get(ending, "ok")
    return how, outcome, detail if ":" in ending else None


def true_cause(exc: BaseException, clients: Iterable[Any]) -> BaseException:
    """A job's deadline that passed while the back office was being asked is the back
    office's slowness, not the card's (never 读卡超时 for a network wait); a write
    still waiting for its answer may have taken effect."""
    if not isinstance(exc, errors.CardTimeout):
        return exc
    clients = [c for c in clients if c is not None]
    details = {"reason": "step_deadline"}
    if any(getattr(c, "writes_in_flight", 0) for c in clients):
        return errors.OutcomeUnknown("the back office did not answer in time; the request "
                                     "may have taken effect", details=details)
    if any(getattr(c, "requests_in_flight", 0) for c in clients):
        return errors.BackOfficeTimeout("the back office did not answer in time",
                                        details=details)
    return exc
