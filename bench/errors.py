"""The benchmark's one error (its waits: sfnlocal.waiting.wait_for, raising it)."""

from __future__ import annotations


class BenchmarkError(Exception):
    """The benchmark could not measure (an engine failed, a deadline passed) or
    measured a wrong result. Either way the benchmark fails."""
