"""One state of the deployed state machine, through the TestState API (no execution, no Lambda).

The state is tested as deployed: its definition is the deployed state
machine's (placeholders resolved), named by ``stateName``. A Task gets a
``mock`` result or error, so the service it calls is not called.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StateTest:
    status: str
    output: Any
    next_state: str | None
    error: str | None
    cause: str | None
    inspection: dict[str, Any]
    """``inspectionData`` with its JSON texts decoded (``afterParameters``...)."""


class SingleState:
    def __init__(self, sfn: Any, state_machine_arn: str) -> None:
        self.sfn = sfn
        described = sfn.describe_state_machine(stateMachineArn=state_machine_arn)
        self.definition = described["definition"]
        self.role_arn = described["roleArn"]

    def state(self, name: str) -> dict[str, Any]:
        return json.loads(self.definition)["States"][name]

    def run(
        self,
        name: str,
        state_input: Any,
        *,
        mock: dict[str, Any] | None = None,
        inspection_level: str = "INFO",
    ) -> StateTest:
        kwargs: dict[str, Any] = {"mock": mock} if mock else {}
        response = self.sfn.test_state(
            definition=self.definition,
            stateName=name,
            roleArn=self.role_arn,
            input=json.dumps(state_input),
            inspectionLevel=inspection_level,
            **kwargs,
        )
        return StateTest(
            status=response["status"],
            output=_decoded(response.get("output")),
            next_state=response.get("nextState"),
            error=response.get("error"),
            cause=response.get("cause"),
            inspection={k: _decoded(v) for k, v in response.get("inspectionData", {}).items()},
        )


def mock_result(result: Any) -> dict[str, str]:
    """TestState's ``mock``: the Task's result, as the service would return it."""
    return {"result": json.dumps(result)}


def _decoded(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value
