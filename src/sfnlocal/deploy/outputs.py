"""The deploy's outputs: what was deployed, by name and ARN, as a JSON file."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from .aws import Clients, default_region, make_session
from .errors import DeployError
from .names import Arns, Names


def write_outputs(path: Path, outputs: dict[str, Any]) -> None:
    """Write ``outputs`` as pretty JSON, atomically (a reader never sees half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
    ) as handle:
        json.dump(outputs, handle, indent=2)
        handle.write("\n")
    os.replace(handle.name, path)


def read_outputs(path: Path) -> dict[str, Any]:
    """Read an outputs file written by :func:`write_outputs`."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def discover_outputs(endpoint_url: str, prefix: str, region: str | None = None) -> dict[str, Any]:
    """The outputs of a deploy, read back from the stack itself by resource name.

    Works wherever the deploy ran (on the host or inside the container), so
    commands and tests need no file from it.

    Raises:
        DeployError: the sample is not deployed there with this prefix.
    """
    region = region or default_region()
    clients = Clients(make_session(region), endpoint_url, region)
    names = Names(prefix)
    identity = clients.sts.get_caller_identity()
    arns = Arns(identity["Arn"].split(":")[1], region, identity["Account"])
    state_machine_arn = arns.state_machine(names.state_machine)
    try:
        clients.sfn.describe_state_machine(stateMachineArn=state_machine_arn)
        queue_url = clients.sqs.get_queue_url(QueueName=names.approval_queue)["QueueUrl"]
        dlq_url = clients.sqs.get_queue_url(QueueName=names.approval_dlq)["QueueUrl"]
    except ClientError as error:
        raise DeployError(
            f"the sample is not deployed at {endpoint_url} with prefix {prefix!r} "
            f"({error.response['Error']['Code']})"
        ) from None
    functions = {
        function["FunctionName"].removeprefix(f"{prefix}-"): {
            "name": function["FunctionName"],
            "arn": function["FunctionArn"],
            "role_arn": function["Role"],
        }
        for page in clients.lambda_.get_paginator("list_functions").paginate()
        for function in page["Functions"]
        if function["FunctionName"].startswith(f"{prefix}-")
    }
    return {
        "endpoint": endpoint_url,
        "region": region,
        "account_id": identity["Account"],
        "prefix": prefix,
        "state_machine_name": names.state_machine,
        "state_machine_arn": state_machine_arn,
        "queue_name": names.approval_queue,
        "queue_url": queue_url,
        "queue_arn": arns.queue(names.approval_queue),
        "dlq_name": names.approval_dlq,
        "dlq_url": dlq_url,
        "dlq_arn": arns.queue(names.approval_dlq),
        "topic_name": names.report_topic,
        "topic_arn": arns.topic(names.report_topic),
        "functions": functions,
    }
