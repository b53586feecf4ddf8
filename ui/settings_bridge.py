"""The kiosk's settings (:mod:`kiosk.settings`, Qt-free) as the UI takes them.

:func:`ui_settings` fills :class:`ui.controller.UiSettings`; the starting
theme and language, which ``ui.app.build_app`` takes apart, come from
:func:`ui_theme` and :func:`ui_language`.
"""

from __future__ import annotations

from kiosk.settings import KioskSettings
from kiosk.settings_managed import EffectiveSettings

from . import theme as themes
from .controller import UiSettings


def _settings(effective: KioskSettings | EffectiveSettings) -> KioskSettings:
    return effective.settings if isinstance(effective, EffectiveSettings) else effective


def ui_settings(effective: KioskSettings | EffectiveSettings,
                base: UiSettings | None = None) -> UiSettings:
    """The controller's settings: idle timeout, keypad, speech, languages; the rest from
    ``base``."""
    s = _settings(effective)
    from dataclasses import replace

    return replace(base or UiSettings(), shuffle_keypad=s.shuffle_keypad,
                   idle_seconds=int(s.idle_timeout_s), speech_on=s.speech_default_on,
                   speech_volume=int(s.speech_volume), languages=tuple(s.languages))


def ui_theme(effective: KioskSettings | EffectiveSettings) -> themes.Theme:
    """The starting theme: large text (长辈版) when ``default_font`` is "large", high contrast."""
    s = _settings(effective)
    return themes.theme_for(s.default_font == "large", bool(s.high_contrast))


def ui_language(effective: KioskSettings | EffectiveSettings) -> str:
    """The starting language: the first one offered."""
    return _settings(effective).languages[0]
