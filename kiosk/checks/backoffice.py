"""Diagnostics of the back office: ``GET /v1/health`` (reachable, latency, clock skew, the
policy it runs) and its TLS certificate (valid, trusted, not about to expire).

The back-office check calls the unsigned health endpoint only: no personal data.
"""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import time
from typing import Any, Callable
from urllib.parse import urlsplit

from ..backoffice_types import time_or_none
from ..check_results import CheckResult, fail, ok, one_line, warning
from ..signing import MAX_CLOCK_SKEW_S

# back office
BACKOFFICE_CONNECT_TIMEOUT_S = 3.0
BACKOFFICE_READ_TIMEOUT_S = 5.0
#: above this clock difference (seconds) the check warns ...
SKEW_WARN_S = 30.0
#: ... and above this one it fails: the back office refuses signatures this far off
SKEW_FAIL_S = MAX_CLOCK_SKEW_S

# TLS
TLS_WARN_DAYS = 30


_UNREACHABLE_REASONS = {
    "connect": "cannot connect",
    "connect_timeout": f"no connection within {BACKOFFICE_CONNECT_TIMEOUT_S:g} s",
    "read_timeout": f"no answer within {BACKOFFICE_READ_TIMEOUT_S:g} s",
    "deadline": f"no whole answer within {BACKOFFICE_READ_TIMEOUT_S:g} s (it is too slow)",
    "connection_lost": "the connection was lost",
    "tls": "TLS failed: a certificate was refused, ours or its",
}


def check_backoffice(url: str, *, ca_bundle: str | None = None,
                     client_cert: str | tuple[str, str] | None = None,
                     expect_jurisdiction: str | None = None,
                     clock: Callable[[], float] = time.time,
                     name: str = "backoffice") -> CheckResult:
    """``GET /v1/health`` (unsigned): reachable? latency, clock skew, the policy it runs.

    Uses the kiosk's own :class:`~kiosk.backoffice_client.BackOfficeClient` (same TLS
    verification and proxy rules as the services), with one attempt. The skew is the
    back office's ``time`` minus the local clock at the middle of the request; the
    server gives whole seconds, so it is known to about a second.
    """
    from ..backoffice_client import BackOfficeClient
    from ..errors import BackOfficeError, BackOfficeUnavailable

    detail: dict[str, Any] = {"url": url}
    try:
        client = BackOfficeClient(url, "diagnostics", b"unused: health is unsigned",
                                  ca_bundle=ca_bundle, client_cert=client_cert,
                                  connect_timeout=BACKOFFICE_CONNECT_TIMEOUT_S,
                                  read_timeout=BACKOFFICE_READ_TIMEOUT_S,
                                  deadline_s=BACKOFFICE_READ_TIMEOUT_S, max_attempts=1,
                                  clock=clock)
    except ValueError as exc:
        return fail(name, f"back office URL refused: {exc}", **detail)
    with client:
        sent_at = clock()
        started = time.monotonic()
        try:
            health = client.health()
        except BackOfficeUnavailable as exc:
            reason = (exc.details or {}).get("reason") or (
                f"HTTP {exc.http_status}" if getattr(exc, "http_status", None) else exc.code)
            why = _UNREACHABLE_REASONS.get(reason, str(reason))
            return fail(name, f"back office unreachable at {url} ({why})",
                        **detail, error=exc.code, reason=reason)
        except BackOfficeError as exc:
            return fail(name, f"back office at {url} answered badly: {exc}", **detail,
                        error=exc.code)
        latency_ms = (time.monotonic() - started) * 1000
        received_at = clock()
    detail["latency_ms"] = round(latency_ms, 1)
    detail["status"] = health.get("status")
    policy = health.get("policy") or {}
    detail["policy"] = {"jurisdiction": policy.get("jurisdiction"), "version": policy.get("version")}
    server_time = time_or_none(health.get("time"))
    if server_time is None:
        return warning(name, f"back office reachable ({latency_ms:.0f} ms) but its time "
                             f"{health.get('time')!r} cannot be read", **detail)
    # +0.5: the server truncates to the second, so this centres the error on zero
    skew = server_time.timestamp() + 0.5 - (sent_at + received_at) / 2
    detail["server_time"] = health.get("time")
    detail["clock_skew_s"] = round(skew, 1)
    where = f"{policy.get('jurisdiction')} rules v{policy.get('version')}"
    line = f"back office reachable, {latency_ms:.0f} ms, clock skew {skew:+.0f} s, {where}"
    if abs(skew) > SKEW_FAIL_S:
        return fail(name, f"clock skew {skew:+.0f} s with the back office (over {SKEW_FAIL_S} s: "
                          f"it refuses this kiosk's requests); set the clock", **detail)
    if abs(skew) > SKEW_WARN_S:
        return warning(name, f"{line}: the clock is off by over {SKEW_WARN_S:g} s", **detail)
    if health.get("status") != "ok":
        return warning(name, f"back office reachable but reports status {health.get('status')!r}",
                       **detail)
    if expect_jurisdiction and policy.get("jurisdiction") != expect_jurisdiction:
        return warning(name, f"{line}; this kiosk runs the {expect_jurisdiction} rules", **detail)
    return ok(name, line, **detail)


def _names(name) -> str:
    return name.rfc4514_string()


def _certificate_detail(der: bytes) -> dict[str, Any]:
    """Subject, issuer, validity and names of a DER certificate (any, verified or not)."""
    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    out: dict[str, Any] = {
        "subject": _names(cert.subject), "issuer": _names(cert.issuer),
        "not_before": cert.not_valid_before_utc.isoformat(),
        "not_after": cert.not_valid_after_utc.isoformat(),
        "serial": format(cert.serial_number, "X"),
    }
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        out["names"] = [str(v) for v in san.get_values_for_type(x509.DNSName)] + \
                       [str(v) for v in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        out["names"] = []
    return out


def _peer_certificate(host: str, port: int, context: ssl.SSLContext, timeout: float) -> bytes:
    with socket.create_connection((host, port), timeout=timeout) as raw:
        with context.wrap_socket(raw, server_hostname=host) as tls:
            der = tls.getpeercert(binary_form=True)
    if not der:
        raise ssl.SSLError("the server sent no certificate")
    return der


def _load_client_cert(context: ssl.SSLContext, client_cert: str | tuple[str, str] | None) -> None:
    if isinstance(client_cert, tuple):
        context.load_cert_chain(*client_cert)
    elif client_cert:
        context.load_cert_chain(client_cert)


def check_tls(url: str, *, ca_bundle: str | None = None,
              client_cert: str | tuple[str, str] | None = None,
              timeout: float = BACKOFFICE_CONNECT_TIMEOUT_S,
              now: Callable[[], dt.datetime] | None = None,
              name: str = "backoffice_tls") -> CheckResult:
    """The back office's TLS certificate: verified against ``ca_bundle`` (or the system CAs),
    its subject, issuer and last day; ``warning`` within :data:`TLS_WARN_DAYS` of that day,
    ``fail`` when it has expired, is not valid yet, or cannot be verified.

    The handshake is the ``ssl`` module's; when verification fails the certificate is
    fetched once more without verification, only to say what it is. ``client_cert``
    (a PEM with the key, or ``(cert, key)``) is offered when the server asks for one.
    """
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return ok(name, f"not https ({url}): no certificate to check", url=url)
    host, port = parts.hostname, parts.port or 443
    detail: dict[str, Any] = {"url": url, "host": host, "port": port, "ca_bundle": ca_bundle}
    verified_context = ssl.create_default_context(cafile=ca_bundle)
    _load_client_cert(verified_context, client_cert)
    problem: str | None = None
    try:
        der = _peer_certificate(host, port, verified_context, timeout)
    except ssl.SSLCertVerificationError as exc:
        problem = exc.verify_message or one_line(exc)
        loose = ssl.create_default_context()
        loose.check_hostname = False
        loose.verify_mode = ssl.CERT_NONE
        _load_client_cert(loose, client_cert)
        try:
            der = _peer_certificate(host, port, loose, timeout)
        except (OSError, ssl.SSLError) as again:
            return fail(name, f"TLS certificate of {host}:{port} not verifiable ({problem}); "
                              f"then the server could not be read ({one_line(again)})",
                        **detail, verified=False, problem=problem)
    except ssl.SSLError as exc:
        return fail(name, f"TLS handshake with {host}:{port} failed ({exc.reason or one_line(exc)})",
                    **detail)
    except OSError as exc:
        return fail(name, f"cannot reach {host}:{port} to check its TLS certificate "
                          f"({exc.strerror or type(exc).__name__})", **detail)
    cert = _certificate_detail(der)
    detail.update(cert, verified=problem is None, problem=problem)
    moment = (now or (lambda: dt.datetime.now(dt.timezone.utc)))()
    not_after = dt.datetime.fromisoformat(cert["not_after"])
    not_before = dt.datetime.fromisoformat(cert["not_before"])
    days_left = (not_after - moment).total_seconds() / 86400
    detail["days_left"] = round(days_left, 1)
    last_day = not_after.date().isoformat()
    if days_left < 0:
        return fail(name, f"TLS certificate of {host} expired on {last_day} "
                          f"({-days_left:.0f} days ago)", **detail)
    if moment < not_before:
        return fail(name, f"TLS certificate of {host} is not valid before "
                          f"{not_before.date().isoformat()}", **detail)
    if problem is not None:
        return fail(name, f"TLS certificate of {host} not verifiable: {problem} "
                          f"(issuer {cert['issuer']})", **detail)
    if days_left < TLS_WARN_DAYS:
        return warning(name, f"TLS certificate of {host} expires in {days_left:.0f} days "
                             f"({last_day}); renew it", **detail)
    return ok(name, f"TLS certificate of {host} valid until {last_day} ({days_left:.0f} days), "
                    f"issued by {cert['issuer']}", **detail)
