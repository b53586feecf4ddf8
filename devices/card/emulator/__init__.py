"""The software social security card and the readers that hold it.

- :mod:`.profile`: cards described as TOML data files (``profiles/``);
- :mod:`.card`: :class:`SoftCard`, the card application of ``shared/spec/ssc-card.md``,
  with fault knobs and a persistent PIN state;
- :mod:`.inprocess`: :class:`EmulatedReaders`, readers in the same process
  (a ReaderBackend and a CardWatcher) for tests and the demo;
- :mod:`.vpcd`: :class:`VpcdBridge`, the card in a real pcscd reader via vpcd;
- :mod:`.runner`: :func:`run_emulator`, behind ``kiosk card emulate``.
"""

# the names below are imported from their modules when first used: a process that needs only
# the in-process readers (the demo, the kiosk's tests) does not load the vpcd bridge, the
# runner or the card's cryptography at start
_WHERE = {
    "DEFAULT_STATE_PATH": "card", "SSC_AID": "card", "CardVanished": "card",
    "CommandAborted": "card", "Faults": "card", "SoftCard": "card", "default_state_path": "card",
    "DEFAULT_READER": "inprocess", "EmulatedReaders": "inprocess", "EmulatedTransport": "inprocess",
    "CardProfile": "profile", "ProfileError": "profile", "demo_profiles": "profile",
    "load_profile": "profile", "run_emulator": "runner", "VPCD_PORT": "vpcd",
    "VpcdBridge": "vpcd",
}


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "CardProfile", "CardVanished", "CommandAborted", "DEFAULT_READER", "DEFAULT_STATE_PATH",
    "EmulatedReaders", "EmulatedTransport", "Faults", "ProfileError", "SSC_AID", "SoftCard",
    "VPCD_PORT", "VpcdBridge", "default_state_path", "demo_profiles", "load_profile",
    "run_emulator",
]
