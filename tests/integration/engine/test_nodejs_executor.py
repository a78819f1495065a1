"""Node.js functions (nodejs20.x, nodejs22.x) behind LocalStack's Lambda API, as a user sees them:
AWS's runtime interface client (aws-lambda-ric) runs the handler."""

from __future__ import annotations

import base64
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.integration.engine.conftest import client
from tests.integration.engine.test_lambda_executor import invoke
from tests.support.resources import function_log_messages
from tests.support.stacks import REPO_ROOT

pytestmark = pytest.mark.integration

NODE_RUNTIMES = ["nodejs20.x", "nodejs22.x"]
# aws-sdk v2, as the seed's approver's lock installs it (make envs)
SDK_V2_MODULES = REPO_ROOT / "lambdas" / "approve_request_node" / "node_modules"

CALLBACK_ECHO = """
console.log("initialising");

exports.handler = (event, context, callback) => {
  console.log("handling", JSON.stringify(event));
  callback(null, {
    event,
    requestId: context.awsRequestId,
    functionName: context.functionName,
    functionArn: context.invokedFunctionArn,
    memoryLimitInMB: context.memoryLimitInMB,
    remainingMs: context.getRemainingTimeInMillis(),
    endpoint: process.env.AWS_ENDPOINT_URL,
    greeting: process.env.GREETING,
    nodeVersion: process.version,
    pid: process.pid,
  });
};
"""


@pytest.fixture(scope="module", params=NODE_RUNTIMES)
def echo(request, make_function) -> tuple[str, str]:
    name = make_function(
        CALLBACK_ECHO,
        runtime=request.param,
        MemorySize=256,
        Environment={"Variables": {"GREETING": "hi"}},
    )
    return request.param, name


def test_callback_handler_result_comes_back(lambda_client, echo):
    # GIVEN a callback-style handler (event, context, callback), as the seed's approver is
    runtime, name = echo
    # WHEN it is invoked
    response, result = invoke(lambda_client, name, {"stock_price": 20})
    # THEN what it passed to the callback comes back, with no function error
    assert response["StatusCode"] == 200
    assert "FunctionError" not in response
    assert result["event"] == {"stock_price": 20}
    # AND it ran on the Node.js of its runtime
    assert result["nodeVersion"].startswith(f"v{runtime.removeprefix('nodejs').split('.')[0]}.")


def test_handler_sees_the_lambda_context(engine, lambda_client, echo):
    _, name = echo
    _, result = invoke(lambda_client, name, {})
    assert len(result["requestId"]) == 36
    assert result["functionName"] == name
    assert result["functionArn"].endswith(f":function:{name}")
    assert result["memoryLimitInMB"] == "256"
    assert 0 < result["remainingMs"] <= 10_000
    assert result["greeting"] == "hi"
    assert result["endpoint"] == engine.settings.endpoint


def test_warm_environment_is_reused(lambda_client, echo):
    _, name = echo
    _, first = invoke(lambda_client, name, {})
    _, second = invoke(lambda_client, name, {})
    assert first["pid"] == second["pid"]


def test_async_handler_result_comes_back(lambda_client, make_function):
    name = make_function(
        """
        exports.handler = async (event) => {
          await new Promise((resolve) => setTimeout(resolve, 10));
          return { doubled: event.n * 2 };
        };
        """,
        runtime="nodejs22.x",
    )
    response, result = invoke(lambda_client, name, {"n": 21})
    assert "FunctionError" not in response
    assert result == {"doubled": 42}


def test_handler_error_takes_aws_shape(lambda_client, make_function):
    name = make_function(
        """
        class InvalidStockPriceError extends Error {
          constructor(message) { super(message); this.name = "InvalidStockPriceError"; }
        }
        exports.handler = async () => {
          throw new InvalidStockPriceError("stock_price must be an integer from 0 to 99");
        };
        """,
        runtime="nodejs20.x",
    )
    response, error = invoke(lambda_client, name, {})
    assert response["FunctionError"] == "Unhandled"
    assert error["errorType"] == "InvalidStockPriceError"
    assert error["errorMessage"] == "stock_price must be an integer from 0 to 99"
    assert (
        error["trace"][0] == "InvalidStockPriceError: stock_price must be an integer from 0 to 99"
    )
    assert any("app.js" in line for line in error["trace"][1:])


def test_callback_error_takes_aws_shape(lambda_client, make_function):
    # GIVEN a handler that passes an error message to its callback, as the seed's approver does
    name = make_function(
        'exports.handler = (event, context, callback) => callback("Task Timed Out");',
        runtime="nodejs20.x",
    )
    response, error = invoke(lambda_client, name, {})
    assert response["FunctionError"] == "Unhandled"
    assert error["errorMessage"] == "Task Timed Out"
    assert error["errorType"] == "string"


def test_timeout_ends_the_invocation_as_on_aws(lambda_client, make_function):
    name = make_function(
        """
        exports.handler = async (event) => {
          await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
          return "done";
        };
        """,
        runtime="nodejs20.x",
        timeout=1,
    )
    response, error = invoke(lambda_client, name, {"sleepMs": 30_000})
    assert response["FunctionError"] == "Unhandled"
    assert error["errorType"] == "Sandbox.Timedout"
    assert error["errorMessage"].endswith("Task timed out after 1.00 seconds")
    # AND the next invocation runs in a fresh environment
    _, result = invoke(lambda_client, name, {"sleepMs": 0})
    assert result == "done"


def test_console_log_and_the_frame_reach_cloudwatch(engine, lambda_client, echo):
    _, name = echo
    marker = f"log-check-{uuid.uuid4().hex[:8]}"
    response, result = invoke(lambda_client, name, {"marker": marker}, LogType="Tail")
    tail = base64.b64decode(response["LogResult"]).decode()
    assert "START RequestId:" in tail and "END RequestId:" in tail and "REPORT RequestId:" in tail

    messages = function_log_messages(client(engine, "logs"), name, marker, 15)
    handled = next(i for i, m in enumerate(messages) if marker in m)
    # console.log lines carry a timestamp, the request id and the level, as on AWS
    parts = messages[handled].rstrip("\n").split("\t")
    assert parts[1:3] == [result["requestId"], "INFO"]
    assert parts[3].startswith("handling")
    assert messages[handled - 1].startswith(f"START RequestId: {result['requestId']}")
    assert messages[handled + 1].startswith(f"END RequestId: {result['requestId']}")
    assert messages[handled + 2].startswith(f"REPORT RequestId: {result['requestId']}")
    assert "Memory Size: 256 MB" in messages[handled + 2]


def _queue(engine) -> tuple[object, str]:
    sqs = client(engine, "sqs")
    url = sqs.create_queue(QueueName=f"node-sdk-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    return sqs, url


def _received(sqs, url: str) -> list[dict]:
    messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


@pytest.mark.parametrize("runtime", NODE_RUNTIMES)
def test_sdk_v3_of_the_runtime_reaches_the_stack_with_no_endpoint_in_code(
    engine, lambda_client, make_function, runtime
):
    # GIVEN a handler written for AWS: the runtime's SDK v3, no endpoint anywhere in it
    sqs, url = _queue(engine)
    name = make_function(
        """
        const { SQSClient, SendMessageCommand } = require("@aws-sdk/client-sqs");
        const sqs = new SQSClient({});
        exports.handler = async (event) => {
          await sqs.send(new SendMessageCommand({ QueueUrl: event.url, MessageBody: '{"v": 3}' }));
          return "sent";
        };
        """,
        runtime=runtime,
    )
    # WHEN it is invoked
    response, result = invoke(lambda_client, name, {"url": url})
    # THEN its call reached the local stack's queue
    assert result == "sent", result
    assert _received(sqs, url) == [{"v": 3}]


def test_sdk_v2_reaches_the_stack_with_no_endpoint_in_code(engine, lambda_client, make_function):
    # GIVEN a handler with aws-sdk v2 in its package (AWS's runtimes hold v3 only), no endpoint
    assert (SDK_V2_MODULES / "aws-sdk" / "package.json").is_file(), "run 'make envs'"
    sqs, url = _queue(engine)
    name = make_function(
        """
        const AWS = require("aws-sdk");
        exports.handler = async (event) => {
          const sqs = new AWS.SQS();
          await sqs.sendMessage({ QueueUrl: event.url, MessageBody: '{"v": 2}' }).promise();
          return "sent";
        };
        """,
        runtime="nodejs20.x",
        trees={"node_modules": SDK_V2_MODULES},
    )
    response, result = invoke(lambda_client, name, {"url": url})
    assert result == "sent", result
    assert _received(sqs, url) == [{"v": 2}]


def test_concurrent_invocations_run_in_concurrent_environments(lambda_client, make_function):
    name = make_function(
        """
        exports.handler = async (event) => {
          await new Promise((resolve) => setTimeout(resolve, 500));
          return [event.i, process.pid];
        };
        """,
        runtime="nodejs20.x",
    )
    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(lambda i: invoke(lambda_client, name, {"i": i})[1], range(10)))
    assert sorted(i for i, _ in results) == list(range(10))
    assert len({pid for _, pid in results}) > 1
