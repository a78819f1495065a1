"""A connection to the running stack and its deployed sample."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sfnlocal.clients import StackClients
from sfnlocal.engine.settings import EngineSettings
from sfnlocal.engine.stack import Stack
from sfnlocal.sample.outputs import Outputs


@dataclass
class Connection:
    """The deployed sample's resources (``outputs``) and clients of the stack holding them."""

    outputs: Outputs
    settings: EngineSettings = field(default_factory=EngineSettings)

    def client(self, service: str) -> Any:
        return StackClients(self.outputs.endpoint, self.outputs.region).client(service)

    @cached_property
    def sfn(self) -> Any:
        return self.client("stepfunctions")

    @cached_property
    def sqs(self) -> Any:
        return self.client("sqs")

    @cached_property
    def sns(self) -> Any:
        return self.client("sns")

    @cached_property
    def lambda_(self) -> Any:
        return self.client("lambda")

    @property
    def state_machine_arn(self) -> str:
        return self.outputs.state_machine_arn


def connect(settings: EngineSettings | None = None) -> Connection:
    """Raises UserError when no stack runs, DeployError when the sample is not deployed."""
    settings = settings or EngineSettings()
    Stack(settings).require_running()
    return Connection(Outputs.from_stack(settings.endpoint, settings.prefix), settings)
