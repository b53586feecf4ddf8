"""What a test needs from the machine: in CI (which installs it all) a missing part is a
failure; on a developer's machine the test is skipped with the reason."""

from __future__ import annotations

import os

import pytest


def require(reason: str | None, *, ci_hint: str = "scripts/install.sh installs it") -> None:
    """Fail (in CI) or skip (elsewhere) with ``reason``; nothing when ``reason`` is None."""
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} ({ci_hint})")
    pytest.skip(reason)
