"""Fixtures of the trust tests (bad input, faults, security).

They run on the end-to-end tests' stack (TEST_STACK): the session fixtures
``stack``, ``workflow`` and ``reports`` of tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.stacks import StackUnderTest
from tests.support.trust import DeadLetters, ExtraResources, engine_processes


@pytest.fixture(scope="session")
def dead_letters(stack: StackUnderTest) -> DeadLetters:
    return DeadLetters(stack.client("sqs"), stack.outputs.dlq_url)


@pytest.fixture
def extra(stack: StackUnderTest) -> Iterator[ExtraResources]:
    """Functions and state machines of the test's own, deployed beside the sample."""
    resources = ExtraResources(stack.client("lambda"), stack.client("stepfunctions"))
    yield resources
    resources.close()


@pytest.fixture(scope="session")
def stack_processes(stack: StackUnderTest):
    """The stack's processes, when this machine can see them (else the test is skipped)."""
    found = engine_processes(stack.endpoint)
    if found is None:
        pytest.skip(f"the processes of the stack at {stack.endpoint} are not visible here")
    return found
