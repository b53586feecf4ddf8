"""Demo/test mode only: injected ``500 INTERNAL`` answers (``/v1/test/faults``).

A fault is armed for one route (method and path) and for the next ``count``
requests to it, at one of two moments:

- ``before``: the request is refused with ``500 INTERNAL`` after its signature
  was checked and before anything else runs (the back office did not act; the
  idempotency key stays free);
- ``after``: the request runs and its effect and stored answer are committed,
  then the answer is replaced by ``500 INTERNAL`` (the back office acted, the
  kiosk is told it failed).

The kiosk's outbox must treat both as an unknown outcome (docs/outbox.md). The
hooks are installed only when the server runs in demo or test mode.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from flask import Flask, Response, request

from .errors import ApiError, note_error

log = logging.getLogger("backoffice.faults")

MOMENTS = ("before", "after")


@dataclass
class Fault:
    method: str
    path: str
    when: str
    remaining: int

    def to_json(self) -> dict:
        return {"method": self.method, "path": self.path, "when": self.when,
                "remaining": self.remaining}


class Faults:
    """The armed faults of one server (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._armed: dict[tuple[str, str], Fault] = {}

    def arm(self, method: str, path: str, when: str, count: int) -> None:
        """Arm (or replace) the fault of ``method path``; ``count`` 0 disarms it."""
        with self._lock:
            if count > 0:
                self._armed[(method.upper(), path)] = Fault(method.upper(), path, when, count)
            else:
                self._armed.pop((method.upper(), path), None)

    def list(self) -> list[dict]:
        with self._lock:
            return [f.to_json() for f in self._armed.values()]

    def take(self, method: str, path: str, when: str) -> bool:
        """True (and one use gone) if a fault of ``method path`` is armed for ``when``."""
        with self._lock:
            fault = self._armed.get((method.upper(), path))
            if fault is None or fault.when != when:
                return False
            fault.remaining -= 1
            if fault.remaining <= 0:
                del self._armed[(fault.method, fault.path)]
            return True


def _injected(when: str) -> ApiError:
    return ApiError("INTERNAL", "internal error", status=500,
                    details={"injected": when})


def init_app(app: Flask, faults: Faults) -> None:
    """Install the two hooks (after the signature check, which was registered first)."""

    @app.before_request
    def _fault_before():
        if request.routing_exception is None and faults.take(request.method, request.path,
                                                              "before"):
            log.warning("injected fault: %s %s answered 500 before acting",
                        request.method, request.path)
            raise _injected("before")

    @app.after_request
    def _fault_after(response: Response) -> Response:
        if faults.take(request.method, request.path, "after"):
            log.warning("injected fault: %s %s answered 500 after acting (was %s)",
                        request.method, request.path, response.status_code)
            exc = _injected("after")
            note_error(exc.code)
            return exc.to_response()
        return response
