"""A Parallel branch or Map iteration that fails with a ``States.*`` error fails its
state with that error, which the state's Retry and Catch see by its name.

AWS: when a branch of a Parallel state (or an iteration of a Map state) fails,
the whole state fails with the branch's error, and the state's ``Retry`` and
``Catch`` handle it as any other (a ``Catch`` on ``States.NoChoiceMatched`` or
``States.Timeout`` fires; one on ``States.TaskFailed`` does not take those).
Documented at
https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html
(Parallel state error handling) and
https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html

LocalStack 2026.3.0 wraps the branch's error name in a ``CustomErrorName``, which
refuses names that begin with ``States.`` (ASL forbids them for custom errors):
the Parallel or Map state then dies with a Python ``ValueError`` and the
execution fails with ``States.Runtime``, past every Catch. The same happens where
a service integration (a nested execution, SNS, Batch, ...) reports a
``States.*`` error. Here a ``CustomErrorName`` of a name ASL defines
(``States.NoChoiceMatched``, ``States.Timeout``, ...) becomes that name's
``StatesErrorName``, as the parser makes for the same name in a definition; any
other ``States.`` name is still refused.
"""

from __future__ import annotations

from sfnlocal.in_localstack.patching import Target

TARGET = Target(
    "localstack.services.stepfunctions.asl.component.common.error_name.custom_error_name",
    "CustomErrorName.__init__",
    "(self, error_name: str | None)",
)
PREFIX = "States."


def _init(original, self, error_name) -> None:
    if not (isinstance(error_name, str) and error_name.startswith(PREFIX)):
        original(self, error_name)
        return
    from localstack.services.stepfunctions.asl.component.common.error_name.states_error_name import (  # noqa: E501
        StatesErrorName,
    )
    from localstack.services.stepfunctions.asl.component.common.error_name.states_error_name_type import (  # noqa: E501
        StatesErrorNameType,
    )

    try:
        typ = StatesErrorNameType.from_name(error_name)
    except ValueError:  # not a name ASL defines: refused, as before
        original(self, error_name)
        return
    # The constructor cannot return another object: the instance becomes what the
    # parser builds for this name (both classes hold the same fields, ErrorName's).
    self.__class__ = StatesErrorName
    StatesErrorName.__init__(self, typ=typ)


def install() -> None:
    TARGET.patch(_init)
