"""The ``kiosk`` command line and the tooling its commands run.

- :mod:`.main`: the parser and every subcommand (``kiosk run``, ``diag``, ``card``,
  ``backoffice serve``, ``demo``, ``tour``, ``journal``, ``bundle``...), each importing
  the layer it needs lazily;
- :mod:`.demo_kiosk`: the kiosk's services on the embedded reference back office,
  for ``kiosk demo``, ``kiosk tour``, the benchmarks and the tests;
- :mod:`.tour`: ``kiosk tour``, every service through every screen, as PNGs and an
  inventory.

It sits above ``kiosk``, ``devices``, ``ui`` and ``backoffice`` and nothing below it
imports it, apart from the demo's window (``ui.demo``), which builds a demo kiosk.
``kiosk run`` imports no back office (docs/decisions.md, "The command line's package").
"""
