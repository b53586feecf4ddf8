"""The ``kiosk`` command line.

Subcommands import the device, back-office and UI layers lazily, inside the
command that needs them, so that ``kiosk`` itself stays free of Qt and pyscard
and ``kiosk --help`` is instant, and so that ``kiosk run`` loads no back office:
the reference back office (Flask, waitress) is an optional extra that a
production kiosk does not install (``pip install -e '.[backoffice]'``); the
commands that need it say so in one line when it is missing.

Every failure the kiosk expects (a typed :class:`~kiosk.errors.KioskError`)
prints one line on stderr and exits 1; nothing prints a traceback unless
``--debug`` is given.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from contextlib import ExitStack

from kiosk import __version__
from kiosk.demo_identity import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET
from kiosk.errors import KioskError

log = logging.getLogger("kiosk_cli")

#: the modules of the ``backoffice`` extra (pyproject.toml), which a kiosk does not install
BACKOFFICE_EXTRA = ("flask", "waitress", "werkzeug")
NO_BACKOFFICE = ("this command runs the reference back office, which is not installed here "
                 "(no module {name!r}): pip install -e '.[backoffice]' (docs/deploy.md)")


class CliError(Exception):
    """A one-line failure of a command (exit 1)."""


def _fail(message: str) -> int:
    print(f"kiosk: {message}", file=sys.stderr)
    return 1


# --- kiosk card info ------------------------------------------------------------

def _backoffice_client(stack: ExitStack, url: str | None, kiosk_id: str | None, secret: str | None):
    from kiosk.backoffice_client import BackOfficeClient

    if url:
        kiosk_id = kiosk_id or os.environ.get("KIOSK_ID")
        secret = secret or os.environ.get("KIOSK_SECRET")
        if not kiosk_id or not secret:
            raise CliError("--backoffice needs the kiosk's id and secret (--kiosk-id/--secret or KIOSK_ID/KIOSK_SECRET)")
        return BackOfficeClient(url, kiosk_id, secret)
    from backoffice.config import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET
    from backoffice.server import EmbeddedBackOffice

    office = stack.enter_context(EmbeddedBackOffice())
    return BackOfficeClient(office.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET)


def cmd_card_info(args: argparse.Namespace) -> int:
    from devices.card.pcsc import PcscBackend, first_reader_with_card
    from devices.card.ssc import read_card_info
    from devices.card.transport import CardChannel

    from kiosk.backoffice_client import hsm_step

    with ExitStack() as stack:
        backend = PcscBackend()
        reader = first_reader_with_card(backend, args.reader)
        transport = backend.connect(reader)
        stack.callback(transport.close)
        client = _backoffice_client(stack, args.backoffice, args.kiosk_id, args.secret)
        _, info = read_card_info(CardChannel(transport), hsm_step(client))
    data = info.to_json_dict()
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        width = max(len(k) for k in data)
        for key, value in data.items():
            print(f"{key:<{width}}  {value if value is not None else '-'}")
        if info.holder and info.holder.ssn_problem:
            print(f"warning: the social security number fails its check ({info.holder.ssn_problem})")
    return 0


def cmd_card_emulate(args: argparse.Namespace) -> int:
    from devices.card.emulator.runner import run_emulator

    return run_emulator(args.profile, port=args.port, host=args.host, state_path=args.state, t0=not args.no_t0)


def cmd_card_profiles(args: argparse.Namespace) -> int:
    from devices.card.emulator.profile import demo_profiles

    for name, path in sorted(demo_profiles().items()):
        print(f"{name:<16} {path}")
    return 0


def cmd_backoffice_serve(args: argparse.Namespace) -> int:
    from backoffice.server import serve_from_args

    return serve_from_args(db=args.db, host=args.host, port=args.port,
                           jurisdiction=args.jurisdiction, demo=args.demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from ui.demo import run_demo

    return run_demo(args.rest)


def cmd_tour(args: argparse.Namespace) -> int:
    from .tour import main as tour_main

    argv = [str(args.outdir), "--locale", args.locale]
    if args.large_font:
        argv.append("--large-font")
    if args.high_contrast:
        argv.append("--high-contrast")
    return tour_main(argv)


def cmd_photo_make(args: argparse.Namespace) -> int:
    from kiosk.photo.cli import photo_make

    return photo_make(args.input, args.output)


def cmd_photo_check(args: argparse.Namespace) -> int:
    from kiosk.photo.cli import photo_check

    return photo_check(args.file, args.json)


# --- kiosk run / kiosk bundle ------------------------------------------------------

def cmd_run(args: argparse.Namespace) -> int:
    from ui.run import run_kiosk

    return run_kiosk(args.settings, windowed=args.windowed, quit_after=args.quit_after)


def cmd_bundle(args: argparse.Namespace) -> int:
    from kiosk.bundle import export_for_settings, find_usb_mounts

    def pcsc_readers() -> list[str]:
        from devices.card.pcsc import PcscBackend

        backend = PcscBackend()
        try:
            return backend.readers()
        finally:
            backend.close()

    dest = args.to or next(iter(find_usb_mounts()), None)
    if dest is None:
        raise CliError("no writable USB stick under /media or /run/media: give --to DIR")
    print(export_for_settings(dest, settings_path=args.settings, readers=pcsc_readers))
    return 0


# --- kiosk diag ------------------------------------------------------------------

def _default_data_dir() -> str:
    """Where the kiosk keeps its files when neither an option nor the settings file says."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return os.path.join(base, "ssc-kiosk")


def _diag_defaults(args: argparse.Namespace) -> None:
    """Fill the options not given from the kiosk's settings file (when there is one), else
    from the built-in defaults."""
    from kiosk.settings import settings_path
    from kiosk.settings_store import SettingsStore

    path = settings_path(args.settings)
    s = SettingsStore(path).load() if path.exists() else None
    if s is not None:
        cert = s.client_certificate()
        for name, value in (("backoffice", s.backoffice_url), ("ca_bundle", s.backoffice_ca_bundle),
                            ("client_cert", cert[0] if cert else None),
                            ("client_key", cert[1] if cert else None),
                            ("camera", str(s.camera)), ("data_dir", s.data_dir),
                            ("jurisdiction", s.jurisdiction)):
            if getattr(args, name) is None and value:
                setattr(args, name, value)
    for name, value in (("backoffice", "http://127.0.0.1:8080"), ("camera", "0"),
                        ("jurisdiction", "hubei")):
        if getattr(args, name) is None:
            setattr(args, name, value)


def cmd_diag(args: argparse.Namespace) -> int:
    from devices.diagnostics import device_checks, parse_camera_source

    from kiosk.check_results import FAIL, report_json
    from kiosk.diagnostics import kiosk_checks, run_checks

    _diag_defaults(args)
    data_dir = args.data_dir or _default_data_dir()
    journal = args.journal or os.path.join(data_dir, "journal.sqlite3")
    backoffice = None if args.backoffice.lower() == "none" else args.backoffice
    camera = parse_camera_source(args.camera)
    if camera == "synthetic":               # the demo's camera setting: the test scene
        from devices.camera.scene import synthetic_camera

        camera = synthetic_camera()
    checks = device_checks(camera) + kiosk_checks(
        backoffice_url=backoffice, journal_path=journal, data_dir=data_dir,
        jurisdiction=args.jurisdiction, ca_bundle=args.ca_bundle,
        client_cert=(args.client_cert, args.client_key) if args.client_key else args.client_cert)
    results = run_checks(checks)
    report = report_json(results)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        labels = {"ok": "OK", "warning": "WARN", "fail": "FAIL"}
        width = max(len(r.name) for r in results)
        for r in results:
            print(f"{labels[r.status]:<4}  {r.name:<{width}}  {r.summary}")
    return 1 if report["status"] == FAIL else 0


def cmd_journal_migrate(args: argparse.Namespace) -> int:
    from kiosk.errors import JournalUnavailable
    from kiosk.journal.backup import DEFAULT_JOURNAL, file_version
    from kiosk.journal.recovery import migrate_after_backup, replace_if_damaged

    journal = args.journal or str(DEFAULT_JOURNAL)
    try:
        replaced = replace_if_damaged(journal)
        if replaced is not None:
            print(f"journal {journal} was damaged ({replaced.reason}): kept as "
                  f"{replaced.kept_as}; a fresh journal was started (pending outbox entries "
                  f"in the damaged one cannot be replayed)")
        copy = migrate_after_backup(journal, keep=args.keep)
    except JournalUnavailable as exc:
        # the kiosk starts out of service and reports it; it migrates (after the backup)
        # when it can write again: a kiosk that does not start tells the fleet nothing
        print(f"journal {journal}: cannot be written ({exc.reason.replace('_', ' ')}): not "
              f"migrated now; the kiosk starts out of service", file=sys.stderr)
        return 0
    if copy is not None:
        print(f"backed up to {copy}")
    if os.path.exists(journal):
        print(f"journal {journal}: schema v{file_version(journal)}")
    else:
        print(f"journal {journal}: none yet (the kiosk creates it)")
    return 0


def cmd_journal_backup(args: argparse.Namespace) -> int:
    from kiosk.journal.backup import DAILY_KIND, DEFAULT_JOURNAL, backup

    journal = args.journal or str(DEFAULT_JOURNAL)
    if not os.path.exists(journal):
        print(f"journal {journal}: none yet, nothing to back up")
        return 0
    print(backup(journal, keep=args.keep, kind=DAILY_KIND))
    return 0


def cmd_install_service(args: argparse.Namespace) -> int:
    from kiosk import service_install as si

    paths = si.install_units(args.root, args.prefix, args.user, dry_run=args.dry_run)
    for path in paths:
        print(f"{'would write' if args.dry_run else 'wrote'} {path}")
    if not args.dry_run and si.is_live_root(args.root) and si.daemon_reload():
        print("ran systemctl daemon-reload")
    print("next steps:\n" + si.next_steps(args.root, args.prefix, args.user))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kiosk", description="Social security card kiosk (社会保障卡自助终端)")
    p.add_argument("--version", action="version", version=f"kiosk {__version__}")
    p.add_argument("--debug", action="store_true", help="log details and show tracebacks")
    sub = p.add_subparsers(dest="command", required=True)

    card = sub.add_parser("card", help="the card in a PC/SC reader").add_subparsers(dest="card_command", required=True)
    info = card.add_parser("info", help="read the card and print the holder data")
    info.add_argument("--reader", help="reader name (default: the first reader holding a card)")
    info.add_argument("--json", action="store_true", help="print one JSON object")
    info.add_argument("--backoffice", metavar="URL",
                      help="back office for card authentication (default: the reference back office, in-process)")
    info.add_argument("--kiosk-id", help="this terminal's id at the back office (or KIOSK_ID)")
    info.add_argument("--secret", help="this terminal's secret (or KIOSK_SECRET)")
    info.set_defaults(func=cmd_card_info)

    emu = card.add_parser("emulate", help="attach a software card to pcscd's vpcd reader until stopped")
    emu.add_argument("--profile", required=True, help="card profile file (see `kiosk card profiles`)")
    emu.add_argument("--port", type=int, default=35963, help="vpcd port (default 35963)")
    emu.add_argument("--host", default="127.0.0.1")
    emu.add_argument("--state", help="file holding the card's PIN state (default: per card under ~/.local/state)")
    emu.add_argument("--no-t0", action="store_true", help="answer directly instead of 61xx/6Cxx")
    emu.set_defaults(func=cmd_card_emulate)

    prof = card.add_parser("profiles", help="list the demo card profiles")
    prof.set_defaults(func=cmd_card_profiles)

    bo = sub.add_parser("backoffice", help="the reference back office").add_subparsers(dest="bo_command", required=True)
    serve = bo.add_parser("serve", help="run the reference back office")
    serve.add_argument("--db", help="SQLAlchemy URL (default: a SQLite file)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--jurisdiction", default="hubei")
    serve.add_argument("--demo", action="store_true", help="demo mode: test keys, demo kiosk, SMS codes in the log")
    serve.set_defaults(func=cmd_backoffice_serve)

    demo = sub.add_parser("demo", help="open the kiosk in demo mode (emulated card, embedded back office)",
                          description="Options (see `kiosk demo --help`): --windowed, --card PROFILE, --shuffle, "
                                      "--no-panel, --quit-after SECONDS, --jurisdiction J, --locale zh_CN|en, "
                                      "--large-font, --high-contrast", add_help=False)
    demo.set_defaults(func=cmd_demo, rest=[])

    photo = sub.add_parser("photo", help="the card photo (358 x 441, white background, 14-40 KB)"
                           ).add_subparsers(dest="photo_command", required=True)
    make = photo.add_parser("make", help="make a compliant card photo from a portrait image")
    make.add_argument("input", help="an image file (JPEG, PNG...) with one face on a light background")
    make.add_argument("output", help="the JPEG to write")
    make.set_defaults(func=cmd_photo_make)
    pcheck = photo.add_parser("check", help="check a photo file against every rule (exit 1 when one fails)")
    pcheck.add_argument("file")
    pcheck.add_argument("--json", action="store_true", help="print one JSON object")
    pcheck.set_defaults(func=cmd_photo_check)

    tour = sub.add_parser("tour", help="drive every service through every screen (offscreen, 1920 x 1080) "
                                       "and write one PNG per screen and OUTDIR/inventory.json")
    tour.add_argument("outdir", help="directory for the PNGs and inventory.json")
    tour.add_argument("--locale", choices=["zh_CN", "en"], default="zh_CN")
    tour.add_argument("--large-font", action="store_true", help="large-text mode (长辈版)")
    tour.add_argument("--high-contrast", action="store_true")
    tour.set_defaults(func=cmd_tour)

    run = sub.add_parser("run", help="run the kiosk full screen from its settings file (production)")
    run.add_argument("--settings", metavar="PATH",
                     help="settings file (default: $SSC_KIOSK_SETTINGS, else /etc/ssc-kiosk/settings.json)")
    run.add_argument("--windowed", action="store_true", help="a framed window (development)")
    run.add_argument("--quit-after", type=float, metavar="SECONDS", help="quit after this many seconds")
    run.set_defaults(func=cmd_run)

    bundle = sub.add_parser("bundle", help="export a diagnostics bundle (logs, journal summary, settings, "
                                           "devices; no personal data) to a USB stick")
    bundle.add_argument("--to", metavar="DIR", help="destination directory (default: the first USB stick "
                                                    "mounted under /media or /run/media)")
    bundle.add_argument("--settings", metavar="PATH",
                        help="settings file (default: $SSC_KIOSK_SETTINGS, else /etc/ssc-kiosk/settings.json)")
    bundle.set_defaults(func=cmd_bundle)

    jr = sub.add_parser("journal", help="the journal's SQLite file").add_subparsers(
        dest="journal_command", required=True)
    migrate = jr.add_parser("migrate", help="back the journal up, then migrate it to this "
                                            "version's schema (the unit's ExecStartPre); a "
                                            "damaged journal is moved aside and a fresh one "
                                            "started")
    migrate.add_argument("--journal", help="the journal file (default /var/lib/ssc-kiosk/journal.sqlite3)")
    migrate.add_argument("--keep", type=int, default=5, help="backups kept, newest first (default 5)")
    migrate.set_defaults(func=cmd_journal_migrate)
    jbackup = jr.add_parser("backup", help="a consistent copy beside it: <journal>.daily-<UTC time>-v<schema>")
    jbackup.add_argument("--journal", help="the journal file (default /var/lib/ssc-kiosk/journal.sqlite3)")
    jbackup.add_argument("--keep", type=int, default=7, help="daily backups kept, newest first (default 7)")
    jbackup.set_defaults(func=cmd_journal_backup)

    inst = sub.add_parser("install-service", help="write the systemd units (cage + kiosk run on tty1, "
                                                  "watchdog, journal backup timer); docs/deploy.md")
    inst.add_argument("--root", default="/", help="the system's root directory (default /)")
    inst.add_argument("--prefix", default="/opt/ssc-kiosk", help="the installed kiosk (its .venv/bin/kiosk)")
    inst.add_argument("--user", default="kiosk", help="the account the kiosk runs as")
    inst.add_argument("--dry-run", action="store_true", help="say what would be written, write nothing")
    inst.set_defaults(func=cmd_install_service)

    diag = sub.add_parser("diag", help="check readers, camera, back office, disk, journal, rule pack, "
                                       "speech (exit 1 when a check fails)")
    diag.add_argument("--json", action="store_true", help='print {"ok", "status", "checks": [...]}')
    diag.add_argument("--settings", metavar="PATH",
                      help="the kiosk's settings file: its back office, CA bundle, client "
                           "certificate, camera, data directory and jurisdiction are the defaults "
                           "of the options below (default $SSC_KIOSK_SETTINGS, else "
                           "/etc/ssc-kiosk/settings.json, when it exists)")
    diag.add_argument("--backoffice", metavar="URL",
                      help="the back office to check (default http://127.0.0.1:8080; none: skip)")
    diag.add_argument("--ca-bundle", metavar="PEM", help="CA certificates for an https back office")
    diag.add_argument("--client-cert", metavar="PEM", help="this kiosk's client certificate (with its key, "
                                                           "or give --client-key)")
    diag.add_argument("--client-key", metavar="PEM", help="the client certificate's key")
    diag.add_argument("--camera", metavar="INDEX|PATH|none",
                      help="camera index, device path, video file or URL (default 0; none: no camera)")
    diag.add_argument("--data-dir", metavar="DIR", help="the kiosk's data directory "
                      "(default $XDG_STATE_HOME/ssc-kiosk or ~/.local/state/ssc-kiosk)")
    diag.add_argument("--journal", metavar="PATH", help="the journal (default DATA_DIR/journal.sqlite3)")
    diag.add_argument("--jurisdiction", help="the rule pack this kiosk runs (default hubei)")
    diag.set_defaults(func=cmd_diag)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and getattr(args, "func", None) is not cmd_demo:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.rest = extra  # the demo's own options go to ui.demo
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.ERROR,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except (KioskError, CliError) as exc:
        if args.debug:
            log.exception("command failed")
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # an unexpected fault: still one line, details with --debug
        if args.debug:
            log.exception("unexpected failure")
        missing = exc.name if isinstance(exc, ModuleNotFoundError) else None
        if missing and missing.split(".")[0] in BACKOFFICE_EXTRA:
            return _fail(NO_BACKOFFICE.format(name=missing))
        return _fail(f"unexpected error: {type(exc).__name__}: {exc}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
