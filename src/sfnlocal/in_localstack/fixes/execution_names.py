"""Execution ARNs whose names hold any character AWS allows in them.

AWS behaviour restored: StartExecution accepts an execution name of 1 to 80
characters with non-ASCII letters and any punctuation but white space,
brackets, wildcards, ``" # % \\ ^ | ~ ` $ & , ; : /`` and control characters
(AWS Step Functions API Reference, StartExecution, "name":
https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html;
the Developer Guide's note on non-ASCII names in the "Orchestrate Lambda
functions" sample), and the execution's ARN then works in DescribeExecution,
GetExecutionHistory, StopExecution and DescribeStateMachineForExecution.

LocalStack 2026.3.0 starts such an execution, then refuses its ARN with
``InvalidArn`` in those four calls: its execution-ARN pattern allows only
``[a-zA-Z0-9-_.]`` in the name. This lets an ARN through that pattern when its
execution name follows AWS's rule (``sfnlocal.aws_names``); every other ARN
gets LocalStack's own answer.
"""

from __future__ import annotations

import re

from sfnlocal.aws_names import name_problem
from sfnlocal.in_localstack.patching import Target

TARGET = Target(
    "localstack.services.stepfunctions.provider",
    "StepFunctionsProvider._validate_state_machine_execution_arn",
    "(execution_arn: str) -> None",
)
_ARN = re.compile(
    r"arn:aws[a-z-]*:states:[a-z0-9-]+:[0-9]{12}:(execution|express):"
    r"[a-zA-Z0-9-_.]+:(?P<name>[^:]+)"
)


def accepted_by_aws(execution_arn: str) -> bool:
    match = _ARN.fullmatch(execution_arn)
    return bool(match) and name_problem(match["name"]) is None


def _validate(original, *args: object) -> None:
    # LocalStack's Patch puts the wrapper on the class as a plain function, so a
    # call through ``self.`` passes the provider too: the ARN is the last argument.
    execution_arn = str(args[-1])
    if accepted_by_aws(execution_arn):
        return None
    return original(execution_arn)


def install() -> None:
    TARGET.patch(_validate)
