"""Mocked test cases: executions of ``<stateMachineArn>#<TestCase>``.

The test cases are those of the mock configuration file the stack reads
(``SFN_MOCK_CONFIG``; by default the sample's ``statemachine/stock_trading.mocks.json``).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from tests.support.coverage import EXECUTIONS
from tests.support.workflow import Execution, Workflow

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_MOCKS = REPO_ROOT / "statemachine" / "stock_trading.mocks.json"


def start_test_case(workflow: Workflow, test_case: str, execution_input: Any = None) -> str:
    response = workflow.sfn.start_execution(
        stateMachineArn=f"{workflow.state_machine_arn}#{test_case}",
        name=f"mock-{test_case[:40]}-{uuid.uuid4().hex[:12]}",
        input=json.dumps({} if execution_input is None else execution_input),
    )
    EXECUTIONS.started(workflow.sfn, response["executionArn"])  # for the path coverage
    return response["executionArn"]


def run_test_case(workflow: Workflow, test_case: str, execution_input: Any = None) -> Execution:
    """Run a mocked test case to its end."""
    return workflow.wait(start_test_case(workflow, test_case, execution_input))


def mocked_response(name: str, attempt: str = "0", path: Path = SAMPLE_MOCKS) -> dict[str, Any]:
    """One mocked response of a mock file: ``{"Return": ...}`` or ``{"Throw": ...}``."""
    return json.loads(path.read_text(encoding="utf-8"))["MockedResponses"][name][attempt]
