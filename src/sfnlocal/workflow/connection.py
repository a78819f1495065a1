"""A connection to the running stack and its deployed sample."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sfnlocal.clients import StackClients
from sfnlocal.engine.reach import require_stack
from sfnlocal.engine.settings import EngineSettings
from sfnlocal.sample.outputs import Outputs


@dataclass
class Connection:
    """The deployed sample's resources (``outputs``) and clients of the stack holding them."""

    outputs: Outputs
    settings: EngineSettings = field(default_factory=EngineSettings)

    def client(self, service: str) -> Any:
        return self.clients.client(service)

    @cached_property
    def clients(self) -> StackClients:
        return StackClients(self.outputs.endpoint, self.outputs.region)

    @cached_property
    def sfn(self) -> Any:
        return self.clients.sfn

    @cached_property
    def sqs(self) -> Any:
        return self.clients.sqs

    @cached_property
    def sns(self) -> Any:
        return self.clients.sns

    @cached_property
    def lambda_(self) -> Any:
        return self.clients.lambda_

    @property
    def state_machine_arn(self) -> str:
        return self.outputs.state_machine_arn


def connect(settings: EngineSettings | None = None) -> Connection:
    """The stack ``settings`` address, with its sample's outputs.

    Raises:
        UserError: nothing, or not this project's stack, answers there; or the
            sample is not deployed there (with the settings' prefix and region).
    """
    settings = settings or EngineSettings()
    require_stack(settings)
    outputs = Outputs.from_stack(settings.endpoint, settings.prefix, region=settings.region)
    return Connection(outputs, settings)
