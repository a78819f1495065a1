"""TestState and StartSyncExecution work from boto3 and the AWS CLI with the one setting
the README gives (every SDK sends them to ``sync-<host>``, which 127.0.0.1 is not)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.resources import ROLE, create_state_machine

pytestmark = pytest.mark.integration

PASS_STATE = {"Type": "Pass", "Result": {"answer": 42}, "End": True}
EXPRESS = {"StartAt": "P", "States": {"P": PASS_STATE}}
AWS_CLI = Path(sys.executable).with_name("aws")


@pytest.fixture(scope="module")
def express(sfn) -> str:
    return create_state_machine(sfn, EXPRESS, kind="EXPRESS")


def aws_cli(stack, *args: str) -> dict:
    """The AWS CLI against the stack, with host prefix injection off."""
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": stack.endpoint,
        "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": stack.outputs.clients().region,
    }
    env.pop("AWS_PROFILE", None)
    done = subprocess.run(
        [str(AWS_CLI), *args, "--output", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_boto3_test_state(sfn):
    result = sfn.test_state(definition=json.dumps(PASS_STATE), roleArn=ROLE, input="{}")
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"answer": 42}


def test_boto3_start_sync_execution(sfn, express):
    result = sfn.start_sync_execution(stateMachineArn=express, input="{}")
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"answer": 42}


def test_aws_cli_test_state(stack):
    result = aws_cli(
        stack,
        "stepfunctions",
        "test-state",
        "--definition",
        json.dumps(PASS_STATE),
        "--role-arn",
        ROLE,
        "--input",
        "{}",
    )
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"answer": 42}


def test_aws_cli_start_sync_execution(stack, express):
    result = aws_cli(stack, "stepfunctions", "start-sync-execution", "--state-machine-arn", express)
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"answer": 42}
