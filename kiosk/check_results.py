"""The diagnostics' results: one :class:`CheckResult` per line, and their overall status.

Every check (:mod:`kiosk.checks`, :mod:`devices.diagnostics`) answers with
:func:`ok`, :func:`warning` or :func:`fail`; :func:`overall` folds the results into
one status (``kiosk diag`` exits 1 when it is ``fail``); :func:`report_json` is what
``kiosk diag --json`` prints.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

OK = "ok"
WARNING = "warning"
FAIL = "fail"
STATUSES = (OK, WARNING, FAIL)
_RANK = {OK: 0, WARNING: 1, FAIL: 2}


@dataclass(frozen=True)
class CheckResult:
    """One line of the diagnostics: ``status`` is ``ok``, ``warning`` or ``fail``;
    ``summary`` is one English sentence for the technician; ``detail`` holds the
    measurements (JSON values only); ``ms`` how long the check took."""

    name: str
    status: str
    summary: str
    detail: dict[str, Any] = field(default_factory=dict)
    ms: float | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {self.status!r}")
        # one line, always: the CLI prints one line per check
        object.__setattr__(self, "summary", " ".join(str(self.summary).split()))
        json.dumps(self.detail)  # TypeError now, in the check, rather than when printing

    @property
    def ok(self) -> bool:
        """True unless the check failed (a warning is still ok)."""
        return self.status != FAIL

    def to_json_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "summary": self.summary,
                "detail": self.detail, "ms": None if self.ms is None else round(self.ms, 1)}


def ok(name: str, summary: str, **detail: Any) -> CheckResult:
    return CheckResult(name, OK, summary, detail)


def warning(name: str, summary: str, **detail: Any) -> CheckResult:
    return CheckResult(name, WARNING, summary, detail)


def fail(name: str, summary: str, **detail: Any) -> CheckResult:
    return CheckResult(name, FAIL, summary, detail)


def overall(results: Iterable[CheckResult]) -> str:
    """``fail`` if any check failed, else ``warning`` if any warned, else ``ok``."""
    worst = OK
    for r in results:
        if _RANK[r.status] > _RANK[worst]:
            worst = r.status
    return worst


def report_json(results: Sequence[CheckResult]) -> dict[str, Any]:
    """What ``kiosk diag --json`` prints: ``{"ok", "status", "checks": [...]}``."""
    status = overall(results)
    return {"ok": status != FAIL, "status": status, "checks": [r.to_json_dict() for r in results]}


def one_line(exc: BaseException) -> str:
    """An exception's message on one line, at most 200 characters (for a summary)."""
    text = " ".join(str(exc).split())
    return text[:200] if text else ""
