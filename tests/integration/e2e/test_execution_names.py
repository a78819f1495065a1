"""Execution names as AWS allows them, non-ASCII letters included: the
execution runs and its ARN works in every call that takes one (the fix in
src/sfnlocal/in_localstack/fixes/execution_names.py)."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("name", ["Übung-kauf", "株価-チェック", "(buy)!+.'@="])
def test_an_execution_named_as_aws_allows_runs_and_is_readable(workflow, name):
    # GIVEN an execution started with a name AWS accepts but LocalStack's ARN check did not
    name = f"{name}-{uuid.uuid4().hex[:8]}"
    started = workflow.sfn.start_execution(
        stateMachineArn=workflow.state_machine_arn, name=name, input='{"stock_price": 20}'
    )
    arn = started["executionArn"]
    assert arn.endswith(f":{name}")
    # WHEN it is read back by its ARN
    execution = workflow.wait(arn)  # DescribeExecution, then GetExecutionHistory
    # THEN it succeeded and every call that takes its ARN answers
    assert execution.status == "SUCCEEDED"
    assert execution.history[0]["type"] == "ExecutionStarted"
    described = workflow.sfn.describe_state_machine_for_execution(executionArn=arn)
    assert described["stateMachineArn"] == workflow.state_machine_arn
    pages = workflow.sfn.get_paginator("list_executions").paginate(
        stateMachineArn=workflow.state_machine_arn
    )
    assert name in {e["name"] for page in pages for e in page["executions"]}


def test_an_arn_whose_name_aws_refuses_is_still_refused(workflow):
    arn = workflow.state_machine_arn.replace(":stateMachine:", ":execution:") + ":two words"
    with pytest.raises(workflow.sfn.exceptions.InvalidArn):
        workflow.sfn.describe_execution(executionArn=arn)
