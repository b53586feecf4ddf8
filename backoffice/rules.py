"""The jurisdiction's rule pack, as the back office enforces it.

The kiosk shows only what its pack allows, but a kiosk can be tampered with,
so every rule is checked again here, against the same pack
(:mod:`kiosk.policies`). :class:`Rules` wraps a loaded ``RulePack`` with the
questions the routes ask, and builds the refusals: every refusal a rule causes
carries ``details.article`` (第N条) so the kiosk can tell the citizen why.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Iterable

from kiosk.loss_terms import UNTIL_LIFTED, api_duration

from .config import ConfigError
from .errors import ApiError

log = logging.getLogger("backoffice.rules")

#: the loss durations of the API (``null`` in the API = ``until_lifted`` in the pack)
#: fields that identify the person or are printed on the card: never a plain edit,
#: whatever a pack lists (a pack's ``key_fields`` adds to these and gives the article)
ALWAYS_KEY_FIELDS = ("name", "ssn", "photo", "id_type", "card_face", "birth_date")
#: every field ``PATCH /v1/me/profile`` can change when a pack makes it editable
PROFILE_FIELDS = ("phone", "address", "mailing_address", "id_valid_until", "ethnicity",
                  "nationality", "gender")


def load_rules(jurisdiction: str) -> "Rules":
    """The rules of ``jurisdiction``'s pack; :class:`ConfigError` when it cannot be loaded."""
    try:
        from kiosk.policies import PolicyError, load_pack
    except ImportError as exc:  # pragma: no cover - the kiosk package is part of the project
        raise ConfigError(f"the rule packs cannot be imported: {exc}") from None
    try:
        pack = load_pack(jurisdiction)
    except PolicyError as exc:
        raise ConfigError(f"rule pack {jurisdiction!r}: {exc}") from None
    except (FileNotFoundError, KeyError, LookupError) as exc:
        raise ConfigError(f"no rule pack for jurisdiction {jurisdiction!r} ({exc})") from None
    return Rules(pack)


class Rules:
    """One jurisdiction's pack with the checks of the back office."""

    def __init__(self, pack: Any):
        self.pack = pack
        self.jurisdiction: str = pack.jurisdiction
        self.version: str = _pack_version(pack)

    def __repr__(self) -> str:
        return f"Rules({self.jurisdiction!r}, version={self.version!r})"

    # --- raw access ----------------------------------------------------------------
    def value(self, key: str) -> Any:
        return self.pack.value(key)

    def article(self, key: str) -> str | None:
        try:
            return self.pack.rule(key).article or None
        except Exception:  # a key the pack does not have: no article to cite
            return None

    def lapsed(self, day: dt.date) -> bool:
        """Is the regulation past its last day in force (Hunan after 2026-09-30)?"""
        return bool(self.pack.lapsed(day))

    def offer(self, service: str):
        return self.pack.offers(service)

    def offered(self, service: str) -> bool:
        return bool(self.offer(service).offered)

    # --- refusals ----------------------------------------------------------------
    def refusal(self, code: str, message: str, *, rule: str | None = None,
                article: str | None = None, **details: Any) -> ApiError:
        """An :class:`ApiError` citing ``article`` (or the article of the pack's ``rule``).

        Where the regulation is silent and the pack's rule is the default
        (no article), ``details.source`` is ``"default"`` and ``details.see``
        names the articles the pack's authors read."""
        article = article or (self.article(rule) if rule else None)
        body = {"jurisdiction": self.jurisdiction}
        if rule:
            body["rule"] = rule
        if article:
            body["article"] = article
        elif rule:
            # the regulation is silent here: the default column of policies.md applies
            try:
                pack_rule = self.pack.rule(rule)
            except Exception:  # pragma: no cover - a key the pack does not have
                pack_rule = None
            if pack_rule is not None and getattr(pack_rule, "source", None) == "default":
                body["source"] = "default"
                if getattr(pack_rule, "see", None):
                    body["see"] = pack_rule.see
        body.update({k: v for k, v in details.items() if v is not None})
        return ApiError(code, message, details=body)

    def require_offered(self, service: str) -> None:
        """``SERVICE_NOT_OFFERED`` unless the pack offers ``service`` at a kiosk.

        ``details``: ``service``, ``reason`` (``pin_not_in_use``,
        ``loss_kind_not_in_use``, ``not_liftable``, ``nothing_editable``,
        ``not_at_kiosk``), ``article`` and ``refer_to`` (where to go instead).
        """
        offer = self.offer(service)
        if not offer.offered:
            source = getattr(offer, "source", None)
            raise self.refusal("SERVICE_NOT_OFFERED",
                               f"{service} is not offered at a kiosk in {self.jurisdiction}",
                               article=offer.article, service=service,
                               reason=getattr(offer, "reason", None) or None,
                               refer_to=list(getattr(offer, "refer_to", ()) or ()) or None,
                               source="default" if not offer.article and source == "default"
                               else None)

    # --- PIN ---------------------------------------------------------------------------
    @property
    def pin_in_use(self) -> bool:
        return bool(self.value("pin_in_use"))

    def require_pin_service(self, service: str) -> None:
        """A PIN service (Hainan 第14条: the PIN is not in use -> ``reason: pin_not_in_use``)."""
        self.require_offered(service)

    # --- losses --------------------------------------------------------------------------
    @property
    def loss_kinds(self) -> list[str]:
        return list(self.value("loss_kinds"))

    @property
    def loss_durations(self) -> list[str]:
        """The pack's temporary-loss durations (``until_lifted``, ``7d``, ``15d``, ``long``)."""
        return list(self.value("temporary_loss_durations"))

    def api_durations(self) -> list[str | None]:
        return [api_duration(d) for d in self.loss_durations]

    def check_loss_request(self, kind: str, duration: str | None) -> str | None:
        """The duration to record (API form, None = until lifted), or a refusal.

        A kind the pack does not have, or keeps away from kiosks:
        ``SERVICE_NOT_OFFERED``. ``duration`` None means "until lifted" where the
        pack offers that, else the pack's one fixed lifetime (Sichuan: ``7d``);
        where the citizen must choose (Hainan: ``15d`` or ``long``) or the
        duration is not the pack's: ``VALIDATION_FAILED`` (``details.allowed``).
        """
        self.require_offered("temporary_loss" if kind == "temporary" else "formal_loss")
        if kind == "formal":
            if duration is not None:
                raise self.refusal("VALIDATION_FAILED", "a formal loss has no duration",
                                   rule="loss_kinds", field="duration",
                                   reason="not_for_formal_loss")
            return None
        offered = self.loss_durations
        if duration is None:
            if UNTIL_LIFTED in offered:
                return None
            if len(offered) == 1:
                return offered[0]
            raise self.refusal("VALIDATION_FAILED", "choose how long the temporary loss lasts",
                               rule="temporary_loss_durations", field="duration",
                               reason="choose_one", allowed=self.api_durations())
        if duration not in offered:
            raise self.refusal("VALIDATION_FAILED",
                               f"this duration of a temporary loss is not allowed in "
                               f"{self.jurisdiction}", rule="temporary_loss_durations",
                               field="duration", reason="not_allowed",
                               allowed=self.api_durations())
        return duration

    def auto_lift_at(self, duration: str | None, since: dt.datetime) -> dt.datetime | None:
        days = self.pack.loss_auto_lift_days(UNTIL_LIFTED if duration is None else duration)
        return None if days is None else since + dt.timedelta(days=int(days))

    # --- profile -------------------------------------------------------------------------
    @property
    def editable_fields(self) -> list[str]:
        """What a kiosk may change (empty when the pack keeps profile changes elsewhere)."""
        if not self.offered("profile_change"):
            return []
        return [f for f in self.value("editable_fields") if f in PROFILE_FIELDS]

    @property
    def key_fields(self) -> list[str]:
        fields = list(self.value("key_fields"))
        return fields + [f for f in ALWAYS_KEY_FIELDS if f not in fields]

    # --- renewal -------------------------------------------------------------------------
    @property
    def renewal_reasons(self) -> list[str]:
        return list(self.value("renewal_reasons"))

    @property
    def renewal_reasons_at_kiosk(self) -> list[str]:
        return list(self.value("renewal_reasons_at_kiosk"))

    def check_renewal_reason(self, reason: str) -> None:
        """A reason the regulation does not know -> ``VALIDATION_FAILED``; one it knows but
        keeps away from the kiosk -> ``SERVICE_NOT_OFFERED``; both cite the article."""
        if reason not in self.renewal_reasons:
            raise self.refusal("VALIDATION_FAILED", "this renewal reason is not one of the "
                               "regulation's", rule="renewal_reasons", field="reason",
                               reason="not_allowed", allowed=self.renewal_reasons_at_kiosk)
        if reason not in self.renewal_reasons_at_kiosk:
            raise self.refusal("SERVICE_NOT_OFFERED", "a renewal for this reason is not done "
                               "at a kiosk here", rule="renewal_reasons_at_kiosk",
                               service="renewal", field="reason",
                               allowed=self.renewal_reasons_at_kiosk)

    @property
    def photo_rules(self) -> dict:
        return dict(self.value("photo"))

    @property
    def photo_exempt_below_age(self) -> int:
        return int(self.value("photo_exempt_below_age") or 0)

    @property
    def production_working_days(self) -> int:
        return int(self.value("production_working_days"))

    @property
    def production_stages(self) -> list[str]:
        return list(self.value("production_stages"))

    def services(self, names: Iterable[str]) -> list[str]:
        return [n for n in names if self.offered(n)]


def _pack_version(pack: Any) -> str:
    """The pack's own version (``version`` in its file)."""
    return str(pack.version)
