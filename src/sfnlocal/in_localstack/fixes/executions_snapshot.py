"""Task-token calls and ListExecutions answer while other executions start.

AWS: SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat and ListExecutions
answer with their result or one of their documented errors (InvalidToken,
TaskDoesNotExist, TaskTimedOut, ...), whatever else runs at the time:
https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
(and the pages of the others). None of them documents an InternalError.

LocalStack 2026.3.0 finds a task token's execution by walking its store's
``OrderedDict`` of executions, with Python code between the steps
(``StepFunctionsProvider._get_executions``' filter, ``send_task_failure``'s
loop, ``list_executions``' comprehension), and dereferences each execution's
``exec_worker.env``. So while executions start on other threads, these calls
fail with InternalError: "OrderedDict mutated during iteration" (an execution
was added meanwhile), or "'NoneType' object has no attribute
'callback_pool_manager'" (an execution added but not started yet). In one run
of 300 executions started beside four threads sending task tokens, 64 of 372
SendTaskSuccess and SendTaskFailure calls failed so; an approver's failed call
is an approval SQS redelivers only after its visibility timeout.

This gives every Step Functions store an executions dict whose ``values()``
is a snapshot, a list taken in one step (``list()`` of a dict of strings runs
no Python code, so no other thread adds to it meanwhile), and the task-token
lookups skip the executions that have no interpreter yet: no task token can
belong to one.
"""

from __future__ import annotations

import logging
import sys
from collections import OrderedDict

from sfnlocal.in_localstack.patching import Target

LOG = logging.getLogger(__name__)

MODULE = "localstack.services.stepfunctions.provider"
CONTEXT = "context: localstack.aws.api.core.RequestContext"
STORE_INIT = Target(
    "localstack.services.stepfunctions.backend.models",
    "SFNStore.__init__",
    "(self, /, *args, **kwargs)",
)
GET_EXECUTIONS = Target(
    MODULE,
    "StepFunctionsProvider._get_executions",
    f"(self, {CONTEXT}, execution_status: "
    "localstack.aws.api.stepfunctions.ExecutionStatus | None = None)",
)
SEND_TASK_FAILURE = Target(
    MODULE,
    "StepFunctionsProvider.send_task_failure",
    f"(self, {CONTEXT}, task_token: str, error: str = None, cause: str = None, **kwargs)"
    " -> localstack.aws.api.stepfunctions.SendTaskFailureOutput",
    hot_path=False,  # its service errors are its answer: see send_task_failure
)


class ExecutionsDict(OrderedDict):
    """LocalStack's executions dict, its ``values()`` a snapshot to walk at leisure."""

    def values(self):  # a list, not a live view: the walks only iterate it
        return list(super().values())


def store_init(original, self, *args, **kwargs) -> None:
    original(self, *args, **kwargs)
    self.executions = ExecutionsDict()


def has_interpreter(execution) -> bool:
    worker = execution.exec_worker
    return worker is not None and worker.env is not None


def get_executions(original, self, context, execution_status=None):
    """LocalStack's list, without the executions not started yet (every caller
    looks a task token up in each one's interpreter)."""
    return [e for e in original(self, context, execution_status) if has_interpreter(e)]


def send_task_failure(original, self, context, task_token, error=None, cause=None, **kwargs):
    """LocalStack's walk over every execution, over the started ones only.

    Its errors are the answer, so the target is not ``hot_path`` (that would
    take them for the wrapper's failure); an unexpected error falls back here."""
    try:
        answer = failure_answer(self, context, task_token, error, cause)
    except Exception:
        LOG.exception("sfnlocal: SendTaskFailure's lookup failed; LocalStack's original runs")
        return original(self, context, task_token, error, cause, **kwargs)
    if isinstance(answer, Exception):
        raise answer
    return answer


def failure_answer(self, context, task_token, error, cause):
    """SendTaskFailure's output, or the service error to raise."""
    provider = sys.modules[MODULE]
    outcome = provider.CallbackOutcomeFailure(callback_id=task_token, error=error, cause=cause)
    for execution in self._get_executions(context):
        try:
            if execution.exec_worker.env.callback_pool_manager.notify(
                callback_id=task_token, outcome=outcome
            ):
                return provider.SendTaskFailureOutput()
        except provider.CallbackConsumerTimeout:
            return provider.TaskTimedOut()
        except provider.CallbackNotifyConsumerError:
            return provider.TaskDoesNotExist()
    return provider.InvalidToken("Invalid token")


def install() -> None:
    STORE_INIT.patch(store_init)
    GET_EXECUTIONS.patch(get_executions)
    SEND_TASK_FAILURE.patch(send_task_failure)
