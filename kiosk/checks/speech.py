"""Diagnostics of speech: espeak-ng synthesises a sentence in each of the kiosk's voices
(:mod:`kiosk.voices`, the same as the kiosk speaks with)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path
from typing import Any

from ..check_results import CheckResult, fail, ok, warning
from ..voices import ESPEAK, SPEEDS, VOICES

SPEECH_SAMPLES = {"zh_CN": "欢迎使用社会保障卡自助服务终端。", "en": "Welcome to the social security card kiosk."}
SPEECH_TIMEOUT_S = 10.0


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate() or 1)


def check_speech(*, executable: str = ESPEAK, timeout: float = SPEECH_TIMEOUT_S,
                 name: str = "speech") -> CheckResult:
    """espeak-ng is installed and synthesises a sentence in each kiosk voice (to a WAV
    file: this proves the voices, not the loudspeaker). Missing espeak-ng is a warning:
    the kiosk runs silent."""
    exe = executable if "/" in executable else shutil.which(executable)
    if not exe or not os.access(exe, os.X_OK):
        return warning(name, f"{executable} is not installed: the kiosk cannot speak",
                       executable=executable, installed=False)
    voices: dict[str, Any] = {}
    problems = []
    with tempfile.TemporaryDirectory(prefix="ssc-diag-speech-") as tmp:
        for language, voice in VOICES.items():
            out = Path(tmp) / f"{language}.wav"
            args = [exe, "-v", voice, "-s", str(SPEEDS[language]), "-b", "1",
                    "--stdin", "-w", str(out)]
            try:
                proc = subprocess.run(args, input=SPEECH_SAMPLES[language].encode("utf-8"),
                                      capture_output=True, timeout=timeout)
                seconds = _wav_seconds(out) if proc.returncode == 0 and out.exists() else 0.0
            except subprocess.TimeoutExpired:
                voices[language] = {"voice": voice, "ok": False, "error": f"timeout {timeout:g} s"}
                problems.append(f"{voice}: no result within {timeout:g} s")
                continue
            except (OSError, wave.Error, EOFError) as exc:
                voices[language] = {"voice": voice, "ok": False, "error": type(exc).__name__}
                problems.append(f"{voice}: {type(exc).__name__}")
                continue
            good = proc.returncode == 0 and seconds > 0.2
            voices[language] = {"voice": voice, "ok": good, "seconds": round(seconds, 2)}
            if not good:
                err = " ".join(proc.stderr.decode("utf-8", "replace").split())[:120]
                voices[language]["error"] = err or f"exit {proc.returncode}"
                problems.append(f"{voice}: {voices[language]['error']}")
    detail = {"executable": exe, "installed": True, "voices": voices}
    if problems:
        return fail(name, f"speech synthesis fails ({'; '.join(problems)})", **detail)
    said = ", ".join(f"{v['voice']} {v['seconds']:.1f} s" for v in voices.values())
    return ok(name, f"{ESPEAK} speaks ({said}; written to a file, not played)", **detail)
