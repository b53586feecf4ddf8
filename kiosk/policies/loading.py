"""Loading a rule pack: read the TOML, check every key against :data:`RULE_KEYS`,
fill ``{default = true}`` rules from ``default.toml``, and check the rules agree
with each other. Any problem is a :class:`PolicyError` naming the file and the key
(``pack.py`` describes the file format).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from .pack import (_ENTRY_FIELDS, _NAME_RE, _REGULATION_KEYS, _TOP_KEYS, ARTICLE_RE, CHANNELS,
                   DEFAULT_PACK, PACK_DIR, RULE_KEYS, SCHEMA_VERSION, SOURCE_DEFAULT,
                   SOURCE_REGULATION, PolicyError, Regulation, Rule, RulePack, _Bad, _Spec,
                   _subset, _type_name)

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
