"""The stacks that end-to-end, trust and load tests run against, chosen by TEST_STACK:

- ``running``: the stack `make up` started (LOCALSTACK_PORT, default 4566);
- ``embedded``: an embedded engine the session starts on a free port, then stops;
- ``container``: the repo's docker-compose.yml, started and removed by testcontainers;
- ``auto`` (default): ``running`` if this checkout's stack is up, else ``container``
  when a Docker engine answers, else ``embedded``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sfnlocal.engine.compose import docker_available
from sfnlocal.engine.embedded import EmbeddedEngine
from sfnlocal.engine.health import wait_until_ready
from sfnlocal.engine.ports import free_port
from sfnlocal.engine.settings import EngineSettings
from sfnlocal.engine.stack import Stack
from sfnlocal.sample.outputs import Outputs
from sfnlocal.workflow.connection import Connection

REPO_ROOT = Path(__file__).resolve().parents[2]


READY_TIMEOUT = 300


@dataclass(frozen=True)
class StackUnderTest:
    kind: str
    endpoint: str
    outputs: Outputs
    # What a command needs in its environment to find this stack.
    env: dict[str, str]

    def client(self, service: str):
        return self.outputs.clients().client(service)

    @property
    def connection(self) -> Connection:
        """What the product's workflow functions drive (sfnlocal.workflow)."""
        return Connection(self.outputs)


def chosen_stack_kind() -> str:
    requested = os.environ.get("TEST_STACK", "auto").lower()
    if requested != "auto":
        return requested
    if Stack().running_mode() is not None:
        return "running"
    return "container" if docker_available() else "embedded"


def command_env(settings: EngineSettings) -> dict[str, str]:
    return {"LOCALSTACK_PORT": str(settings.port), "SFNLOCAL_STATE_DIR": str(settings.state_dir)}


def running_stack() -> Iterator[tuple[str, dict]]:
    settings = EngineSettings()
    wait_until_ready(settings.endpoint, 30)
    yield settings.endpoint, command_env(settings)


def embedded_stack(state_dir: Path) -> Iterator[tuple[str, dict]]:
    engine = EmbeddedEngine(EngineSettings(port=free_port(), state_dir_override=state_dir))
    engine.start(READY_TIMEOUT)
    try:
        yield engine.settings.endpoint, command_env(engine.settings)
    finally:
        engine.stop()


def container_stack(state_dir: Path) -> Iterator[tuple[str, dict]]:
    from testcontainers.compose import DockerCompose

    from sfnlocal.engine.compose import ComposeStack

    if not docker_available():
        pytest.skip("TEST_STACK=container needs a Docker engine with Compose v2; none answers")
    ComposeStack().build()  # the image of this checkout (cached when unchanged)
    port = free_port()
    env_file = state_dir / "compose.env"
    env_file.write_text(
        f"COMPOSE_PROJECT_NAME=sfnlocal-test-{uuid.uuid4().hex[:8]}\nLOCALSTACK_PORT={port}\n"
    )
    compose = DockerCompose(
        context=REPO_ROOT, compose_file_name="docker-compose.yml", env_file=str(env_file)
    )
    with compose:
        endpoint = f"http://127.0.0.1:{port}"
        wait_until_ready(endpoint, 60)
        yield endpoint, {"LOCALSTACK_PORT": str(port), "SFNLOCAL_STATE_DIR": str(state_dir)}
