"""What the Execution details and the Start execution dialog are built from:
each step read from a history, and the name and input checked before a start."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from sfnlocal.errors import UserError
from sfnlocal.in_localstack.fixes.execution_names import accepted_by_aws
from sfnlocal.workflow import inputs, steps
from tests.conftest import REPO_ROOT

START = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
STATES = ["Check Stock Price", "Request Human Approval", "Buy Stock"]


def event(n: int, kind: str, **details) -> dict:
    key = kind[0].lower() + kind[1:]
    for suffix in ("Entered", "Exited"):
        if kind.endswith(f"State{suffix}"):
            key = f"state{suffix}"
    return {
        "id": n,
        "type": kind,
        "timestamp": START + timedelta(milliseconds=100 * n),
        f"{key}EventDetails": details,
    }


REJECTED = [
    event(1, "ExecutionStarted", input='{"stock_price": 20}'),
    event(2, "TaskStateEntered", name="Check Stock Price", input='{"stock_price": 20}'),
    event(3, "LambdaFunctionScheduled", resource="arn:fn:check", input='{"stock_price": 20}'),
    event(4, "LambdaFunctionSucceeded", output='{"stock_price": 20}'),
    event(5, "TaskStateExited", name="Check Stock Price", output='{"stock_price": 20}'),
    event(6, "TaskStateEntered", name="Request Human Approval", input='{"stock_price": 20}'),
    event(
        7,
        "TaskScheduled",
        resourceType="sqs",
        resource="sendMessage.waitForTaskToken",
        parameters=json.dumps({"MessageBody": {"Input": {"stock_price": 20}, "TaskToken": "t"}}),
    ),
    event(8, "TaskFailed", resourceType="sqs", error="Rejected", cause="too risky today"),
    event(9, "ExecutionFailed", error="Rejected", cause="too risky today"),
]


def test_a_rejected_approval_shows_on_its_step_with_the_reason():
    found = steps.steps(STATES, REJECTED, "FAILED")
    check, approval, buy = (found[name] for name in STATES)
    assert (check.status, check.input, check.output) == (
        "succeeded",
        {"stock_price": 20},
        {"stock_price": 20},
    )
    assert check.resource == "arn:fn:check" and check.result == {"stock_price": 20}
    assert approval.status == "failed"
    assert (approval.error, approval.cause) == ("Rejected", "too risky today")
    assert approval.resource == "sqs:sendMessage.waitForTaskToken"
    assert approval.parameters["MessageBody"]["Input"] == {"stock_price": 20}
    assert approval.output is None
    assert (buy.status, buy.input) == ("not reached", None)
    assert check.entered_after == pytest.approx(0.1) and check.duration == pytest.approx(0.3)


def test_a_running_step_is_running_and_each_event_names_its_step():
    found = steps.steps(STATES, REJECTED[:7], "RUNNING")
    assert found["Request Human Approval"].status == "running"
    rows = steps.event_rows(REJECTED)
    assert [(r.id, r.step) for r in rows][:3] == [
        (1, None),
        (2, "Check Stock Price"),
        (3, "Check Stock Price"),
    ]
    assert (
        rows[6].resource == "sqs:sendMessage.waitForTaskToken"
        and rows[6].step == "Request Human Approval"
    )
    assert rows[8].step is None and rows[8].after == pytest.approx(0.8)
    assert rows[8].to_json()["details"] == {"error": "Rejected", "cause": "too risky today"}


@pytest.mark.parametrize("name", ["buy-20", "Übung_1", "株価チェック", "a" * 80, "(x)!'@=+."])
def test_names_aws_allows_are_taken_non_ascii_included(name):
    assert inputs.execution_name(name) == name
    assert accepted_by_aws(f"arn:aws:states:us-east-1:000000000000:execution:sfnlocal-SM:{name}")


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("two words", "' '"),
        ("a/b", "'/'"),
        ("<b>", "'<' '>'"),
        ("tab\there", "'\\t'"),
        ("x" * 81, "81 characters"),
        ("price:20", "':'"),
    ],
)
def test_names_aws_refuses_are_refused_before_anything_starts(name, problem):
    with pytest.raises(UserError, match="must not contain|at most 80") as refused:
        inputs.execution_name(name)
    assert problem in refused.value.problem
    assert not accepted_by_aws(
        f"arn:aws:states:us-east-1:000000000000:execution:sfnlocal-SM:{name}"
    )


def test_an_empty_name_lets_the_tooling_pick_one():
    assert inputs.execution_name("") is None and inputs.execution_name(None) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"stock_price": 120}', "stock_price must be an integer from 0 to 99, got 120"),
        ('{"stock_price": "20"}', "stock_price must be an integer from 0 to 99"),
        ('{"stock_price": true}', "stock_price must be an integer from 0 to 99"),
        ("[1, 2]", "execution input must be a JSON object, got list"),
        ('{"stock_price": 20', "the input is not valid JSON"),
        ("x" * (256 * 1024 + 1), "larger than 256 KiB"),
    ],
)
def test_a_bad_input_is_refused_with_the_sample_s_own_message(text, message):
    with pytest.raises(UserError) as refused:
        inputs.parse_input(REPO_ROOT, text)
    assert message in refused.value.problem and refused.value.fix


def test_a_good_input_is_taken_as_typed():
    assert inputs.parse_input(REPO_ROOT, '{"stock_price": 99, "note": "ü"}') == {
        "stock_price": 99,
        "note": "ü",
    }
    assert inputs.parse_input(REPO_ROOT, "") == {}
