"""The citizen's switches in the header, live: language, text size and contrast, speech.

The composition root (``ui/app.py``) connects them to the header's buttons and uses
them to restore the kiosk's defaults; maintenance mode uses the text size.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from . import theme as themes
from .main_window import MainWindow


def switch_language(window: MainWindow, language: str | None = None) -> None:
    """Chinese ↔ English, live: every screen writes its texts again."""
    from . import i18n

    if language is None:
        language = "en" if i18n.current_language() == "zh_CN" else "zh_CN"
    i18n.install(QApplication.instance(), language)
    window.controller.language_changed()


def switch_theme(window: MainWindow, *, large: bool | None = None,
                 high_contrast: bool | None = None) -> None:
    """Large text (长辈版) and high contrast, live: the screens are built again at the new sizes."""
    t = themes.current()
    new = themes.theme_for(t.large if large is None else large,
                           t.high_contrast if high_contrast is None else high_contrast)
    if new == t:
        return
    themes.apply(QApplication.instance(), new)
    window.rebuild()
    window.controller.wire()
    window.controller.rerender()


def switch_speech(window: MainWindow, on: bool | None = None) -> None:
    """Speech on or off; turning it on reads the current screen."""
    on = (not window.speech_on) if on is None else on
    window.set_speech(on)
    c = window.controller
    if c.speaker is not None:
        c.speaker.set_enabled(on)
        if on:
            c._say_text(window.current_screen().speech_text())
        else:
            c.speaker.stop()
