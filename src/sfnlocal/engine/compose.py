"""The container stack: the repo's docker-compose.yml, driven by Docker Compose v2."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sfnlocal.engine.ports import ensure_port_free
from sfnlocal.engine.readiness import probe
from sfnlocal.engine.settings import EngineSettings
from sfnlocal.errors import UserError

DEFAULT_IMAGE = "sfnlocal/localstack:2026.3.0"
"""The image tag docker-compose.yml defaults to."""
IMAGE = os.environ.get("SFNLOCAL_IMAGE") or DEFAULT_IMAGE
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


CONTAINER_UID = 1000
"""The user LocalStack runs as in the image (docker/localstack/Dockerfile's LOCALSTACK_UID)."""


def _container_can_read(path: Path) -> bool:
    """Whether the container's user may list the folder and read the file (by their modes)."""
    try:
        folder, file = path.parent.stat(), path.stat()
    except OSError:
        return True  # a missing file: the deploy's check says so

    def allows(stat: os.stat_result, owner_bits: int, other_bits: int) -> bool:
        if stat.st_uid == CONTAINER_UID:
            return stat.st_mode & owner_bits == owner_bits
        return stat.st_mode & other_bits == other_bits

    return allows(folder, 0o500, 0o005) and allows(file, 0o400, 0o004)


def mock_mount(settings: EngineSettings) -> dict[str, str]:
    """docker-compose.yml's variables that mount the mock configuration file's folder.

    The folder, not the file, is mounted (read-only): an editor that saves by
    writing a new file and renaming it over the old one would leave a mounted
    file showing the old content, and LocalStack re-reads the file when it changes.
    """
    mocks = settings.mock_config
    if mocks is None:
        return {}
    if not _container_can_read(mocks):
        raise UserError(
            f"the container's LocalStack (user {CONTAINER_UID}) cannot read {mocks}",
            fix=f"let others read it: 'chmod o+rx {mocks.parent}' and 'chmod o+r {mocks}'",
        )
    if mocks.parent in (Path.home(), Path(mocks.anchor)):
        raise UserError(
            f"the container would mount {mocks.parent} (the folder of {mocks}) read-only",
            fix="put the mock configuration file in a folder of its own, then "
            "'SFN_MOCK_CONFIG=that/file make up'",
        )
    try:
        source = mocks.relative_to(settings.repo_root.resolve()).as_posix()
    except ValueError:
        source = str(mocks)
    return {
        "SFNLOCAL_MOCKS_DIR": str(mocks.parent),
        "SFNLOCAL_MOCKS_FILE": mocks.name,
        "SFNLOCAL_MOCKS_SOURCE": source,
    }


class ComposeStack:
    def __init__(self, settings: EngineSettings | None = None, project: str | None = None) -> None:
        self.settings = settings or EngineSettings()
        # Compose's project name; None keeps docker-compose.yml's (one stack per machine).
        self.project = project

    def _compose(
        self,
        *args: str,
        capture: bool = False,
        timeout: float | None = None,
        extra_env: dict[str, str] | None = None,
    ):
        env = {
            **os.environ,
            "LOCALSTACK_PORT": str(self.settings.port),
            "APPROVAL_MODE": self.settings.approval_mode,
            "DEPLOY_PREFIX": self.settings.prefix,
            "APPROVER": self.settings.approver,
            "AWS_DEFAULT_REGION": self.settings.region,
            "STATE_MACHINE": self.settings.state_machine,
            **({"COMPOSE_PROJECT_NAME": self.project} if self.project else {}),
            **(extra_env or {}),
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
        mock_mount(self.settings)  # its checks, before the build
        if not self.running():
            ensure_port_free(self.settings.port)
        self.build()  # Docker's cache makes this a second when nothing changed
        self.up(timeout)

    def up(self, timeout: float) -> None:
        """``docker compose up`` with the image built: returns once the container is healthy."""
        self._compose(
            "up",
            "--detach",
            "--wait",
            "--wait-timeout",
            str(int(timeout)),
            extra_env=mock_mount(self.settings),
        )

    def stop(self) -> bool:
        if not self.running():
            return False
        self.remove()
        return True

    def remove(self) -> None:
        """``docker compose down``: the project's containers (running or not), network, volumes."""
        self._compose("down", "--volumes", "--remove-orphans")

    def container_id(self) -> str | None:
        """The running container's id, None when it does not run."""
        try:
            result = self._compose("ps", "--quiet", SERVICE, capture=True, timeout=30)
        except UserError:
            return None
        return result.stdout.strip() or None

    def running(self) -> bool:
        return self.container_id() is not None

    def describe(self) -> str:
        if not self.running():
            return f"container stack: not running (endpoint {self.settings.endpoint})"
        state = probe(self.settings.endpoint)
        health = "ready" if state.ready else f"starting or unhealthy ({state.detail})"
        return f"container stack: running, {self.settings.endpoint}, {health}"

    def logs(self, follow: bool) -> None:
        self._compose("logs", *(["--follow"] if follow else []), SERVICE)
