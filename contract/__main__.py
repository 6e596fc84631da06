"""`python -m contract`: the command line."""

from contract.cli.app import main

raise SystemExit(main())
