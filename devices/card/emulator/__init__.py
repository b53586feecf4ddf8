"""The software social security card and the readers that hold it.

- :mod:`.profile`: cards described as TOML data files (``profiles/``);
- :mod:`.card`: :class:`SoftCard`, the card application of ``shared/spec/ssc-card.md``,
  with fault knobs and a persistent PIN state;
- :mod:`.inprocess`: :class:`EmulatedReaders`, readers in the same process
  (a ReaderBackend and a CardWatcher) for tests and the demo;
- :mod:`.vpcd`: :class:`VpcdBridge`, the card in a real pcscd reader via vpcd;
- :mod:`.runner`: :func:`run_emulator`, behind ``kiosk card emulate``.
"""

from .card import (DEFAULT_STATE_PATH, SSC_AID, CardVanished, CommandAborted, Faults, SoftCard,
                   default_state_path)
from .inprocess import DEFAULT_READER, EmulatedReaders, EmulatedTransport
from .profile import CardProfile, ProfileError, demo_profiles, load_profile
from .runner import run_emulator
from .vpcd import VPCD_PORT, VpcdBridge

__all__ = [
    "CardProfile", "CardVanished", "CommandAborted", "DEFAULT_READER", "DEFAULT_STATE_PATH",
    "EmulatedReaders", "EmulatedTransport", "Faults", "ProfileError", "SSC_AID", "SoftCard",
    "VPCD_PORT", "VpcdBridge", "default_state_path", "demo_profiles", "load_profile",
    "run_emulator",
]
