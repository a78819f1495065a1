"""Executions report their redrive count and status, and the context object its RedriveCount,
as on AWS (LocalStack 2026.3.0 has no redrive: every count is 0)."""

from __future__ import annotations

import pytest

from tests.support.resources import create_state_machine
from tests.support.workflow import Workflow

pytestmark = pytest.mark.integration

FAIL = {"StartAt": "Fail", "States": {"Fail": {"Type": "Fail", "Error": "Boom", "Cause": "x"}}}
CONTEXT = {
    "StartAt": "Context",
    "States": {
        "Context": {
            "Type": "Pass",
            "Parameters": {"redriveCount.$": "$$.Execution.RedriveCount"},
            "End": True,
        }
    },
}


def test_a_failed_execution_is_redrivable_and_never_redriven(sfn):
    # GIVEN a standard execution that failed
    execution = Workflow(sfn, create_state_machine(sfn, FAIL)).run({})
    assert execution.status == "FAILED"
    # WHEN it is described
    described = sfn.describe_execution(executionArn=execution.arn)
    # THEN it can be redriven (within AWS's 14 days) and was redriven 0 times
    assert described["redriveCount"] == 0
    assert described["redriveStatus"] == "REDRIVABLE"
    assert "redriveStatusReason" not in described


def test_a_succeeded_execution_is_not_redrivable_and_says_why(sfn):
    # GIVEN a standard execution that succeeded
    workflow = Workflow(sfn, create_state_machine(sfn, CONTEXT))
    execution = workflow.run({})
    assert execution.status == "SUCCEEDED"
    # WHEN it is described and listed
    described = sfn.describe_execution(executionArn=execution.arn)
    listed = sfn.list_executions(stateMachineArn=workflow.state_machine_arn)["executions"]
    # THEN AWS's answer: not redrivable, the reason, a count of 0 (in the list too)
    assert described["redriveCount"] == 0
    assert described["redriveStatus"] == "NOT_REDRIVABLE"
    assert described["redriveStatusReason"] == "Execution is SUCCEEDED and cannot be redriven"
    assert [item["redriveCount"] for item in listed] == [0]


def test_the_context_object_has_the_redrive_count(sfn):
    # GIVEN a state that reads $$.Execution.RedriveCount  WHEN a first run executes it
    execution = Workflow(sfn, create_state_machine(sfn, CONTEXT)).run({})
    # THEN it reads 0, as on AWS (where a path to a missing field fails the execution)
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    assert execution.output == {"redriveCount": 0}


def test_a_sync_child_executions_result_has_no_redrive_fields(sfn):
    # GIVEN a state machine that runs a child execution with startExecution.sync
    child = create_state_machine(sfn, CONTEXT)
    parent = {
        "StartAt": "Child",
        "States": {
            "Child": {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution.sync",
                "Parameters": {"StateMachineArn": child, "Input": {}},
                "End": True,
            }
        },
    }
    # WHEN it runs
    execution = Workflow(sfn, create_state_machine(sfn, parent)).run({})
    # THEN its result is the child's description as AWS's .sync gives it: no redrive fields
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    assert execution.output["Status"] == "SUCCEEDED"
    assert not {"RedriveCount", "RedriveStatus", "RedriveStatusReason"} & set(execution.output)
