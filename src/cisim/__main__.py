"""``python -m cisim``: the same command line as ``cisim``."""

import sys

from cisim.cli import main

if __name__ == "__main__":
    sys.exit(main())
