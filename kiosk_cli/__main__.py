"""``python -m kiosk_cli ...``: the ``kiosk`` command without its console script."""

import sys

from .main import main

sys.exit(main())
