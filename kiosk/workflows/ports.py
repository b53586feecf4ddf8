"""What a workflow needs from the rest of the kiosk, as :class:`typing.Protocol` s.

A workflow is given these parts (in one :class:`~kiosk.workflows.registry.WorkflowContext`)
and uses only the methods named here, so a reader (and a type checker) can follow
a value from the registry to the card or the back office. The real parts:
:class:`~kiosk.backoffice_client.BackOfficeClient`, :class:`~kiosk.policies.RulePack`,
:class:`~devices.card.ssc.SscCard` (with :class:`~kiosk.card.CardInfo`),
:class:`~kiosk.journal.Journal` (its :class:`~kiosk.journal.journal.Attempt`) and
:class:`~kiosk.journal.Outbox`; tests use the same parts (a software card, a
reference back office on a loopback port, a journal in a temporary file).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Protocol

from kiosk.pin import Pin


class Offer(Protocol):
    offered: bool
    reason: str | None
    article: str | None


class Rule(Protocol):
    article: str | None


class RulePack(Protocol):
    """The jurisdiction's rules (``kiosk/policies``)."""

    jurisdiction: str

    def value(self, key: str) -> Any: ...

    def rule(self, key: str) -> Any: ...

    def offers(self, service: str) -> Any: ...

    def loss_auto_lift_days(self, duration: str | None) -> int | None: ...


class BackOffice(Protocol):
    """The back office's client (``kiosk/backoffice_client.py``), as a workflow uses it."""

    session_token: str | None

    def perform(self, call: Any) -> Any: ...

    def forget_session(self) -> None: ...

    def end_session(self) -> bool: ...

    def open_session_card(self, card_auth_id: str) -> Any: ...

    def open_session_sms(self, ssn: str | None, name: str | None) -> Any: ...

    def verify_sms(self, session_id: str, code: str) -> Any: ...

    def open_session_face(self, ssn: str | None, name: str | None, jpeg: bytes) -> Any: ...

    def my_card(self) -> Any: ...

    def pin_authorization(self, operation: str, card_auth_id: str, challenge: bytes) -> bytes: ...


class PinCard(Protocol):
    """The card in the reader: its PIN commands (``devices/card/ssc.py``)."""

    def verify_pin(self, pin: Pin) -> None: ...

    def change_pin(self, old: Pin, new: Pin, confirmation: Pin | None = None) -> None: ...

    def reset_pin(self, authorize: Callable[[str, bytes], bytes]) -> None: ...

    def unblock_pin(self, authorize: Callable[[str, bytes], bytes]) -> None: ...


class JournalAttempt(Protocol):
    """One attempt of a service in the journal (never a PIN: the journal's guard checks)."""

    def step(self, name: str, **data: Any) -> None: ...

    def outcome(self, outcome: str, error_code: str | None = None) -> None: ...

    def identify(self, *, card_no: str | None = None, ssn: str | None = None) -> None: ...


class Journal(Protocol):
    def begin(self, service: str, *, card_no: str | None = None,
              ssn: str | None = None) -> Any: ...

    def end(self, attempt: Any, exc: BaseException | None = None) -> None: ...


class Outbox(Protocol):
    """Writes whose outcome may be unknown (``docs/outbox.md``)."""

    journal: Any

    def submit(self, client: Any, call: Any, *, attempt: Any = None) -> Any: ...

    def replay(self, client: Any, *, due_only: bool = True) -> Any: ...


RunLater = Callable[[Callable[[], Any]], Any]
Today = Callable[[], dt.date]
