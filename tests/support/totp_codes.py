"""One-time codes of the demo technicians for tests (as their authenticator app shows them)."""

from __future__ import annotations

import time

from kiosk import totp


def code(tech, steps: int = 0) -> str:
    """The technician's code ``steps`` time steps from now (0: the current one)."""
    return totp.totp(tech.totp_secret, time.time() + steps * totp.STEP_S)


def early_in_step(margin_s: float = 4.0) -> None:
    """Wait (at most ``margin_s``) until the current 30 s step has ``margin_s`` left, so
    a code computed now is still current when the server checks it."""
    left = totp.STEP_S - time.time() % totp.STEP_S
    if left < margin_s:
        time.sleep(left + 0.05)
