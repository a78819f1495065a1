"""Container health check for the sfnlocal LocalStack image (standard library only).

Healthy only when LocalStack's gateway answers ``/_localstack/health`` AND the
READY-stage init hooks (``/etc/localstack/init/ready.d``) have all run, none of
them failed. LocalStack keeps running when an init hook fails, so the health
endpoint alone would report a stack without its resources as healthy.

``/_localstack/init/ready`` answers (localstack/services/internal.py)::

    {"completed": true|false,
     "scripts": [{"stage": "READY", "name": "10-x.sh", "state": "SUCCESSFUL"}, ...]}

with script states UNKNOWN, RUNNING, SUCCESSFUL or ERROR.

Exit 0 = healthy, 1 = unhealthy; one line on stdout says why (``docker inspect``
shows it). The base URL is taken from ``HEALTHCHECK_URL`` or else from the port
in ``GATEWAY_LISTEN``.

LocalStack logs every request but those to ``/_localstack/health``. Init hooks
run once per start, so once they have all succeeded a marker file (keyed by the
start time of the container's PID 1) lets later checks ask only the health
endpoint, and the logs are not flooded with a line every interval.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

MARKER = Path(os.environ.get("HEALTHCHECK_MARKER", "/tmp/localstack/.init-ready-succeeded"))


def _base_url() -> str:
    explicit = os.environ.get("HEALTHCHECK_URL")
    if explicit:
        return explicit.rstrip("/")
    listen = os.environ.get("GATEWAY_LISTEN", "").split(",")[0].strip()
    port = listen.rsplit(":", 1)[-1] if ":" in listen else "4566"
    return f"http://127.0.0.1:{port}"


def _get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=2) as response:
        return json.load(response)


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


def check(base: str) -> tuple[bool, str]:
    try:
        health = _get_json(f"{base}/_localstack/health")
    except (OSError, ValueError) as exc:
        return False, f"/_localstack/health does not answer: {exc}"
    if not isinstance(health, dict):
        return False, "/_localstack/health: unexpected answer"
    if _init_already_succeeded():
        return True, f"ready (init hooks succeeded, LocalStack {health.get('version', '?')})"
    try:
        ready = _get_json(f"{base}/_localstack/init/ready")
    except (OSError, ValueError) as exc:
        return False, f"/_localstack/init/ready does not answer: {exc}"
    if not isinstance(ready, dict):
        return False, "/_localstack/init/ready: unexpected answer"
    scripts = ready.get("scripts") or []
    failed = [s.get("name", "?") for s in scripts if s.get("state") == "ERROR"]
    if failed:
        return False, f"init hooks failed: {', '.join(failed)}"
    if ready.get("completed") is not True:
        running = [s.get("name", "?") for s in scripts if s.get("state") != "SUCCESSFUL"]
        return False, f"init hooks not completed yet (pending: {', '.join(running) or '-'})"
    _remember_init_succeeded()
    version = health.get("version", "?")
    return True, f"ready ({len(scripts)} init hooks succeeded, LocalStack {version})"


def main() -> int:
    ok, why = check(_base_url())
    print(why)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
