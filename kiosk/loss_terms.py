"""The loss vocabulary, in one place: kinds, durations, and how the API writes them.

- :data:`LOSS_KINDS`: ``temporary`` (临时挂失) and ``formal`` (正式挂失), in the
  order a screen offers them; :data:`KIND_SERVICES` names each kind's service in
  the rule pack (``temporary_loss``, ``formal_loss``);
- :data:`LOSS_DURATIONS`: how long a temporary loss lasts, as a rule pack writes
  it (``temporary_loss_durations``), and the days after which it lifts itself
  (None: never): ``until_lifted``, ``7d`` (Sichuan 第18条), ``15d`` and ``long``
  (Hainan 第17条);
- the API (``POST /v1/me/card/loss``, ``shared/spec/backoffice-api.md``) sends
  ``null`` for "until lifted": :func:`api_duration` and :func:`pack_duration`
  are the one mapping, :data:`API_LOSS_DURATIONS` what it accepts besides null.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

LOSS_KINDS = ("temporary", "formal")
KIND_SERVICES: Mapping[str, str] = MappingProxyType(
    {"temporary": "temporary_loss", "formal": "formal_loss"})

UNTIL_LIFTED = "until_lifted"
#: temporary-loss lifetimes, and the days after which each lifts itself (None: never)
LOSS_DURATIONS: Mapping[str, int | None] = MappingProxyType(
    {UNTIL_LIFTED: None, "7d": 7, "15d": 15, "long": None})
#: the durations the API names (``null`` is "until lifted")
API_LOSS_DURATIONS = frozenset(d for d in LOSS_DURATIONS if d != UNTIL_LIFTED)


def api_duration(duration: str | None) -> str | None:
    """The pack's duration as the API sends it (``until_lifted`` → null)."""
    return None if duration in (None, UNTIL_LIFTED) else duration


def pack_duration(api: str | None) -> str:
    """The API's duration as the pack writes it (null → ``until_lifted``)."""
    return UNTIL_LIFTED if api is None else api
