"""Throwaway Lambda functions and state machines a test creates on its stack."""

from __future__ import annotations

import io
import json
import textwrap
import uuid
import zipfile
from pathlib import Path

from sfnlocal.waiting import wait_for

ROLE = "arn:aws:iam::000000000000:role/test-function"
"""A role ARN LocalStack accepts for functions and state machines (it enforces no IAM)."""


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def zip_source(
    source: str, filename: str = "app.py", trees: dict[str, Path] | None = None
) -> bytes:
    """A deployment package of one source file, plus folders (``{"node_modules": path}``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(filename, textwrap.dedent(source))
        for name, root in (trees or {}).items():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    archive.write(path, f"{name}/{path.relative_to(root).as_posix()}")
    return buffer.getvalue()


def create_function(
    lambda_client,
    source: str,
    *,
    timeout: int = 10,
    runtime: str = "python3.13",
    filename: str | None = None,
    trees: dict[str, Path] | None = None,
    **config,
) -> str:
    """Creates a function from one source file (default app.py, or app.js for Node.js;
    handler ``<module>.handler``) plus folders ``trees``, once Active."""
    name = unique("test")
    filename = filename or ("app.js" if runtime.startswith("nodejs") else "app.py")
    lambda_client.create_function(
        FunctionName=name,
        Runtime=runtime,
        Role=ROLE,
        Handler=f"{filename.rpartition('.')[0]}.handler",
        Code={"ZipFile": zip_source(source, filename, trees)},
        Timeout=timeout,
        **config,
    )
    lambda_client.get_waiter("function_active_v2").wait(
        FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 300}
    )
    return name


def function_log_messages(
    logs, function_name: str, containing: str, timeout: float = 20
) -> list[str]:
    """Every message of the function's CloudWatch Logs group, once one contains ``containing``."""
    group = f"/aws/lambda/{function_name}"

    def messages() -> list[str]:
        try:
            streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
        except logs.exceptions.ResourceNotFoundException:
            return []  # the group comes with the first lines Lambda delivers
        return [
            event["message"]
            for stream in streams
            for event in logs.get_log_events(
                logGroupName=group, logStreamName=stream["logStreamName"]
            )["events"]
        ]

    return wait_for(
        messages,
        timeout,
        f"a line with {containing!r} in {group}",
        0.2,
        done=lambda found: any(containing in m for m in found),
    )


def create_state_machine(sfn, definition: dict, *, kind: str = "STANDARD") -> str:
    response = sfn.create_state_machine(
        name=unique("parity"), definition=json.dumps(definition), roleArn=ROLE, type=kind
    )
    return response["stateMachineArn"]
