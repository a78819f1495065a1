"""Polling with a deadline and retrying transient AWS errors, for the deploy."""

from __future__ import annotations

import time
from collections.abc import Callable

from botocore.exceptions import ClientError
from tenacity import Retrying, retry_if_exception, wait_fixed

from sfnlocal import waiting

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
    _, state = waiting.wait_for(
        check,
        timeout,
        what,
        interval,
        done=lambda result: result[0],
        describe=lambda result: result[1],
        error=DeployError,
        clock=clock,
        sleep=sleep,
    )
    return state


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
    last error is raised when the deadline passes (``what`` names the action).
    """
    deadline = clock() + timeout
    retrying = Retrying(
        retry=retry_if_exception(lambda exc: isinstance(exc, ClientError) and is_transient(exc)),
        stop=lambda state: clock() + interval > deadline,
        wait=wait_fixed(interval),
        sleep=sleep,
        reraise=True,
    )
    return retrying(action)
