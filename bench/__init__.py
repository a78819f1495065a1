"""The benchmark harness behind `make bench`: sfnlocal's embedded stack vs MiniStack."""
