"""Card and reader events, as every watcher (PC/SC or emulated) delivers them.

Subscribers are called on the watcher's own thread; the UI re-emits them as
queued Qt signals. A callback must not block.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal, Protocol

EventKind = Literal[
    "inserted",        # a card is in ``reader`` (also for a card already there at start)
    "removed",         # the card left ``reader``
    "reader_added",
    "reader_removed",  # the reader itself is gone (unplugged)
    "service_down",    # the PC/SC service stopped; reader is ""
    "service_up",      # it is back; reader is ""
]


@dataclass(frozen=True)
class CardEvent:
    kind: EventKind
    reader: str = ""
    atr: bytes | None = None


Subscriber = Callable[[CardEvent], None]


class CardWatcher(Protocol):
    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Register ``callback``; returns a function that unsubscribes it."""
        ...

    def start(self) -> None: ...

    def stop(self) -> None:
        """Stop watching; returns within a bounded time (at most about 2 s)."""
        ...
