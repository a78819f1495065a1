"""A Choice state that matches no rule and has no Default fails with States.NoChoiceMatched."""

from __future__ import annotations

import json

import pytest

from tests.support.resources import ROLE, create_state_machine
from tests.support.workflow import Workflow

pytestmark = pytest.mark.integration

CHOICE = {
    "Type": "Choice",
    "Choices": [{"Variable": "$.kind", "StringEquals": "buy", "Next": "Bought"}],
}
BOUGHT = {"Type": "Succeed"}


def test_execution_fails_with_no_choice_matched(sfn):
    # GIVEN a Choice with no Default
    arn = create_state_machine(
        sfn, {"StartAt": "Route", "States": {"Route": CHOICE, "Bought": BOUGHT}}
    )
    # WHEN no rule matches the input
    execution = Workflow(sfn, arn).run({"kind": "hold"})
    # THEN the execution fails with AWS's error, naming the state
    assert execution.status == "FAILED"
    assert execution.error == "States.NoChoiceMatched"
    assert "'Route'" in execution.cause
    failed = execution.events("ExecutionFailed")[0]["executionFailedEventDetails"]
    assert failed["error"] == "States.NoChoiceMatched"


def catching(state_type: str, error_equals: list[str]) -> dict:
    """The Choice inside a Parallel or Map state that catches ``error_equals``."""
    branch = {"StartAt": "Route", "States": {"Route": CHOICE, "Bought": BOUGHT}}
    state = {"Type": state_type, "End": True}
    if state_type == "Parallel":
        state["Branches"] = [branch]
    else:
        state.update(ItemsPath="$.orders", ItemProcessor=branch)
    state["Catch"] = [{"ErrorEquals": error_equals, "ResultPath": "$.error", "Next": "Caught"}]
    return {"StartAt": "Try", "States": {"Try": state, "Caught": {"Type": "Pass", "End": True}}}


@pytest.mark.parametrize("state_type", ["Parallel", "Map"])
def test_a_catch_on_no_choice_matched_fires(sfn, state_type):
    # GIVEN the Choice in a Parallel branch or Map iteration that catches States.NoChoiceMatched
    arn = create_state_machine(sfn, catching(state_type, ["States.NoChoiceMatched"]))
    # WHEN no rule matches
    execution = Workflow(sfn, arn).run({"kind": "hold", "orders": [{"kind": "hold"}]})
    # THEN the catcher took the error and the execution went on to succeed
    assert execution.status == "SUCCEEDED", execution.cause
    assert "Caught" in execution.states_entered()
    assert execution.output["error"]["Error"] == "States.NoChoiceMatched"


def test_a_catch_on_task_failed_does_not_take_it(sfn):
    # GIVEN a catcher of States.TaskFailed only (which AWS says matches task errors)
    arn = create_state_machine(sfn, catching("Parallel", ["States.TaskFailed"]))
    # WHEN no rule matches
    execution = Workflow(sfn, arn).run({"kind": "hold"})
    # THEN the error passes that catcher and fails the execution
    assert execution.status == "FAILED"
    assert execution.error == "States.NoChoiceMatched"


def test_test_state_reports_no_choice_matched(sfn):
    # WHEN TestState runs the Choice on an input no rule matches
    result = sfn.test_state(
        definition=json.dumps(CHOICE), roleArn=ROLE, input=json.dumps({"kind": "hold"})
    )
    # THEN it reports AWS's error
    assert result["status"] == "FAILED"
    assert result["error"] == "States.NoChoiceMatched"
