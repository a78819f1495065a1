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
