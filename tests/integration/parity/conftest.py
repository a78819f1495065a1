"""AWS behaviour the stack must show as AWS does, on the stack TEST_STACK names.

Each test here pins one place where LocalStack 2026.3.0 alone differs from AWS
and this project restores AWS's behaviour (``src/sfnlocal/in_localstack/fixes/``,
the Lambda executor); with ``SFNLOCAL_FIXES=0`` the fix tests fail.
"""

from __future__ import annotations

import pytest

from tests.support.stacks import StackUnderTest


@pytest.fixture(scope="session")
def sfn(stack: StackUnderTest):
    return stack.client("stepfunctions")


@pytest.fixture(scope="session")
def lambda_client(stack: StackUnderTest):
    return stack.client("lambda")


@pytest.fixture(scope="session")
def cloudwatch(stack: StackUnderTest):
    return stack.client("cloudwatch")
