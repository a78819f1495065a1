"""The command line: `sfnlocal` (the Makefile's targets wrap it)."""
