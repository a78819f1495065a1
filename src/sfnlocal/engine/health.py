"""Is the engine up, and have its init scripts finished? Polled with deadlines."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from tenacity import RetryError, retry, retry_if_result, stop_after_delay, wait_fixed

from sfnlocal.errors import UserError


@dataclass(frozen=True)
class Readiness:
    healthy: bool
    init_completed: bool
    failed_scripts: tuple[str, ...] = ()
    detail: str = ""

    @property
    def ready(self) -> bool:
        return self.healthy and self.init_completed and not self.failed_scripts


def _get_json(url: str, timeout: float = 2.0) -> dict:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback)
        return json.load(response)


def probe(endpoint: str) -> Readiness:
    """One look at /_localstack/health and /_localstack/init/ready."""
    try:
        _get_json(f"{endpoint}/_localstack/health")
    except (OSError, ValueError) as error:
        return Readiness(False, False, detail=f"health endpoint did not answer: {error}")
    try:
        init = _get_json(f"{endpoint}/_localstack/init/ready")
    except (OSError, ValueError) as error:
        return Readiness(True, False, detail=f"init endpoint did not answer: {error}")
    failed = tuple(s["name"] for s in init.get("scripts", []) if s.get("state") == "ERROR")
    pending = [s["name"] for s in init.get("scripts", []) if s.get("state") != "SUCCESSFUL"]
    detail = f"init scripts still running: {', '.join(pending)}" if pending else ""
    return Readiness(True, bool(init.get("completed")), failed, detail)


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
