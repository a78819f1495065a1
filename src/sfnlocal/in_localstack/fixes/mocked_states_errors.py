"""A mocked ``Throw`` of one of Step Functions' own errors fails the state with that error.

AWS behaviour restored: in a mock configuration file, a mocked response
``{"Throw": {"Error": ..., "Cause": ...}}`` makes the Task state fail with that
error, as the real integration would (AWS documents the format at
https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html).
The errors a Task really fails with include Step Functions' own, in the
reserved ``States.`` namespace: ``States.Timeout`` when a task outlives its
``TimeoutSeconds`` (a ``.waitForTaskToken`` task whose callback never comes),
``States.HeartbeatTimeout``, ``States.TaskFailed``... (listed at
https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
Mocking ``States.Timeout`` on the task is how a test shows what an approval
that never comes does, and a ``Catch`` or ``Retry`` on it matches the name.

LocalStack 2026.3.0 builds every mocked error as a *custom* error name, which
must not begin with ``States.``: the state fails with ``States.Runtime``
("Custom Error Names MUST NOT begin with the prefix 'States.'") instead. Here a
mocked error that is one of Step Functions' own is raised as that error; any
other name goes to LocalStack's code unchanged.
"""

from __future__ import annotations

from typing import Any

from sfnlocal.in_localstack.patching import Target

MODULE = (
    "localstack.services.stepfunctions.asl.component.state.state_execution.state_task."
    "local_mock_eval_utils"
)
TARGET = Target(
    MODULE,
    "_eval_mocked_response_throw",
    "(env: localstack.services.stepfunctions.asl.eval.environment.Environment, "
    "mocked_response: localstack.services.stepfunctions.local_mocking.mock_config."
    "LocalMockedResponseThrow) -> None",
    # The wrapper raises the state's failure on purpose: no fallback on raising.
    hot_path=False,
)


def _throw(original: Any, env: Any, mocked_response: Any) -> None:
    from localstack.aws.api.stepfunctions import HistoryEventType, TaskFailedEventDetails
    from localstack.services.stepfunctions.asl.component.common.error_name.failure_event import (
        FailureEvent,
        FailureEventException,
    )
    from localstack.services.stepfunctions.asl.component.common.error_name.states_error_name import (  # noqa: E501
        StatesErrorName,
    )
    from localstack.services.stepfunctions.asl.component.common.error_name.states_error_name_type import (  # noqa: E501
        StatesErrorNameType,
    )
    from localstack.services.stepfunctions.asl.eval.event.event_detail import EventDetails

    error = mocked_response.error
    try:
        typ = StatesErrorNameType.from_name(error)
    except ValueError:  # not one of Step Functions' own: LocalStack's custom error
        return original(env, mocked_response)
    if typ is StatesErrorNameType.StatesALL:  # a catch-all, never an error
        return original(env, mocked_response)
    details = TaskFailedEventDetails(error=error, cause=mocked_response.cause)
    raise FailureEventException(
        failure_event=FailureEvent(
            env=env,
            error_name=StatesErrorName(typ=typ),
            event_type=HistoryEventType.TaskFailed,
            event_details=EventDetails(taskFailedEventDetails=details),
        )
    )


def install() -> None:
    TARGET.patch(_throw)
