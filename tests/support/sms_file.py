"""An SMS gateway hook for a back office in another process: each code is appended to the
file ``$SSC_TEST_SMS_FILE`` as ``phone code`` (``SSC_BACKOFFICE_SMS_GATEWAY=
tests.support.sms_file:send``); :func:`last_code` reads it back in the test."""

from __future__ import annotations

import os
from pathlib import Path

ENV = "SSC_TEST_SMS_FILE"


def send(phone: str, code: str) -> None:
    with open(os.environ[ENV], "a", encoding="utf-8") as f:
        f.write(f"{phone} {code}\n")
        f.flush()


def last_code(path: str | os.PathLike, phone: str | None = None) -> str:
    lines = Path(path).read_text(encoding="utf-8").split() if Path(path).exists() else []
    pairs = list(zip(lines[::2], lines[1::2]))
    for sent_to, code in reversed(pairs):
        if phone is None or sent_to == phone:
            return code
    raise AssertionError("no SMS code was sent")
