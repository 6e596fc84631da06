"""Subcommands of `contract`, one module each; shared argument helpers in `common`."""
