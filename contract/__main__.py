"""`python -m contract`: the command line."""

from contract.cli.app import main

if __name__ == "__main__":
    raise SystemExit(main())
