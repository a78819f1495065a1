"""`LOCALSTACK_PORT=N make up`, then every command and make target finds the stack
on N without the variable, until `make down`; an explicit port still wins."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest

from sfnlocal.engine.compose import docker_available
from tests.support.stacks import REPO_ROOT, free_port

pytestmark = pytest.mark.integration

UP_TIMEOUT = 420
COMMAND_TIMEOUT = 180


@pytest.fixture(params=["embedded", "container"])
def kind(request) -> str:
    if request.param == "container" and not docker_available():
        pytest.skip("the container stack needs a Docker engine with Compose v2; none answers")
    return request.param


@pytest.fixture
def shell(tmp_path, kind):
    """Runs a command as a user's terminal would, in the checkout, with no LOCALSTACK_PORT."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LOCALSTACK_PORT", "DEPLOY_PREFIX") and not k.startswith("SFNLOCAL_")
    }
    base.update({"SFNLOCAL_STATE_DIR": str(tmp_path), "COLUMNS": "200", "STACK": kind})
    if image := os.environ.get("SFNLOCAL_IMAGE"):
        base["SFNLOCAL_IMAGE"] = image
    # a Compose project of the test's own, beside any stack `make up` started
    base["COMPOSE_PROJECT_NAME"] = f"sfnlocal-record-{uuid.uuid4().hex[:8]}"

    def run(*command: str, timeout: float = COMMAND_TIMEOUT, **env: str):
        return subprocess.run(
            command,
            cwd=REPO_ROOT,
            env={**base, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def sfnlocal(*args: str, **kwargs):
        return run(sys.executable, "-m", "sfnlocal.cli.main", *args, **kwargs)

    run.sfnlocal = sfnlocal
    yield run
    sfnlocal("down")


def test_the_port_given_at_up_is_used_by_every_later_command(shell, kind, tmp_path):
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    # GIVEN a stack started on a port of its own
    started = shell.sfnlocal("up", timeout=UP_TIMEOUT, LOCALSTACK_PORT=str(port))
    assert started.returncode == 0, started.stdout + started.stderr
    record = json.loads((tmp_path / "stack.json").read_text())
    assert (record["kind"], record["port"], record["endpoint"]) == (kind, port, endpoint)

    # WHEN later commands run without LOCALSTACK_PORT  THEN they find it there
    status = shell.sfnlocal("status")
    assert status.returncode == 0, status.stdout + status.stderr
    assert f"{kind} stack: running at {endpoint}, ready" in status.stdout
    assert shell("make", "-s", "status").returncode == 0
    assert f"export AWS_ENDPOINT_URL={endpoint}" in shell("make", "-s", "env").stdout
    run = shell("make", "-s", "run", "PRICE=20")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "SUCCEEDED" in run.stdout
    again = shell.sfnlocal("up", timeout=UP_TIMEOUT)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"stack at {endpoint}" in again.stdout

    # AND an explicit port wins, and is told where this checkout's stack is
    elsewhere = shell.sfnlocal("executions", LOCALSTACK_PORT=str(free_port()))
    assert elsewhere.returncode == 1
    assert f"this checkout's {kind} stack runs at {endpoint}" in elsewhere.stderr

    # WHEN make down  THEN the record is gone, and status says no stack runs (exit 3)
    stopped = shell("make", "-s", "down")
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert not (tmp_path / "stack.json").exists()
    assert shell.sfnlocal("status").returncode == 3
