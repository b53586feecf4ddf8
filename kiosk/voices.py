"""The kiosk's speech voices: one place for the espeak-ng program, its voice and its speed
per language (used by ``ui.speech`` to speak and by ``kiosk.checks.speech`` to check)."""

from __future__ import annotations

ESPEAK = "espeak-ng"
#: language -> espeak-ng voice (Mandarin ``cmn``, English ``en``)
VOICES = {"zh_CN": "cmn", "en": "en"}
#: words per minute, slower than espeak-ng's default 175 for elderly listeners; espeak-ng
#: counts a Mandarin syllable as a word, and its Mandarin is already slower than its English
#: at the same setting
SPEEDS = {"zh_CN": 160, "en": 140}
