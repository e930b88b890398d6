"""`python -m monitor`: the same as the `monitor` console script."""

import sys

from .cli import main

sys.exit(main())
