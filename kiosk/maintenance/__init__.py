"""Maintenance mode, Qt-free: the entry gesture, the technician's credentials, the
kiosk's lock on entry, and the journal of every entry, action and exit
(``docs/maintenance.md``). The screens (``ui/``) are built on this API.
"""

from .access import (DEMO_LOCAL_CODE, GRANT_S, LOCAL_ACCOUNT, SERVICE, MaintenanceAccess,
                     MaintenanceGrant, hash_local_credential)
from .gesture import EntryGesture, is_entry_gesture
from .lockout import LocalLockout

__all__ = ["DEMO_LOCAL_CODE", "EntryGesture", "GRANT_S", "LOCAL_ACCOUNT", "LocalLockout",
           "MaintenanceAccess", "MaintenanceGrant", "SERVICE", "hash_local_credential",
           "is_entry_gesture"]
