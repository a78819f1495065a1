"""What a deploy created, by name and ARN: one typed object, two ways to get it.

The deploy builds it and writes it as JSON (:meth:`Outputs.write`);
:meth:`Outputs.read` reads that file back; :meth:`Outputs.from_stack` reads
the same object back from a running stack by the resources' names, wherever
the deploy ran (on the host or inside the container).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from sfnlocal.clients import StackClients
from sfnlocal.errors import UserError
from sfnlocal.files import write_json_atomically
from sfnlocal.sample.names import Arns, Names

APPROVAL_MODES = ("auto", "manual")
DEFAULT_APPROVAL_MODE = "auto"
"""The approver Lambda answers, unless APPROVAL_MODE=manual."""


@dataclass(frozen=True)
class FunctionOutput:
    name: str
    arn: str
    role_arn: str


@dataclass(frozen=True)
class Outputs:
    endpoint: str
    region: str
    account_id: str
    prefix: str
    state_machine_name: str
    state_machine_arn: str
    queue_name: str
    queue_url: str
    queue_arn: str
    dlq_name: str
    dlq_url: str
    dlq_arn: str
    topic_name: str
    topic_arn: str
    functions: dict[str, FunctionOutput]
    """By the function's logical name (its folder's ``function.json`` name)."""
    roles: dict[str, str] = field(default_factory=dict)
    """Role ARNs: ``StateMachine`` and each function's logical name."""
    event_source_mappings: dict[str, str] = field(default_factory=dict)
    """Function logical name -> the UUID of its queue trigger."""
    approval_mode: str = DEFAULT_APPROVAL_MODE

    def clients(self) -> StackClients:
        return StackClients(self.endpoint, self.region)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outputs:
        functions = {name: FunctionOutput(**f) for name, f in data["functions"].items()}
        return cls(**{**data, "functions": functions})

    def write(self, path: Path) -> None:
        """Write as pretty JSON, atomically (a reader never sees half a file)."""
        write_json_atomically(path, self.to_json())

    @classmethod
    def read(cls, path: Path) -> Outputs:
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def from_stack(cls, endpoint: str, prefix: str, region: str | None = None) -> Outputs:
        """The outputs of the deploy with ``prefix``, read back from the stack at ``endpoint``.

        Raises:
            UserError: the sample is not deployed there with this prefix.
        """
        clients = StackClients(endpoint, region) if region else StackClients(endpoint)
        names = Names(prefix)
        try:
            identity = clients.sts.get_caller_identity()
            arns = Arns(identity["Arn"].split(":")[1], clients.region, identity["Account"])
            state_machine_arn = arns.state_machine(names.state_machine)
            state_machine = clients.sfn.describe_state_machine(stateMachineArn=state_machine_arn)
            queue_url = clients.sqs.get_queue_url(QueueName=names.approval_queue)["QueueUrl"]
            dlq_url = clients.sqs.get_queue_url(QueueName=names.approval_dlq)["QueueUrl"]
        except ClientError as error:
            raise UserError(
                f"the sample is not deployed at {endpoint} with prefix {prefix!r} in "
                f"{clients.region} ({error.response['Error']['Code']})",
                fix="deploy it with 'make deploy' (or start the stack with 'make up')",
            ) from None
        functions = {
            function["FunctionName"].removeprefix(f"{prefix}-"): FunctionOutput(
                function["FunctionName"], function["FunctionArn"], function["Role"]
            )
            for page in clients.lambda_.get_paginator("list_functions").paginate()
            for function in page["Functions"]
            if function["FunctionName"].startswith(f"{prefix}-")
        }
        queue_arn = arns.queue(names.approval_queue)
        mappings = {
            mapping["FunctionArn"].rsplit(":", 1)[-1].removeprefix(f"{prefix}-"): mapping
            for page in clients.lambda_.get_paginator("list_event_source_mappings").paginate(
                EventSourceArn=queue_arn
            )
            for mapping in page["EventSourceMappings"]
        }
        enabled = [m["State"] in ("Enabled", "Enabling") for m in mappings.values()]
        return cls(
            endpoint=endpoint,
            region=clients.region,
            account_id=identity["Account"],
            prefix=prefix,
            state_machine_name=names.state_machine,
            state_machine_arn=state_machine_arn,
            queue_name=names.approval_queue,
            queue_url=queue_url,
            queue_arn=queue_arn,
            dlq_name=names.approval_dlq,
            dlq_url=dlq_url,
            dlq_arn=arns.queue(names.approval_dlq),
            topic_name=names.report_topic,
            topic_arn=arns.topic(names.report_topic),
            functions=functions,
            roles={
                "StateMachine": state_machine["roleArn"],
                **{name: function.role_arn for name, function in functions.items()},
            },
            event_source_mappings={name: m["UUID"] for name, m in mappings.items()},
            approval_mode="auto" if enabled and all(enabled) else "manual",
        )
