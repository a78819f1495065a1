"""The container stack: the repo's docker-compose.yml, driven by Docker Compose v2."""

from __future__ import annotations

import os
import shutil
import subprocess

from sfnlocal.engine.ports import ensure_port_free
from sfnlocal.engine.readiness import probe
from sfnlocal.engine.settings import EngineSettings
from sfnlocal.errors import UserError

IMAGE = os.environ.get("SFNLOCAL_IMAGE") or "sfnlocal/localstack:2026.3.0"
"""The image tag; SFNLOCAL_IMAGE names another (one per checkout, say)."""
SERVICE = "localstack"


def docker_available(timeout: float = 10.0) -> bool:
    """True when a Docker engine answers and Compose v2 is installed."""
    if not shutil.which("docker"):
        return False
    try:
        for probe_command in (["docker", "info"], ["docker", "compose", "version"]):
            subprocess.run(probe_command, capture_output=True, timeout=timeout, check=True)
    except (subprocess.SubprocessError, OSError):
        return False
    return True


class ComposeStack:
    def __init__(self, settings: EngineSettings | None = None) -> None:
        self.settings = settings or EngineSettings()

    def _compose(self, *args: str, capture: bool = False, timeout: float | None = None):
        env = {
            **os.environ,
            "LOCALSTACK_PORT": str(self.settings.port),
            "APPROVAL_MODE": self.settings.approval_mode,
            "DEPLOY_PREFIX": self.settings.prefix,
            "AWS_DEFAULT_REGION": self.settings.region,
            "STATE_MACHINE": self.settings.state_machine,
        }
        command = ["docker", "compose", "--project-directory", str(self.settings.repo_root), *args]
        try:
            return subprocess.run(
                command,
                cwd=self.settings.repo_root,
                env=env,
                check=True,
                text=True,
                capture_output=capture,
                timeout=timeout,
            )
        except FileNotFoundError:
            raise UserError(
                "docker is not installed", fix="install Docker, or use STACK=embedded"
            ) from None
        except subprocess.CalledProcessError as error:
            raise UserError(
                f"'docker compose {' '.join(args)}' failed (exit {error.returncode})",
                fix="see its output above; 'make logs' shows the container's log",
                details=(error.stderr or "").strip() or None,
            ) from None

    def build(self) -> None:
        script = self.settings.repo_root / "scripts" / "build-image.sh"
        if subprocess.run(["bash", str(script)], cwd=self.settings.repo_root).returncode:
            raise UserError(f"building the image {IMAGE} failed", fix="see the output above")

    def start(self, timeout: float) -> None:
        if not self.running():
            ensure_port_free(self.settings.port)
        self.build()  # Docker's cache makes this a second when nothing changed
        self._compose("up", "--detach", "--wait", "--wait-timeout", str(int(timeout)))

    def stop(self) -> bool:
        if not self.running():
            return False
        self._compose("down", "--volumes", "--remove-orphans")
        return True

    def running(self) -> bool:
        try:
            result = self._compose("ps", "--quiet", SERVICE, capture=True, timeout=30)
        except UserError:
            return False
        return bool(result.stdout.strip())

    def describe(self) -> str:
        if not self.running():
            return f"container stack: not running (endpoint {self.settings.endpoint})"
        state = probe(self.settings.endpoint)
        health = "ready" if state.ready else f"starting or unhealthy ({state.detail})"
        return f"container stack: running, {self.settings.endpoint}, {health}"

    def logs(self, follow: bool) -> None:
        self._compose("logs", *(["--follow"] if follow else []), SERVICE)
