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
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping

from kiosk.errors import KioskError

PACK_DIR = Path(__file__).resolve().parent
DEFAULT_PACK = "default"
SCHEMA_VERSION = 1

#: the services of the kiosk; ``RulePack.offers(service)`` says whether the pack allows each
SERVICES = ("pin_change", "pin_reset", "pin_unblock", "temporary_loss", "formal_loss", "lift_loss",
            "profile_change", "card_status", "progress", "renewal")

# --- vocabularies -------------------------------------------------------------

REQUIREMENTS = ("card", "identity", "id_document")
LOSS_KINDS = ("temporary", "formal")
#: temporary-loss lifetimes, and the days after which each lifts itself (None: never)
LOSS_DURATIONS: Mapping[str, int | None] = MappingProxyType(
    {"until_lifted": None, "7d": 7, "15d": 15, "long": None})
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


# --- loading and validation -------------------------------------------------------

def jurisdictions() -> list[str]:
    """The jurisdictions with a pack, sorted: ``["hainan", "hubei", "hunan", "sichuan", "xinxiang"]``."""
    return sorted(p.stem for p in PACK_DIR.glob("*.toml") if p.stem != DEFAULT_PACK)


def load_pack(name: str) -> RulePack:
    """Load and validate the pack of ``name`` (a jurisdiction, or ``"default"``: the
    default column alone, used by a back office configured without a jurisdiction)."""
    if type(name) is not str or not _NAME_RE.match(name) \
            or (name != DEFAULT_PACK and name not in jurisdictions()):
        raise PolicyError(f"unknown jurisdiction {name!r}; known: "
                          f"{', '.join(jurisdictions())} (and {DEFAULT_PACK!r})")
    return load_pack_file(PACK_DIR / f"{name}.toml")


def load_pack_file(path: str | Path, *, defaults: str | Path | None = None) -> RulePack:
    """Load and validate the pack in ``path``; its ``{default = true}`` rules come from
    ``defaults`` (the ``default.toml`` beside this module unless given)."""
    path = Path(path)
    defaults_path = Path(defaults) if defaults is not None else PACK_DIR / f"{DEFAULT_PACK}.toml"
    is_default = path.stem == DEFAULT_PACK
    default_rules = None if is_default else _load_rules_only(defaults_path)
    return _build(path, _read(path), default_rules)


def _read(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise PolicyError("rule pack file not found", file=path) from None
    except tomllib.TOMLDecodeError as e:
        raise PolicyError(f"not valid TOML: {e}", file=path) from None


def _load_rules_only(path: Path) -> Mapping[str, Rule]:
    return _build(path, _read(path), None).rules


def _build(path: Path, data: dict[str, Any], default_rules: Mapping[str, Rule] | None) -> RulePack:
    is_default = default_rules is None
    err = lambda msg, key=None: PolicyError(msg, file=path, key=key)  # noqa: E731

    allowed_top = [k for k in _TOP_KEYS if not (is_default and k == "regulation")]
    for k in data:
        if k not in allowed_top:
            raise err("unknown key", k)
    for k in allowed_top:
        if k not in data:
            raise err("missing key", k)
    if data["schema"] != SCHEMA_VERSION or type(data["schema"]) is not int:
        raise err(f"unsupported schema {data['schema']!r}; this kiosk reads schema {SCHEMA_VERSION}",
                  "schema")
    jurisdiction = data["jurisdiction"]
    if type(jurisdiction) is not str or jurisdiction != path.stem:
        raise err(f"must be the file's name {path.stem!r}, got {jurisdiction!r}", "jurisdiction")
    if type(data["version"]) is not str or not data["version"]:
        raise err(f"expected a non-empty string, got {data['version']!r}", "version")

    regulation = (Regulation("默认规则（各地办法未作规定时适用）", "", dt.date.min, None, None)
                  if is_default else _regulation(data["regulation"], err))

    table = data["rules"]
    if type(table) is not dict:
        raise err(f"expected a table, got {_type_name(table)}", "rules")
    for k in table:
        if k not in RULE_KEYS:
            raise err("unknown key", f"rules.{k}")
    rules: dict[str, Rule] = {}
    for key, spec in RULE_KEYS.items():
        if key not in table:
            raise err("missing key (state the value with its article, or "
                      "`{ default = true }` where the regulation is silent)", f"rules.{key}")
        rules[key] = _rule(key, spec, table[key], default_rules, err)
    _check_consistency(rules, err)
    return RulePack(jurisdiction=jurisdiction, version=data["version"], regulation=regulation,
                    rules=MappingProxyType(rules), path=path)


def _article(v: Any, key: str, err) -> str:
    if type(v) is not str or not ARTICLE_RE.match(v):
        raise err(f"expected an article such as \"第14条\", \"第24-25条\" or "
                  f"\"第20条, 第21条\", got {v!r}", key)
    return v


def _regulation(t: Any, err) -> Regulation:
    if type(t) is not dict:
        raise err(f"expected a table, got {_type_name(t)}", "regulation")
    for k in t:
        if k not in _REGULATION_KEYS:
            raise err("unknown key", f"regulation.{k}")
    for k in _REGULATION_KEYS:
        if k not in t:
            raise err("missing key", f"regulation.{k}")
    for k in ("title", "number", "text"):
        if type(t[k]) is not str or not t[k]:
            raise err(f"expected a non-empty string, got {t[k]!r}", f"regulation.{k}")
    start, until = t["in_force_from"], t["in_force_until"]
    if type(start) is not dt.date:
        raise err(f"expected a date (YYYY-MM-DD), got {start!r}", "regulation.in_force_from")
    if until == "none":
        until = None
    elif type(until) is not dt.date:
        raise err(f"expected a date (YYYY-MM-DD) or \"none\", got {until!r}",
                  "regulation.in_force_until")
    elif until < start:
        raise err("ends before it starts", "regulation.in_force_until")
    return Regulation(t["title"], t["number"], start, until,
                      _article(t["article"], "regulation.article", err), t["text"])


def _rule(key: str, spec: _Spec, entry: Any, default_rules: Mapping[str, Rule] | None, err) -> Rule:
    name = f"rules.{key}"
    is_default_file = default_rules is None
    if type(entry) is not dict:
        raise err("expected a table such as { value = ..., article = \"第N条\" } or "
                  f"{{ default = true }}, got {_type_name(entry)} {entry!r}", name)
    for f in entry:
        if f not in _ENTRY_FIELDS:
            raise err(f"unknown field '{f}' (fields: {', '.join(_ENTRY_FIELDS)})", name)
    forms = [f for f in ("value", "none", "default") if f in entry]
    if len(forms) != 1:
        raise err("give exactly one of `value = ...`, `none = true`, `default = true`", name)
    form = forms[0]
    if form in ("none", "default") and entry[form] is not True:
        raise err(f"`{form}` may only be true", name)
    if is_default_file and form == "default":
        raise err("the default pack states every value itself", name)
    note = entry.get("note")
    if note is not None and (type(note) is not str or not note.strip()):
        raise err("note must be a non-empty string", name)
    see = _article(entry["see"], f"{name}.see", err) if "see" in entry else None

    if form == "default":
        for f in ("article", "refer_to"):
            if f in entry:
                raise err(f"a default rule takes no `{f}` (it comes from the default pack; "
                          "name the articles read with `see`)", name)
        base = default_rules[key]
        return Rule(key, base.value, None, SOURCE_DEFAULT, see, note or base.note, base.refer_to)

    if is_default_file:
        if "article" in entry or "see" in entry:
            raise err("the default pack cites no article", name)
        article = None
    else:
        if "article" not in entry:
            raise err("missing `article` (the article that says this; use `{ default = true }` "
                      "where the regulation is silent)", name)
        article = _article(entry["article"], f"{name}.article", err)

    if form == "none":
        if not spec.nullable:
            raise err("wrong type: this rule cannot be none", name)
        value = None
    else:
        try:
            value = spec.check(entry["value"])
        except _Bad as e:
            raise err(f"wrong type: {e}", name) from None

    refer_to: tuple[str, ...] = ()
    if "refer_to" in entry:
        if not spec.kiosk_gate or value is not False:
            raise err("`refer_to` belongs only to an *_at_kiosk rule that is false", name)
        try:
            refer_to = tuple(_subset(CHANNELS, nonempty=True)(entry["refer_to"]))
        except _Bad as e:
            raise err(f"refer_to: {e}", name) from None
    source = SOURCE_DEFAULT if is_default_file else SOURCE_REGULATION
    return Rule(key, value, article, source, see, note, refer_to)


def _check_consistency(rules: Mapping[str, Rule], err) -> None:
    v = {k: r.value for k, r in rules.items()}

    def need(cond: bool, key: str, msg: str) -> None:
        if not cond:
            raise err(f"inconsistent: {msg}", f"rules.{key}")

    if v["pin_in_use"]:
        need(v["pin_max_tries"] is not None, "pin_max_tries", "a PIN in use needs a try count")
        need(bool(v["pin_reset_requires"]), "pin_reset_requires", "say what a PIN reset needs")
        need(bool(v["pin_unblock_requires"]), "pin_unblock_requires",
             "say what a PIN unblock needs")
    else:
        need(v["pin_max_tries"] is None, "pin_max_tries", "no PIN in use, so no try count")
        for k in ("pin_change_self_service", "pin_reset_at_kiosk", "pin_unblock_at_kiosk"):
            need(v[k] is False, k, "no PIN in use, so no PIN service at the kiosk")
        for k in ("pin_reset_requires", "pin_unblock_requires"):
            need(v[k] == [], k, "no PIN in use, so nothing to require")
    has_temp = "temporary" in v["loss_kinds"]
    need(bool(v["temporary_loss_durations"]) == has_temp, "temporary_loss_durations",
         "durations are given exactly when temporary loss exists")
    if not has_temp:
        need(not v["temporary_loss_at_kiosk"], "temporary_loss_at_kiosk", "no temporary loss kind")
        need(not v["lift_temporary_loss_allowed"], "lift_temporary_loss_allowed",
             "no temporary loss kind")
    if "formal" not in v["loss_kinds"]:
        need(not v["formal_loss_at_kiosk"], "formal_loss_at_kiosk", "no formal loss kind")
        need(not v["lift_formal_loss_allowed"], "lift_formal_loss_allowed", "no formal loss kind")
        need(not v["replacement_requires_formal_loss"], "replacement_requires_formal_loss",
             "no formal loss kind")
    need(set(v["renewal_reasons_at_kiosk"]) <= set(v["renewal_reasons"]),
         "renewal_reasons_at_kiosk", "every reason at the kiosk must be a renewal reason")
    need(bool(v["renewal_reasons_at_kiosk"]) == v["renewal_at_kiosk"], "renewal_reasons_at_kiosk",
         "reasons at the kiosk are given exactly when renewal is at the kiosk")
    need(set(v["fee_waived_reasons"]) - {"hardship"} <= set(v["renewal_reasons"]),
         "fee_waived_reasons", "a waived reason must be a renewal reason (or hardship)")
    need((v["fast_production_days"] is None) == (v["fast_production_unit"] is None),
         "fast_production_unit", "a fast production time needs its unit, and only then")
    if v["fast_production_days"] is not None:
        need(v["fast_production_days"] <= v["production_working_days"], "fast_production_days",
             "fast production cannot be slower than ordinary production")
    need(v["production_stages"][0] == "accepted" and v["production_stages"][-1] == "collected",
         "production_stages", "stages run from accepted to collected")
