"""Which AWS/States metrics an execution's history gives (fixes/sfn_metrics.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sfnlocal.in_localstack.fixes.sfn_metrics import Point, execution_end_points, task_points

T0 = datetime(2026, 3, 24, 12, 0, tzinfo=UTC)
FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:f"


def event(id_: int, kind: str, previous: int, ms: int, **details) -> dict:
    event = {"id": id_, "type": kind, "previousEventId": previous}
    event["timestamp"] = T0 + timedelta(milliseconds=ms)
    event.update(details)
    return event


def lambda_history(closing: str) -> list[dict]:
    return [
        event(1, "ExecutionStarted", 0, 0),
        event(2, "TaskStateEntered", 0, 1),
        event(
            3,
            "LambdaFunctionScheduled",
            2,
            2,
            lambdaFunctionScheduledEventDetails={"resource": FUNCTION},
        ),
        event(4, "LambdaFunctionStarted", 3, 12),
        event(5, closing, 4, 112),
        event(6, "TaskStateExited", 5, 113),
    ]


def test_a_lambda_task_gives_counts_and_times():
    points = task_points(lambda_history("LambdaFunctionSucceeded"))
    dims = {"LambdaFunctionArn": FUNCTION}
    assert points == [
        Point("LambdaFunctionsScheduled", dims),
        Point("LambdaFunctionsStarted", dims),
        Point("LambdaFunctionScheduleTime", dims, 10.0, "Milliseconds"),
        Point("LambdaFunctionsSucceeded", dims),
        Point("LambdaFunctionRunTime", dims, 100.0, "Milliseconds"),
        Point("LambdaFunctionTime", dims, 110.0, "Milliseconds"),
    ]


def test_failed_and_timed_out_lambda_tasks_are_counted_so():
    failed = {p.metric for p in task_points(lambda_history("LambdaFunctionFailed"))}
    timed_out = {p.metric for p in task_points(lambda_history("LambdaFunctionTimedOut"))}
    assert "LambdaFunctionsFailed" in failed and "LambdaFunctionsSucceeded" not in failed
    assert "LambdaFunctionsTimedOut" in timed_out


def test_a_callback_integration_is_timed_from_scheduled_to_its_close():
    details = {"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken"}
    history = [
        event(2, "TaskStateEntered", 0, 0),
        event(3, "TaskScheduled", 2, 0, taskScheduledEventDetails=details),
        event(4, "TaskStarted", 3, 5),
        event(5, "TaskSubmitted", 4, 10),
        event(6, "TaskSucceeded", 5, 1005),
    ]
    dims = {"ServiceIntegrationResourceArn": "arn:aws:states:::sqs:sendMessage.waitForTaskToken"}
    points = task_points(history)
    assert Point("ServiceIntegrationsSucceeded", dims) in points
    assert Point("ServiceIntegrationRunTime", dims, 1000.0, "Milliseconds") in points
    assert Point("ServiceIntegrationTime", dims, 1005.0, "Milliseconds") in points


def test_a_task_that_never_started_counts_as_scheduled_only():
    history = lambda_history("LambdaFunctionSucceeded")[:3]
    history.append(event(4, "LambdaFunctionScheduleFailed", 3, 5))
    assert [p.metric for p in task_points(history)] == ["LambdaFunctionsScheduled"]


def test_parallel_branches_are_told_apart_by_their_event_links():
    other = "arn:aws:lambda:us-east-1:000000000000:function:g"
    history = [
        event(
            3,
            "LambdaFunctionScheduled",
            2,
            0,
            lambdaFunctionScheduledEventDetails={"resource": FUNCTION},
        ),
        event(
            4,
            "LambdaFunctionScheduled",
            2,
            0,
            lambdaFunctionScheduledEventDetails={"resource": other},
        ),
        event(5, "LambdaFunctionStarted", 4, 1),
        event(6, "LambdaFunctionStarted", 3, 2),
        event(7, "LambdaFunctionSucceeded", 6, 52),
        event(8, "LambdaFunctionFailed", 5, 301),
    ]
    points = task_points(history)
    assert Point("LambdaFunctionsSucceeded", {"LambdaFunctionArn": FUNCTION}) in points
    assert Point("LambdaFunctionsFailed", {"LambdaFunctionArn": other}) in points
    assert (
        Point("LambdaFunctionTime", {"LambdaFunctionArn": FUNCTION}, 52.0, "Milliseconds") in points
    )
    assert (
        Point("LambdaFunctionTime", {"LambdaFunctionArn": other}, 301.0, "Milliseconds") in points
    )


def test_execution_end_counts_its_status_and_time():
    arn = "arn:aws:states:us-east-1:000000000000:stateMachine:m"
    points = execution_end_points(arn, "TIMED_OUT", T0, T0 + timedelta(seconds=2))
    dims = {"StateMachineArn": arn}
    assert points == [
        Point("ExecutionsTimedOut", dims),
        Point("ExecutionTime", dims, 2000.0, "Milliseconds"),
    ]
