"""``python -m wxreplay``: the same command line as the ``wxreplay`` script."""

from __future__ import annotations

import sys

from wxreplay.cli import main

if __name__ == "__main__":
    sys.exit(main())
