"""Settings for the whole suite: tests marked ``e2e`` are skipped, with the
reason, where a private pcscd with the vpcd driver cannot run (not installed,
or not root: pcscd's socket is /run/pcscd/pcscd.comm)."""

from __future__ import annotations

import os

import pytest

# fails the session when a test PIN reaches any log record, trace entry or watched log file
pytest_plugins = ["tests.support.pin_leaks"]


def e2e_unavailable() -> str | None:
    """Why the e2e layer cannot run here, or None."""
    from devices.card.pcscd_harness import available

    missing = available()
    if missing:
        return missing
    if os.geteuid() != 0:
        return "needs root to run its own pcscd"
    return None


def pytest_collection_modifyitems(config, items):
    e2e = [item for item in items if "e2e" in item.keywords]
    reason = e2e_unavailable() if e2e else None
    if reason and os.environ.get("CI"):
        # CI installs pcscd and runs as root: an e2e layer that cannot run there is a failure
        raise pytest.UsageError(f"e2e tests cannot run in CI: {reason}")
    if reason:
        for item in e2e:
            item.add_marker(pytest.mark.skip(reason=f"e2e: {reason}"))
