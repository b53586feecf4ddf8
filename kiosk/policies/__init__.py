"""Jurisdiction rule packs (``kiosk/policies/<jurisdiction>.toml``), loaded and validated at start-up.

Used by the kiosk (to show only offered services, with the article that says why)
and by the reference back office (to enforce the same rules). See ``pack.py`` for
the file format and ``docs/policies.md`` for every reading of the regulations.
"""

from .pack import (
    ARTICLE_RE,
    CHANNELS,
    EDITABLE_FIELDS,
    FEE_WAIVED_REASONS,
    KEY_FIELDS,
    LOSS_DURATIONS,
    LOSS_KINDS,
    PRODUCTION_STAGES,
    RENEWAL_REASONS,
    REQUIREMENTS,
    RULE_KEYS,
    SERVICES,
    Offer,
    PolicyError,
    Regulation,
    Rule,
    RulePack,
)
from .loading import jurisdictions, load_pack, load_pack_file

__all__ = [
    "ARTICLE_RE", "CHANNELS", "EDITABLE_FIELDS", "FEE_WAIVED_REASONS", "KEY_FIELDS",
    "LOSS_DURATIONS", "LOSS_KINDS", "PRODUCTION_STAGES", "RENEWAL_REASONS", "REQUIREMENTS",
    "RULE_KEYS", "SERVICES", "Offer", "PolicyError", "Regulation", "Rule", "RulePack",
    "jurisdictions", "load_pack", "load_pack_file",
]
