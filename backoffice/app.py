"""The application factory of the reference back office.

``create_app(config)`` wires one module per concern: configuration and clock
(:mod:`.config`), database (:mod:`.db`, :mod:`.models`, versioned
:mod:`.migrations`, :mod:`.demo_data` in demo/test mode), error shape
(:mod:`.errors`), request signatures (:mod:`.auth`), idempotency
(:mod:`.idempotency`), the HSM (:mod:`.hsm`), the jurisdiction's rule pack
(:mod:`.rules`), identity checks (:mod:`.identity`, :mod:`.faces`), citizen
sessions (:mod:`.citizen`), card state (:mod:`.cards`), values
(:mod:`.validation`), photos (:mod:`.photo_check`), the fleet view and the
outcome counters (:mod:`.fleet`) and the routes (:mod:`.routes`, one module per
area). Route code reaches the shared pieces through :func:`state`, :func:`now`
and :func:`backoffice.db.session`.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from dataclasses import dataclass, field

from flask import Flask, current_app

from typing import Callable

from . import auth, db, faults, fleet, idempotency
from .config import BackOfficeConfig, Clock
from .errors import register_error_handlers
from .hsm import Hsm
from .identity import (FaceVerifier, Limits, SmsSender, face_verifier_for, new_sms_code,
                       sms_sender_for)
from .rules import Rules, load_rules

access_log = logging.getLogger("backoffice.access")


@dataclass
class BackOfficeState:
    """What every request shares: configuration, clock, database, HSM, kiosks."""

    config: BackOfficeConfig
    clock: Clock
    database: db.Database
    hsm: Hsm
    kiosks: auth.StaticKioskRegistry
    #: the jurisdiction's rule pack, enforced by every route
    rules: Rules
    #: delivers SMS codes (None: SMS sessions are not offered)
    sms: SmsSender | None
    #: the face check (None: face sessions are not offered)
    face: FaceVerifier | None
    limits: Limits
    #: the outlet named in new applications
    outlet: str
    #: makes an SMS code (tests may swap it)
    sms_codes: Callable[[], str] = new_sms_code
    last_idempotency_purge: float = float("-inf")
    last_attempts_purge: float = float("-inf")
    #: the kiosks of the registry (the fleet view shows one that never sent a heartbeat)
    known_kiosks: tuple[str, ...] = ()
    #: served citizen operations by outcome (``GET /metrics``), see :mod:`.fleet`
    outcomes: fleet.ServiceOutcomes = field(default_factory=fleet.ServiceOutcomes)
    #: injected 500 answers (``/v1/test/faults``; demo/test mode only, else None)
    injected_faults: faults.Faults | None = None


def create_app(config: BackOfficeConfig | None = None, *,
               database: db.Database | None = None) -> Flask:
    """A ready Flask app; raises :class:`~backoffice.config.ConfigError` on an unsafe config."""
    config = config if config is not None else BackOfficeConfig.for_demo()
    config.validate()
    clock = Clock(config.clock_offset_s, adjustable=config.relaxed)
    rules = load_rules(config.jurisdiction)
    if rules.lapsed(clock.now().date()):
        logging.getLogger("backoffice").warning(
            "the %s regulation is past its last day in force; its rules still apply",
            rules.jurisdiction)
    database = database or db.Database(config.resolved_db_url())
    database.create_schema(clock.now())
    if config.seeds_demo:
        from .demo_data import seed

        seed(database, clock.now())

    app = Flask("backoffice", static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    registered = config.resolved_kiosks()
    app.extensions["backoffice"] = BackOfficeState(
        config=config, clock=clock, database=database,
        hsm=Hsm(config.resolved_hsm_keys()),
        kiosks=auth.StaticKioskRegistry(registered, demo=config.demo),
        known_kiosks=tuple(sorted(registered)),
        rules=rules, sms=sms_sender_for(config), face=face_verifier_for(config),
        limits=config.identity_limits or Limits(),
        outlet=config.outlet or default_outlet(rules.jurisdiction),
    )

    register_error_handlers(app)
    db.init_app(app, database)
    auth.init_app(app)
    if config.relaxed:  # after the signature check: an injected fault needs a signed request
        get_state(app).injected_faults = faults.Faults()
        faults.init_app(app, get_state(app).injected_faults)

    from .routes import register_routes  # routes import this module's helpers

    register_routes(app)
    fleet.init_app(app)  # counts the citizen operations' outcomes
    if config.fleet_exposed:  # the operator's /metrics and /fleet (docs/fleet.md)
        from .routes import fleet as fleet_routes

        app.register_blueprint(fleet_routes.bp)
    idempotency.check_routes(app)
    app.wsgi_app = AccessLog(app.wsgi_app)  # type: ignore[method-assign]
    return app


def default_outlet(jurisdiction: str) -> str:
    from .demo_data import OUTLETS

    return OUTLETS.get(jurisdiction, "社会保障卡服务网点")


def get_state(app: Flask | None = None) -> BackOfficeState:
    return (app or current_app).extensions["backoffice"]


def state() -> BackOfficeState:
    """The current app's shared state (inside a request)."""
    return current_app.extensions["backoffice"]


def now() -> dt.datetime:
    """Business time (UTC, aware): the one clock, honouring the demo/test offset."""
    return state().clock.now()


class AccessLog:
    """WSGI middleware: one line per request (method, path, status, ms); never bodies.

    The query string is left out as well (it could carry personal data); each
    request gets an ``X-Request-Id`` that also appears in INTERNAL error details.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        request_id = uuid.uuid4().hex
        environ["backoffice.request_id"] = request_id
        seen: dict = {}

        def _start_response(status, headers, exc_info=None):
            seen["status"] = status.split(" ", 1)[0]
            headers = list(headers) + [("X-Request-Id", request_id)]
            return start_response(status, headers, exc_info)

        try:
            result = self.wsgi_app(environ, _start_response)
        except BaseException:
            self._log(environ, "500", started, request_id)
            raise
        return _Closing(result, lambda: self._log(environ, seen.get("status", "-"),
                                                  started, request_id))

    @staticmethod
    def _log(environ, status, started, request_id) -> None:
        ms = (time.perf_counter() - started) * 1000
        extra = ""
        if environ.get("backoffice.error_code"):
            extra += f" code={environ['backoffice.error_code']}"
        if environ.get("backoffice.replayed"):
            extra += " replayed"
        access_log.info("%s %s %s %.1fms kiosk=%s id=%s%s", environ.get("REQUEST_METHOD", "-"),
                        environ.get("PATH_INFO", "-"), status, ms,
                        environ.get("backoffice.kiosk_id", "-"), request_id, extra)


class _Closing:
    """Wraps a WSGI result; calls ``on_close`` once when the server closes it."""

    def __init__(self, result, on_close):
        self._result = result
        self._on_close = on_close

    def __iter__(self):
        return iter(self._result)

    def close(self):
        try:
            close = getattr(self._result, "close", None)
            if close is not None:
                close()
        finally:
            self._on_close()
