"""Jurisdiction rule packs: one TOML file per regulation, validated at load.

The kiosk and the reference back office both load the pack of the jurisdiction
they serve (``load_pack("hubei")``); the kiosk shows only what the pack offers,
with the article that says why, and the back office enforces the same pack.

File format (``docs/policies.md`` explains every choice)::

    schema = 1
    jurisdiction = "hubei"            # must equal the file's stem
    version = "1"                     # the pack's version (GET /v1/health)

    [regulation]
    title = "湖北省社会保障卡业务经办规程"
    number = "鄂人社办发〔2022〕24号"
    text = "hubei-2022-card-service-procedures.txt"
    in_force_from = 2022-10-17
    in_force_until = "none"           # a date, or "none" when open-ended
    article = "第52条"                # the article that sets those dates

    [rules]
    # every key of RULE_KEYS, each ONE of these three forms:
    pin_in_use = { value = true, article = "第20条" }              # the regulation says so
    fast_production_days = { none = true, article = "第14条" }     # the regulation says: none
    pin_max_tries = { default = true, see = "第21条", note = "..." }  # silent: default.toml applies

``note`` (free text) may accompany any form; ``refer_to`` (a list of
``"counter"``, ``"bank"``, ``"online"``) says where the citizen goes when an
``*_at_kiosk`` rule is false. A key that is missing, unknown or of the wrong
type is a :class:`PolicyError` naming the file and the key: a start-up error,
never a silent default. ``default.toml`` has the same ``[rules]`` table in the
``value``/``none`` forms only (no articles: it is the default column of
``shared/spec/policies.md``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping

from kiosk.errors import KioskError

PACK_DIR = Path(__file__).resolve().parent
DEFAULT_PACK = "default"
from kiosk.loss_terms import LOSS_DURATIONS, LOSS_KINDS  # noqa: E402 (one owner)

SCHEMA_VERSION = 1

#: the services of the kiosk; ``RulePack.offers(service)`` says whether the pack allows each
SERVICES = ("pin_change", "pin_reset", "pin_unblock", "temporary_loss", "formal_loss", "lift_loss",
            "profile_change", "card_status", "progress", "renewal")

# --- vocabularies -------------------------------------------------------------

REQUIREMENTS = ("card", "identity", "id_document")
TEMPORARY_LOSS_EFFECTS = ("immediate_card_locked", "immediate_ss_and_bank_locked")
EDITABLE_FIELDS = ("phone", "address", "mailing_address", "id_valid_until", "ethnicity",
                   "nationality", "gender")
KEY_FIELDS = ("name", "ssn", "photo", "id_type", "card_face")
RENEWAL_REASONS = ("expired", "damaged", "unreadable", "face_info_changed", "upgrade", "other",
                   "appearance_changed", "child_reaches_7", "voluntary", "bank_change",
                   "reaching_18")
#: fee waivers: renewal reasons, plus people in hardship (特困人员、低保对象)
FEE_WAIVED_REASONS = RENEWAL_REASONS + ("hardship",)
PRODUCTION_STAGES = ("accepted", "uploaded_to_province", "bank_account_opened",
                     "card_manufactured", "personalised", "delivered_to_outlet",
                     "ready_for_pickup", "collected")
RARE_CHARACTER_HANDLING = ("province_production_mailed", "local_production")
FAST_PRODUCTION_UNITS = ("working_days", "calendar_days")
#: where a citizen is sent for what the kiosk does not do
CHANNELS = ("counter", "bank", "online")
PHOTO_FIELDS: Mapping[str, type] = MappingProxyType({
    "format": str, "background": str, "width": int, "height": int,
    "min_kb": int, "max_kb": int, "border": bool})

SOURCE_REGULATION = "regulation"
SOURCE_DEFAULT = "default"

_ARTICLE_PART = r"第\d+(?:-\d+)?条(?:（[一二三四五六七八九十]+）)?"
ARTICLE_RE = re.compile(rf"^{_ARTICLE_PART}(?:, {_ARTICLE_PART})*$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class PolicyError(KioskError, ValueError):
    """A rule pack is missing, malformed, or asked for something it does not have.

    Raised at load time (a start-up error) and for unknown keys or services at
    run time. ``file`` and ``key`` name the culprit when known.
    """

    code = "POLICY_ERROR"

    def __init__(self, message: str, *, file: str | Path | None = None, key: str | None = None):
        self.file = str(file) if file is not None else None
        self.key = key
        where = []
        if self.file:
            where.append(self.file)
        if key:
            where.append(f"key '{key}'")
        super().__init__(": ".join(where + [message]))


# --- the data -----------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """One rule of a pack.

    ``source`` is ``"regulation"`` (``article`` says it) or ``"default"`` (the
    regulation is silent or unclear on this point, so the default column of
    ``policies.md`` applies; ``article`` is then None and ``see`` names the
    articles that were read). ``note`` explains a reading; ``refer_to`` says
    where the citizen goes when an ``*_at_kiosk`` rule is false.
    """

    key: str
    value: Any
    article: str | None
    source: str
    see: str | None = None
    note: str | None = None
    refer_to: tuple[str, ...] = ()

    @property
    def is_default(self) -> bool:
        return self.source == SOURCE_DEFAULT


@dataclass(frozen=True)
class Offer:
    """Whether the kiosk offers ``service`` in this jurisdiction, and why.

    ``reason`` (when not offered) is one of ``pin_not_in_use``,
    ``loss_kind_not_in_use``, ``not_liftable``, ``nothing_editable``,
    ``not_at_kiosk`` (then ``refer_to`` says where to go instead).
    """

    service: str
    offered: bool
    article: str | None
    reason: str | None
    refer_to: tuple[str, ...] = ()
    #: the source of the deciding rule: "regulation", or "default" (the regulation is silent)
    source: str | None = None


@dataclass(frozen=True)
class Regulation:
    title: str                      # in Chinese, as issued
    number: str                     # e.g. "鄂人社办发〔2022〕24号"
    in_force_from: dt.date
    in_force_until: dt.date | None  # last day in force; None: open-ended
    article: str | None             # the article that sets the dates (Hunan: 第44条)
    text: str | None = None         # file name of the text in shared/regulations/


# --- the schema: every key a pack must carry ----------------------------------

class _Bad(Exception):
    """A value does not fit its key's type (the message says what was expected)."""


def _type_name(v: Any) -> str:
    return {bool: "boolean", int: "integer", str: "string", list: "array", dict: "table",
            float: "float", dt.date: "date"}.get(type(v), type(v).__name__)


def _bool(v: Any) -> bool:
    if type(v) is not bool:
        raise _Bad(f"expected a boolean, got {_type_name(v)} {v!r}")
    return v


def _int(lo: int, hi: int) -> Callable[[Any], int]:
    def check(v: Any) -> int:
        if type(v) is not int:
            raise _Bad(f"expected an integer, got {_type_name(v)} {v!r}")
        if not lo <= v <= hi:
            raise _Bad(f"expected an integer in {lo}..{hi}, got {v}")
        return v
    return check


def _choice(options: tuple[str, ...]) -> Callable[[Any], str]:
    def check(v: Any) -> str:
        if type(v) is not str:
            raise _Bad(f"expected a string, got {_type_name(v)} {v!r}")
        if v not in options:
            raise _Bad(f"expected one of {', '.join(options)}; got {v!r}")
        return v
    return check


def _subset(options: tuple[str, ...], *, nonempty: bool = False,
            ordered: bool = False) -> Callable[[Any], list[str]]:
    def check(v: Any) -> list[str]:
        if type(v) is not list:
            raise _Bad(f"expected an array of strings, got {_type_name(v)} {v!r}")
        for item in v:
            if type(item) is not str:
                raise _Bad(f"expected an array of strings, found {_type_name(item)} {item!r}")
            if item not in options:
                raise _Bad(f"unknown value {item!r}; expected some of {', '.join(options)}")
        if len(set(v)) != len(v):
            raise _Bad(f"duplicate values in {v!r}")
        if nonempty and not v:
            raise _Bad("expected at least one value")
        if ordered and v != sorted(v, key=options.index):
            raise _Bad(f"values out of order; the order is {', '.join(options)}")
        return list(v)
    return check


def _photo(v: Any) -> dict[str, Any]:
    if type(v) is not dict:
        raise _Bad(f"expected a table, got {_type_name(v)} {v!r}")
    unknown = sorted(set(v) - set(PHOTO_FIELDS))
    missing = [k for k in PHOTO_FIELDS if k not in v]
    if unknown:
        raise _Bad(f"unknown photo field(s) {', '.join(unknown)}")
    if missing:
        raise _Bad(f"missing photo field(s) {', '.join(missing)}")
    for name, typ in PHOTO_FIELDS.items():
        if type(v[name]) is not typ:
            raise _Bad(f"photo field '{name}' expected {_type_name(typ())}, "
                       f"got {_type_name(v[name])} {v[name]!r}")
    if v["format"] != "jpeg":
        raise _Bad(f"photo format must be 'jpeg', got {v['format']!r}")
    if not (0 < v["width"] <= 4000 and 0 < v["height"] <= 4000):
        raise _Bad("photo width and height must be 1..4000 px")
    if not 0 < v["min_kb"] < v["max_kb"]:
        raise _Bad("photo sizes must satisfy 0 < min_kb < max_kb")
    return dict(v)


@dataclass(frozen=True)
class _Spec:
    check: Callable[[Any], Any]
    nullable: bool = False
    #: an ``*_at_kiosk`` rule: may carry ``refer_to`` when false
    kiosk_gate: bool = False


#: every key a pack must carry, with its type (``docs/policies.md`` describes each)
RULE_KEYS: Mapping[str, _Spec] = MappingProxyType({
    "card_validity_years": _Spec(_int(1, 50)),
    # PIN (社保功能密码 / 社会保障应用密码)
    "pin_in_use": _Spec(_bool),
    "pin_max_tries": _Spec(_int(1, 20), nullable=True),
    "pin_change_self_service": _Spec(_bool, kiosk_gate=True),
    "pin_reset_requires": _Spec(_subset(REQUIREMENTS, ordered=True)),
    "pin_unblock_requires": _Spec(_subset(REQUIREMENTS, ordered=True)),
    "pin_reset_at_kiosk": _Spec(_bool, kiosk_gate=True),
    "pin_unblock_at_kiosk": _Spec(_bool, kiosk_gate=True),
    "other_province_cards_accepted": _Spec(_bool),
    # loss (挂失) and lifting it (解挂)
    "loss_kinds": _Spec(_subset(LOSS_KINDS, nonempty=True, ordered=True)),
    "temporary_loss_at_kiosk": _Spec(_bool, kiosk_gate=True),
    "formal_loss_at_kiosk": _Spec(_bool, kiosk_gate=True),
    "temporary_loss_durations": _Spec(_subset(tuple(LOSS_DURATIONS), ordered=True)),
    "temporary_loss_effect": _Spec(_choice(TEMPORARY_LOSS_EFFECTS)),
    "bank_account_loss_separate": _Spec(_bool),
    "lift_temporary_loss_allowed": _Spec(_bool),
    "lift_formal_loss_allowed": _Spec(_bool),
    "lift_loss_at_kiosk": _Spec(_bool, kiosk_gate=True),
    # replacement (补领) and renewal (换领)
    "replacement_requires_formal_loss": _Spec(_bool),
    "bank_account_closed_before_reissue": _Spec(_bool),
    "renewal_reasons": _Spec(_subset(RENEWAL_REASONS, nonempty=True, ordered=True)),
    "renewal_at_kiosk": _Spec(_bool, kiosk_gate=True),
    "renewal_reasons_at_kiosk": _Spec(_subset(RENEWAL_REASONS, ordered=True)),
    # activation, personal data
    "ss_activation_needed": _Spec(_bool),
    "editable_fields": _Spec(_subset(EDITABLE_FIELDS, ordered=True)),
    "profile_change_at_kiosk": _Spec(_bool, kiosk_gate=True),
    "key_fields": _Spec(_subset(KEY_FIELDS, nonempty=True, ordered=True)),
    "query_at_kiosk": _Spec(_bool, kiosk_gate=True),
    # photo
    "photo_exempt_below_age": _Spec(_int(0, 18)),
    "photo": _Spec(_photo),
    # production, fees
    "production_working_days": _Spec(_int(1, 365)),
    "fast_production_days": _Spec(_int(1, 60), nullable=True),
    "fast_production_unit": _Spec(_choice(FAST_PRODUCTION_UNITS), nullable=True),
    "first_card_free": _Spec(_bool),
    "fee_waived_reasons": _Spec(_subset(FEE_WAIVED_REASONS, ordered=True)),
    "production_stages": _Spec(_subset(PRODUCTION_STAGES, nonempty=True, ordered=True)),
    "rare_characters": _Spec(_choice(RARE_CHARACTER_HANDLING)),
    "agent_at_kiosk": _Spec(_bool, kiosk_gate=True),
})

_ENTRY_FIELDS = ("value", "none", "default", "article", "see", "note", "refer_to")
_TOP_KEYS = ("schema", "jurisdiction", "version", "regulation", "rules")
_REGULATION_KEYS = ("title", "number", "text", "in_force_from", "in_force_until", "article")


# --- the pack -------------------------------------------------------------------

@dataclass(frozen=True)
class RulePack:
    jurisdiction: str
    version: str
    regulation: Regulation
    rules: Mapping[str, Rule] = field(repr=False)
    path: Path | None = field(default=None, repr=False, compare=False)

    # -- dates
    def lapsed(self, on: dt.date) -> bool:
        """True when ``on`` is after the regulation's last day in force (Hunan: after 2026-09-30).

        A lapsed pack still runs; the maintenance screen and ``kiosk diag`` warn.
        """
        until = self.regulation.in_force_until
        return until is not None and on > until

    def in_force(self, on: dt.date) -> bool:
        return self.regulation.in_force_from <= on and not self.lapsed(on)

    # -- rules
    def rule(self, key: str) -> Rule:
        try:
            return self.rules[key]
        except KeyError:
            raise PolicyError(f"no rule '{key}' in the {self.jurisdiction} pack",
                              file=self.path, key=key) from None

    def value(self, key: str) -> Any:
        return self.rule(key).value

    def defaults_used(self) -> list[str]:
        """The keys where the regulation is silent and the default column applies."""
        return [k for k, r in self.rules.items() if r.is_default]

    # -- services
    def offers(self, service: str) -> Offer:
        """May the kiosk offer ``service`` here? Derived from the rules, with the deciding article."""
        if service not in SERVICES:
            raise PolicyError(f"unknown service '{service}'; services are {', '.join(SERVICES)}",
                              file=self.path)
        return _OFFER_RULES[service](self, service)

    def offered_services(self) -> list[str]:
        return [s for s in SERVICES if self.offers(s).offered]

    # -- loss durations
    def loss_auto_lift_days(self, duration: str) -> int | None:
        """Days after which a temporary loss of ``duration`` lifts itself (None: never).

        ``"7d"`` -> 7 (Sichuan), ``"15d"`` -> 15 (Hainan), ``"long"``/``"until_lifted"``
        -> None. A duration this pack does not offer is a :class:`PolicyError`.
        """
        if duration not in LOSS_DURATIONS:
            raise PolicyError(f"unknown temporary loss duration {duration!r}; durations are "
                              f"{', '.join(LOSS_DURATIONS)}", file=self.path,
                              key="temporary_loss_durations")
        allowed = self.value("temporary_loss_durations")
        if duration not in allowed:
            raise PolicyError(f"{self.jurisdiction} does not offer the temporary loss duration "
                              f"{duration!r} (it offers {', '.join(allowed) or 'none'})",
                              file=self.path, key="temporary_loss_durations")
        return LOSS_DURATIONS[duration]

    def resolve_loss_duration(self, duration: str | None) -> str:
        """The duration to record for a temporary loss: ``duration`` if offered, or, when
        ``None`` was given, the only duration offered (more than one: the citizen must choose)."""
        allowed = self.value("temporary_loss_durations")
        if duration is None:
            if len(allowed) != 1:
                raise PolicyError(f"{self.jurisdiction}: choose a temporary loss duration among "
                                  f"{', '.join(allowed) or 'none'}", file=self.path,
                                  key="temporary_loss_durations")
            return allowed[0]
        self.loss_auto_lift_days(duration)
        return duration


# --- service derivation ---------------------------------------------------------

def _gate(pack: RulePack, service: str, key: str) -> Offer:
    r = pack.rule(key)
    if r.value:
        return Offer(service, True, r.article, None, source=r.source)
    return Offer(service, False, r.article, "not_at_kiosk", r.refer_to, r.source)


def _pin(gate_key: str) -> Callable[[RulePack, str], Offer]:
    def derive(pack: RulePack, service: str) -> Offer:
        in_use = pack.rule("pin_in_use")
        if not in_use.value:
            return Offer(service, False, in_use.article, "pin_not_in_use", source=in_use.source)
        return _gate(pack, service, gate_key)
    return derive


def _loss(kind: str, gate_key: str) -> Callable[[RulePack, str], Offer]:
    def derive(pack: RulePack, service: str) -> Offer:
        kinds = pack.rule("loss_kinds")
        if kind not in kinds.value:
            return Offer(service, False, kinds.article, "loss_kind_not_in_use", source=kinds.source)
        return _gate(pack, service, gate_key)
    return derive


def _lift(pack: RulePack, service: str) -> Offer:
    temp, formal = pack.rule("lift_temporary_loss_allowed"), pack.rule("lift_formal_loss_allowed")
    if not (temp.value or formal.value):
        return Offer(service, False, temp.article or formal.article, "not_liftable",
                     source=temp.source)
    return _gate(pack, service, "lift_loss_at_kiosk")


def _profile(pack: RulePack, service: str) -> Offer:
    fields = pack.rule("editable_fields")
    if not fields.value:
        return Offer(service, False, fields.article, "nothing_editable", source=fields.source)
    return _gate(pack, service, "profile_change_at_kiosk")


_OFFER_RULES: Mapping[str, Callable[[RulePack, str], Offer]] = MappingProxyType({
    "pin_change": _pin("pin_change_self_service"),
    "pin_reset": _pin("pin_reset_at_kiosk"),
    "pin_unblock": _pin("pin_unblock_at_kiosk"),
    "temporary_loss": _loss("temporary", "temporary_loss_at_kiosk"),
    "formal_loss": _loss("formal", "formal_loss_at_kiosk"),
    "lift_loss": _lift,
    "profile_change": _profile,
    "card_status": lambda pack, service: _gate(pack, service, "query_at_kiosk"),
    "progress": lambda pack, service: _gate(pack, service, "query_at_kiosk"),
    "renewal": lambda pack, service: _gate(pack, service, "renewal_at_kiosk"),
})
assert set(_OFFER_RULES) == set(SERVICES)
