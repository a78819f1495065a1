"""Fixtures of the JSONata tests: small state machines of their own (``machines/``),
deployed beside the sample on the end-to-end tests' stack (TEST_STACK)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.stacks import StackUnderTest
from tests.support.workflow import Workflow

MACHINES = Path(__file__).parent / "machines"


@pytest.fixture(scope="session")
def machine(stack: StackUnderTest) -> Iterator[Callable[[str], Workflow]]:
    """``machine("functions")``: a Workflow on ``machines/functions.asl.json``, created once."""
    sfn = stack.client("stepfunctions")
    created: dict[str, Workflow] = {}

    def deploy(name: str) -> Workflow:
        if name not in created:
            arn = sfn.create_state_machine(
                name=f"jsonata-{name.replace('_', '-')}-{uuid.uuid4().hex[:8]}",
                roleArn=stack.outputs.roles["StateMachine"],
                definition=json.dumps(json.loads((MACHINES / f"{name}.asl.json").read_text())),
            )["stateMachineArn"]
            created[name] = Workflow(sfn, arn)
        return created[name]

    yield deploy
    for workflow in created.values():
        sfn.delete_state_machine(stateMachineArn=workflow.state_machine_arn)
