"""The embedded engine and the container image configure LocalStack alike."""

from __future__ import annotations

import re

from sfnlocal.engine.settings import SERVICES, EngineSettings
from tests.conftest import REPO_ROOT


def dockerfile_env(name: str) -> str:
    text = (REPO_ROOT / "docker/localstack/Dockerfile").read_text()
    return re.search(rf"^\s*{name}=(\S+)", text, re.MULTILINE).group(1)


def test_the_container_runs_the_services_the_embedded_engine_runs():
    assert dockerfile_env("SERVICES") == SERVICES


def test_both_use_the_local_process_executor_and_path_queue_urls():
    embedded = EngineSettings(port=4599).localstack_environment()
    for name in ("LAMBDA_RUNTIME_EXECUTOR", "SQS_ENDPOINT_STRATEGY", "DNS_ADDRESS"):
        assert dockerfile_env(name) == embedded[name], name


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
