"""``python -m kiosk.maintenance hash-local-code``: the hash of a local maintenance code.

Asks for the code twice (not echoed) and prints the salted hash to put in the
kiosk's settings as the local maintenance credential (``docs/maintenance.md``).
The code itself is never printed or stored.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from .access import LOCAL_CODE_MIN_DIGITS, hash_local_credential


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.maintenance")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("hash-local-code", help="print the hash of a local maintenance code")
    parser.parse_args(argv)
    code = getpass.getpass(f"local maintenance code ({LOCAL_CODE_MIN_DIGITS}+ digits): ")
    again = getpass.getpass("again: ")
    if code != again:
        print("the two codes differ", file=sys.stderr)
        return 1
    try:
        print(hash_local_credential(code))
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
