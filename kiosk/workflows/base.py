"""A workflow is an explicit state machine with one transition table.

The pattern follows AusweisApp's controllers: states are named after what the
citizen is doing, every transition is a row of ``TRANSITIONS``, and every end
(success, refusal, cancel, a pulled card, an error) is a final state whose
entry runs :meth:`Workflow.cleanup` exactly once, so secrets are wiped on every
path, not by ``finally`` clauses sprinkled around.

A workflow is driven by method calls (from the UI's worker thread, a test or a
headless driver) and publishes a :class:`Snapshot` to its subscribers after
every transition. It never imports Qt.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Mapping

from kiosk.errors import CardRemoved, KioskError

log = logging.getLogger(__name__)

ANY = "*"  # a transition row that applies in every non-final state


class InvalidTransition(RuntimeError):
    pass


@dataclass(frozen=True)
class Snapshot:
    """Everything the screen gets: the state, its facts (``info``) and what the citizen
    may do next (``next``: the choices still open, whether "choose again" exists,
    tries left, the article of a refusal; see :meth:`Workflow.next_steps`)."""

    workflow: str
    state: str
    finished: bool
    info: Mapping[str, Any] = field(default_factory=dict)
    next: Mapping[str, Any] = field(default_factory=dict)


class Workflow:
    NAME: ClassVar[str]
    INITIAL: ClassVar[str]
    #: (state or ANY, event) -> next state
    TRANSITIONS: ClassVar[dict[tuple[str, str], str]]
    #: states after which nothing happens; entering one runs cleanup
    FINAL: ClassVar[frozenset[str]]

    # rows every workflow has: the citizen leaves, the card leaves, something fails
    COMMON: ClassVar[dict[tuple[str, str], str]] = {
        (ANY, "cancel"): "Cancelled",
        (ANY, "card_removed"): "CardRemoved",
        (ANY, "failed"): "Failed",
    }
    COMMON_FINAL: ClassVar[frozenset[str]] = frozenset({"Cancelled", "CardRemoved", "Failed"})

    def __init__(self) -> None:
        self.state = self.INITIAL
        self.info: dict[str, Any] = {}
        self._subscribers: list[Callable[[Snapshot], None]] = []
        self._cleaned = False
        self._lock = threading.RLock()

    # --- observation -----------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.state in self.FINAL or self.state in self.COMMON_FINAL

    def snapshot(self) -> Snapshot:
        with self._lock:
            return Snapshot(self.NAME, self.state, self.finished, dict(self.info),
                            dict(self.next_steps()))

    def next_steps(self) -> Mapping[str, Any]:
        """What the citizen may do in the current state, beyond its one obvious answer:
        ``choices`` (still open), ``choose_again`` / ``back`` (a way back exists),
        ``other_method`` (another identity check), ``tries_left``, ``article``. The
        screen offers exactly these; a workflow decides them from its own rules."""
        return {}

    def subscribe(self, callback: Callable[[Snapshot], None]) -> Callable[[], None]:
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    # --- transitions -------------------------------------------------------------
    def fire(self, event: str, **info: Any) -> Snapshot:
        with self._lock:
            if self.finished:
                raise InvalidTransition(f"{self.NAME} has ended in {self.state}")
            nxt = self.TRANSITIONS.get((self.state, event)) or self.TRANSITIONS.get((ANY, event)) \
                or self.COMMON.get((ANY, event))
            if nxt is None:
                raise InvalidTransition(f"{self.NAME}: no transition from {self.state} on {event}")
            log.debug("%s: %s --%s--> %s", self.NAME, self.state, event, nxt)
            self.state = nxt
            self.info = info
            if self.finished:
                self._run_cleanup()
            snap = self.snapshot()
        for cb in list(self._subscribers):
            try:
                cb(snap)
            except Exception:  # a broken subscriber must not break the workflow
                log.exception("%s: subscriber failed", self.NAME)
        return snap

    def cancel(self) -> None:
        """The citizen (or the idle timer) ends the workflow; safe to call at any time."""
        with self._lock:
            if not self.finished:
                self.fire("cancel")

    def card_removed(self) -> None:
        with self._lock:
            if not self.finished:
                self.fire("card_removed")

    def fail(self, error: KioskError) -> Snapshot:
        """End on an error; a pulled card is its own ending."""
        if isinstance(error, CardRemoved):
            return self.fire("card_removed", error=error)
        return self.fire("failed", error=error)

    def _run_cleanup(self) -> None:
        if not self._cleaned:
            self._cleaned = True
            try:
                self.cleanup()
            except Exception:
                log.exception("%s: cleanup failed", self.NAME)

    def cleanup(self) -> None:
        """Wipe secrets and release what the workflow holds. Runs once, on every end."""
