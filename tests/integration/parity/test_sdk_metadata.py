"""An optimized integration's result carries SdkHttpMetadata and SdkResponseMetadata, as on AWS
(the request-response result, and the submitting call's result of a .waitForTaskToken task);
an AWS SDK integration's does not."""

from __future__ import annotations

import json

import pytest

from tests.support.resources import create_function, create_state_machine, unique
from tests.support.workflow import Workflow

pytestmark = pytest.mark.integration

METADATA = {"SdkHttpMetadata", "SdkResponseMetadata"}
SNS_SQS_SFN_HEADERS = {"x-amzn-RequestId", "connection", "Content-Length", "Date", "Content-Type"}
LAMBDA_HEADERS = {
    "Connection",
    "Content-Length",
    "Content-Type",
    "Date",
    "X-Amz-Executed-Version",
    "X-Amzn-Trace-Id",
    "x-amzn-Remapped-Content-Length",
    "x-amzn-RequestId",
}


def assert_aws_metadata(result: dict, headers: set[str], content_type: str) -> None:
    """AWS's shape: the same headers in both maps (each value a list in AllHttpHeaders),
    status 200, and one request id in the header and the response metadata."""
    http = result["SdkHttpMetadata"]
    assert http["HttpStatusCode"] == 200
    assert set(http["HttpHeaders"]) == headers
    assert http["AllHttpHeaders"] == {name: [value] for name, value in http["HttpHeaders"].items()}
    request_id = result["SdkResponseMetadata"]["RequestId"]
    assert request_id and http["HttpHeaders"]["x-amzn-RequestId"] == request_id
    assert http["HttpHeaders"]["Content-Type"] == content_type
    assert int(http["HttpHeaders"]["Content-Length"]) > 0


def submitted_output(execution, resource: str) -> dict:
    [event] = [
        e
        for e in execution.events("TaskSubmitted")
        if e["taskSubmittedEventDetails"]["resource"] == resource
    ]
    return json.loads(event["taskSubmittedEventDetails"]["output"])


def test_the_samples_report_result_is_the_sns_result_with_its_metadata(workflow):
    # GIVEN the deployed sample  WHEN a buy execution runs to its end ("Report Result": sns:publish)
    execution = workflow.run({"stock_price": 20})
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    # THEN its output is SNS's result as AWS returns it: the message id and the call's metadata
    assert set(execution.output) == {"MessageId", *METADATA}
    assert_aws_metadata(execution.output, SNS_SQS_SFN_HEADERS, "text/xml")


def test_the_approval_requests_submitted_event_has_the_sqs_metadata(workflow):
    # GIVEN a buy execution of the sample, which waits for a task token after sqs:sendMessage
    execution = workflow.run({"stock_price": 20})
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    # THEN the TaskSubmitted event carries SQS's result with its metadata
    submitted = submitted_output(execution, "sendMessage.waitForTaskToken")
    assert set(submitted) == {"MessageId", "MD5OfMessageBody", *METADATA}
    assert_aws_metadata(submitted, SNS_SQS_SFN_HEADERS, "application/x-amz-json-1.0")
    # AND the task's result is the callback's output, without metadata
    approval = execution.state_output("Request Human Approval")
    assert not (isinstance(approval, dict) and METADATA & set(approval))


def test_lambda_invoke_returns_the_payload_inside_the_invoke_metadata(sfn, lambda_client):
    # GIVEN a Task state on the optimized lambda:invoke integration
    function = create_function(lambda_client, "def handler(event, context):\n    return event\n")
    invoke = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": function, "Payload.$": "$"},
        "End": True,
    }
    arn = create_state_machine(sfn, {"StartAt": "Invoke", "States": {"Invoke": invoke}})
    # WHEN it runs
    execution = Workflow(sfn, arn).run({"price": 20})
    # THEN its result is AWS's: the invoke response's fields and the call's metadata
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    output = execution.output
    assert set(output) == {"ExecutedVersion", "Payload", "StatusCode", *METADATA}
    assert output["Payload"] == {"price": 20} and output["StatusCode"] == 200
    assert_aws_metadata(output, LAMBDA_HEADERS, "application/json")
    assert output["SdkHttpMetadata"]["HttpHeaders"]["X-Amz-Executed-Version"] == "$LATEST"


def test_an_aws_sdk_integration_returns_no_metadata(sfn, stack):
    # GIVEN an SQS call through the AWS SDK integration
    queue_url = stack.client("sqs").create_queue(QueueName=unique("sdk"))["QueueUrl"]
    send = {
        "Type": "Task",
        "Resource": "arn:aws:states:::aws-sdk:sqs:sendMessage",
        "Parameters": {"QueueUrl": queue_url, "MessageBody": "sdk"},
        "End": True,
    }
    arn = create_state_machine(sfn, {"StartAt": "Send", "States": {"Send": send}})
    # WHEN it runs
    execution = Workflow(sfn, arn).run({})
    # THEN the result is the API's output only, as on AWS
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    assert "MessageId" in execution.output
    assert not METADATA & set(execution.output)


def test_a_sync_tasks_submitted_event_has_the_start_execution_metadata(sfn):
    # GIVEN a startExecution.sync task on a child state machine
    child = create_state_machine(
        sfn, {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    )
    start = {
        "Type": "Task",
        "Resource": "arn:aws:states:::states:startExecution.sync",
        "Parameters": {"StateMachineArn": child, "Input": {}},
        "End": True,
    }
    arn = create_state_machine(sfn, {"StartAt": "Start", "States": {"Start": start}})
    # WHEN it runs
    execution = Workflow(sfn, arn).run({})
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    # THEN the TaskSubmitted event has StartExecution's result with its metadata
    submitted = submitted_output(execution, "startExecution.sync")
    assert set(submitted) == {"ExecutionArn", "StartDate", *METADATA}
    assert_aws_metadata(submitted, SNS_SQS_SFN_HEADERS, "application/x-amz-json-1.0")
    # AND the task's result (the child's description) has none, as on AWS
    assert not METADATA & set(execution.output)
