"""Is LocalStack up, and have its init hooks run? One look, standard library only.

Ready only when LocalStack's gateway answers ``/_localstack/health`` AND the
READY-stage init hooks (``ready.d``, which deploy the sample) have all run,
none of them failed. LocalStack keeps running when an init hook fails, so the
health endpoint alone would report a stack without its resources as ready.

``/_localstack/init/ready`` answers (localstack/services/internal.py)::

    {"completed": true|false,
     "scripts": [{"stage": "READY", "name": "10-x.sh", "state": "SUCCESSFUL"}, ...]}

with script states UNKNOWN, RUNNING, SUCCESSFUL or ERROR.

The host's waits (``health.py``) and the image's health check use this one
module. The health check is ``python -m sfnlocal.engine.readiness`` in the
container (the engine's Python, which has this project on its path): exit 0
when ready, 1 when not, one line on stdout saying why (``docker inspect``
shows it). It asks ``HEALTHCHECK_URL``, else the port of ``GATEWAY_LISTEN``
on the loopback address. LocalStack logs every request but those to
``/_localstack/health``, and init hooks run once per start: once they have all
succeeded, a marker file (keyed by the start time of the container's PID 1)
lets later checks ask the health endpoint only, so the log gets no line every
interval.

Standard library only: the health check runs every two seconds and must start fast.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REQUEST_TIMEOUT = 2.0
DEFAULT_GATEWAY_PORT = "4566"
MARKER = Path(os.environ.get("HEALTHCHECK_MARKER", "/tmp/localstack/.init-ready-succeeded"))


@dataclass(frozen=True)
class Readiness:
    healthy: bool
    init_completed: bool
    failed_scripts: tuple[str, ...] = ()
    detail: str = ""

    @property
    def ready(self) -> bool:
        return self.healthy and self.init_completed and not self.failed_scripts

    def describe(self) -> str:
        if self.failed_scripts:
            return f"init hooks failed: {', '.join(self.failed_scripts)}"
        state = "ready" if self.ready else "not ready"
        return f"{state} ({self.detail})" if self.detail else state


def _answer(url: str, name: str) -> tuple[dict | None, str]:
    """The JSON object ``url`` answers, or None and why not (``name`` names the endpoint)."""
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310
            answer = json.load(response)
    except (OSError, ValueError) as error:
        return None, f"{name} did not answer: {error}"
    if not isinstance(answer, dict):
        return None, f"{name}: unexpected answer"
    return answer, ""


def probe(endpoint: str, ask_init: bool = True) -> Readiness:
    """One look at /_localstack/health, and at /_localstack/init/ready unless not ``ask_init``."""
    health, why_not = _answer(f"{endpoint}/_localstack/health", "health endpoint")
    if health is None:
        return Readiness(False, False, detail=why_not)
    version = f"LocalStack {health.get('version', '?')}"
    if not ask_init:
        return Readiness(True, True, detail=f"init hooks succeeded earlier, {version}")
    init, why_not = _answer(f"{endpoint}/_localstack/init/ready", "init endpoint")
    if init is None:
        return Readiness(True, False, detail=why_not)
    scripts = init.get("scripts") or []
    failed = tuple(s.get("name", "?") for s in scripts if s.get("state") == "ERROR")
    pending = [s.get("name", "?") for s in scripts if s.get("state") != "SUCCESSFUL"]
    completed = init.get("completed") is True
    if pending:
        detail = f"init scripts still running: {', '.join(pending)}"
    elif not completed:
        detail = "init hooks not completed yet"
    else:
        detail = f"{len(scripts)} init hooks succeeded, {version}"
    return Readiness(True, completed, failed, detail)


# -- the container's health check ----------------------------------------------------


def container_endpoint() -> str:
    if explicit := os.environ.get("HEALTHCHECK_URL"):
        return explicit.rstrip("/")
    listen = os.environ.get("GATEWAY_LISTEN", "").split(",")[0].strip()
    port = listen.rsplit(":", 1)[-1] if ":" in listen else DEFAULT_GATEWAY_PORT
    return f"http://127.0.0.1:{port}"


def _boot_id() -> str:
    """Start time of PID 1 (LocalStack itself): changes whenever the container restarts."""
    try:
        stat = Path("/proc/1/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[19]


def _init_already_succeeded() -> bool:
    try:
        return MARKER.read_text() == _boot_id() != ""
    except OSError:
        return False


def _remember_init_succeeded() -> None:
    with contextlib.suppress(OSError):
        MARKER.write_text(_boot_id())


def health_check() -> int:
    """The image's HEALTHCHECK: 0 when ready, 1 when not; one line says why."""
    state = probe(container_endpoint(), ask_init=not _init_already_succeeded())
    if state.ready:
        _remember_init_succeeded()
    print(state.describe())
    return 0 if state.ready else 1


if __name__ == "__main__":
    sys.exit(health_check())
