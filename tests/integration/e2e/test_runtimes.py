"""Which Lambda runtimes the stack runs, and how it refuses the others (as AWS refuses a
runtime it does not run: at CreateFunction and UpdateFunctionConfiguration)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from tests.support.resources import zip_source
from tests.support.stacks import StackUnderTest
from tests.support.trust import TEST_ROLE, ExtraResources

pytestmark = pytest.mark.integration

# on both stacks (the container has only its base image's Python, 3.13)
RUNS_HERE = ["python3.13", "nodejs20.x", "nodejs22.x"]


@pytest.fixture
def extra(stack: StackUnderTest) -> Iterator[ExtraResources]:
    resources = ExtraResources(stack.client("lambda"), stack.client("stepfunctions"))
    yield resources
    resources.close()


def assert_refused(raised: pytest.ExceptionInfo[ClientError], runtime: str) -> None:
    error = raised.value.response["Error"]
    assert error["Code"] == "InvalidParameterValueException"
    assert runtime in error["Message"]
    for name in RUNS_HERE:  # the message says what runs here instead
        assert name in error["Message"]


@pytest.mark.parametrize("runtime", ["java21", "ruby3.3", "nodejs18.x"])
def test_create_function_refuses_a_runtime_that_cannot_run_here(stack, runtime):
    lambda_client = stack.client("lambda")
    # WHEN a function is created with a runtime AWS has but this stack cannot run
    with pytest.raises(ClientError) as raised:
        lambda_client.create_function(
            FunctionName=f"refused-{runtime.replace('.', '-')}",
            Runtime=runtime,
            Role=TEST_ROLE,
            Handler="app.handler",
            Code={"ZipFile": zip_source("def handler(e, c):\n    return 1\n")},
        )
    # THEN it is refused, naming the runtime and the runtimes that run here
    assert_refused(raised, runtime)
    # AND no function was created
    names = [f["FunctionName"] for f in lambda_client.list_functions()["Functions"]]
    assert f"refused-{runtime.replace('.', '-')}" not in names


def test_update_function_configuration_refuses_it_too(stack, extra):
    # GIVEN a Python function that runs
    lambda_client = stack.client("lambda")
    name = extra.function("def handler(e, c):\n    return 'still python'\n", timeout=10)
    # WHEN its runtime is changed to one this stack cannot run
    with pytest.raises(ClientError) as raised:
        lambda_client.update_function_configuration(FunctionName=name, Runtime="java21")
    # THEN the update is refused and the function is left as it was
    assert_refused(raised, "java21")
    assert lambda_client.get_function_configuration(FunctionName=name)["Runtime"] == "python3.13"
    payload = lambda_client.invoke(FunctionName=name)["Payload"].read()
    assert json.loads(payload) == "still python"


@pytest.mark.parametrize("runtime", ["nodejs20.x", "nodejs22.x"])
def test_nodejs_functions_run_on_this_stack(stack, extra, runtime):
    # GIVEN a Node.js function (its runtime from the stack's own environments)
    name = extra.function(
        "exports.handler = async () => process.version;", timeout=10, runtime=runtime
    )
    # WHEN it is invoked THEN it answers with the Node.js of its runtime
    response = stack.client("lambda").invoke(FunctionName=name)
    assert "FunctionError" not in response
    version = json.loads(response["Payload"].read())
    assert version.startswith(f"v{runtime.removeprefix('nodejs').split('.')[0]}.")
