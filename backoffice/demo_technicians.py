"""The demo technicians (seeded in demo and test mode, with the demo people).

Fictitious accounts with a known PIN and TOTP secret, so the demo and the tests
can enter maintenance mode (``docs/maintenance.md``). The demo panel or a test
computes the current one-time code with :func:`kiosk.totp.totp`::

    from backoffice.demo_technicians import TECHNICIANS
    from kiosk import totp
    t = TECHNICIANS["T0001"]
    code = totp.totp(t.totp_secret, time.time())

An authenticator app takes the secret too (:func:`kiosk.totp.provisioning_uri`).
``backoffice/DEMO.md`` lists them (:func:`markdown`). The PINs' scrypt hashes
are computed once and kept here, so seeding costs no hashing at each start (a
test checks that they match the PINs). :func:`seed` leaves an account already
on record as it is.

``python -m backoffice.demo_technicians`` prints the Markdown table.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

log = logging.getLogger("backoffice.demo_data")


@dataclass(frozen=True)
class DemoTechnician:
    account: str
    name: str
    pin: str = field(repr=False)
    totp_secret: str = field(repr=False)
    pin_hash: str = field(repr=False)
    active: bool = True
    note: str = ""


TECHNICIANS: dict[str, DemoTechnician] = {t.account: t for t in (
    DemoTechnician("T0001", "演示技术员甲", "730461", "G24DJPYV7ME2XNDWUI4GZH74OT4KKESY",
                   "scrypt$16384$8$1$R2kAmcgjwe8rSqkiNjxL7w==$"
                   "wpdrpiJ/t7pzdT2SYUR3egGXRQY3GObppDwJh8YlFR0=",
                   note="active: enters maintenance mode"),
    DemoTechnician("T0002", "演示技术员乙", "419628", "NWJAUB5NM3S2MQIX7ZKGJCNAL32WOQCQ",
                   "scrypt$16384$8$1$XZmwEeMaVVxraDQvkALu5Q==$"
                   "B1vjC7fgiaYO6589/0gwya66OHH+pDM1nGAFzGQgdbY=",
                   note="active: a second account (lock one, use the other)"),
    DemoTechnician("T0009", "离职技术员", "305827", "4NA3IDAXLNTLXYET3I6Y6OCBXUXBA4QY",
                   "scrypt$16384$8$1$Sz/NFA6uW7BtdSaFLMeL8A==$"
                   "kqOAwjIlTp6JepAj2a6ymyB77mlx/b+uSLpEtkufpSM=",
                   active=False, note="inactive: always refused, like a wrong PIN"),
)}


def seed(database, now: dt.datetime) -> int:
    """Add the demo technicians not yet on record; return how many were added."""
    from .models import Technician
    from .technicians import add_technician

    try:
        with database.session() as s:
            known = set(s.scalars(select(Technician.account)))
            todo = [t for t in TECHNICIANS.values() if t.account not in known]
            for t in todo:
                add_technician(s, t.account, t.name, t.pin, now=now, totp_secret=t.totp_secret,
                               active=t.active, pin_hash=t.pin_hash)
            s.commit()
    except IntegrityError:  # another server seeded the same database at the same time
        log.info("demo technicians: already seeded by another server")
        return 0
    if todo:
        log.info("demo data: %d technicians added", len(todo))
    return len(todo)


def markdown() -> str:
    lines = ["| account | name | PIN | TOTP secret (base32) | note |", "|---|---|---|---|---|"]
    for t in TECHNICIANS.values():
        lines.append(f"| `{t.account}` | {t.name} | `{t.pin}` | `{t.totp_secret}` | {t.note} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(markdown(), end="")
