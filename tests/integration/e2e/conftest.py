"""The sample's state machine in both its documents: the seed's (``asl``) and the same
workflow in JSONata (``jsonata``). The end-to-end executions run on each.

The stack's own state machine (what ``make up`` deployed) serves the document it was
made from; the other is deployed beside it (``{prefix}-StockTrading-<choice>``, on the
same functions, queue, topic and role) for the session, then deleted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from sfnlocal.deploy import deploy_state_machine
from tests.support.stacks import StackUnderTest
from tests.support.workflow import Workflow


def _made_from(definition: str) -> str:
    return "jsonata" if json.loads(definition).get("QueryLanguage") == "JSONata" else "asl"


@pytest.fixture(scope="session", params=["asl", "jsonata"])
def sample(request: pytest.FixtureRequest, stack: StackUnderTest) -> Iterator[Workflow]:
    """The sample's state machine made from one document, as a Workflow."""
    sfn = stack.client("stepfunctions")
    own = stack.outputs.state_machine_arn
    if _made_from(sfn.describe_state_machine(stateMachineArn=own)["definition"]) == request.param:
        yield Workflow(sfn, own)
        return
    name = f"{stack.outputs.state_machine_name}-{request.param}"
    arn = deploy_state_machine(stack.outputs, request.param, name, printer=lambda *_: None)
    yield Workflow(sfn, arn)
    sfn.delete_state_machine(stateMachineArn=arn)
