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

Where AWS shows none of them, none are added: the result (or the failure's
cause) of a ``states:startExecution.sync`` / ``.sync:2`` task, which LocalStack
builds from DescribeExecution (AWS's recorded ``.sync`` results have no
``Redrive*`` field), and the context object of a StartSyncExecution (AWS's
recorded synchronous Express context objects have no ``RedriveCount``; an
asynchronous Express execution's have ``RedriveCount: 0``, as a Standard one's).
"""

from __future__ import annotations

import datetime
import json
import logging

from sfnlocal.in_localstack.patching import Target

LOG = logging.getLogger(__name__)

EXECUTION = "localstack.services.stepfunctions.backend.execution"
DESCRIBE = Target(EXECUTION, "Execution.to_describe_output", "(self) -> 'DescribeExecutionOutput'")
LIST_ITEM = Target(EXECUTION, "Execution.to_execution_list_item", "(self) -> 'ExecutionListItem'")
CONTEXT = Target(
    "localstack.services.stepfunctions.backend.execution_worker",
    "ExecutionWorker._get_evaluation_environment",
    "(self) -> localstack.services.stepfunctions.asl.eval.environment.Environment",
)

SFN_TASK = (
    "localstack.services.stepfunctions.asl.component.state.state_execution.state_task.service."
    "state_task_service_sfn"
)
RESOLVER_SIGNATURE = (
    "(self, env: localstack.services.stepfunctions.asl.eval.environment.Environment, "
    "resource_runtime_part: localstack.services.stepfunctions.asl.component.state."
    "state_execution.state_task.service.resource.ResourceRuntimePart, "
    "normalised_parameters: dict, state_credentials: localstack.services.stepfunctions.asl."
    "component.state.state_execution.state_task.credentials.StateCredentials) -> "
    "collections.abc.Callable[[], typing.Any | None]"
)
SYNC_RESOLVERS = [
    Target(SFN_TASK, f"StateTaskServiceSfn.{name}", RESOLVER_SIGNATURE)
    for name in ("_build_sync_resolver", "_build_sync2_resolver")
]
SYNC_RESULT_KEYS = ("RedriveCount", "RedriveStatus", "RedriveStatusReason")
"""The fields DescribeExecution now answers that a ``.sync`` task's result has not (SFN-cased)."""

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
    from localstack.services.stepfunctions.backend.execution_worker import SyncExecutionWorker

    env = original(self)
    if not isinstance(self, SyncExecutionWorker):
        env.states.context_object.context_object_data["Execution"]["RedriveCount"] = 0
    return env


def without_redrive_fields(value):
    if isinstance(value, dict):
        for key in SYNC_RESULT_KEYS:
            value.pop(key, None)
    return value


def _without_redrive_in_cause(error) -> None:
    """A failed child's describe output, in the TaskFailed cause, as AWS gives it."""
    try:
        details = error.failure_event.event_details["taskFailedEventDetails"]
        cause = json.loads(details["cause"])
    except (AttributeError, KeyError, TypeError, ValueError):
        return
    if isinstance(cause, dict) and set(SYNC_RESULT_KEYS) & set(cause):
        from localstack.services.stepfunctions.asl.utils.encoding import to_json_str

        details["cause"] = to_json_str(without_redrive_fields(cause))


def _build_sync_resolver(original, self, *args, **kwargs):
    from localstack.services.stepfunctions.asl.component.common.error_name.failure_event import (
        FailureEventException,
    )

    resolver = original(self, *args, **kwargs)

    def resolve():
        try:
            return without_redrive_fields(resolver())
        except FailureEventException as error:
            try:
                _without_redrive_in_cause(error)
            except Exception:  # the failure stands as LocalStack made it
                LOG.exception("sfnlocal: redrive fields left in a .sync cause")
            raise

    return resolve


def install() -> None:
    DESCRIBE.patch(_to_describe_output)
    LIST_ITEM.patch(_to_execution_list_item)
    CONTEXT.patch(_get_evaluation_environment)
    for target in SYNC_RESOLVERS:
        target.patch(_build_sync_resolver)
