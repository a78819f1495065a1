"""Waiting until the engine is up and its init scripts have finished (readiness.py looks)."""

from __future__ import annotations

from collections.abc import Callable

from tenacity import RetryError, retry, retry_if_result, stop_after_delay, wait_fixed

from sfnlocal.engine.readiness import Readiness, probe
from sfnlocal.errors import UserError


def wait_until_ready(
    endpoint: str,
    timeout: float,
    still_running: Callable[[], bool] = lambda: True,
    on_failure: Callable[[], str] = lambda: "",
) -> Readiness:
    """Polls until the engine is ready; raises UserError naming what it waited for."""

    def not_done(state: Readiness) -> bool:
        return not (state.ready or state.failed_scripts) and still_running()

    poll = retry(
        retry=retry_if_result(not_done),
        stop=stop_after_delay(timeout),
        wait=wait_fixed(0.1),
    )(probe)
    try:
        state = poll(endpoint)
    except RetryError as error:
        last: Readiness = error.last_attempt.result()
        raise UserError(
            f"LocalStack at {endpoint} was not ready within {timeout:.0f} s "
            f"(waited for /_localstack/health and /_localstack/init/ready: {last.detail})",
            fix="see the log ('make logs'); raise the deadline with READY_TIMEOUT=<seconds>",
            details=on_failure(),
        ) from None
    if state.failed_scripts:
        raise UserError(
            f"LocalStack's init script(s) failed: {', '.join(state.failed_scripts)}",
            fix="read the log ('make logs'), fix the document it names, then 'make deploy'",
            details=on_failure(),
        )
    if not state.ready:
        raise UserError(
            "LocalStack exited while starting",
            fix="read the log tail above; 'make down' then 'make up' to retry",
            details=on_failure(),
        )
    return state
