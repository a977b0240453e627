"""`python -m gradcheck ...` runs the `gradcheck` command."""

from ._cli import main

raise SystemExit(main())
