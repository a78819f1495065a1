"""Polling with a deadline and retrying transient AWS errors, for the deploy."""

from __future__ import annotations

import time
from collections.abc import Callable

from botocore.exceptions import ClientError

from .errors import DeployError


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def wait_for(
    check: Callable[[], tuple[bool, str]],
    *,
    what: str,
    timeout: float,
    interval: float = 0.5,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Call ``check`` until it returns ``(True, state)``; give up after ``timeout`` seconds.

    ``check`` returns whether the wait is over and a description of the
    current state, used in the error when the deadline passes.

    Raises:
        DeployError: the deadline passed (naming ``what`` and the last state).
    """
    deadline = clock() + timeout
    while True:
        done, state = check()
        if done:
            return state
        remaining = deadline - clock()
        if remaining <= 0:
            raise DeployError(f"timed out after {timeout:g} s waiting for {what} (last: {state})")
        sleep(min(interval, remaining))


def retry_while[T](
    action: Callable[[], T],
    is_transient: Callable[[ClientError], bool],
    *,
    what: str,
    timeout: float,
    interval: float = 2.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``action``, retrying while it fails with a transient ClientError, until a deadline.

    Used where AWS needs time to propagate something (a new IAM role); the
    last error is raised when the deadline passes.
    """
    deadline = clock() + timeout
    while True:
        try:
            return action()
        except ClientError as exc:
            if not is_transient(exc) or clock() + interval > deadline:
                raise
            sleep(interval)
