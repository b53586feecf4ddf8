"""What the card did: a PIN command the card acknowledged cannot be taken back.

A RESET, a CHANGE or an UNBLOCK the card answered ``9000`` has changed the card,
whatever happens next (the card pulled, the idle timer, a kill). So the PIN
workflows record it at once, before their next step:

- **the journal**: a step with ``card_effect`` (:data:`~kiosk.journal.journal.CARD_EFFECT`),
  committed before the workflow goes on, so a restart after a kill closes the
  attempt ``ok`` / ``CARD_CHANGED`` (:meth:`~kiosk.journal.Journal.close_interrupted`),
  not ``failed`` / ``INTERRUPTED``;
- **the ending**: an attempt that ends otherwise than in its success state (card
  pulled, cancelled, failed, timed out) after its card did something ends ``ok`` /
  ``CARD_CHANGED`` (:func:`journal_outcome`); an effect acknowledged after the
  workflow ended (the card was pulled while the command ran) settles the ended
  attempt so;
- **the citizen**: :meth:`CardEffects.on_card_effect` listeners hear of every effect
  (on the thread that ran the command, even after the end), so the UI can tell a
  citizen who pulled the card right after an acknowledged CHANGE that the new PIN
  is in force.

Effects: :data:`PIN_RESET` (the card holds the initial PIN ``123456``),
:data:`PIN_CHANGED` (the new PIN is in force), :data:`PIN_UNBLOCKED` (the tries are
back, the PIN is unchanged).
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from kiosk.journal.journal import CARD_CHANGED, CARD_EFFECT

log = logging.getLogger(__name__)

PIN_RESET = "pin_reset"
PIN_CHANGED = "pin_changed"
PIN_UNBLOCKED = "pin_unblocked"

#: outcomes that do not say what the card did (an effect turns them into ok / CARD_CHANGED)
_UNTOLD = ("failed", "cancelled", "card_removed", "timeout")


def journal_outcome(outcome: str, code: str | None,
                    effect: str | None) -> tuple[str, str | None]:
    """The journal's ``(outcome, code)`` of an ending, given the card's last effect."""
    if effect and outcome in _UNTOLD:
        return "ok", CARD_CHANGED
    return outcome, code


class CardEffects:
    """Mixed into a workflow (``self._lock``, ``self.finished``, ``self.journal``,
    ``self._attempt``); call :meth:`_start_card_effects` once the attempt is begun."""

    card_effect: str | None = None

    def _start_card_effects(self) -> None:
        self.card_effect = None
        self._effect_listeners: list[Callable[[str], Any]] = []
        self._effect_attempt = getattr(self, "_attempt", None)

    def on_card_effect(self, callback: Callable[[str], Any]) -> None:
        """``callback(effect)`` after each card effect is journalled (any thread)."""
        self._effect_listeners.append(callback)

    def _card_did(self: Any, effect: str, step: str) -> None:
        """The card acknowledged ``effect``: journal it (step ``step``), then tell the listeners."""
        with self._lock:
            self.card_effect = effect
            ended = self.finished
            attempt = self._attempt
        if attempt is not None and not ended:
            attempt.step(step, **{CARD_EFFECT: effect})
        elif self._effect_attempt is not None:
            # the workflow ended while the card ran the command (pulled, cancelled)
            self._effect_attempt.settle_after_end({"step": step, CARD_EFFECT: effect,
                                                   "after_end": True})
        for callback in list(self._effect_listeners):
            try:
                callback(effect)
            except Exception:  # noqa: BLE001
                log.exception("%s: a card effect listener failed", self.NAME)
