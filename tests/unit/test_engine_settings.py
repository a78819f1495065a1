"""The embedded engine and the container image configure LocalStack from one source
(sfnlocal.engine.settings): the Dockerfile's ENV whole, the compose file's and the init
hook's defaults, and the keys in which the two engines differ, listed."""

from __future__ import annotations

import re
import shlex
from urllib.parse import urlparse

import pytest

from sfnlocal.clients import DEFAULT_ENDPOINT
from sfnlocal.engine import settings
from sfnlocal.engine.compose import DEFAULT_IMAGE
from sfnlocal.engine.settings import (
    GATEWAY_PORT,
    INTENDED_DIFFERENCES,
    EngineSettings,
    container_environment,
)
from tests.conftest import REPO_ROOT

DOCKERFILE = REPO_ROOT / "docker/localstack/Dockerfile"
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
INIT_HOOK = REPO_ROOT / "init/ready.d/10-deploy-sample.sh"


def instructions(stage: str) -> list[tuple[str, str]]:
    """(instruction, arguments) of a Dockerfile stage, continuation lines joined."""
    text = re.sub(r"\\\n", " ", stage)
    lines = (line.strip() for line in text.splitlines())
    return [tuple(line.split(None, 1)) for line in lines if line and not line.startswith("#")]


def dockerfile_env() -> dict[str, str]:
    """Every variable the final stage's ENV instructions set."""
    final_stage = re.split(r"^(?=FROM )", DOCKERFILE.read_text(), flags=re.MULTILINE)[-1]
    env: dict[str, str] = {}
    for instruction, arguments in instructions(final_stage):
        if instruction == "ENV":
            env.update(word.split("=", 1) for word in shlex.split(arguments))
    return env


def compose_defaults() -> dict[str, str]:
    """``${NAME:-default}`` of the compose file."""
    return dict(re.findall(r"\$\{(\w+):-([^}]*)\}", COMPOSE_FILE.read_text()))


def test_the_dockerfile_env_is_the_container_environment_whole():
    expected = container_environment()
    actual = dockerfile_env()

    assert actual == expected, (
        "docker/localstack/Dockerfile's ENV differs from sfnlocal.engine.settings; "
        "'python -m sfnlocal.engine.settings' prints the ENV it should have:\n"
        + settings.dockerfile_env_instruction()
    )


def test_the_two_engines_differ_only_where_listed(monkeypatch: pytest.MonkeyPatch):
    # GIVEN a caller's own port, region, prefix and approval mode for the embedded engine
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    embedded = EngineSettings(
        port=4599, prefix="mine", approval_mode="manual"
    ).localstack_environment()
    container = container_environment()

    # WHEN the two environments are compared key by key
    differing = {
        name
        for name in embedded.keys() | container.keys()
        if embedded.get(name) != container.get(name)
    }

    # THEN they differ in the listed keys, and in no other
    assert differing == INTENDED_DIFFERENCES


def test_the_compose_files_defaults_are_the_settings_defaults():
    defaults = compose_defaults()
    ours = {name: defaults.pop(name) for name in settings.COMPOSE_DEFAULTS if name in defaults}

    assert ours == settings.COMPOSE_DEFAULTS
    assert defaults.pop("SFNLOCAL_IMAGE") == DEFAULT_IMAGE
    # LocalStack's DEBUG and the build's base image are not LocalStack settings of ours.
    assert set(defaults) == {"DEBUG", "BASE_IMAGE"}


def test_the_container_publishes_the_port_localstack_listens_on():
    published = re.search(
        r'"127\.0\.0\.1:\$\{LOCALSTACK_PORT:-\d+\}:(\d+)"', COMPOSE_FILE.read_text()
    )
    exposed = [
        args
        for instruction, args in instructions(DOCKERFILE.read_text())
        if instruction == "EXPOSE"
    ]

    assert int(published.group(1)) == GATEWAY_PORT
    assert exposed == [str(GATEWAY_PORT)]
    assert urlparse(DEFAULT_ENDPOINT).port == GATEWAY_PORT


def test_the_init_hook_writes_no_default_of_its_own():
    # Its settings come from the engine's environment (above) or the deploy's defaults.
    assert re.findall(r"\$\{\w+:-[^}]*\}", INIT_HOOK.read_text()) == []


def test_the_embedded_engine_listens_on_loopback_only():
    embedded = EngineSettings(port=4599).localstack_environment()
    assert embedded["GATEWAY_LISTEN"] == "127.0.0.1:4599"
    assert embedded["GATEWAY_SERVER"] == "hypercorn"  # binds the host GATEWAY_LISTEN names


def test_state_machine_reaches_the_deploy_hook_of_both_stacks(monkeypatch):
    # GIVEN STATE_MACHINE=jsonata in the environment of `make up`
    monkeypatch.setenv("STATE_MACHINE", "jsonata")
    # THEN the embedded engine gives it to the init hook's environment
    assert EngineSettings(port=4599).localstack_environment()["STATE_MACHINE"] == "jsonata"
    # AND docker-compose.yml gives it to the container (default asl)
    compose = (REPO_ROOT / "docker-compose.yml").read_text()
    assert re.search(r"^\s+STATE_MACHINE: \$\{STATE_MACHINE:-asl\}$", compose, re.MULTILINE)


def test_the_default_state_machine_is_the_seeds(monkeypatch):
    monkeypatch.delenv("STATE_MACHINE", raising=False)
    assert EngineSettings(port=4599).localstack_environment()["STATE_MACHINE"] == "asl"


def test_the_choice_of_approver_reaches_the_deploy_on_both_stacks(monkeypatch):
    # GIVEN `APPROVER=node make up`
    monkeypatch.setenv("APPROVER", "node")
    settings = EngineSettings(port=4599)
    # THEN the embedded engine's init hook sees it
    assert settings.localstack_environment()["APPROVER"] == "node"
    # AND the container's does: compose passes it from the environment
    compose = (REPO_ROOT / "docker-compose.yml").read_text()
    assert re.search(r"^\s+APPROVER: \$\{APPROVER:-\}$", compose, re.MULTILINE)


def test_every_choice_variable_of_the_documents_is_passed_on():
    from sfnlocal.sample.documents import load_documents

    environment = EngineSettings(port=4599).localstack_environment()
    compose = (REPO_ROOT / "docker-compose.yml").read_text()
    for variable in load_documents(REPO_ROOT).choices():
        assert variable in environment, variable
        assert f"{variable}: ${{{variable}:-}}" in compose, variable
