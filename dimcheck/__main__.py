"""`python -m dimcheck lint PATH...`: the same as the `dimcheck` command."""

import sys

from ._cli import main

sys.exit(main())
