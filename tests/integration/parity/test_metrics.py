"""Step Functions' AWS/States metrics reach CloudWatch, per state machine and per task."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tenacity import retry, retry_if_result, stop_after_delay, wait_fixed

from tests.support.resources import create_function, create_state_machine
from tests.support.workflow import Workflow

pytestmark = pytest.mark.integration

NAMESPACE = "AWS/States"
METRICS_TIMEOUT = 30  # they are sent once a second


def statistics(cloudwatch, metric: str, dimension: str, value: str) -> dict[str, float]:
    now = datetime.now(UTC)
    points = cloudwatch.get_metric_statistics(
        Namespace=NAMESPACE,
        MetricName=metric,
        Dimensions=[{"Name": dimension, "Value": value}],
        StartTime=now - timedelta(hours=1),
        EndTime=now + timedelta(hours=1),
        Period=3600,
        Statistics=["Sum", "SampleCount", "Minimum"],
    )["Datapoints"]
    return {
        "Sum": sum(p["Sum"] for p in points),
        "SampleCount": sum(p["SampleCount"] for p in points),
        "Minimum": min((p["Minimum"] for p in points), default=0),
    }


def wait_for_sums(
    cloudwatch, dimension: str, value: str, expected: dict[str, float], at_least=False
):
    """Each metric's Sum, once every one reached ``expected`` (or at least it)."""

    def sums() -> dict[str, float]:
        return {m: statistics(cloudwatch, m, dimension, value)["Sum"] for m in expected}

    def waiting(got: dict[str, float]) -> bool:
        if at_least:
            return any(got[m] < expected[m] for m in expected)
        return got != expected

    return retry(
        retry=retry_if_result(waiting),
        stop=stop_after_delay(METRICS_TIMEOUT),
        wait=wait_fixed(0.5),
        retry_error_callback=lambda state: state.outcome.result(),
    )(sums)()


def samples(cloudwatch, metric: str, dimension: str, value: str, count: int) -> dict[str, float]:
    """The metric's statistics once it holds ``count`` samples: a count and a time of
    the same event are sent apart, so the count can be there first."""
    return retry(
        retry=retry_if_result(lambda got: got["SampleCount"] < count),
        stop=stop_after_delay(METRICS_TIMEOUT),
        wait=wait_fixed(0.5),
        retry_error_callback=lambda state: state.outcome.result(),
    )(statistics)(cloudwatch, metric, dimension, value)


def test_execution_metrics_count_every_outcome(sfn, cloudwatch):
    # GIVEN a state machine whose input picks the outcome
    definition = {
        "StartAt": "Route",
        "TimeoutSeconds": 4,  # time enough for a busy machine to stop one execution first
        "States": {
            "Route": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.outcome", "StringEquals": "fail", "Next": "Fail"},
                    {"Variable": "$.outcome", "StringEquals": "wait", "Next": "Wait"},
                ],
                "Default": "Done",
            },
            "Fail": {"Type": "Fail", "Error": "Planned"},
            "Wait": {"Type": "Wait", "Seconds": 30, "Next": "Done"},
            "Done": {"Type": "Succeed"},
        },
    }
    arn = create_state_machine(sfn, definition)
    workflow = Workflow(sfn, arn)
    # WHEN two executions succeed, one fails, one is stopped and one times out
    workflow.run({"outcome": "ok"})
    workflow.run({"outcome": "ok"})
    workflow.run({"outcome": "fail"})
    stopped = workflow.start({"outcome": "wait"})
    sfn.stop_execution(executionArn=stopped)
    assert workflow.wait(stopped).status == "ABORTED"
    assert workflow.run({"outcome": "wait"}).status == "TIMED_OUT"
    # THEN CloudWatch counts each, per state machine
    expected = {
        "ExecutionsStarted": 5,
        "ExecutionsSucceeded": 2,
        "ExecutionsFailed": 1,
        "ExecutionsAborted": 1,
        "ExecutionsTimedOut": 1,
        "ExecutionThrottled": 0,
    }
    assert wait_for_sums(cloudwatch, "StateMachineArn", arn, expected) == expected
    time = samples(cloudwatch, "ExecutionTime", "StateMachineArn", arn, 5)
    assert time["SampleCount"] == 5
    listed = cloudwatch.list_metrics(
        Namespace=NAMESPACE, Dimensions=[{"Name": "StateMachineArn", "Value": arn}]
    )["Metrics"]
    assert {m["MetricName"] for m in listed} >= {*expected, "ExecutionTime"}


def test_lambda_task_metrics_per_function(sfn, lambda_client, cloudwatch):
    # GIVEN a function called by ARN (Lambda metrics) and through lambda:invoke
    # (service integration metrics)
    name = create_function(lambda_client, "def handler(event, context):\n    return event\n")
    function_arn = lambda_client.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    definition = {
        "StartAt": "ByArn",
        "States": {
            "ByArn": {"Type": "Task", "Resource": function_arn, "Next": "Integration"},
            "Integration": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": function_arn, "Payload.$": "$"},
                "End": True,
            },
        },
    }
    workflow = Workflow(sfn, create_state_machine(sfn, definition))
    # WHEN two executions run
    assert workflow.run({"n": 1}).status == "SUCCEEDED"
    assert workflow.run({"n": 2}).status == "SUCCEEDED"
    # THEN the function's task metrics count both, with their times
    lambda_counts = {
        "LambdaFunctionsScheduled": 2,
        "LambdaFunctionsStarted": 2,
        "LambdaFunctionsSucceeded": 2,
    }
    got = wait_for_sums(cloudwatch, "LambdaFunctionArn", function_arn, lambda_counts)
    assert got == lambda_counts
    for metric in ("LambdaFunctionTime", "LambdaFunctionRunTime", "LambdaFunctionScheduleTime"):
        time = samples(cloudwatch, metric, "LambdaFunctionArn", function_arn, 2)
        assert time["SampleCount"] == 2 and time["Minimum"] >= 0, metric
    integration = "arn:aws:states:::lambda:invoke"
    counts = ("Scheduled", "Started", "Succeeded")
    expected = {f"ServiceIntegrations{step}": 2 for step in counts}
    # other tests use lambda:invoke too: at least this test's two
    got = wait_for_sums(
        cloudwatch, "ServiceIntegrationResourceArn", integration, expected, at_least=True
    )
    assert all(got[m] >= expected[m] for m in expected), got
