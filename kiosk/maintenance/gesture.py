"""The gesture that opens the maintenance login: something nobody does by accident.

1. press and **hold 3 seconds in the top-left corner**, then lift the finger;
2. within 10 seconds of lifting it, touch the **bottom-right corner**, then the
   **bottom-left corner** (a tap each, any length).

(Not the top-right corner: the citizen's "call staff" button sits there.) Once
the hold is done (:attr:`EntryGesture.armed`) the UI keeps the next corner taps
from the buttons under them.

A corner is the square of 12 % of the screen's width and height at that corner
(normalised coordinates: ``x`` from 0 at the left to 1 at the right, ``y`` from
0 at the top to 1 at the bottom); no control of the citizen's screens may sit
there. Each press must start and stay in its corner (a finger that slides out
does not count), the three presses must follow one another with no other
touch in between, and a second finger during the hold cancels it. A citizen
may rest a hand on a corner, but does not then hold it 3 seconds, let go and
touch the two other corners in that order within 10 seconds.

Events are ``(timestamp_s, x, y, kind)`` tuples, ``kind`` one of ``down``,
``move``, ``up``, ``cancel`` (a touch the system took away); timestamps in
seconds from any monotonic origin. :class:`EntryGesture` takes them one at a
time (the UI feeds every touch event, Qt-free); :func:`is_entry_gesture`
answers for a whole list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

#: the size of a corner, as a fraction of the screen's width and height
CORNER = 0.12
#: how long the first press must be held
HOLD_S = 3.0
#: the two taps must end within this time after the hold is released
WINDOW_S = 10.0

TOP_LEFT, TOP_RIGHT, BOTTOM_LEFT, BOTTOM_RIGHT = "top_left", "top_right", "bottom_left", \
    "bottom_right"
SEQUENCE = (TOP_LEFT, BOTTOM_RIGHT, BOTTOM_LEFT)

Event = tuple[float, float, float, str]


def corner_of(x: float, y: float, size: float = CORNER) -> str | None:
    """The corner (normalised coordinates) the point is in, or None."""
    if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
        return None
    left, right = x <= size, x >= 1.0 - size
    top, bottom = y <= size, y >= 1.0 - size
    if top and left:
        return TOP_LEFT
    if top and right:
        return TOP_RIGHT
    if bottom and left:
        return BOTTOM_LEFT
    if bottom and right:
        return BOTTOM_RIGHT
    return None


@dataclass(frozen=True)
class Press:
    """One finger's touch, from down to up."""

    corner: str | None      # where it started and stayed (None: elsewhere, or it slid out)
    down_s: float
    up_s: float

    @property
    def held_s(self) -> float:
        return self.up_s - self.down_s


class EntryGesture:
    """Recognises the entry gesture in a stream of touch events (one instance per screen)."""

    def __init__(self, *, hold_s: float = HOLD_S, window_s: float = WINDOW_S,
                 corner: float = CORNER):
        self.hold_s = hold_s
        self.window_s = window_s
        self.corner = corner
        self._down: tuple[float, str | None] | None = None   # the press under way
        self._presses: list[Press] = []                       # the last ones, oldest first

    def reset(self) -> None:
        self._down = None
        self._presses.clear()

    def armed(self, now: float) -> bool:
        """The hold is done and the taps are awaited (within the time window at ``now``):
        a touch in a corner now belongs to the gesture, not to a button under it."""
        for k in (1, 2):
            recent = self._presses[-k:]
            if len(recent) == k and tuple(p.corner for p in recent) == SEQUENCE[:k] \
                    and recent[0].held_s >= self.hold_s and now - recent[0].up_s <= self.window_s:
                return True
        return False

    def in_corner(self, x: float, y: float) -> bool:
        return corner_of(x, y, self.corner) is not None

    def feed(self, event: Event) -> bool:
        """Take one event; True when it completes the gesture (then start over)."""
        t, x, y, kind = event
        if kind == "down":
            if self._down is not None:        # a second finger: nothing counts
                self.reset()
                return False
            self._down = (t, corner_of(x, y, self.corner))
        elif kind == "move":
            if self._down is not None and corner_of(x, y, self.corner) != self._down[1]:
                self._down = (self._down[0], None)  # slid out of its corner
        elif kind == "up":
            if self._down is None:
                return False
            start, where = self._down
            if corner_of(x, y, self.corner) != where:
                where = None
            self._down = None
            self._presses = (self._presses + [Press(where, start, t)])[-len(SEQUENCE):]
            if self._complete():
                self.reset()
                return True
        elif kind == "cancel":
            self.reset()
        return False

    def _complete(self) -> bool:
        if len(self._presses) < len(SEQUENCE):
            return False
        hold, _second, last = self._presses
        if tuple(p.corner for p in self._presses) != SEQUENCE:
            return False
        return hold.held_s >= self.hold_s and last.up_s - hold.up_s <= self.window_s


def is_entry_gesture(events: Iterable[Event]) -> bool:
    """Do these events (in time order) hold the entry gesture?"""
    gesture = EntryGesture()
    return any(gesture.feed(tuple(e)) for e in events)  # type: ignore[arg-type]
