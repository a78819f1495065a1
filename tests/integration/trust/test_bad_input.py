"""Bad input: each case ends in a clear error, a FAILED execution naming the problem, or
a message in the dead-letter queue; never a hang, a crash of the stack or a silent drop.

(Invalid ``stock_price`` values and execution input that is not JSON are in
tests/integration/e2e/test_stock_trading.py.)
"""

from __future__ import annotations

import json
import time
import uuid

import pytest

from sfnlocal.waiting import wait_for
from tests.support.trust import assert_queue_empty, log_lines

pytestmark = pytest.mark.integration

DEAD_LETTER_TIMEOUT = 90
"""The approver makes a message it can never approve visible again at once, so its three
receives take seconds; the rest is the event source mapping's back-off on an empty queue."""
LOGS_TIMEOUT = 30


@pytest.mark.parametrize(
    ("execution_input", "got"),
    [("[20]", "list"), ('"buy"', "str"), ("20", "int"), ("true", "bool")],
)
def test_execution_input_that_is_not_an_object_fails_naming_the_problem(
    workflow, execution_input, got
):
    # WHEN an execution starts with JSON that is not an object
    execution = workflow.wait(workflow.start(raw_input=execution_input))
    # THEN it fails at the first state, and error and cause say why
    assert execution.status == "FAILED"
    assert execution.error == "InvalidInputError"
    assert f"execution input must be a JSON object, got {got}" in execution.cause
    assert execution.states_entered() == ["Check Stock Price"]


def test_null_execution_input_is_no_input(workflow):
    # GIVEN input JSON null: the engine passes an empty object to the first state
    execution = workflow.wait(workflow.start(raw_input="null"))
    # THEN the execution trades at a random price, as without input
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    assert 0 <= execution.state_output("Check Stock Price")["stock_price"] <= 99


def _token_of(execution) -> str:
    scheduled = [
        e["taskScheduledEventDetails"]
        for e in execution.events("TaskScheduled")
        if e["taskScheduledEventDetails"]["resourceType"] == "sqs"
    ]
    return json.loads(scheduled[0]["parameters"])["MessageBody"]["TaskToken"]


def test_approval_messages_that_cannot_be_approved_go_to_the_dead_letter_queue(
    stack, workflow, reports, dead_letters
):
    # GIVEN a finished execution, whose task token is now stale
    finished = workflow.run({"stock_price": 30})
    assert finished.status == "SUCCEEDED", (finished.error, finished.cause)
    history_length = len(finished.history)
    stale = _token_of(finished)
    bodies = {
        "not JSON": "approve it, please",
        "JSON, not an object": json.dumps(["TaskToken", stale]),
        "no TaskToken": json.dumps({"Input": {"stock_price": 30}}),
        "TaskToken not a string": json.dumps({"Input": {}, "TaskToken": 12345}),
        "stale token (its task completed)": json.dumps({"Input": {}, "TaskToken": stale}),
        "unknown token": json.dumps({"Input": {}, "TaskToken": str(uuid.uuid4())}),
    }
    sqs = stack.client("sqs")
    since_ms = int(time.time() * 1000) - 1000
    # WHEN each is sent to the approval queue, while a real execution waits for approval
    running = workflow.start({"stock_price": 70})
    sent = {
        case: sqs.send_message(QueueUrl=stack.outputs.queue_url, MessageBody=body)["MessageId"]
        for case, body in bodies.items()
    }
    # THEN every one of them reaches the dead-letter queue, unchanged, within seconds
    letters = dead_letters.wait_for(sent.values(), DEAD_LETTER_TIMEOUT)
    for case, message_id in sent.items():
        assert letters[message_id]["Body"] == bodies[case], case
        assert int(letters[message_id]["Attributes"]["ApproximateReceiveCount"]) >= 3, case
    # AND the approver logged, for each, why it could not approve it (as on AWS, a
    # function's log reaches CloudWatch Logs a moment after the invocation)
    reasons = {
        case: f"Step Functions rejected the task token of message {message_id}: "
        if "token (" in case or case == "unknown token"
        else f"Message {message_id} is not an approval request: "
        for case, message_id in sent.items()
    }
    group = f"/aws/lambda/{stack.outputs.functions['ApproveRequest'].name}"

    def not_logged_yet() -> list[str]:
        logs = "\n".join(log_lines(stack.client("logs"), group, since_ms))
        return [case for case, reason in reasons.items() if reason not in logs]

    wait_for(
        not_logged_yet,
        LOGS_TIMEOUT,
        f"the approver's reasons in {group}",
        interval=0.5,
        done=lambda missing: not missing,
        describe=lambda missing: f"not logged: {missing}",
    )
    # AND the real execution was approved and traded all the same
    execution = workflow.wait(running)
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    assert reports.message(execution.output["MessageId"])["Input"]["type"] == "sell"
    # AND the stale token changed nothing in the finished execution
    assert len(workflow.history(finished.arn)) == history_length
    # AND nothing is left on the approval queue
    assert_queue_empty(sqs, stack.outputs.queue_url)
