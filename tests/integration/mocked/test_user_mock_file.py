"""A user's own mock file: ``SFN_MOCK_CONFIG=FILE make up``, changed, checked by ``make deploy``.

The module starts a stack of its own with ``sfnlocal up`` (what ``make up``
runs), of the kind the session tests (TEST_STACK: embedded, else the
container), its mock file in a folder of the test's own; ``sfnlocal down``
stops it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from sfnlocal.clients import StackClients
from sfnlocal.engine.compose import docker_available
from sfnlocal.engine.settings import EngineSettings
from sfnlocal.sample.names import Arns, Names
from tests.support.mocked import run_test_case
from tests.support.stacks import chosen_stack_kind, free_port
from tests.support.workflow import Workflow

pytestmark = pytest.mark.integration

COMMAND_TIMEOUT = 600
MACHINE = Names(EngineSettings().prefix).state_machine


def user_mocks(price: int) -> dict:
    """A test case of the user's own: every Task mocked, a buy at ``price``."""
    return {
        "StateMachines": {
            MACHINE: {
                "TestCases": {
                    "MyCheapBuy": {
                        "Check Stock Price": "MyPrice",
                        "Generate Buy/Sell recommendation": "MyBuy",
                        "Request Human Approval": "MyApproval",
                        "Buy Stock": "MyTrade",
                        "Report Result": "MyPublish",
                    }
                }
            }
        },
        "MockedResponses": {
            "MyPrice": {"0": {"Return": {"StatusCode": 200, "Payload": {"stock_price": price}}}},
            "MyBuy": {"0": {"Return": {"StatusCode": 200, "Payload": "buy"}}},
            "MyApproval": {"0": {"Return": "approved"}},
            "MyTrade": {
                "0": {
                    "Return": {
                        "StatusCode": 200,
                        "Payload": {
                            "id": "t-1",
                            "price": str(price),
                            "type": "buy",
                            "qty": "1",
                            "timestamp": "2026-03-24T12:00:00.000Z",
                        },
                    }
                }
            },  # fmt: skip
            "MyPublish": {"0": {"Return": {"MessageId": f"my-report-{price}"}}},
        },
    }


def save(path: Path, text: str) -> None:
    """Save as editors that write a new file and rename it over the old one do.

    LocalStack re-reads the file when its modification time, in whole seconds,
    changes: the new file's time is set two seconds on, so that two saves
    within one second are told apart.
    """
    fresh = path.with_name(f".{path.name}.{uuid.uuid4().hex[:6]}")
    fresh.write_text(text, encoding="utf-8")
    later = path.stat().st_mtime + 2 if path.exists() else None
    if later:
        os.utime(fresh, (later, later))
    os.replace(fresh, path)


@dataclass
class UserStack:
    kind: str
    env: dict[str, str]
    mocks: Path
    workflow: Workflow

    def sfnlocal(self, *args: str, env: dict[str, str] | None = None):
        return subprocess.run(
            [sys.executable, "-m", "sfnlocal.cli.main", *args],
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )


@pytest.fixture(scope="module")
def user_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UserStack]:
    kind = "container" if chosen_stack_kind() == "container" else "embedded"
    if kind == "container" and not docker_available():
        pytest.skip("TEST_STACK=container needs a Docker engine with Compose v2; none answers")
    folder = tmp_path_factory.mktemp("user-mocks")
    folder.chmod(0o755)  # the container's LocalStack runs as another user
    mocks = folder / "mine.json"
    save(mocks, json.dumps(user_mocks(33)))
    port = free_port()
    env = {
        **os.environ,
        "COLUMNS": "250",
        "STACK": kind,
        "LOCALSTACK_PORT": str(port),
        "SFNLOCAL_STATE_DIR": str(tmp_path_factory.mktemp("user-stack")),
        "COMPOSE_PROJECT_NAME": f"sfnlocal-test-{uuid.uuid4().hex[:8]}",
        "SFN_MOCK_CONFIG": str(mocks),
    }
    env.pop("AWS_ENDPOINT_URL", None)
    started = subprocess.run(
        [sys.executable, "-m", "sfnlocal.cli.main", "up"],
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    later = {k: v for k, v in env.items() if k != "SFN_MOCK_CONFIG"}  # as a later shell would be
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        assert f"Mocked test cases from {mocks}" in started.stdout
        endpoint = f"http://127.0.0.1:{port}"
        clients = StackClients(endpoint)
        identity = clients.sts.get_caller_identity()
        arns = Arns(identity["Arn"].split(":")[1], clients.region, identity["Account"])
        workflow = Workflow(clients.sfn, arns.state_machine(MACHINE))
        yield UserStack(kind, later, mocks, workflow)
    finally:
        subprocess.run(
            [sys.executable, "-m", "sfnlocal.cli.main", "down"],
            env=later,
            capture_output=True,
            timeout=COMMAND_TIMEOUT,
        )


def test_the_users_test_case_runs_mocked(user_stack):
    execution = run_test_case(user_stack.workflow, "MyCheapBuy")
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    assert execution.state_output("Check Stock Price") == {"stock_price": 33}
    assert execution.output == {"MessageId": "my-report-33"}


def test_a_change_to_the_file_is_read_by_the_next_execution(user_stack):
    # GIVEN the user saves a changed price (by renaming a new file over the old one)
    save(user_stack.mocks, json.dumps(user_mocks(44)))
    # WHEN the test case runs again  THEN it has the new price, without a restart
    execution = run_test_case(user_stack.workflow, "MyCheapBuy")
    assert execution.state_output("Check Stock Price") == {"stock_price": 44}
    assert execution.output == {"MessageId": "my-report-44"}


def test_make_deploy_checks_the_file_the_stack_reads(user_stack):
    # GIVEN the user's file now names a state the state machine does not have
    broken = user_mocks(55)
    cases = broken["StateMachines"][MACHINE]["TestCases"]
    cases["MyCheapBuy"]["Buy Stok"] = cases["MyCheapBuy"].pop("Buy Stock")
    save(user_stack.mocks, json.dumps(broken))
    try:
        # WHEN the user deploys again (SFN_MOCK_CONFIG no longer in the environment)
        deployed = user_stack.sfnlocal("deploy")
        # THEN the deploy refuses, naming the file, the test case and the state
        assert deployed.returncode == 2, deployed.stdout + deployed.stderr
        assert f"{user_stack.mocks}: test case 'MyCheapBuy', state 'Buy Stok'" in deployed.stderr
        assert "LocalStack would run the real one unmocked" in deployed.stderr
    finally:
        save(user_stack.mocks, json.dumps(user_mocks(33)))
    assert user_stack.sfnlocal("deploy").returncode == 0


def test_malformed_json_is_refused_by_the_deploy_and_by_the_engine(user_stack):
    save(user_stack.mocks, json.dumps(user_mocks(33))[:-1])
    try:
        deployed = user_stack.sfnlocal("deploy")
        assert deployed.returncode == 2
        assert f"{user_stack.mocks}: invalid JSON at line 1" in deployed.stderr
        # AND the engine does not run the test case unmocked: it refuses to start it
        with pytest.raises(ClientError) as raised:
            user_stack.workflow.sfn.start_execution(
                stateMachineArn=f"{user_stack.workflow.state_machine_arn}#MyCheapBuy"
            )
        assert "could not be loaded" in raised.value.response["Error"]["Message"]
    finally:
        save(user_stack.mocks, json.dumps(user_mocks(33)))


def test_another_file_while_the_stack_runs_is_refused(user_stack, tmp_path):
    other = tmp_path / "other.json"
    other.write_text(json.dumps(user_mocks(66)))
    deployed = user_stack.sfnlocal("deploy", env={"SFN_MOCK_CONFIG": str(other)})
    assert deployed.returncode == 1
    assert f"the running stack reads its mocks from {user_stack.mocks}" in deployed.stderr
    assert "make down" in deployed.stderr
