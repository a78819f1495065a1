"""Is a mocked response the shape the real service returns? Checked with botocore's models.

A mocked ``Return`` stands for what the integration gives the state, so it has
the shape of that service's response (botocore ships the service models the
SDKs are generated from):

- a Task whose ``Resource`` is a Lambda function's ARN: the ``Invoke``
  response, ``{"StatusCode": 200, "Payload": <the function's result>}``; the
  state's result is the ``Payload`` (LocalStack fails the execution with
  ``Exception``/``'Payload'`` when it is missing);
- ``arn:aws:states:::lambda:invoke``, ``sqs:sendMessage``, ``sns:publish``: the
  ``Invoke``, ``SendMessage`` and ``Publish`` responses, plus the
  ``SdkHttpMetadata``/``SdkResponseMetadata`` that Step Functions adds;
- any ``.waitForTaskToken`` task: the output that ``SendTaskSuccess`` sends,
  which is any JSON;
- a ``Throw`` is ``{"Error": ..., "Cause": ...}``, both strings (LocalStack
  ignores the whole file without a ``Cause``), and an ``Error`` in the
  reserved ``States.`` namespace names one of Step Functions' own errors.

Other integrations (``aws-sdk:*``, ``.sync``...) are not checked: :func:`integration`
returns None for them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

_LAMBDA_ARN = re.compile(r"arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[^:]+)?")
_STATES_RESOURCE = re.compile(r"arn:[a-z-]+:states:::(?P<service>[a-z-]+):(?P<action>[A-Za-z]+)")
WAIT_FOR_TASK_TOKEN = ".waitForTaskToken"

STATES_ERRORS = frozenset(
    {
        "States.BranchFailed",
        "States.DataLimitExceeded",
        "States.ExceedToleratedFailureThreshold",
        "States.HeartbeatTimeout",
        "States.IntrinsicFailure",
        "States.ItemReaderFailed",
        "States.NoChoiceMatched",
        "States.ParameterPathFailure",
        "States.Permissions",
        "States.QueryEvaluationError",
        "States.ResultPathMatchFailure",
        "States.ResultWriterFailed",
        "States.Runtime",
        "States.TaskFailed",
        "States.Timeout",
    }
)
"""Step Functions' own error names (``States.ALL`` is a catch-all, never an error)."""

SDK_METADATA = frozenset({"SdkHttpMetadata", "SdkResponseMetadata"})
"""What Step Functions adds to an optimized integration's response."""


@dataclass(frozen=True)
class Integration:
    """What a Task state calls, as far as its mocked response's shape goes."""

    label: str
    """For messages: ``a Lambda function``, ``sns:publish``..."""
    service: str | None = None
    """botocore's service name; None: any JSON is the real shape."""
    operation: str | None = None
    always: tuple[str, ...] = ()
    """Members the service always returns (botocore marks no output member required)."""
    metadata: bool = False
    """Whether Step Functions' SdkHttpMetadata/SdkResponseMetadata may be there."""
    payload_is_json: bool = False
    """Lambda: ``Payload`` is the function's result, decoded (any JSON)."""


_LAMBDA_FUNCTION = Integration(
    "a Lambda function: the Invoke response",
    "lambda",
    "Invoke",
    always=("StatusCode", "Payload"),
    payload_is_json=True,
)
_OPTIMIZED = {
    ("lambda", "invoke"): Integration(
        "lambda:invoke",
        "lambda",
        "Invoke",
        always=("StatusCode", "Payload"),
        metadata=True,
        payload_is_json=True,
    ),
    ("sqs", "sendMessage"): Integration(
        "sqs:sendMessage",
        "sqs",
        "SendMessage",
        always=("MessageId", "MD5OfMessageBody"),
        metadata=True,
    ),
    ("sns", "publish"): Integration(
        "sns:publish", "sns", "Publish", always=("MessageId",), metadata=True
    ),
}


def integration(resource: Any) -> Integration | None:
    """The integration of a Task's (resolved) ``Resource``; None when it is not checked."""
    if not isinstance(resource, str):
        return None
    if _LAMBDA_ARN.fullmatch(resource):
        return _LAMBDA_FUNCTION
    pattern = None
    if resource.endswith(WAIT_FOR_TASK_TOKEN):
        resource, pattern = resource.removesuffix(WAIT_FOR_TASK_TOKEN), WAIT_FOR_TASK_TOKEN
    match = _STATES_RESOURCE.fullmatch(resource)
    if not match:
        return None
    key = (match["service"], match["action"])
    if pattern:
        return Integration(f"{key[0]}:{key[1]}{pattern}: the SendTaskSuccess output")
    return _OPTIMIZED.get(key)


@functools.cache
def _output_shape(service: str, operation: str) -> Any:
    import botocore.session

    model = botocore.session.get_session().get_service_model(service)
    return model.operation_model(operation).output_shape


def _type_problem(value: Any, shape: Any, where: str) -> list[str]:
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{where} must be an object ({shape.name}), got {_json_type(value)}"]
        problems = []
        for key, item in value.items():
            if key not in shape.members:
                problems.append(
                    f"{where}: unknown field {key!r}; {shape.name} has {', '.join(shape.members)}"
                )
            else:
                problems += _type_problem(item, shape.members[key], f"{where}.{key}")
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return [f"{where} must be an array, got {_json_type(value)}"]
        return [
            p for i, v in enumerate(value) for p in _type_problem(v, shape.member, f"{where}[{i}]")
        ]
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{where} must be an object, got {_json_type(value)}"]
        return [p for k, v in value.items() for p in _type_problem(v, shape.value, f"{where}.{k}")]
    wanted = {
        "string": (str,),
        "blob": (str,),
        "integer": (int,),
        "long": (int,),
        "float": (int, float),
        "double": (int, float),
        "boolean": (bool,),
        "timestamp": (str, int, float),
    }.get(kind)
    if wanted is None:
        return []
    if isinstance(value, bool) and bool not in wanted:
        return [f"{where} must be {_SHAPE_WORDS[kind]}, got a boolean"]
    if not isinstance(value, wanted):
        return [f"{where} must be {_SHAPE_WORDS[kind]}, got {_json_type(value)}"]
    enum = getattr(shape, "enum", None)
    if enum and value not in enum:
        return [f"{where} must be one of {', '.join(enum)}, got {value!r}"]
    return []


_SHAPE_WORDS = {
    "string": "a string",
    "blob": "a string",
    "integer": "an integer",
    "long": "an integer",
    "float": "a number",
    "double": "a number",
    "boolean": "true or false",
    "timestamp": "a timestamp",
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return {dict: "an object", list: "an array", str: "a string"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


def return_problems(value: Any, kind: Integration, where: str) -> list[str]:
    """What makes ``value`` (a mocked ``Return``) not the shape ``kind`` really returns."""
    if kind.service is None or kind.operation is None:
        return []
    shape = _output_shape(kind.service, kind.operation)
    if not isinstance(value, dict):
        return [
            f"{where} must be the {kind.operation} response, an object such as "
            f"{_example(kind)}, got {_json_type(value)}"
        ]
    problems = []
    for member in kind.always:
        if member not in value:
            problems.append(
                f"{where} has no {member!r}: the real {kind.operation} response always has it "
                f"(for example {_example(kind)})"
            )
    for key, item in value.items():
        if kind.metadata and key in SDK_METADATA:
            if not isinstance(item, dict):
                problems.append(f"{where}.{key} must be an object")
            continue
        if key not in shape.members:
            extra = ", ".join(sorted(SDK_METADATA)) if kind.metadata else ""
            problems.append(
                f"{where}: unknown field {key!r}; the {kind.operation} response has "
                f"{', '.join(shape.members)}{', ' + extra if extra else ''}"
            )
        elif key == "Payload" and kind.payload_is_json:
            continue  # the function's result, any JSON
        else:
            problems += _type_problem(item, shape.members[key], f"{where}.{key}")
    if kind.payload_is_json and "FunctionError" in value:
        payload = value.get("Payload")
        if not (isinstance(payload, dict) and isinstance(payload.get("errorType"), str)):
            problems.append(
                f"{where}.Payload: with FunctionError the Payload is the function's error, "
                'an object such as {"errorType": "ValueError", "errorMessage": "..."}'
            )
    return problems


def _example(kind: Integration) -> str:
    examples = {
        "Invoke": '{"StatusCode": 200, "Payload": ...}',
        "SendMessage": '{"MessageId": "...", "MD5OfMessageBody": "..."}',
        "Publish": '{"MessageId": "..."}',
    }
    return examples.get(kind.operation or "", "{...}")


def throw_problems(value: Any, where: str) -> list[str]:
    """What makes ``value`` (a mocked ``Throw``) not an error that a state can fail with."""
    if not isinstance(value, dict):
        return [f'{where} must be an object {{"Error": "...", "Cause": "..."}}']
    problems = [
        f"{where}: unknown field {key!r}; a Throw has Error and Cause"
        for key in value
        if key not in ("Error", "Cause")
    ]
    error, cause = value.get("Error"), value.get("Cause")
    if not isinstance(error, str) or not error:
        problems.append(f"{where}.Error must be the error's name, a non-empty string")
    elif error.startswith("States.") and error not in STATES_ERRORS:
        problems.append(
            f"{where}.Error {error!r} is not one of Step Functions' own errors "
            f"({', '.join(sorted(STATES_ERRORS))}); other names must not start with 'States.'"
        )
    if "Cause" not in value:
        problems.append(
            f'{where} has no Cause: LocalStack ignores the whole file without one (use "" for none)'
        )
    elif not isinstance(cause, str):
        problems.append(f"{where}.Cause must be a string")
    return problems
