"""Waiting until the engine is up and its init scripts have finished (readiness.py looks)."""

from __future__ import annotations

from collections.abc import Callable

from sfnlocal.engine.readiness import Readiness, probe
from sfnlocal.errors import UserError
from sfnlocal.waiting import wait_for

POLL_SECONDS = 0.1


def wait_until_ready(
    endpoint: str,
    timeout: float,
    still_running: Callable[[], bool] = lambda: True,
    on_failure: Callable[[], str] = lambda: "",
) -> Readiness:
    """Polls until the engine is ready; raises UserError naming what it waited for."""

    def not_ready_within(message: str) -> UserError:
        return UserError(
            message,
            fix="see the log ('make logs'); raise the deadline with READY_TIMEOUT=<seconds>",
            details=on_failure(),
        )

    state = wait_for(
        lambda: probe(endpoint),
        timeout,
        f"LocalStack at {endpoint} to be ready (/_localstack/health and /_localstack/init/ready)",
        POLL_SECONDS,
        done=lambda state: state.ready or bool(state.failed_scripts) or not still_running(),
        describe=lambda state: state.detail,
        error=not_ready_within,
    )
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
