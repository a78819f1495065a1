"""Executions say how often they were redriven and whether they can be: ``redriveCount``,
``redriveStatus``, ``$$.Execution.RedriveCount``.

AWS: ``DescribeExecution`` answers ``redriveCount`` ("If you have not yet
redriven an execution, the redriveCount is 0") and ``redriveStatus``: for a
STANDARD execution ``NOT_REDRIVABLE`` "if calling the RedriveExecution API
action would return the ExecutionNotRedrivable error", with
``redriveStatusReason`` saying why ("Execution is RUNNING and cannot be
redriven.", "Execution is SUCCEEDED and cannot be redriven.", "Execution
redrivable period exceeded." ...), else ``REDRIVABLE``: a FAILED, TIMED_OUT or
ABORTED execution can be redriven for 14 days after it stopped.
``ListExecutions`` items carry ``redriveCount``; the context object carries
``$$.Execution.RedriveCount``. Documented at
https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html,
https://docs.aws.amazon.com/step-functions/latest/apireference/API_ExecutionListItem.html,
https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html (the
14-day window) and
https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
(``Execution.RedriveCount``). LocalStack's AWS-recorded snapshots show these
values, the reasons without a final period.

LocalStack 2026.3.0 answers none of these fields. It has no RedriveExecution,
so every count here is 0.
"""

from __future__ import annotations

import datetime

from sfnlocal.in_localstack.patching import Target

EXECUTION = "localstack.services.stepfunctions.backend.execution"
DESCRIBE = Target(EXECUTION, "Execution.to_describe_output", "(self) -> 'DescribeExecutionOutput'")
LIST_ITEM = Target(EXECUTION, "Execution.to_execution_list_item", "(self) -> 'ExecutionListItem'")
CONTEXT = Target(
    "localstack.services.stepfunctions.backend.execution_worker",
    "ExecutionWorker._get_evaluation_environment",
    "(self) -> localstack.services.stepfunctions.asl.eval.environment.Environment",
)

REDRIVE_WINDOW = datetime.timedelta(days=14)
REDRIVABLE_STATUSES = frozenset({"FAILED", "TIMED_OUT", "ABORTED"})


def redrive_status(
    status: str, stop_date: datetime.datetime | None, now: datetime.datetime
) -> tuple[str, str | None]:
    """``(redriveStatus, redriveStatusReason or None)`` of a STANDARD execution never redriven."""
    if status not in REDRIVABLE_STATUSES:
        return "NOT_REDRIVABLE", f"Execution is {status} and cannot be redriven"
    if stop_date is not None and now - stop_date > REDRIVE_WINDOW:
        return "NOT_REDRIVABLE", "Execution redrivable period exceeded"
    return "REDRIVABLE", None


def _to_describe_output(original, self):
    output = original(self)
    stop_date = output.get("stopDate")
    now = datetime.datetime.now(tz=stop_date.tzinfo if stop_date else datetime.UTC)
    status, reason = redrive_status(str(output["status"]), stop_date, now)
    output["redriveCount"] = 0
    output["redriveStatus"] = status
    if reason is not None:
        output["redriveStatusReason"] = reason
    return output


def _to_execution_list_item(original, self):
    item = original(self)
    item["redriveCount"] = 0
    return item


def _get_evaluation_environment(original, self):
    env = original(self)
    env.states.context_object.context_object_data["Execution"]["RedriveCount"] = 0
    return env


def install() -> None:
    DESCRIBE.patch(_to_describe_output)
    LIST_ITEM.patch(_to_execution_list_item)
    CONTEXT.patch(_get_evaluation_environment)
