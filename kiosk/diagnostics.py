"""Diagnostics: is this kiosk healthy? One engine for ``kiosk diag`` and the maintenance screen.

A :class:`Check` is a name and a function that returns one :class:`CheckResult`
(or several: the PC/SC check adds one per reader). :func:`run_checks` runs
checks side by side, each bounded by its own ``timeout_s``; a check that raises
becomes a ``fail`` naming the exception's type, a check that hangs becomes a
``fail`` saying so (its thread is left behind as a daemon), so the caller always
gets an answer in bounded time and never a traceback. :func:`overall` folds the
results into one status; ``kiosk diag`` exits 1 when it is ``fail``.

The checks here need no hardware (no Qt, no pyscard): the back office and its
TLS certificate, disk space, the journal and its outbox, the software version,
the rule pack, speech output. The hardware checks (PC/SC, readers, the card,
the camera) are in :mod:`devices.diagnostics`. Every threshold is a module
constant and is described in ``docs/diagnostics.md``.

Nothing here reads or prints personal data: the journal check counts rows, the
back office check calls the unsigned ``GET /v1/health`` only.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import wave
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence
from urllib.parse import urlsplit

from . import __version__
from .backoffice_types import time_or_none
from .signing import MAX_CLOCK_SKEW_S

OK = "ok"
WARNING = "warning"
FAIL = "fail"
STATUSES = (OK, WARNING, FAIL)
_RANK = {OK: 0, WARNING: 1, FAIL: 2}

#: a check that has not answered within this many seconds is a ``fail``
DEFAULT_CHECK_TIMEOUT_S = 15.0

# back office
BACKOFFICE_CONNECT_TIMEOUT_S = 3.0
BACKOFFICE_READ_TIMEOUT_S = 5.0
#: above this clock difference (seconds) the check warns ...
SKEW_WARN_S = 30.0
#: ... and above this one it fails: the back office refuses signatures this far off
SKEW_FAIL_S = MAX_CLOCK_SKEW_S

# TLS
TLS_WARN_DAYS = 30

# disk
DISK_WARN_FREE_BYTES = 1024 ** 3          # 1 GiB
DISK_FAIL_FREE_BYTES = 100 * 1024 ** 2    # 100 MiB

# speech: the voices and speeds of ui/speech.py (tests/kiosk/test_diagnostics.py keeps them equal)
ESPEAK = "espeak-ng"
SPEECH_VOICES = {"zh_CN": "cmn", "en": "en"}
SPEECH_SPEEDS = {"zh_CN": 160, "en": 140}
SPEECH_SAMPLES = {"zh_CN": "欢迎使用社会保障卡自助服务终端。", "en": "Welcome to the social security card kiosk."}
SPEECH_TIMEOUT_S = 10.0


# --- results ------------------------------------------------------------------------------

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


# --- running ---------------------------------------------------------------------------------

CheckFunction = Callable[[], "CheckResult | list[CheckResult]"]


@dataclass(frozen=True)
class Check:
    """A named check; ``run`` returns one result or a list (possibly empty)."""

    name: str
    run: CheckFunction
    timeout_s: float = DEFAULT_CHECK_TIMEOUT_S


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] if text else ""


def _crashed(name: str, exc: BaseException) -> CheckResult:
    message = _one_line(exc)
    return fail(name, f"the check failed: {type(exc).__name__}" + (f": {message}" if message else ""),
                error=type(exc).__name__, code=getattr(exc, "code", None))


class _Running:
    """One check on its own daemon thread (a hung check never keeps the process alive)."""

    def __init__(self, check: Check):
        self.check = check
        self.results: list[CheckResult] | None = None
        self.done = threading.Event()
        self.started = time.monotonic()
        self.thread = threading.Thread(target=self._run, name=f"diag:{check.name}", daemon=True)

    def start(self) -> "_Running":
        self.started = time.monotonic()
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            out = self.check.run()
            results = [out] if isinstance(out, CheckResult) else list(out)
            if not all(isinstance(r, CheckResult) for r in results):
                raise TypeError(f"check {self.check.name} returned {type(out).__name__}")
        except BaseException as exc:  # noqa: BLE001 - a check never crashes the diagnostics
            results = [_crashed(self.check.name, exc)]
        ms = (time.monotonic() - self.started) * 1000
        self.results = [r if r.ms is not None else replace(r, ms=ms) for r in results]
        self.done.set()

    def wait(self) -> list[CheckResult]:
        left = self.started + self.check.timeout_s - time.monotonic()
        if self.done.wait(max(0.0, left)) and self.results is not None:
            return self.results
        return [CheckResult(self.check.name, FAIL,
                            f"the check did not finish within {self.check.timeout_s:g} s",
                            {"timeout_s": self.check.timeout_s},
                            ms=(time.monotonic() - self.started) * 1000)]


def run_check(check: Check) -> list[CheckResult]:
    """Run one check (bounded by its ``timeout_s``): its results, never an exception."""
    return _Running(check).start().wait()


def run_checks(checks: Iterable[Check]) -> list[CheckResult]:
    """Run ``checks`` side by side, each bounded by its own ``timeout_s``; results in
    the order of the checks (a check with several results keeps their order)."""
    running = [_Running(c).start() for c in checks]
    results: list[CheckResult] = []
    for r in running:
        results.extend(r.wait())
    return results


# --- the back office -----------------------------------------------------------------------

_UNREACHABLE_REASONS = {
    "connect": "cannot connect",
    "connect_timeout": f"no connection within {BACKOFFICE_CONNECT_TIMEOUT_S:g} s",
    "read_timeout": f"no answer within {BACKOFFICE_READ_TIMEOUT_S:g} s",
    "deadline": f"no whole answer within {BACKOFFICE_READ_TIMEOUT_S:g} s (it is too slow)",
    "connection_lost": "the connection was lost",
    "tls": "TLS failed: a certificate was refused, ours or its",
}


def check_backoffice(url: str, *, ca_bundle: str | None = None,
                     client_cert: str | tuple[str, str] | None = None,
                     expect_jurisdiction: str | None = None,
                     clock: Callable[[], float] = time.time,
                     name: str = "backoffice") -> CheckResult:
    """``GET /v1/health`` (unsigned): reachable? latency, clock skew, the policy it runs.

    Uses the kiosk's own :class:`~kiosk.backoffice_client.BackOfficeClient` (same TLS
    verification and proxy rules as the services), with one attempt. The skew is the
    back office's ``time`` minus the local clock at the middle of the request; the
    server gives whole seconds, so it is known to about a second.
    """
    from .backoffice_client import BackOfficeClient
    from .errors import BackOfficeError, BackOfficeUnavailable

    detail: dict[str, Any] = {"url": url}
    try:
        client = BackOfficeClient(url, "diagnostics", b"unused: health is unsigned",
                                  ca_bundle=ca_bundle, client_cert=client_cert,
                                  connect_timeout=BACKOFFICE_CONNECT_TIMEOUT_S,
                                  read_timeout=BACKOFFICE_READ_TIMEOUT_S,
                                  deadline_s=BACKOFFICE_READ_TIMEOUT_S, max_attempts=1,
                                  clock=clock)
    except ValueError as exc:
        return fail(name, f"back office URL refused: {exc}", **detail)
    with client:
        sent_at = clock()
        started = time.monotonic()
        try:
            health = client.health()
        except BackOfficeUnavailable as exc:
            reason = (exc.details or {}).get("reason") or (
                f"HTTP {exc.http_status}" if getattr(exc, "http_status", None) else exc.code)
            why = _UNREACHABLE_REASONS.get(reason, str(reason))
            return fail(name, f"back office unreachable at {url} ({why})",
                        **detail, error=exc.code, reason=reason)
        except BackOfficeError as exc:
            return fail(name, f"back office at {url} answered badly: {exc}", **detail,
                        error=exc.code)
        latency_ms = (time.monotonic() - started) * 1000
        received_at = clock()
    detail["latency_ms"] = round(latency_ms, 1)
    detail["status"] = health.get("status")
    policy = health.get("policy") or {}
    detail["policy"] = {"jurisdiction": policy.get("jurisdiction"), "version": policy.get("version")}
    server_time = time_or_none(health.get("time"))
    if server_time is None:
        return warning(name, f"back office reachable ({latency_ms:.0f} ms) but its time "
                             f"{health.get('time')!r} cannot be read", **detail)
    # +0.5: the server truncates to the second, so this centres the error on zero
    skew = server_time.timestamp() + 0.5 - (sent_at + received_at) / 2
    detail["server_time"] = health.get("time")
    detail["clock_skew_s"] = round(skew, 1)
    where = f"{policy.get('jurisdiction')} rules v{policy.get('version')}"
    line = f"back office reachable, {latency_ms:.0f} ms, clock skew {skew:+.0f} s, {where}"
    if abs(skew) > SKEW_FAIL_S:
        return fail(name, f"clock skew {skew:+.0f} s with the back office (over {SKEW_FAIL_S} s: "
                          f"it refuses this kiosk's requests); set the clock", **detail)
    if abs(skew) > SKEW_WARN_S:
        return warning(name, f"{line}: the clock is off by over {SKEW_WARN_S:g} s", **detail)
    if health.get("status") != "ok":
        return warning(name, f"back office reachable but reports status {health.get('status')!r}",
                       **detail)
    if expect_jurisdiction and policy.get("jurisdiction") != expect_jurisdiction:
        return warning(name, f"{line}; this kiosk runs the {expect_jurisdiction} rules", **detail)
    return ok(name, line, **detail)


def _names(name) -> str:
    return name.rfc4514_string()


def _certificate_detail(der: bytes) -> dict[str, Any]:
    """Subject, issuer, validity and names of a DER certificate (any, verified or not)."""
    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    out: dict[str, Any] = {
        "subject": _names(cert.subject), "issuer": _names(cert.issuer),
        "not_before": cert.not_valid_before_utc.isoformat(),
        "not_after": cert.not_valid_after_utc.isoformat(),
        "serial": format(cert.serial_number, "X"),
    }
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        out["names"] = [str(v) for v in san.get_values_for_type(x509.DNSName)] + \
                       [str(v) for v in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        out["names"] = []
    return out


def _peer_certificate(host: str, port: int, context: ssl.SSLContext, timeout: float) -> bytes:
    with socket.create_connection((host, port), timeout=timeout) as raw:
        with context.wrap_socket(raw, server_hostname=host) as tls:
            der = tls.getpeercert(binary_form=True)
    if not der:
        raise ssl.SSLError("the server sent no certificate")
    return der


def _load_client_cert(context: ssl.SSLContext, client_cert: str | tuple[str, str] | None) -> None:
    if isinstance(client_cert, tuple):
        context.load_cert_chain(*client_cert)
    elif client_cert:
        context.load_cert_chain(client_cert)


def check_tls(url: str, *, ca_bundle: str | None = None,
              client_cert: str | tuple[str, str] | None = None,
              timeout: float = BACKOFFICE_CONNECT_TIMEOUT_S,
              now: Callable[[], dt.datetime] | None = None,
              name: str = "backoffice_tls") -> CheckResult:
    """The back office's TLS certificate: verified against ``ca_bundle`` (or the system CAs),
    its subject, issuer and last day; ``warning`` within :data:`TLS_WARN_DAYS` of that day,
    ``fail`` when it has expired, is not valid yet, or cannot be verified.

    The handshake is the ``ssl`` module's; when verification fails the certificate is
    fetched once more without verification, only to say what it is. ``client_cert``
    (a PEM with the key, or ``(cert, key)``) is offered when the server asks for one.
    """
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return ok(name, f"not https ({url}): no certificate to check", url=url)
    host, port = parts.hostname, parts.port or 443
    detail: dict[str, Any] = {"url": url, "host": host, "port": port, "ca_bundle": ca_bundle}
    verified_context = ssl.create_default_context(cafile=ca_bundle)
    _load_client_cert(verified_context, client_cert)
    problem: str | None = None
    try:
        der = _peer_certificate(host, port, verified_context, timeout)
    except ssl.SSLCertVerificationError as exc:
        problem = exc.verify_message or _one_line(exc)
        loose = ssl.create_default_context()
        loose.check_hostname = False
        loose.verify_mode = ssl.CERT_NONE
        _load_client_cert(loose, client_cert)
        try:
            der = _peer_certificate(host, port, loose, timeout)
        except (OSError, ssl.SSLError) as again:
            return fail(name, f"TLS certificate of {host}:{port} not verifiable ({problem}); "
                              f"then the server could not be read ({_one_line(again)})",
                        **detail, verified=False, problem=problem)
    except ssl.SSLError as exc:
        return fail(name, f"TLS handshake with {host}:{port} failed ({exc.reason or _one_line(exc)})",
                    **detail)
    except OSError as exc:
        return fail(name, f"cannot reach {host}:{port} to check its TLS certificate "
                          f"({exc.strerror or type(exc).__name__})", **detail)
    cert = _certificate_detail(der)
    detail.update(cert, verified=problem is None, problem=problem)
    moment = (now or (lambda: dt.datetime.now(dt.timezone.utc)))()
    not_after = dt.datetime.fromisoformat(cert["not_after"])
    not_before = dt.datetime.fromisoformat(cert["not_before"])
    days_left = (not_after - moment).total_seconds() / 86400
    detail["days_left"] = round(days_left, 1)
    last_day = not_after.date().isoformat()
    if days_left < 0:
        return fail(name, f"TLS certificate of {host} expired on {last_day} "
                          f"({-days_left:.0f} days ago)", **detail)
    if moment < not_before:
        return fail(name, f"TLS certificate of {host} is not valid before "
                          f"{not_before.date().isoformat()}", **detail)
    if problem is not None:
        return fail(name, f"TLS certificate of {host} not verifiable: {problem} "
                          f"(issuer {cert['issuer']})", **detail)
    if days_left < TLS_WARN_DAYS:
        return warning(name, f"TLS certificate of {host} expires in {days_left:.0f} days "
                             f"({last_day}); renew it", **detail)
    return ok(name, f"TLS certificate of {host} valid until {last_day} ({days_left:.0f} days), "
                    f"issued by {cert['issuer']}", **detail)


# --- disk -------------------------------------------------------------------------------------

def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"  # pragma: no cover


def check_disk(data_dir: str | os.PathLike, *, warn_free_bytes: int = DISK_WARN_FREE_BYTES,
               fail_free_bytes: int = DISK_FAIL_FREE_BYTES, name: str = "disk") -> CheckResult:
    """Free space where the kiosk writes (its data directory, or the nearest existing parent
    when it does not exist yet); ``fail`` too when the directory is not writable."""
    path = Path(data_dir).expanduser().absolute()
    measured = path
    while not measured.exists() and measured != measured.parent:
        measured = measured.parent
    usage = shutil.disk_usage(measured)
    detail = {"path": str(path), "exists": path.exists(), "measured_path": str(measured),
              "free_bytes": usage.free, "total_bytes": usage.total,
              "free_pct": round(100 * usage.free / usage.total, 1) if usage.total else 0.0,
              "warn_below_bytes": warn_free_bytes, "fail_below_bytes": fail_free_bytes}
    line = (f"{_size(usage.free)} free of {_size(usage.total)} ({detail['free_pct']:.0f} %) "
            f"at {path}" + ("" if path.exists() else " (not created yet)"))
    if not os.access(measured, os.W_OK):
        return fail(name, f"{measured} is not writable by this user", **detail, writable=False)
    detail["writable"] = True
    if usage.free < fail_free_bytes:
        return fail(name, f"disk almost full: {line}", **detail)
    if usage.free < warn_free_bytes:
        return warning(name, f"disk space low: {line}", **detail)
    return ok(name, line, **detail)


# --- the journal -----------------------------------------------------------------------------

def _schema_version_read_only(path: Path) -> int:
    """The journal file's schema version, read without migrating or writing anything
    (0: no schema table). Raises ``sqlite3.DatabaseError`` for a file that is not SQLite."""
    import sqlite3
    from contextlib import closing

    from .journal import schema

    uri = path.resolve().as_uri() + "?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=schema.BUSY_TIMEOUT_MS / 1000)) as conn:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                            "AND name = 'schema_version'").fetchone():
            return 0
        return conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0


def check_journal(path: str | os.PathLike, *, name: str = "journal") -> CheckResult:
    """The journal opens; how many attempts it holds, the outbox's backlog (requests not
    yet delivered) and how many were given up. A missing journal is a warning (the kiosk
    has not run here yet): this check never creates one, and never migrates one (a
    journal of an older schema is a warning: ``kiosk journal migrate`` backs it up first).

    A damaged journal, or one that cannot be written (a full disk: the kiosk then starts
    no service), fails; damaged journals moved aside at a start and still kept beside it
    are a warning (their pending requests cannot be replayed; ``docs/journal.md``).

    To deliver the backlog now (the maintenance screen's replay button), call
    :meth:`kiosk.journal.Outbox.replay` with a back-office client.
    """
    import sqlite3

    from .errors import JournalUnavailable
    from .journal import SCHEMA_VERSION, Journal, Outbox
    from .journal.health import probe, unavailable_from
    from .journal.recovery import damage_of, kept_damaged

    path = Path(path).expanduser()
    if not path.exists():
        return warning(name, f"no journal at {path} (the kiosk has not run here yet)",
                       path=str(path), exists=False)
    damage = damage_of(path)
    if damage is not None:
        return fail(name, f"the journal at {path} is damaged ({damage}): the kiosk moves it "
                          "aside and starts a fresh one at its next start; the requests still "
                          "pending in it cannot be replayed", path=str(path), exists=True,
                    damaged=damage)
    try:
        version = _schema_version_read_only(path)
    except sqlite3.OperationalError as exc:   # SQLite cannot even read it (a full disk)
        return _unwritable(name, unavailable_from(exc, str(path)), path=str(path), exists=True,
                           writable=False)
    if version > SCHEMA_VERSION:
        return fail(name, f"the journal at {path} has schema v{version}, newer than this "
                          f"software's v{SCHEMA_VERSION}", path=str(path), exists=True,
                    schema_version=version)
    if version < SCHEMA_VERSION:
        return warning(name, f"the journal at {path} has schema v{version}, this software "
                             f"v{SCHEMA_VERSION}: it is migrated when the kiosk starts",
                       path=str(path), exists=True, schema_version=version)
    try:
        with Journal(path) as journal:
            outbox = Outbox(journal)
            counts = journal.summary()
            backlog = outbox.backlog()
            gave_up = outbox.gave_up_count()
            pending = outbox.entries("pending") if backlog else []
            recent = journal.recent(1)
            schema_version = journal.schema_version
            trouble = probe(journal)
    except JournalUnavailable as exc:
        return _unwritable(name, exc, path=str(path), exists=True, writable=False)
    kept = [p.name for p in kept_damaged(path)]
    attempts = sum(sum(by.values()) for by in counts.values())
    open_attempts = sum(by.get("open", 0) for by in counts.values())
    detail: dict[str, Any] = {
        "path": str(path), "exists": True, "schema_version": schema_version,
        "attempts": attempts, "open_attempts": open_attempts,
        "last_attempt_at": recent[0].started_at.isoformat() if recent and recent[0].started_at else None,
        "outbox_backlog": backlog, "outbox_gave_up": gave_up,
        "writable": trouble is None, "damaged_kept": kept,
    }
    if pending:
        oldest = min(e.created_at for e in pending)
        detail["oldest_pending_at"] = oldest.isoformat()
        detail["oldest_pending_age_s"] = round(
            (dt.datetime.now(dt.timezone.utc) - oldest).total_seconds())
    line = f"{attempts} attempts, outbox backlog {backlog}, given up {gave_up}"
    if trouble is not None:
        return _unwritable(name, trouble, **detail)
    if kept:
        return warning(name, f"{line}; {len(kept)} damaged journal(s) kept beside it "
                             f"({', '.join(kept)}): requests still pending in them cannot be "
                             "replayed; check them with the back office, then remove the "
                             "file(s)", **detail)
    if gave_up:
        return warning(name, f"{line}: {gave_up} request(s) were given up, their outcome is "
                             "unknown (see docs/outbox.md)", **detail)
    if backlog:
        age = detail["oldest_pending_age_s"]
        return warning(name, f"{line}: {backlog} request(s) wait for the back office "
                             f"(oldest {age // 60} min)", **detail)
    return ok(name, line, **detail)


def _unwritable(name: str, trouble, **detail: Any) -> CheckResult:
    detail["unwritable_reason"] = trouble.reason
    return fail(name, f"the journal cannot be written ({trouble.reason.replace('_', ' ')}): the "
                      "kiosk is out of service and starts no service until it can; it checks "
                      "again by itself", **detail)


# --- version, rule pack --------------------------------------------------------------------

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
    from .policies import load_pack

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


# --- speech ----------------------------------------------------------------------------------

def _wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate() or 1)


def check_speech(*, executable: str = ESPEAK, timeout: float = SPEECH_TIMEOUT_S,
                 name: str = "speech") -> CheckResult:
    """espeak-ng is installed and synthesises a sentence in each kiosk voice (to a WAV
    file: this proves the voices, not the loudspeaker). Missing espeak-ng is a warning:
    the kiosk runs silent."""
    exe = executable if "/" in executable else shutil.which(executable)
    if not exe or not os.access(exe, os.X_OK):
        return warning(name, f"{executable} is not installed: the kiosk cannot speak",
                       executable=executable, installed=False)
    voices: dict[str, Any] = {}
    problems = []
    with tempfile.TemporaryDirectory(prefix="ssc-diag-speech-") as tmp:
        for language, voice in SPEECH_VOICES.items():
            out = Path(tmp) / f"{language}.wav"
            args = [exe, "-v", voice, "-s", str(SPEECH_SPEEDS[language]), "-b", "1",
                    "--stdin", "-w", str(out)]
            try:
                proc = subprocess.run(args, input=SPEECH_SAMPLES[language].encode("utf-8"),
                                      capture_output=True, timeout=timeout)
                seconds = _wav_seconds(out) if proc.returncode == 0 and out.exists() else 0.0
            except subprocess.TimeoutExpired:
                voices[language] = {"voice": voice, "ok": False, "error": f"timeout {timeout:g} s"}
                problems.append(f"{voice}: no result within {timeout:g} s")
                continue
            except (OSError, wave.Error, EOFError) as exc:
                voices[language] = {"voice": voice, "ok": False, "error": type(exc).__name__}
                problems.append(f"{voice}: {type(exc).__name__}")
                continue
            good = proc.returncode == 0 and seconds > 0.2
            voices[language] = {"voice": voice, "ok": good, "seconds": round(seconds, 2)}
            if not good:
                err = " ".join(proc.stderr.decode("utf-8", "replace").split())[:120]
                voices[language]["error"] = err or f"exit {proc.returncode}"
                problems.append(f"{voice}: {voices[language]['error']}")
    detail = {"executable": exe, "installed": True, "voices": voices}
    if problems:
        return fail(name, f"speech synthesis fails ({'; '.join(problems)})", **detail)
    said = ", ".join(f"{v['voice']} {v['seconds']:.1f} s" for v in voices.values())
    return ok(name, f"{ESPEAK} speaks ({said}; written to a file, not played)", **detail)


# --- the kiosk's own checks, ready to run ---------------------------------------------------

def kiosk_checks(*, backoffice_url: str | None, journal_path: str | os.PathLike,
                 data_dir: str | os.PathLike, jurisdiction: str,
                 ca_bundle: str | None = None,
                 client_cert: str | tuple[str, str] | None = None, today: dt.date | None = None,
                 speech_executable: str = ESPEAK) -> list[Check]:
    """The hardware-free checks in the order the maintenance screen shows them (the
    TLS check only for an ``https`` back office; none at all without a URL)."""
    checks: list[Check] = []
    if backoffice_url:
        checks.append(Check("backoffice", lambda: check_backoffice(
            backoffice_url, ca_bundle=ca_bundle, client_cert=client_cert,
            expect_jurisdiction=jurisdiction)))
        if urlsplit(backoffice_url).scheme == "https":
            checks.append(Check("backoffice_tls", lambda: check_tls(
                backoffice_url, ca_bundle=ca_bundle, client_cert=client_cert)))
    checks += [
        Check("disk", lambda: check_disk(data_dir)),
        Check("journal", lambda: check_journal(journal_path)),
        Check("version", check_version),
        Check("rule_pack", lambda: check_rule_pack(jurisdiction, today=today)),
        Check("speech", lambda: check_speech(executable=speech_executable),
              timeout_s=2 * SPEECH_TIMEOUT_S + 5),
    ]
    return checks
