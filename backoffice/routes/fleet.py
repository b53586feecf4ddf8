"""The operator's endpoints: ``GET /metrics`` (Prometheus) and ``GET /fleet`` (a status page).

Read by the operator's monitoring, not by kiosks: unsigned, and registered
only when :attr:`BackOfficeConfig.fleet_exposed` (``expose_fleet``; by default
in demo and test mode). A production server that exposes them keeps them
behind its TLS terminator's access rules (docs/fleet.md). Both show kiosk ids,
versions and counts, never personal data.
"""

from __future__ import annotations

import html

from flask import Blueprint, Response

from .. import db
from ..app import now, state
from ..auth import public
from ..config import iso_utc
from ..fleet import METRICS_CONTENT_TYPE, KioskState, fleet_state, metrics_text

bp = Blueprint("fleet", __name__)

#: the status page reloads itself this often (seconds)
PAGE_REFRESH_S = 15


def current_fleet() -> list[KioskState]:
    st = state()
    return fleet_state(db.session(), now=now(), down_after_s=st.config.down_after_s,
                       registered=st.known_kiosks)


@bp.get("/metrics")
@public
def metrics():
    st = state()
    text = metrics_text(current_fleet(), st.outcomes.snapshot(),
                        down_after_s=st.config.down_after_s)
    return Response(text, content_type=METRICS_CONTENT_TYPE,
                    headers={"Cache-Control": "no-store"})


@bp.get("/fleet")
@public
def fleet_page():
    st = state()
    page = render_page(current_fleet(), as_of=iso_utc(now()),
                       down_after_s=st.config.down_after_s, jurisdiction=st.rules.jurisdiction)
    return Response(page, content_type="text/html; charset=utf-8",
                    headers={"Cache-Control": "no-store"})


def render_page(kiosks: list[KioskState], *, as_of: str, down_after_s: float,
                jurisdiction: str) -> str:
    """One table, down kiosks first; every value HTML-escaped; no script."""
    e = html.escape
    up = sum(1 for k in kiosks if k.up)
    rows = []
    for k in sorted(kiosks, key=lambda k: (k.up, k.kiosk_id)):
        status = "up" if k.up else "down"
        age = "never" if k.age_s is None else f"{_duration(k.age_s)} ago"
        backlog = "" if k.journal_backlog is None else str(k.journal_backlog)
        rows.append(
            f'<tr class="{status}"><td>{e(k.kiosk_id)}</td><td>{status}</td>'
            f"<td>{e(age)}</td><td>{e(k.software_version or '')}</td>"
            f"<td>{e(backlog)}</td><td>{e(_journal(k))}</td>"
            f"<td>{e(', '.join(k.devices_not_ok))}</td></tr>")
    body = "\n".join(rows) or '<tr><td colspan="7">no kiosk has sent a heartbeat</td></tr>'
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="{PAGE_REFRESH_S}">
<title>Kiosk fleet: {up} up, {len(kiosks) - up} down</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #999; padding: 0.3em 0.7em; text-align: left; }}
tr.down td {{ background: #fdd; }}
tr.up td:nth-child(2) {{ color: #060; }}
</style>
</head>
<body>
<h1>Kiosk fleet ({e(jurisdiction)})</h1>
<p>{up} up, {len(kiosks) - up} down. A kiosk is down when its last heartbeat is older
than {_duration(down_after_s)}. As of {e(as_of)}; this page reloads every
{PAGE_REFRESH_S} s.</p>
<table>
<thead><tr><th>kiosk</th><th>status</th><th>last heartbeat</th><th>version</th>
<th>journal backlog</th><th>journal</th><th>devices not ok</th></tr></thead>
<tbody>
{body}
</tbody>
</table>
</body>
</html>
"""


def _journal(k: KioskState) -> str:
    """``ok``, ``unwritable: disk_full`` (out of service), ``replaced``; empty: not reported."""
    if k.journal is None:
        return ""
    return f"{k.journal}: {k.journal_reason}" if k.journal_reason else k.journal


def _duration(seconds: float) -> str:
    """``42 s``, ``3 min 5 s``, ``2 h``, ``3 d 1 h``: readable at a glance."""
    s = int(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        big, unit, rest, small = s // 60, "min", s % 60, "s"
    elif s < 86400:
        big, unit, rest, small = s // 3600, "h", s % 3600 // 60, "min"
    else:
        big, unit, rest, small = s // 86400, "d", s % 86400 // 3600, "h"
    return f"{big} {unit}" + (f" {rest} {small}" if rest else "")
