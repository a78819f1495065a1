"""The deploy's create-or-update steps, against stubbed AWS clients (no network).

botocore's Stubber fails a test on any call that is not expected, so these
tests also prove that an up-to-date resource is left alone.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from botocore.stub import ANY, Stubber

from sfnlocal.clients import StackClients
from sfnlocal.deploy.__main__ import main
from sfnlocal.deploy.aws import wait_for
from sfnlocal.deploy.deployer import prepare
from sfnlocal.deploy.errors import DeployError
from sfnlocal.deploy.functions import (
    FunctionConfig,
    QueueTrigger,
    ensure_function,
    ensure_queue_trigger,
)
from sfnlocal.deploy.messaging import ensure_queue, redrive_policy
from sfnlocal.deploy.progress import Change, Progress
from sfnlocal.deploy.roles import ensure_role
from sfnlocal.deploy.state_machine import ensure_state_machine
from sfnlocal.sample.errors import DocumentError
from tests.conftest import REPO_ROOT

ACCOUNT = "000000000000"
QUEUE_URL = f"http://localhost/queue/us-east-1/{ACCOUNT}/q"
QUEUE_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"
DLQ_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:q-dlq"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/r"
FUNCTION_ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f"
SM_ARN = f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:sm"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["sns:Publish"], "Resource": "arn:t"}],
}


def make_client(service: str):
    return StackClients("http://localhost:1", "us-east-1").client(service)


@pytest.fixture
def lines() -> list[str]:
    return []


@pytest.fixture
def progress(lines: list[str]) -> Progress:
    return Progress(lines.append)


def stubbed(service: str) -> Iterator[tuple[object, Stubber]]:
    client = make_client(service)
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def sqs():
    yield from stubbed("sqs")


@pytest.fixture
def iam():
    yield from stubbed("iam")


@pytest.fixture
def lambda_():
    yield from stubbed("lambda")


@pytest.fixture
def sfn():
    yield from stubbed("stepfunctions")


# --- queues ---------------------------------------------------------------------------------


def queue_attributes(visibility: str, max_receive_count) -> dict[str, str]:
    return {
        "QueueArn": QUEUE_ARN,
        "VisibilityTimeout": visibility,
        "RedrivePolicy": json.dumps(
            {"deadLetterTargetArn": DLQ_ARN, "maxReceiveCount": max_receive_count}
        ),
    }


def test_an_up_to_date_queue_is_left_unchanged(sqs, progress, lines):
    client, stubber = sqs
    # GIVEN a queue whose attributes match (the count returned as a string, as SQS may)
    stubber.add_response("get_queue_url", {"QueueUrl": QUEUE_URL}, {"QueueName": "q"})
    stubber.add_response(
        "get_queue_attributes",
        {"Attributes": queue_attributes("60", "3")},
        {"QueueUrl": QUEUE_URL, "AttributeNames": ["All"]},
    )
    # WHEN it is ensured THEN no attribute is set, and it says unchanged
    queue = ensure_queue(
        client,
        "q",
        {"VisibilityTimeout": "60", "RedrivePolicy": redrive_policy(DLQ_ARN, 3)},
        progress,
    )
    assert (queue.url, queue.arn) == (QUEUE_URL, QUEUE_ARN)
    assert progress.changes == [(Change.UNCHANGED, "queue", "q")]


def test_a_queue_with_a_stale_attribute_gets_only_that_one_set(sqs, progress, lines):
    client, stubber = sqs
    stubber.add_response("get_queue_url", {"QueueUrl": QUEUE_URL}, {"QueueName": "q"})
    stubber.add_response(
        "get_queue_attributes",
        {"Attributes": queue_attributes("30", 3)},
        {"QueueUrl": QUEUE_URL, "AttributeNames": ["All"]},
    )
    stubber.add_response(
        "set_queue_attributes",
        {},
        {"QueueUrl": QUEUE_URL, "Attributes": {"VisibilityTimeout": "60"}},
    )
    ensure_queue(
        client,
        "q",
        {"VisibilityTimeout": "60", "RedrivePolicy": redrive_policy(DLQ_ARN, 3)},
        progress,
    )
    assert lines == ["updated   queue                 q  (VisibilityTimeout)"]


def test_a_missing_queue_is_created_with_its_attributes(sqs, progress):
    client, stubber = sqs
    stubber.add_client_error(
        "get_queue_url", service_error_code="AWS.SimpleQueueService.NonExistentQueue"
    )
    stubber.add_response(
        "create_queue",
        {"QueueUrl": QUEUE_URL},
        {"QueueName": "q", "Attributes": {"VisibilityTimeout": "60"}},
    )
    stubber.add_response("get_queue_attributes", {"Attributes": {"QueueArn": QUEUE_ARN}}, None)
    queue = ensure_queue(client, "q", {"VisibilityTimeout": "60"}, progress)
    assert queue.arn == QUEUE_ARN
    assert progress.changes == [(Change.CREATED, "queue", "q")]


# --- roles ----------------------------------------------------------------------------------


def role(trust=TRUST) -> dict:
    return {
        "Role": {
            "Path": "/",
            "RoleName": "r",
            "RoleId": "AROAEXAMPLE000000000",
            "Arn": ROLE_ARN,
            "CreateDate": "2026-01-01T00:00:00Z",
            "AssumeRolePolicyDocument": quote(json.dumps(trust)),  # as IAM sends it
        }
    }


def test_an_up_to_date_role_is_left_unchanged(iam, progress):
    client, stubber = iam
    stubber.add_response("get_role", role(), {"RoleName": "r"})
    stubber.add_response("list_role_policies", {"PolicyNames": ["publish"], "IsTruncated": False})
    stubber.add_response(
        "get_role_policy",
        {"RoleName": "r", "PolicyName": "publish", "PolicyDocument": quote(json.dumps(POLICY))},
        {"RoleName": "r", "PolicyName": "publish"},
    )
    assert ensure_role(client, "r", TRUST, {"publish": POLICY}, progress) == ROLE_ARN
    assert progress.changes == [(Change.UNCHANGED, "role", "r")]


def test_a_role_gets_its_policies_updated_and_stray_ones_removed(iam, progress, lines):
    client, stubber = iam
    # GIVEN a role with an outdated policy and one the documents do not name
    stubber.add_response("get_role", role(), {"RoleName": "r"})
    stubber.add_response(
        "list_role_policies", {"PolicyNames": ["publish", "stray"], "IsTruncated": False}
    )
    old = {**POLICY, "Statement": [{**POLICY["Statement"][0], "Resource": "*"}]}
    stubber.add_response(
        "get_role_policy",
        {"RoleName": "r", "PolicyName": "publish", "PolicyDocument": quote(json.dumps(old))},
    )
    stubber.add_response(
        "put_role_policy",
        {},
        {"RoleName": "r", "PolicyName": "publish", "PolicyDocument": json.dumps(POLICY)},
    )
    stubber.add_response("delete_role_policy", {}, {"RoleName": "r", "PolicyName": "stray"})
    # WHEN ensured THEN the policy is rewritten, the stray one deleted
    ensure_role(client, "r", TRUST, {"publish": POLICY}, progress)
    assert lines == ["updated   role                  r  (policy publish, policy stray removed)"]


def test_a_changed_trust_policy_is_updated(iam, progress):
    client, stubber = iam
    stubber.add_response("get_role", role(trust={**TRUST, "Statement": []}), {"RoleName": "r"})
    stubber.add_response(
        "update_assume_role_policy", {}, {"RoleName": "r", "PolicyDocument": json.dumps(TRUST)}
    )
    stubber.add_response("list_role_policies", {"PolicyNames": [], "IsTruncated": False})
    ensure_role(client, "r", TRUST, {}, progress)
    assert progress.changes == [(Change.UPDATED, "role", "r")]


# --- functions ------------------------------------------------------------------------------

CONFIG = FunctionConfig(
    name="f",
    role_arn=ROLE_ARN,
    handler="app.handler",
    runtime="python3.13",
    timeout=10,
    memory_size=128,
    description="d",
)
PACKAGE = b"zip bytes"
PACKAGE_SHA = base64.b64encode(hashlib.sha256(PACKAGE).digest()).decode()


def function_configuration(**overrides) -> dict:
    return {
        "FunctionName": "f",
        "FunctionArn": FUNCTION_ARN,
        "Role": ROLE_ARN,
        "Handler": "app.handler",
        "Runtime": "python3.13",
        "Timeout": 10,
        "MemorySize": 128,
        "Description": "d",
        "CodeSha256": PACKAGE_SHA,
        "State": "Active",
        "LastUpdateStatus": "Successful",
        **overrides,
    }


def test_an_unchanged_function_is_not_touched(lambda_, progress):
    client, stubber = lambda_
    # GIVEN a function with the same code hash and configuration
    stubber.add_response(
        "get_function_configuration", function_configuration(), {"FunctionName": "f"}
    )
    # WHEN ensured THEN no update is made (the stubber would fail on one)
    assert ensure_function(client, CONFIG, PACKAGE, progress) == FUNCTION_ARN
    assert progress.changes == [(Change.UNCHANGED, "function", "f")]


def test_changed_code_is_uploaded_and_waited_for(lambda_, progress, lines):
    client, stubber = lambda_
    stubber.add_response(
        "get_function_configuration",
        function_configuration(CodeSha256="old"),
        {"FunctionName": "f"},
    )
    stubber.add_response("update_function_code", {}, {"FunctionName": "f", "ZipFile": PACKAGE})
    stubber.add_response("get_function", {"Configuration": function_configuration()})  # waiter
    ensure_function(client, CONFIG, PACKAGE, progress)
    assert lines == ["updated   function              f  (code)"]


def test_a_changed_setting_updates_the_configuration(lambda_, progress, lines):
    client, stubber = lambda_
    stubber.add_response(
        "get_function_configuration", function_configuration(Timeout=3), {"FunctionName": "f"}
    )
    stubber.add_response("update_function_configuration", {}, {**CONFIG.as_api()})
    stubber.add_response("get_function", {"Configuration": function_configuration()})  # waiter
    ensure_function(client, CONFIG, PACKAGE, progress)
    assert lines == ["updated   function              f  (Timeout)"]


def test_a_function_that_fails_to_become_active_is_reported(lambda_, progress):
    client, stubber = lambda_
    stubber.add_client_error("get_function_configuration", "ResourceNotFoundException")
    stubber.add_response("create_function", {"FunctionArn": FUNCTION_ARN}, None)
    failed = function_configuration(State="Failed", StateReason="no executor")
    stubber.add_response("get_function", {"Configuration": failed}, None)  # waiter
    stubber.add_response("get_function_configuration", failed, None)  # explanation
    with pytest.raises(DeployError, match="function f did not become ready.*no executor"):
        ensure_function(client, CONFIG, PACKAGE, progress)


# --- the queue trigger ----------------------------------------------------------------------

UUID_1 = "11111111-1111-4111-8111-111111111111"
UUID_2 = "22222222-2222-4222-8222-222222222222"
TRIGGER = QueueTrigger("f", QUEUE_ARN, 10, 0, True)


def mapping(**overrides) -> dict:
    return {
        "UUID": UUID_1,
        "EventSourceArn": QUEUE_ARN,
        "FunctionArn": FUNCTION_ARN,
        "BatchSize": 10,
        "MaximumBatchingWindowInSeconds": 0,
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "State": "Enabled",
        **overrides,
    }


def test_an_existing_mapping_is_reused(lambda_, progress):
    client, stubber = lambda_
    stubber.add_response(
        "list_event_source_mappings",
        {"EventSourceMappings": [mapping()]},
        {"EventSourceArn": QUEUE_ARN, "FunctionName": "f"},
    )
    stubber.add_response("get_event_source_mapping", mapping(), {"UUID": UUID_1})
    assert ensure_queue_trigger(client, TRIGGER, progress) == UUID_1
    assert progress.changes == [(Change.UNCHANGED, "event source mapping", "q -> f")]


def test_a_mapping_without_batch_failure_reports_is_updated(lambda_, progress, lines):
    client, stubber = lambda_
    stubber.add_response(
        "list_event_source_mappings",
        {"EventSourceMappings": [mapping(FunctionResponseTypes=[])]},
    )
    stubber.add_response(
        "update_event_source_mapping",
        {},
        {"UUID": UUID_1, "Enabled": True, **TRIGGER.settings()},
    )
    stubber.add_response("get_event_source_mapping", mapping(State="Updating"), None)
    stubber.add_response("get_event_source_mapping", mapping(), None)
    ensure_queue_trigger(client, TRIGGER, progress)
    assert lines == ["updated   event source mapping  q -> f  (FunctionResponseTypes)"]


def test_a_new_mapping_reports_batch_item_failures(lambda_, progress):
    client, stubber = lambda_
    stubber.add_response("list_event_source_mappings", {"EventSourceMappings": []})
    stubber.add_response(
        "create_event_source_mapping",
        {"UUID": UUID_2},
        {
            "EventSourceArn": QUEUE_ARN,
            "FunctionName": "f",
            "Enabled": True,
            "BatchSize": 10,
            "MaximumBatchingWindowInSeconds": 0,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        },
    )
    stubber.add_response("get_event_source_mapping", mapping(UUID=UUID_2), {"UUID": UUID_2})
    assert ensure_queue_trigger(client, TRIGGER, progress) == UUID_2


# --- the state machine ----------------------------------------------------------------------

DEFINITION = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}


def describe(definition=DEFINITION) -> dict:
    return {
        "stateMachineArn": SM_ARN,
        "name": "sm",
        "definition": json.dumps(definition),
        "roleArn": ROLE_ARN,
        "type": "STANDARD",
        "creationDate": "2026-01-01T00:00:00Z",
    }


def listing() -> dict:
    return {
        "stateMachines": [
            {
                "stateMachineArn": SM_ARN,
                "name": "sm",
                "type": "STANDARD",
                "creationDate": "2026-01-01T00:00:00Z",
            }
        ]
    }


def test_an_unchanged_state_machine_is_left_alone(sfn, progress):
    client, stubber = sfn
    stubber.add_response("list_state_machines", listing())
    stubber.add_response("describe_state_machine", describe(), {"stateMachineArn": SM_ARN})
    assert ensure_state_machine(client, "sm", DEFINITION, ROLE_ARN, progress) == SM_ARN
    assert progress.changes == [(Change.UNCHANGED, "state machine", "sm")]


def test_a_changed_definition_is_updated(sfn, progress, lines):
    client, stubber = sfn
    stubber.add_response("list_state_machines", listing())
    stubber.add_response("describe_state_machine", describe({**DEFINITION, "Comment": "old"}))
    stubber.add_response(
        "update_state_machine",
        {"updateDate": "2026-01-01T00:00:00Z"},
        {"stateMachineArn": SM_ARN, "definition": ANY, "roleArn": ROLE_ARN},
    )
    ensure_state_machine(client, "sm", DEFINITION, ROLE_ARN, progress)
    assert lines == ["updated   state machine         sm  (definition)"]


def test_a_missing_state_machine_is_created_standard(sfn, progress):
    client, stubber = sfn
    stubber.add_response("list_state_machines", {"stateMachines": []})
    stubber.add_response(
        "create_state_machine",
        {"stateMachineArn": SM_ARN, "creationDate": "2026-01-01T00:00:00Z"},
        {"name": "sm", "definition": ANY, "roleArn": ROLE_ARN, "type": "STANDARD"},
    )
    ensure_state_machine(client, "sm", DEFINITION, ROLE_ARN, progress)
    assert progress.changes == [(Change.CREATED, "state machine", "sm")]


# --- waiting with a deadline ----------------------------------------------------------------


def test_wait_for_gives_up_at_the_deadline_naming_the_last_state():
    # GIVEN a fake clock and a check that never succeeds
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        assert len(sleeps) < 100, "wait_for kept polling past its deadline"
        sleeps.append(seconds)
        now[0] += seconds

    # WHEN waiting for 2 s THEN it fails after about 2 s of polling, naming the state
    with pytest.raises(
        DeployError, match=r"timed out after 2 s waiting for thing \(last: Creating\)"
    ):
        wait_for(
            lambda: (False, "Creating"),
            what="thing",
            timeout=2,
            interval=0.5,
            clock=lambda: now[0],
            sleep=sleep,
        )
    assert sum(sleeps) == pytest.approx(2.0)


def test_wait_for_returns_as_soon_as_the_check_passes():
    states = iter([(False, "Creating"), (True, "Enabled")])
    assert wait_for(lambda: next(states), what="x", timeout=5, sleep=lambda s: None) == "Enabled"


# --- the command ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "document"),
    [("asl", "stock_trading.asl.json"), ("jsonata", "stock_trading.jsonata.asl.json")],
)
def test_the_command_validates_without_touching_anything(capsys, choice, document):
    args = ["--validate-only", "--repo-root", str(REPO_ROOT), "--state-machine", choice]
    assert main(args) == 0
    assert (
        f"documents valid (statemachine/{document}): 5 functions, 6 state machine policies"
        in capsys.readouterr().out
    )


def test_the_state_machine_document_follows_state_machine_in_the_environment(monkeypatch, capsys):
    # GIVEN STATE_MACHINE=jsonata, as `STATE_MACHINE=jsonata make up` passes it to the deploy
    monkeypatch.setenv("STATE_MACHINE", "jsonata")
    # WHEN the deploy runs without being told which
    assert main(["--validate-only", "--repo-root", str(REPO_ROOT)]) == 0
    # THEN it read the JSONata document
    assert "(statemachine/stock_trading.jsonata.asl.json)" in capsys.readouterr().out


def test_an_unknown_state_machine_choice_is_refused_naming_the_choices():
    with pytest.raises(DocumentError, match="STATE_MACHINE: must be one of asl, jsonata"):
        prepare(REPO_ROOT, "sfnlocal", "yaml")


def test_the_command_exits_2_naming_the_broken_file(tmp_path: Path, capsys):
    import shutil

    for folder in ("lambdas", "statemachine", "iam"):
        shutil.copytree(REPO_ROOT / folder, tmp_path / folder)
    (tmp_path / "iam" / "trust" / "lambda.json").write_text("{")
    assert main(["--repo-root", str(tmp_path), "--endpoint-url", "http://127.0.0.1:1"]) == 2
    assert "iam/trust/lambda.json: invalid JSON" in capsys.readouterr().err
