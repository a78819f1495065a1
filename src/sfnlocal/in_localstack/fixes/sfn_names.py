"""Execution and state machine names that AWS refuses are refused here too.

AWS (StartExecution, StartSyncExecution and CreateStateMachine, request
parameter ``name``): 1 to 80 characters, and it must not contain white space,
brackets ``< > { } [ ]``, wildcard characters ``? *``, special characters
``" # % \\ ^ | ~ ` $ & , ; : /`` or control characters (U+0000-001F,
U+007F-009F); other non-ASCII characters are allowed. Documented at
https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
and
https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html

LocalStack 2026.3.0 checks these rules for activity names only, and accepts
any execution or state machine name (81 characters, a space, a ``/``).

The answers take the shapes AWS recorded in LocalStack's AWS-validated
snapshots: a forbidden character gives ``InvalidName`` with the message
``Invalid Name: '<name>'`` (recorded for CreateActivity, whose rules are the
same); more than 80 characters fails AWS's request validation before the
service sees the name: ``ValidationException`` ``1 validation error
detected: Value '<name>' at 'name' failed to satisfy constraint: Member must
have length less than or equal to 80`` (recorded for CreateStateMachineAlias,
whose ``name`` has the same length constraint). The SDKs refuse an empty name
before sending it.
"""

from __future__ import annotations

from sfnlocal.aws_names import NAME_MAX, forbidden
from sfnlocal.in_localstack.patching import Target

PROVIDER = "localstack.services.stepfunctions.provider"
# hot_path=False: refusing the request (raising before LocalStack's method runs)
# is what these wrappers are for; a fallback to the original would accept it.
START_EXECUTION = Target(
    PROVIDER,
    "StepFunctionsProvider.start_execution",
    "(self, context: localstack.aws.api.core.RequestContext, state_machine_arn: str, "
    "name: str = None, input: str = None, trace_header: str = None, **kwargs) "
    "-> localstack.aws.api.stepfunctions.StartExecutionOutput",
    hot_path=False,
)
START_SYNC_EXECUTION = Target(
    PROVIDER,
    "StepFunctionsProvider.start_sync_execution",
    "(self, context: localstack.aws.api.core.RequestContext, state_machine_arn: str, "
    "name: str = None, input: str = None, trace_header: str = None, "
    "included_data: localstack.aws.api.stepfunctions.IncludedData = None, **kwargs) "
    "-> localstack.aws.api.stepfunctions.StartSyncExecutionOutput",
    hot_path=False,
)
CREATE_STATE_MACHINE = Target(
    PROVIDER,
    "StepFunctionsProvider.create_state_machine",
    "(self, context: localstack.aws.api.core.RequestContext, "
    "request: localstack.aws.api.stepfunctions.CreateStateMachineInput, **kwargs) "
    "-> localstack.aws.api.stepfunctions.CreateStateMachineOutput",
    hot_path=False,
)

MAX_LENGTH = NAME_MAX


class NameTooLong(ValueError):
    pass


class ForbiddenCharacter(ValueError):
    pass


def check_name(name: str) -> None:
    """Raises :class:`NameTooLong` or :class:`ForbiddenCharacter` where AWS refuses ``name``."""
    if len(name) > MAX_LENGTH:
        raise NameTooLong(
            f"1 validation error detected: Value '{name}' at 'name' failed to satisfy "
            f"constraint: Member must have length less than or equal to {MAX_LENGTH}"
        )
    for char in name:
        if forbidden(char):
            raise ForbiddenCharacter(f"Invalid Name: '{name}'")


def _checked(name: str | None) -> None:
    if name is None:  # optional for executions: LocalStack generates one, as AWS does
        return
    from localstack.aws.api.stepfunctions import InvalidName, ValidationException

    try:
        check_name(name)
    except NameTooLong as error:
        raise ValidationException(str(error)) from None
    except ForbiddenCharacter as error:
        raise InvalidName(str(error)) from None


def _start_execution(original, self, context, state_machine_arn, name=None, *args, **kwargs):
    _checked(name)
    return original(self, context, state_machine_arn, name, *args, **kwargs)


def _create_state_machine(original, self, context, request, **kwargs):
    _checked(request.get("name"))
    return original(self, context, request, **kwargs)


def install() -> None:
    START_EXECUTION.patch(_start_execution)
    START_SYNC_EXECUTION.patch(_start_execution)
    CREATE_STATE_MACHINE.patch(_create_state_machine)
