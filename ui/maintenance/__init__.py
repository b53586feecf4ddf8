"""Maintenance mode: the entry gesture, the technician's sign-in, the maintenance pages.

One module per page (``login``, ``diagnostics_page``, ``camera_page``, ``settings_page``);
``mode`` dispatches the maintenance screen's actions to them, ``services`` is what it
works with, ``gesture`` the way in.
"""

from .mode import MaintenanceMode
from .services import MaintenanceServices, make_services

__all__ = ["MaintenanceMode", "MaintenanceServices", "make_services"]
