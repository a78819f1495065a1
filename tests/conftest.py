"""Fixtures shared by every test: the stack end-to-end, trust and load tests run
against (chosen by TEST_STACK, see tests/support/stacks.py), and what drives it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from sfnlocal.engine.settings import EngineSettings
from sfnlocal.sample.outputs import Outputs
from tests.support.coverage import (
    EXECUTIONS,
    pytest_addoption,
    pytest_deselected,
    pytest_sessionfinish,
    pytest_terminal_summary,
    pytest_testnodedown,
)
from tests.support.parallel import pytest_collection_modifyitems, pytest_itemcollected
from tests.support.stacks import (
    REPO_ROOT,
    StackUnderTest,
    chosen_stack_kind,
    container_stack,
    embedded_stack,
    running_stack,
)
from tests.support.workflow import ReportCollector, Workflow

# The path coverage's hooks (tests/support/coverage.py) and the xdist groups
# (tests/support/parallel.py) are pytest's through this module.
__all__ = [
    "REPO_ROOT",
    "pytest_addoption",
    "pytest_collection_modifyitems",
    "pytest_deselected",
    "pytest_itemcollected",
    "pytest_sessionfinish",
    "pytest_terminal_summary",
    "pytest_testnodedown",
]


def pytest_report_header(config: pytest.Config) -> str:
    requested = os.environ.get("TEST_STACK", "auto")
    return f"end-to-end tests run on the {chosen_stack_kind()} stack (TEST_STACK={requested})"


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackUnderTest]:
    kind = chosen_stack_kind()
    state_dir = tmp_path_factory.mktemp("stack")
    starters = {
        "running": running_stack,
        "embedded": lambda: embedded_stack(state_dir),
        "container": lambda: container_stack(state_dir),
    }
    if kind not in starters:
        raise pytest.UsageError(f"TEST_STACK={kind!r}: use auto, running, embedded or container")
    prefix = EngineSettings().prefix
    for endpoint, env in starters[kind]():
        yield StackUnderTest(kind, endpoint, Outputs.from_stack(endpoint, prefix), env)


@pytest.fixture(scope="session")
def reports(stack: StackUnderTest) -> Iterator[ReportCollector]:
    """Every SNS report, through an SQS queue the tests subscribe to the topic."""
    collector = ReportCollector.subscribe(stack.connection)
    yield collector
    collector.close()


@pytest.fixture(scope="session")
def workflow(stack: StackUnderTest) -> Iterator[Workflow]:
    workflow = Workflow(stack.connection)
    yield workflow
    EXECUTIONS.read_missing(workflow.sfn)  # before the stack stops: for the path coverage
