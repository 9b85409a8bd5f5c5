"""`python -m kiosk`: the same as `mpp-kiosk`."""

import sys

from .app import main

sys.exit(main())
