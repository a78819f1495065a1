"""A Lambda error's stackTrace shows the code in /var/task, as on AWS."""

from __future__ import annotations

import base64
import json

import pytest

from tests.support.resources import create_function, create_state_machine
from tests.support.workflow import Workflow

pytestmark = pytest.mark.integration

FAILING = """\
def handler(event, context):
    raise Exception("Some exception was raised.")
"""
# As in AWS's recorded answers for this very function (handler.py, line 2).
FRAME = (
    '  File "/var/task/handler.py", line 2, in handler\n'
    '    raise Exception("Some exception was raised.")\n'
)


@pytest.fixture(scope="module")
def failing(lambda_client) -> str:
    name = create_function(lambda_client, FAILING, filename="handler.py")
    return lambda_client.get_function(FunctionName=name)["Configuration"]["FunctionArn"]


def test_invoke_response_and_logs_show_var_task(lambda_client, failing):
    # WHEN the function raises
    response = lambda_client.invoke(FunctionName=failing, Payload=b"{}", LogType="Tail")
    error = json.loads(response["Payload"].read())
    # THEN its stack trace, and the traceback in its log, name /var/task/handler.py
    assert response["FunctionError"] == "Unhandled"
    assert error["stackTrace"] == [FRAME]
    log = base64.b64decode(response["LogResult"]).decode()
    assert '"/var/task/handler.py", line 2' in log
    assert "/code/handler.py" not in log


@pytest.mark.parametrize(
    ("resource", "failed_event"),
    [
        (None, "LambdaFunctionFailed"),  # Resource: the function's ARN
        ("arn:aws:states:::lambda:invoke", "TaskFailed"),
    ],
)
def test_step_functions_causes_show_var_task(sfn, failing, resource, failed_event):
    # GIVEN a Task state on the failing function
    task = {"Type": "Task", "Resource": resource or failing, "End": True}
    if resource:
        task["Parameters"] = {"FunctionName": failing, "Payload.$": "$"}
    arn = create_state_machine(sfn, {"StartAt": "Call", "States": {"Call": task}})
    # WHEN it runs
    execution = Workflow(sfn, arn).run({})
    # THEN the task's and the execution's causes carry AWS's stack trace
    assert execution.status == "FAILED"
    details_key = failed_event[0].lower() + failed_event[1:] + "EventDetails"
    task_cause = json.loads(execution.events(failed_event)[0][details_key]["cause"])
    execution_cause = json.loads(execution.cause)
    for cause in (task_cause, execution_cause):
        assert cause["stackTrace"] == [FRAME]
        assert cause["errorMessage"] == "Some exception was raised."
