"""Step Functions publishes its ``AWS/States`` metrics to CloudWatch.

AWS publishes, per state machine (dimension ``StateMachineArn``),
``ExecutionsStarted``, ``ExecutionsSucceeded``, ``ExecutionsFailed``,
``ExecutionsAborted``, ``ExecutionsTimedOut``, ``ExecutionThrottled`` and
``ExecutionTime`` (ms from start to close); per Lambda function a Task state
invokes by its ARN (dimension ``LambdaFunctionArn``) ``LambdaFunctionsScheduled``,
``...Started``, ``...Succeeded``, ``...Failed``, ``...TimedOut`` and the times
``LambdaFunctionScheduleTime`` (scheduled to started), ``LambdaFunctionRunTime``
(started to closed) and ``LambdaFunctionTime`` (scheduled to closed); and the
same for service integrations (``ServiceIntegrations*``,
``ServiceIntegration*Time``, dimension ``ServiceIntegrationResourceArn``, the
Task's ``Resource``). Documented at
https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html

LocalStack 2026.3.0 publishes none: ``ListMetrics`` shows no ``AWS/States``.

Here ``ExecutionsStarted`` is counted when an execution starts; the rest when
it ends, the task metrics read from its history (the times between a task's
scheduled, started and closed events), so a long execution's task metrics
arrive at its end. This stack never throttles an execution:
``ExecutionThrottled`` is 0 with every start. The data points go through the
one-second batcher of ``speedups/metrics_batching.py`` (one PutMetricData
request per second, however many executions), whether or not that speed-up is
installed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sfnlocal.in_localstack.patching import Target
from sfnlocal.in_localstack.speedups.metrics_batching import shared_batcher

LOG = logging.getLogger(__name__)
NAMESPACE = "AWS/States"
EXECUTION = "localstack.services.stepfunctions.backend.execution"
START = Target(EXECUTION, "Execution.start", "(self) -> 'None'")
TERMINATED = Target(EXECUTION, "BaseExecutionWorkerCommunication.terminated", "(self) -> 'None'")

CLOSED_BY_STATUS = {
    "SUCCEEDED": "ExecutionsSucceeded",
    "FAILED": "ExecutionsFailed",
    "ABORTED": "ExecutionsAborted",
    "TIMED_OUT": "ExecutionsTimedOut",
}


@dataclass(frozen=True)
class Point:
    metric: str
    dimensions: dict[str, str]
    value: float = 1
    unit: str = "Count"


@dataclass(frozen=True)
class TaskKind:
    """One family of task events: the metric prefixes and the dimension they go by."""

    events: str  # history event type prefix: LambdaFunction, Task
    counts: str  # metric name prefix of the counts: LambdaFunctions, ServiceIntegrations
    times: str  # metric name prefix of the times: LambdaFunction, ServiceIntegration
    dimension: str


LAMBDA = TaskKind("LambdaFunction", "LambdaFunctions", "LambdaFunction", "LambdaFunctionArn")
SERVICE = TaskKind(
    "Task", "ServiceIntegrations", "ServiceIntegration", "ServiceIntegrationResourceArn"
)
CLOSING = {"Succeeded": "Succeeded", "Failed": "Failed", "TimedOut": "TimedOut"}


def _milliseconds(start: datetime, end: datetime) -> float:
    return round((end - start).total_seconds() * 1000, 3)


def _resource(kind: TaskKind, event: dict) -> str | None:
    details = event.get(f"{kind.events[0].lower()}{kind.events[1:]}ScheduledEventDetails") or {}
    if kind is LAMBDA:
        return details.get("resource")
    if details.get("resourceType") and details.get("resource"):
        return f"arn:aws:states:::{details['resourceType']}:{details['resource']}"
    return None


def _earlier(by_id: dict[int, dict], kind: TaskKind, event: dict, step: str) -> dict | None:
    """The task's ``step`` event before ``event``, back through the same task's events
    (a callback task has ``TaskSubmitted`` between started and closed)."""
    wanted = f"{kind.events}{step}"
    earlier = by_id.get(event.get("previousEventId"))
    while earlier is not None and earlier["type"] != wanted:
        if earlier["type"] not in (f"{kind.events}Submitted", f"{kind.events}Started"):
            return None
        earlier = by_id.get(earlier.get("previousEventId"))
    return earlier


def task_points(history: list[dict]) -> list[Point]:
    """The Lambda and service integration metrics of one execution's history events.

    A task's events are linked as AWS links them: each one's ``previousEventId``
    is the id of the one before it in the same branch (scheduled, started, closed).
    A task that never started (a schedule or start failure) counts as scheduled only.
    """
    by_id = {event["id"]: event for event in history}
    points: list[Point] = []
    for event in history:
        for kind in (LAMBDA, SERVICE):
            if not event["type"].startswith(kind.events):
                continue
            step = event["type"].removeprefix(kind.events)
            if step == "Scheduled":
                if resource := _resource(kind, event):
                    points.append(Point(f"{kind.counts}Scheduled", {kind.dimension: resource}))
            elif step == "Started":
                scheduled = _earlier(by_id, kind, event, "Scheduled")
                if resource := scheduled and _resource(kind, scheduled):
                    dimensions = {kind.dimension: resource}
                    points.append(Point(f"{kind.counts}Started", dimensions))
                    waited = _milliseconds(scheduled["timestamp"], event["timestamp"])
                    points.append(
                        Point(f"{kind.times}ScheduleTime", dimensions, waited, "Milliseconds")
                    )
            elif step in CLOSING:
                started = _earlier(by_id, kind, event, "Started")
                scheduled = started and _earlier(by_id, kind, started, "Scheduled")
                if resource := scheduled and _resource(kind, scheduled):
                    dimensions = {kind.dimension: resource}
                    points.append(Point(f"{kind.counts}{CLOSING[step]}", dimensions))
                    ran = _milliseconds(started["timestamp"], event["timestamp"])
                    took = _milliseconds(scheduled["timestamp"], event["timestamp"])
                    points.append(Point(f"{kind.times}RunTime", dimensions, ran, "Milliseconds"))
                    points.append(Point(f"{kind.times}Time", dimensions, took, "Milliseconds"))
    return points


def execution_end_points(
    state_machine_arn: str, status: str, started: datetime, stopped: datetime | None
) -> list[Point]:
    dimensions = {"StateMachineArn": state_machine_arn}
    points = []
    if metric := CLOSED_BY_STATUS.get(status):
        points.append(Point(metric, dimensions))
    if stopped is not None:
        elapsed = _milliseconds(started, stopped)
        points.append(Point("ExecutionTime", dimensions, elapsed, "Milliseconds"))
    return points


def _publish(execution, points: list[Point]) -> None:
    for point in points:
        shared_batcher().add(
            NAMESPACE,
            execution.account_id,
            execution.region_name,
            point.metric,
            point.dimensions,
            point.value,
            point.unit,
        )


def _start(original, self) -> None:
    original(self)
    try:
        dimensions = {"StateMachineArn": self.state_machine_arn}
        _publish(
            self,
            [Point("ExecutionsStarted", dimensions), Point("ExecutionThrottled", dimensions, 0)],
        )
    except Exception:  # metrics must never fail an execution
        LOG.exception("sfnlocal: could not record the start of %s", self.exec_arn)


def _terminated(original, self) -> None:
    original(self)
    execution = self.execution
    try:
        points = execution_end_points(
            execution.state_machine_arn,
            str(execution.exec_status),
            execution.start_date,
            execution.stop_date,
        )
        worker = execution.exec_worker
        if worker is not None and worker.env is not None:
            points += task_points(worker.env.event_manager.get_event_history())
        _publish(execution, points)
    except Exception:  # metrics must never fail an execution
        LOG.exception("sfnlocal: could not record the end of %s", execution.exec_arn)


def install() -> None:
    START.patch(_start)
    TERMINATED.patch(_terminated)
