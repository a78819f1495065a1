"""The state machine, created or brought up to date."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from .aws import error_code, retry_while
from .errors import DeployError
from .progress import Change, Progress

STATE_MACHINE_TYPE = "STANDARD"
ROLE_PROPAGATION_TIMEOUT = 60.0


def _find(sfn: Any, name: str) -> str | None:
    for page in sfn.get_paginator("list_state_machines").paginate():
        for machine in page["stateMachines"]:
            if machine["name"] == name:
                return machine["stateMachineArn"]
    return None


def _role_not_ready(exc: ClientError) -> bool:
    return error_code(exc) == "AccessDeniedException"


def ensure_state_machine(
    sfn: Any, name: str, definition: Mapping[str, Any], role_arn: str, progress: Progress
) -> str:
    """Make a STANDARD state machine ``name`` with this definition and role; return its ARN."""
    text = json.dumps(definition, indent=2)
    arn = _find(sfn, name)
    if arn is None:
        arn = retry_while(
            lambda: sfn.create_state_machine(
                name=name, definition=text, roleArn=role_arn, type=STATE_MACHINE_TYPE
            ),
            _role_not_ready,
            what=f"role of state machine {name}",
            timeout=ROLE_PROPAGATION_TIMEOUT,
        )["stateMachineArn"]
        progress(Change.CREATED, "state machine", name)
        return arn
    current = sfn.describe_state_machine(stateMachineArn=arn)
    if current.get("type", STATE_MACHINE_TYPE) != STATE_MACHINE_TYPE:
        raise DeployError(
            f"state machine {name} exists as {current['type']}, not {STATE_MACHINE_TYPE}: "
            "delete it (a state machine's type cannot change)"
        )
    changes = []
    if json.loads(current["definition"]) != definition:
        changes.append("definition")
    if current.get("roleArn") != role_arn:
        changes.append("role")
    if changes:
        sfn.update_state_machine(stateMachineArn=arn, definition=text, roleArn=role_arn)
        progress(Change.UPDATED, "state machine", name, ", ".join(changes))
    else:
        progress(Change.UNCHANGED, "state machine", name)
    return arn
