"""Bounded waits: every wait has a deadline and says what it waited for."""

from __future__ import annotations

import time
from collections.abc import Callable


class BenchmarkError(Exception):
    """The benchmark could not measure (an engine failed, a deadline passed) or
    measured a wrong result. Either way the benchmark fails."""


def wait_for[T](
    check: Callable[[], T | None],
    timeout: float,
    what: str,
    interval: float = 0.02,
    detail: Callable[[], str] = lambda: "",
) -> T:
    """Calls ``check`` until it returns something truthy; raises after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            extra = detail()
            raise BenchmarkError(
                f"waited {timeout:.0f} s for {what}" + (f": {extra}" if extra else "")
            )
        time.sleep(interval)
