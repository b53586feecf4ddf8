"""The kiosk's hardware-free checks, one module per family (run by :mod:`kiosk.diagnostics`).

- :mod:`~kiosk.checks.backoffice`: the back office answers (latency, clock skew, its
  policy) and its TLS certificate;
- :mod:`~kiosk.checks.storage`: disk space and the journal with its outbox;
- :mod:`~kiosk.checks.software`: the software version and the rule pack;
- :mod:`~kiosk.checks.speech`: espeak-ng speaks in the kiosk's voices.

Every threshold is a module constant, described in ``docs/diagnostics.md``.
"""
