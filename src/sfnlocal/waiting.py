"""The one way this project waits: poll with a deadline (tenacity), and say what for.

Used by the host tooling, the deploy (also run by the init hook with the
engine's Python, whose lock pins tenacity too), the tests and the benchmark.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from tenacity import RetryCallState, RetryError, Retrying, retry_if_result

from sfnlocal.errors import UserError


class WaitTimeout(UserError):
    """A deadline passed; the message names what was waited for and the last state seen."""


def wait_for[T](
    probe: Callable[[], T],
    timeout: float,
    what: str,
    interval: float = 0.1,
    *,
    done: Callable[[T], bool] = bool,
    describe: Callable[[T], str] = lambda last: "",
    error: Callable[[str], Exception] = WaitTimeout,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Calls ``probe`` every ``interval`` seconds until ``done(result)``; returns that result.

    When ``timeout`` seconds have passed first, raises ``error(message)``: "timed
    out after <timeout> s waiting for <what>", and "(last: <describe(last result)>)"
    when that says something. An exception ``probe`` raises ends the wait at once.
    ``clock`` and ``sleep`` are for tests.
    """
    start = clock()

    def deadline_passed(state: RetryCallState) -> bool:
        return clock() - start >= timeout

    def until_next(state: RetryCallState) -> float:
        return max(0.0, min(interval, start + timeout - clock()))

    retrying = Retrying(
        retry=retry_if_result(lambda result: not done(result)),
        stop=deadline_passed,
        wait=until_next,
        sleep=sleep,
    )
    try:
        return retrying(probe)
    except RetryError as gave_up:
        detail = describe(gave_up.last_attempt.result())
        message = f"timed out after {timeout:g} s waiting for {what}"
        raise error(message + (f" (last: {detail})" if detail else "")) from None
