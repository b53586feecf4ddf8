"""The kiosk's core: domain types, rules, workflows, back-office client, journal.

Nothing in this package imports Qt or pyscard.
"""

__version__ = "0.1.0"
