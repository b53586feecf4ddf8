"""Offline speech: the kiosk reads its prompts aloud with espeak-ng (Mandarin voice ``cmn``, English ``en``).

:class:`Speaker` runs one ``espeak-ng`` process per utterance with
:class:`QProcess`, so the UI never waits for it:

* a new :meth:`Speaker.say` kills the utterance still running (a new screen
  speaks, the old one is silent at once); :meth:`Speaker.stop` silences it;
* an utterance is bounded: after ``timeout_s`` seconds it is killed;
* the text goes to espeak-ng on standard input (never on the command line,
  where ``ps`` would show it);
* without an audio device espeak-ng fails: that is logged at debug level and
  ``finished`` is emitted as for any ending; without espeak-ng at all
  :attr:`Speaker.available` is False and ``say()`` does nothing;
* with ``output_dir`` set, each utterance is written to a WAV file there
  (``-w``) instead of being played: the tests (and a kiosk without a sound
  card, to check the voice) use it.

Volume 0..100 is espeak-ng's amplitude (``-a``; 100 is its default level, the
loudest without clipping); the voices and speeds are :mod:`kiosk.voices`' (slower
than espeak-ng's default 175 words per minute, for elderly listeners).

PIN safety
----------
Speech must never say a PIN. The PIN screens speak their prompts, which never
contain what was typed (the digits stay in :class:`kiosk.pin.Pin`), and
``say()`` enforces one explicit rule on every text: **a text with six or more
digits in a row is refused** (nothing is spoken, a warning without the text is
logged, ``say()`` returns False). Digits separated only by spaces or by one or
two of ``- . , ， 、 · : / _`` count as one run, so ``8 0 2 4 1 3`` and
``80-24-13`` are refused too; a PIN has six digits. Short numbers pass ("3
tries left", "2026年11月22日"). A fixed text with a long number that is no PIN
(the PIN rule's examples "123456", a date written ``2026-11-22``, an
application number) is spoken with ``say(text, language, allow_numbers=True)``;
never pass that flag for text that contains input.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import weakref
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QTimer, Signal

from kiosk.voices import ESPEAK, SPEEDS, VOICES

log = logging.getLogger(__name__)

PIN_DIGITS = 6
_DIGIT_RUN = re.compile(r"\d(?:[\s\-.,，、·:/_]{0,2}\d){%d,}" % (PIN_DIGITS - 1))


def has_pin_like_number(text: str) -> bool:
    """True if ``text`` holds six or more digits in a row (see "PIN safety" above)."""
    return _DIGIT_RUN.search(text) is not None


def speakable(text: str, *, allow_numbers: bool = False) -> bool:
    """Whether :meth:`Speaker.say` would speak ``text`` (not empty, and no PIN-like number)."""
    return bool(text.strip()) and (allow_numbers or not has_pin_like_number(text))


class Speaker(QObject):
    """Speaks one text at a time; see the module docstring.

    Signals: ``started(text)`` when an utterance starts; ``finished()`` when
    speech ends (done, failed, timed out, or :meth:`stop`) and no new
    utterance replaced it (a ``say()`` that interrupts another emits no
    ``finished`` for the interrupted one, only ``started`` for the new one).
    """

    started = Signal(str)
    finished = Signal()

    def __init__(self, parent: QObject | None = None, *, executable: str | None = None,
                 output_dir: str | Path | None = None, enabled: bool = True, volume: int = 100,
                 timeout_s: float = 60.0):
        super().__init__(parent)
        self.executable = executable or ESPEAK     # a name on PATH or a path
        self.output_dir = Path(output_dir) if output_dir is not None else None
        self.timeout_s = timeout_s
        self._enabled = enabled
        self._volume = 100
        self.set_volume(volume)
        self._proc: QProcess | None = None       # the utterance being said
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._timed_out)
        self._count = 0
        self._pending_output: Path | None = None
        self.last_output: Path | None = None     # the WAV of the last completed utterance (output_dir mode)

    # --- settings ----------------------------------------------------------------

    @property
    def available(self) -> bool:
        """espeak-ng can be run."""
        return self._resolve() is not None

    @property
    def enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, enabled: bool) -> None:
        """Turn speech on or off; turning it off silences what is being said."""
        self._enabled = bool(enabled)
        if not self._enabled:
            self.stop()

    @property
    def volume(self) -> int:
        return self._volume

    def set_volume(self, volume: int) -> None:
        """0..100 (clamped); applies from the next utterance."""
        self._volume = max(0, min(100, int(volume)))

    @property
    def speaking(self) -> bool:
        return self._proc is not None

    def _resolve(self) -> str | None:
        exe = self.executable
        if "/" in exe:
            return exe if Path(exe).is_file() and os.access(exe, os.X_OK) else None
        return shutil.which(exe)

    # --- speaking ------------------------------------------------------------------

    def say(self, text: str, language: str | None = None, *, allow_numbers: bool = False,
            even_when_off: bool = False) -> bool:
        """Speak ``text`` in ``language`` (``zh_CN`` | ``en``; None: the UI's current language).

        Returns True if an utterance started. Refuses (False, nothing spoken) a
        text with a PIN-like number unless ``allow_numbers`` (see the module docstring).
        ``even_when_off``: the technician's speech test, whatever the citizen chose.
        """
        if (not self._enabled and not even_when_off) or not text.strip():
            return False
        if not allow_numbers and has_pin_like_number(text):
            # never log the text itself: it may hold a PIN
            log.warning("speech refused a text of %d characters: it has %d or more digits in a row",
                        len(text), PIN_DIGITS)
            return False
        if language is None:
            from . import i18n
            language = i18n.current_language()
        voice = VOICES.get(language)
        if voice is None:
            log.warning("speech: no voice for language %r", language)
            return False
        exe = self._resolve()
        if exe is None:
            log.debug("speech: %s is not installed", self.executable)
            return False
        self._abandon()

        args = ["-v", voice, "-s", str(SPEEDS[language]), "-a", str(self._volume), "-b", "1", "--stdin"]
        self._pending_output = None
        if self.output_dir is not None:
            self.output_dir.mkdir(parents=True, exist_ok=True)
            self._count += 1
            self._pending_output = self.output_dir / f"speech-{self._count:04d}.wav"
            self._pending_output.unlink(missing_ok=True)
            args += ["-w", str(self._pending_output)]

        proc = QProcess()
        proc.setProgram(exe)
        proc.setArguments(args)
        proc.setStandardOutputFile(QProcess.nullDevice())
        _watch(proc, text.encode("utf-8"), weakref.ref(self))
        self._proc = proc
        self._timer.start(int(self.timeout_s * 1000))
        self.started.emit(text)
        proc.start()
        return True

    def stop(self) -> None:
        """Silence the utterance being said (``finished`` follows); nothing if silent."""
        if self._proc is None:
            return
        self._abandon()
        self.finished.emit()

    # --- internals -------------------------------------------------------------------

    def _abandon(self) -> None:
        """Kill the current utterance without emitting ``finished``."""
        proc, self._proc = self._proc, None
        self._timer.stop()
        if proc is not None and proc.state() != QProcess.ProcessState.NotRunning:
            proc.kill()      # its finished() still arrives; _watch forgets it then

    def _timed_out(self) -> None:
        if self._proc is not None:
            log.debug("speech: utterance killed after %.1f s", self.timeout_s)
            self._proc.kill()     # finished() follows -> _ended

    def _ended(self, proc: QProcess, code: int, status: QProcess.ExitStatus) -> None:
        if proc is not self._proc:
            return               # an interrupted utterance
        self._proc = None
        self._timer.stop()
        if status != QProcess.ExitStatus.NormalExit or code != 0:
            err = bytes(proc.readAllStandardError().data()).decode("utf-8", "replace").strip()
            log.debug("speech: espeak-ng ended with %s/%s: %s", status, code, err[-300:])
        out = self._pending_output
        if out is not None and status == QProcess.ExitStatus.NormalExit and code == 0 \
                and out.exists() and out.stat().st_size > 44:
            self.last_output = out
        self.finished.emit()

    def _failed(self, proc: QProcess) -> None:
        if proc is not self._proc:
            return
        self._proc = None
        self._timer.stop()
        log.debug("speech: %s could not be started", self.executable)
        self.finished.emit()


# Every espeak-ng process that has not ended, held here rather than by its
# Speaker: a Speaker may be collected while its process still runs, and a
# QProcess must outlive the signals it sends. A process's slots hold it and
# its Speaker weakly (no cycle through the connections, so nothing needs
# disconnecting: PySide 6.12's ``SignalInstance.disconnect()`` corrupts the
# reference count of the bool it returns); an ended process is let go once its
# last signal has returned.
_PROCESSES: set[QProcess] = set()


def _watch(proc: QProcess, data: bytes, speaker: weakref.ref) -> None:
    ref = weakref.ref(proc)

    def on_started() -> None:
        p = ref()
        if p is not None:
            p.write(data)
            p.closeWriteChannel()

    def on_finished(code: int, status: QProcess.ExitStatus) -> None:
        p = ref()
        if p is None:
            return
        _forget(p)
        s = speaker()
        if s is not None:
            s._ended(p, code, status)

    def on_error(error: QProcess.ProcessError) -> None:
        p = ref()
        if p is None or error != QProcess.ProcessError.FailedToStart:
            return               # crashes and kills end in finished()
        _forget(p)
        s = speaker()
        if s is not None:
            s._failed(p)

    proc.started.connect(on_started)
    proc.finished.connect(on_finished)
    proc.errorOccurred.connect(on_error)
    _PROCESSES.add(proc)


def _forget(proc: QProcess) -> None:
    QTimer.singleShot(0, lambda: _PROCESSES.discard(proc))
