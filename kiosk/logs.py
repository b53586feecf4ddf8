"""The production kiosk's log files: size-bounded, rotated, redacted as they are written.

:func:`setup_logging` sends the root logger to ``<log_dir>/kiosk.log``
(:class:`logging.handlers.RotatingFileHandler`: 1 MiB a file, 5 old files, so
a kiosk's disk never fills with logs). Every line passes
:func:`kiosk.masking.redact_line` before it reaches the file, so an ID
number, a mobile number, a PIN after a PIN word or a name after a name key
that a bug let into a message is masked on disk too.

:func:`recent_events` gives the maintenance screen the last lines, oldest
first, redacted again (a file may come from an older version).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from .masking import redact_line

LOG_NAME = "kiosk.log"
MAX_BYTES = 1024 * 1024
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """A formatter whose output (message, exception text and all) is redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return "\n".join(redact_line(line) for line in super().format(record).split("\n"))


def setup_logging(log_dir: str | os.PathLike, *, level: int = logging.INFO,
                  max_bytes: int = MAX_BYTES, backup_count: int = BACKUP_COUNT
                  ) -> logging.Handler:
    """Log to ``<log_dir>/kiosk.log`` (created), rotated; returns the handler.

    Calling it again for the same directory returns the installed handler.
    :func:`close_logging` removes it (tests, a clean shutdown).
    """
    directory = Path(log_dir)
    directory.mkdir(parents=True, exist_ok=True)
    path = (directory / LOG_NAME).resolve()
    root = logging.getLogger()
    for h in root.handlers:
        if isinstance(h, logging.handlers.RotatingFileHandler) \
                and Path(h.baseFilename).resolve() == path:
            return h
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=max_bytes,
                                                   backupCount=backup_count, encoding="utf-8")
    handler.setLevel(level)
    handler.setFormatter(RedactingFormatter(FORMAT))
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    return handler


def close_logging(handler: logging.Handler) -> None:
    logging.getLogger().removeHandler(handler)
    handler.close()


def log_files(log_dir: str | os.PathLike) -> list[Path]:
    """The log files in ``log_dir``, oldest first (``kiosk.log.5`` ... ``kiosk.log``), then
    any other ``*.log*`` file by modification time."""
    directory = Path(log_dir)
    if not directory.is_dir():
        return []
    ours = [directory / LOG_NAME] + [directory / f"{LOG_NAME}.{i}"
                                     for i in range(1, 100)]
    ours = [p for p in reversed(ours) if p.is_file()]
    others = sorted((p for p in directory.glob("*.log*")
                     if p.is_file() and p not in ours and not p.name.endswith(".tmp")),
                    key=lambda p: p.stat().st_mtime)
    return others + ours


def recent_events(log_dir: str | os.PathLike, n: int = 200) -> list[str]:
    """The last ``n`` lines of the kiosk's log (across rotated files), oldest first, redacted."""
    directory = Path(log_dir)
    files = [p for p in log_files(directory) if p.name.startswith(LOG_NAME)]
    lines: list[str] = []
    for path in reversed(files):            # newest file first, until there are enough
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        lines = text.splitlines() + lines
        if len(lines) >= n:
            break
    return [redact_line(line) for line in lines[-n:]] if n > 0 else []
