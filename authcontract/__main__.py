"""`python -m authcontract`: the same as the `authcontract` command."""

import sys

from .cli import main

sys.exit(main())
