"""`python -m monitor`: the same as the `monitor` console script."""

import sys

from .cli import main

if __name__ == "__main__":  # not when a reader process (spawn) imports it again
    sys.exit(main())
