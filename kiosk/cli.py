"""The ``kiosk`` command line.

Subcommands import the device, back-office and UI layers lazily, inside the
command that needs them, so that ``kiosk`` itself stays free of Qt and pyscard
and ``kiosk --help`` is instant.

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

from . import __version__
from .errors import KioskError

log = logging.getLogger("kiosk.cli")

DEMO_KIOSK_ID = "demo-kiosk-001"
DEMO_KIOSK_SECRET = "demo-secret-not-for-production"


class CliError(Exception):
    """A one-line failure of a command (exit 1)."""


def _fail(message: str) -> int:
    print(f"kiosk: {message}", file=sys.stderr)
    return 1


# --- kiosk card info ------------------------------------------------------------

def _backoffice_client(stack: ExitStack, url: str | None, kiosk_id: str | None, secret: str | None):
    from .backoffice_client import BackOfficeClient

    if url:
        kiosk_id = kiosk_id or os.environ.get("KIOSK_ID")
        secret = secret or os.environ.get("KIOSK_SECRET")
        if not kiosk_id or not secret:
            raise CliError("--backoffice needs the kiosk's id and secret (--kiosk-id/--secret or KIOSK_ID/KIOSK_SECRET)")
        return BackOfficeClient(url, kiosk_id, secret)
    from backoffice.server import EmbeddedBackOffice

    office = stack.enter_context(EmbeddedBackOffice())
    return BackOfficeClient(office.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET)


def cmd_card_info(args: argparse.Namespace) -> int:
    from devices.card.pcsc import PcscBackend, first_reader_with_card
    from devices.card.ssc import read_card_info
    from devices.card.transport import CardChannel

    from .backoffice_client import hsm_step

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
    from ui.tour import main as tour_main

    argv = [str(args.outdir), "--locale", args.locale]
    if args.large_font:
        argv.append("--large-font")
    if args.high_contrast:
        argv.append("--high-contrast")
    return tour_main(argv)


def cmd_photo_make(args: argparse.Namespace) -> int:
    from .photo.cli import photo_make

    return photo_make(args.input, args.output)


def cmd_photo_check(args: argparse.Namespace) -> int:
    from .photo.cli import photo_check

    return photo_check(args.file, args.json)


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
        return _fail(f"unexpected error: {type(exc).__name__}: {exc}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
