"""Diagnostics of the software: its version, and the jurisdiction's rule pack."""

from __future__ import annotations

import datetime as dt
import platform

from .. import __version__
from ..check_results import CheckResult, ok, warning


def check_version(*, name: str = "version") -> CheckResult:
    return ok(name, f"kiosk {__version__} (Python {platform.python_version()})",
              version=__version__, python=platform.python_version(),
              platform=platform.platform(terse=True))


def check_rule_pack(jurisdiction: str, *, today: dt.date | None = None,
                    name: str = "rule_pack") -> CheckResult:
    """The jurisdiction's rule pack loads and validates; its regulation and dates.

    A regulation past its last day in force (``RulePack.lapsed``) or not yet in force is
    a warning: the pack still runs, somebody must get the new one.
    """
    from ..policies import load_pack

    day = today or dt.date.today()
    pack = load_pack(jurisdiction)
    reg = pack.regulation
    until = reg.in_force_until.isoformat() if reg.in_force_until else None
    detail = {"jurisdiction": pack.jurisdiction, "version": pack.version,
              "regulation": {"title": reg.title, "number": reg.number, "article": reg.article,
                             "in_force_from": reg.in_force_from.isoformat()
                             if reg.in_force_from != dt.date.min else None,
                             "in_force_until": until},
              "today": day.isoformat(), "lapsed": pack.lapsed(day),
              "defaults_used": len(pack.defaults_used())}
    head = f"{pack.jurisdiction} rule pack v{pack.version}"
    if pack.lapsed(day):
        days = (day - reg.in_force_until).days
        return warning(name, f"{head}: the regulation lapsed on {until} ({days} days ago); "
                             "the pack still runs, install the new one", **detail)
    if day < reg.in_force_from:
        return warning(name, f"{head}: the regulation is in force only from "
                             f"{reg.in_force_from.isoformat()}", **detail)
    since = detail["regulation"]["in_force_from"]
    span = (f"in force since {since}" if since else "default rules") + \
        (f" until {until}" if until else ", no end date")
    return ok(name, f"{head}: {span}", **detail)
