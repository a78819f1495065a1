"""A Choice state that matches no rule and has no Default fails with ``States.NoChoiceMatched``.

AWS: "States.NoChoiceMatched: A Choice state failed to find a match for the
condition field extracted from its input" (error names of the Amazon States
Language), so an execution fails with that error and a ``Catch`` on
``States.NoChoiceMatched`` (in the Parallel or Map state around the Choice)
fires; TestState reports the same error. Documented at
https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
(error names) and
https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
("If no Choices evaluate to true ... and no Default is provided, the state
machine will throw an error").

LocalStack 2026.3.0 raises a Python ``RuntimeError`` there
(``StateChoice._eval_state``), which the interpreter turns into
``States.Runtime``: no Catch on ``States.NoChoiceMatched`` can fire. This turns
that one error into the ASL failure.

AWS's cause text for this error is recorded in none of LocalStack's
AWS-validated snapshots; the cause given here names the state, as AWS's
causes do.
"""

from __future__ import annotations

from sfnlocal.in_localstack.patching import Target

TARGET = Target(
    "localstack.services.stepfunctions.asl.component.state.state_choice.state_choice",
    "StateChoice._eval_state",
    "(self, env: localstack.services.stepfunctions.asl.eval.environment.Environment) -> None",
)
ERROR = "States.NoChoiceMatched"
LOCALSTACK_MESSAGE = "No branching option reached in state %s"
"""The first argument of the RuntimeError LocalStack raises for this case (and no other)."""


def cause(state_name: str) -> str:
    return f"No Choice Rule matched the input of state '{state_name}', and it has no Default"


def _eval_state(original, self, env) -> None:
    try:
        original(self, env)
    except RuntimeError as error:
        if self.default_state is not None or error.args[:1] != (LOCALSTACK_MESSAGE,):
            raise
        raise _no_choice_matched(self.name, env) from None


def _no_choice_matched(state_name: str, env) -> Exception:
    from localstack.aws.api.stepfunctions import ExecutionFailedEventDetails, HistoryEventType
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

    return FailureEventException(
        failure_event=FailureEvent(
            env=env,
            error_name=StatesErrorName(typ=StatesErrorNameType.StatesNoChoiceMatched),
            event_type=HistoryEventType.ExecutionFailed,
            event_details=EventDetails(
                executionFailedEventDetails=ExecutionFailedEventDetails(
                    error=ERROR, cause=cause(state_name)
                )
            ),
        )
    )


def install() -> None:
    TARGET.patch(_eval_state)
