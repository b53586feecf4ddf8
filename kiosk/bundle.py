"""The diagnostics bundle: what a technician takes away on a USB stick.

:func:`export_bundle` writes ``ssc-kiosk-diag-<kiosk_id>-<UTC time>.zip`` with

==========================  ===================================================================
``settings.json``           the settings without the technician credential (the
                            secret file's path is there, its content never is)
``journal_summary.json``    counts per service and outcome over the last days, the outbox
                            backlog, the last 200 attempts (masked ids, redacted steps)
``logs/<file>``             the log files, every line through :func:`kiosk.masking.redact_line`
``device_report.json``      readers, camera, software, disk (redacted like the steps)
``manifest.json``           format, software version, time, and each file's size and SHA-256
==========================  ===================================================================

Nothing personal leaves the kiosk: the journal stores masked card and ID
numbers and guards its steps when it writes them, and the bundle masks and
redacts everything again (a journal written by an older version, a bug) —
no PIN, no full ID number, no full name, no phone number.

The zip is written to a temporary name, ``fsync``-ed, then renamed, and the
directory ``fsync``-ed: a USB stick pulled too early holds the previous files
and perhaps a ``.tmp`` file, never a truncated bundle under the final name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import sys
import zipfile
from pathlib import Path
from typing import Any, Callable, Iterable

from . import __version__, masking
from .errors import KioskError
from .logs import log_files
from .files import fsync_dir
from .settings import KioskSettings

BUNDLE_FORMAT = 1
SUMMARY_DAYS = 7
LAST_ATTEMPTS = 200
#: at most this much log text in a bundle (the newest files first)
MAX_LOG_BYTES = 32 * 1024 * 1024
USB_ROOTS = ("/media", "/run/media")


class BundleDestinationError(KioskError):
    """The bundle cannot be written there; ``reason``: ``not_a_directory``,
    ``not_writable`` or ``write_failed`` (the stick is full, pulled, read-only...)."""

    code = "BUNDLE_DESTINATION"

    def __init__(self, reason: str, path: str | os.PathLike, detail: str = ""):
        self.reason = reason
        self.path = str(path)
        super().__init__(f"cannot write the diagnostics bundle to {self.path}: {reason}"
                         + (f" ({detail})" if detail else ""))


# --- the parts ------------------------------------------------------------------------------

def settings_for_export(settings: KioskSettings) -> dict[str, Any]:
    """The settings as exported: no credential hash; the secret stays in its own file."""
    return settings.to_json_dict(secrets=False)


def _iso(t: dt.datetime | None) -> str | None:
    return None if t is None else t.astimezone(dt.timezone.utc).isoformat()


def attempt_for_export(record) -> dict[str, Any]:
    """One journal row, ids masked again and steps redacted (whatever the journal held)."""
    return {
        "id": record.id,
        "service": record.service,
        "started_at": _iso(record.started_at),
        "ended_at": _iso(record.ended_at),
        "duration_ms": record.duration_ms,
        "outcome": record.outcome,
        "error_code": masking.redact_line(record.error_code) if record.error_code else None,
        "card_no": masking.card_no(record.card_no) or None,
        "ssn": masking.ssn(record.ssn) or None,
        "reference": record.reference,
        "steps": masking.redact_data([dict(s) for s in record.steps]),
    }


def journal_summary(journal, *, days: int = SUMMARY_DAYS, last: int = LAST_ATTEMPTS,
                    now: dt.datetime | None = None, outbox=None) -> dict[str, Any]:
    """Counts per service and outcome over ``days``, the outbox, the last ``last`` attempts."""
    if journal is None:
        return {"journal": None}
    now = now or dt.datetime.now(dt.timezone.utc)
    since = now - dt.timedelta(days=days)
    if outbox is None:
        from .journal import Outbox

        outbox = Outbox(journal)
    return {
        "kiosk_id": journal.kiosk_id,
        "schema_version": journal.schema_version,
        "since": _iso(since),
        "until": _iso(now),
        "days": days,
        "counts": journal.summary(since=since),
        "outbox": {"backlog": outbox.backlog(), "gave_up": outbox.gave_up_count()},
        "last_attempts": [attempt_for_export(r) for r in journal.recent(last)],
    }


def redacted_log(path: Path) -> bytes:
    text = path.read_text(encoding="utf-8", errors="replace")
    return "".join(masking.redact_line(line) for line in text.splitlines(keepends=True)) \
        .encode("utf-8")


def _log_members(log_dir: str | os.PathLike | None) -> list[tuple[str, bytes]]:
    if not log_dir:
        return []
    members: list[tuple[str, bytes]] = []
    total = 0
    for path in reversed(log_files(log_dir)):     # newest first, up to MAX_LOG_BYTES
        try:
            data = redacted_log(path)
        except OSError:
            continue
        if total + len(data) > MAX_LOG_BYTES:
            break
        total += len(data)
        members.append((f"logs/{path.name}", data))
    return list(reversed(members))


def device_report(settings: KioskSettings | None = None, *,
                  readers: Callable[[], list[str]] | None = None,
                  extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the kiosk knows of its machine: software, readers (``readers()`` is asked,
    its failure recorded by type), the camera setting, free disk space."""
    report: dict[str, Any] = {
        "software_version": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }
    if readers is not None:
        try:
            report["readers"] = list(readers())
        except Exception as exc:  # noqa: BLE001 - a report records what went wrong
            report["readers_error"] = getattr(exc, "code", None) or type(exc).__name__
    if settings is not None:
        report["camera"] = settings.camera
        report["reader_setting"] = settings.reader
        disks = {}
        for what in ("data_dir", "log_dir"):
            try:
                usage = shutil.disk_usage(getattr(settings, what))
                # MiB: small numbers that no redaction takes for a phone number
                disks[what] = {"free_mib": usage.free // 2 ** 20,
                               "total_mib": usage.total // 2 ** 20}
            except OSError:
                disks[what] = None
        report["disk"] = disks
    if extra:
        report.update(extra)
    return report


# --- writing --------------------------------------------------------------------------------

def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=str) + "\n") \
        .encode("utf-8")


def _safe_name(kiosk_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", kiosk_id or "unconfigured")[:64]


def check_destination(dest_dir: str | os.PathLike) -> Path:
    """``dest_dir`` as a Path, or :class:`BundleDestinationError`."""
    dest = Path(dest_dir)
    if not dest.is_dir():
        raise BundleDestinationError("not_a_directory", dest)
    if not os.access(dest, os.W_OK | os.X_OK):
        raise BundleDestinationError("not_writable", dest)
    return dest


def bundle_name(kiosk_id: str, when: dt.datetime) -> str:
    return f"ssc-kiosk-diag-{_safe_name(kiosk_id)}-{when.astimezone(dt.timezone.utc):%Y%m%dT%H%M%SZ}.zip"


def export_bundle(dest_dir: str | os.PathLike, *, settings: KioskSettings, journal,
                  log_dir: str | os.PathLike | None, device_report: dict | None,
                  days: int = SUMMARY_DAYS, now: dt.datetime | None = None) -> Path:
    """Write the diagnostics bundle into ``dest_dir``; returns its path (see the module doc).

    ``journal`` may be None (no journal yet); ``log_dir`` defaults to nothing.
    Raises :class:`BundleDestinationError` for a destination that is not a
    writable directory, or when writing fails (the temporary file is removed).
    """
    dest = check_destination(dest_dir)
    now = now or dt.datetime.now(dt.timezone.utc)
    members: list[tuple[str, bytes]] = [
        ("settings.json", _json(settings_for_export(settings))),
        ("journal_summary.json", _json(journal_summary(journal, days=days, now=now))),
        *_log_members(log_dir),
        ("device_report.json", _json(masking.redact_data(device_report or {}))),
    ]
    manifest = {
        "format": BUNDLE_FORMAT,
        "software_version": __version__,
        "kiosk_id": settings.kiosk_id,
        "created_at": _iso(now),
        "files": [{"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                  for name, data in members],
    }
    members.append(("manifest.json", _json(manifest)))

    name = bundle_name(settings.kiosk_id, now)
    final = dest / name
    n = 1
    while final.exists():          # two exports in one second: keep both
        n += 1
        final = dest / name.replace(".zip", f"-{n}.zip")
    tmp = dest / f".{final.name}.tmp"
    try:
        stamp = now.astimezone(dt.timezone.utc).timetuple()[:6]
        with open(tmp, "wb") as f:
            with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
                for member, data in members:
                    info = zipfile.ZipInfo(member, date_time=stamp)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    z.writestr(info, data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, final)
        fsync_dir(dest)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise BundleDestinationError("write_failed", dest, exc.strerror or type(exc).__name__) \
            from None
    return final


def read_manifest(bundle: str | os.PathLike) -> dict[str, Any]:
    with zipfile.ZipFile(bundle) as z:
        return json.loads(z.read("manifest.json"))


def verify_bundle(bundle: str | os.PathLike) -> list[str]:
    """The files whose SHA-256 differs from the manifest's, or are missing (empty: intact)."""
    bad = []
    with zipfile.ZipFile(bundle) as z:
        manifest = json.loads(z.read("manifest.json"))
        names = set(z.namelist())
        for entry in manifest["files"]:
            if entry["name"] not in names \
                    or hashlib.sha256(z.read(entry["name"])).hexdigest() != entry["sha256"]:
                bad.append(entry["name"])
    return bad


# --- USB sticks -------------------------------------------------------------------------------

def _unescape_mount(path: str) -> str:
    """``/proc/mounts`` writes a space as ``\\040`` (and tab, newline, backslash likewise)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), path)


def find_usb_mounts(mounts_file: str = "/proc/self/mounts",
                    roots: Iterable[str] = USB_ROOTS) -> list[Path]:
    """Writable mount points under ``/media`` and ``/run/media`` (best effort), sorted.

    Where the desktop automounts a USB stick (udisks: ``/media/<user>/<label>``
    or ``/run/media/<user>/<label>``; usbmount: ``/media/usb0``).
    """
    roots = tuple(r.rstrip("/") for r in roots)
    found: set[Path] = set()
    try:
        with open(mounts_file, encoding="utf-8", errors="replace") as f:
            for line in f:
                fields = line.split()
                if len(fields) < 4:
                    continue
                point = _unescape_mount(fields[1])
                options = fields[3].split(",")
                if any(point.startswith(r + "/") for r in roots) and "ro" not in options:
                    found.add(Path(point))
    except OSError:
        pass
    return sorted(p for p in found if p.is_dir() and os.access(p, os.W_OK | os.X_OK))


# --- the command line -------------------------------------------------------------------------

def export_for_settings(dest_dir: str | os.PathLike, *, settings_path: str | None = None,
                        readers: Callable[[], list[str]] | None = None) -> Path:
    """``kiosk bundle``: the bundle of the kiosk whose settings file is ``settings_path``.

    The journal is opened read-only in spirit (an existing file only: a kiosk
    without a journal yet exports without one).
    """
    from .settings_store import SettingsStore
    from .settings import settings_path as resolve

    dest = check_destination(dest_dir)
    settings = SettingsStore(resolve(settings_path)).load()
    journal = None
    path = settings.journal_path()
    if path.is_file():
        from .journal import Journal

        journal = Journal(path, kiosk_id=settings.kiosk_id or None)
    try:
        return export_bundle(dest, settings=settings, journal=journal, log_dir=settings.log_dir,
                             device_report=device_report(settings, readers=readers))
    finally:
        if journal is not None:
            journal.close()
