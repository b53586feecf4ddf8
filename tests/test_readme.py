"""The README as a newcomer meets it: its apt list is the one the install step installs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def install_packages() -> list[str]:
    """``APT_PACKAGES`` of scripts/install.sh (comments dropped)."""
    text = (ROOT / "scripts" / "install.sh").read_text(encoding="utf-8")
    block = re.search(r"^APT_PACKAGES=\((.*?)^\)", text, re.S | re.M).group(1)
    return [w for line in block.splitlines() for w in line.split("#", 1)[0].split()]


def readme_packages() -> list[str]:
    """The package block that follows the README's mention of ``APT_PACKAGES``."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    after = text[text.index("`APT_PACKAGES`"):]
    block = re.search(r"^```\n(.*?)^```", after, re.S | re.M).group(1)
    return [w for line in block.splitlines() for w in line.split("#", 1)[0].split()]


def test_the_readme_lists_exactly_what_install_sh_installs():
    installed, listed = install_packages(), readme_packages()
    assert len(installed) > 20 and "espeak-ng" in installed           # the parser found the list
    assert sorted(set(installed) - set(listed)) == [], "installed but not in the README"
    assert sorted(set(listed) - set(installed)) == [], "in the README but not installed"
