"""Throwaway Lambda functions and state machines a test creates on its stack."""

from __future__ import annotations

import io
import json
import textwrap
import uuid
import zipfile

ROLE = "arn:aws:iam::000000000000:role/test-function"
"""A role ARN LocalStack accepts for functions and state machines (it enforces no IAM)."""


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def zip_source(source: str, filename: str = "app.py") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(filename, textwrap.dedent(source))
    return buffer.getvalue()


def create_function(
    lambda_client,
    source: str,
    *,
    timeout: int = 10,
    runtime: str = "python3.13",
    filename: str = "app.py",
    **config,
) -> str:
    """Creates a function from Python source (handler ``<filename>.handler``), once Active."""
    name = unique("test")
    lambda_client.create_function(
        FunctionName=name,
        Runtime=runtime,
        Role=ROLE,
        Handler=f"{filename.removesuffix('.py')}.handler",
        Code={"ZipFile": zip_source(source, filename)},
        Timeout=timeout,
        **config,
    )
    lambda_client.get_waiter("function_active_v2").wait(
        FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 300}
    )
    return name


def create_state_machine(sfn, definition: dict, *, kind: str = "STANDARD") -> str:
    response = sfn.create_state_machine(
        name=unique("parity"), definition=json.dumps(definition), roleArn=ROLE, type=kind
    )
    return response["stateMachineArn"]
