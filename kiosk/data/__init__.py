"""Data files shipped with the kiosk core (see scripts/make_regions.py)."""
