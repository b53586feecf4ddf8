"""The demo kiosk's identity at the back office: the one place for its id and HMAC secret.

The reference back office accepts this pair in demo mode only (``backoffice.config``);
``kiosk demo``, the tour and the tests sign with it. Never a production credential.
"""

DEMO_KIOSK_ID = "demo-kiosk-001"
DEMO_KIOSK_SECRET = "demo-secret-not-for-production"
