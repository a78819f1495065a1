"""The local-process executor behind LocalStack's Lambda API, as a user sees it."""

from __future__ import annotations

import base64
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from sfnlocal.waiting import wait_for
from tests.integration.engine.conftest import client
from tests.support.resources import function_log_messages

pytestmark = pytest.mark.integration

ECHO = """
import json, os

print("initialising")

def handler(event, context):
    print("handling", json.dumps(event))
    return {
        "event": event,
        "request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "endpoint": os.environ.get("AWS_ENDPOINT_URL"),
        "greeting": os.environ.get("GREETING"),
        "pid": os.getpid(),
    }
"""


def invoke(lambda_client, name: str, event: object, **kwargs) -> tuple[dict, object]:
    response = lambda_client.invoke(FunctionName=name, Payload=json.dumps(event), **kwargs)
    return response, json.loads(response["Payload"].read() or b"null")


@pytest.fixture(scope="module")
def echo(make_function) -> str:
    return make_function(ECHO, MemorySize=256, Environment={"Variables": {"GREETING": "hi"}})


def test_synchronous_invoke_returns_the_handlers_result(lambda_client, echo):
    # GIVEN an active function  WHEN it is invoked with an event
    response, result = invoke(lambda_client, echo, {"stock_price": 20})
    # THEN the handler's return value comes back, with no function error
    assert response["StatusCode"] == 200
    assert "FunctionError" not in response
    assert result["event"] == {"stock_price": 20}


def test_handler_sees_a_real_lambda_context(lambda_client, echo):
    response, result = invoke(lambda_client, echo, {})
    assert result["request_id"] == response["ResponseMetadata"]["HTTPHeaders"].get(
        "x-amz-request-id", result["request_id"]
    )
    assert len(result["request_id"]) == 36
    assert result["function_name"] == echo
    assert result["function_arn"].endswith(f":function:{echo}")
    assert result["memory_limit_in_mb"] == "256"
    assert 0 < result["remaining_ms"] <= 10_000


def test_function_environment_and_endpoint_reach_the_handler(engine, lambda_client, echo):
    _, result = invoke(lambda_client, echo, {})
    assert result["greeting"] == "hi"
    assert result["endpoint"] == engine.settings.endpoint


def test_warm_environment_is_reused(lambda_client, echo):
    _, first = invoke(lambda_client, echo, {})
    _, second = invoke(lambda_client, echo, {})
    assert first["pid"] == second["pid"]


def test_asynchronous_invoke_runs_the_handler(engine, lambda_client, make_function):
    # GIVEN a function that records each event in a queue
    sqs = client(engine, "sqs")
    queue_url = sqs.create_queue(QueueName="async-invoke-results")["QueueUrl"]
    name = make_function(
        f"""
        import boto3, json
        def handler(event, context):
            boto3.client("sqs").send_message(QueueUrl="{queue_url}", MessageBody=json.dumps(event))
        """
    )
    # WHEN it is invoked asynchronously
    response = lambda_client.invoke(
        FunctionName=name, InvocationType="Event", Payload=json.dumps({"n": 7})
    )
    assert response["StatusCode"] == 202

    # THEN the handler ran (and a boto3 call from inside it reached the stack)
    def received() -> list | None:
        answer = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=5)
        return answer.get("Messages") or None

    messages = wait_for(received, 90, "the asynchronous invocation's message on its queue")
    assert [json.loads(m["Body"]) for m in messages] == [{"n": 7}]


def test_handler_error_takes_aws_shape(lambda_client, make_function):
    name = make_function(
        """
        class InvalidStockPriceError(ValueError):
            pass

        def handler(event, context):
            raise InvalidStockPriceError("stock_price must be an integer from 0 to 99")
        """
    )
    response, error = invoke(lambda_client, name, {})
    assert response["FunctionError"] == "Unhandled"
    assert error["errorType"] == "InvalidStockPriceError"
    assert error["errorMessage"] == "stock_price must be an integer from 0 to 99"
    assert any("raise InvalidStockPriceError" in line for line in error["stackTrace"])


def test_timeout_kills_the_invocation_as_on_aws(lambda_client, make_function):
    name = make_function("import time\ndef handler(e, c):\n    time.sleep(30)\n", timeout=1)
    response, error = invoke(lambda_client, name, {})
    assert response["FunctionError"] == "Unhandled"
    assert error["errorType"] == "Sandbox.Timedout"
    assert error["errorMessage"].endswith("Task timed out after 1.00 seconds")


def test_environment_recovers_after_a_timeout(lambda_client, make_function):
    name = make_function(
        "import time\ndef handler(e, c):\n    time.sleep(e['sleep'])\n    return 'done'\n",
        timeout=1,
    )
    invoke(lambda_client, name, {"sleep": 5})
    _, result = invoke(lambda_client, name, {"sleep": 0})
    assert result == "done"


def test_logs_reach_cloudwatch_framed_as_on_aws(engine, lambda_client, echo):
    response, _ = invoke(lambda_client, echo, {"marker": "log-check"}, LogType="Tail")
    tail = base64.b64decode(response["LogResult"]).decode()
    assert "START RequestId:" in tail and "END RequestId:" in tail and "REPORT RequestId:" in tail

    messages = function_log_messages(client(engine, "logs"), echo, "log-check", 15)
    handled = next(i for i, m in enumerate(messages) if "log-check" in m)
    assert messages[handled - 1].startswith("START RequestId:")
    assert messages[handled + 1].startswith("END RequestId:")
    assert messages[handled + 2].startswith("REPORT RequestId:")
    assert "Duration:" in messages[handled + 2] and "Memory Size: 256 MB" in messages[handled + 2]


def test_twenty_concurrent_invocations_are_all_answered(lambda_client, make_function):
    name = make_function(
        """
        import os, time

        def handler(event, context):
            time.sleep(0.5)
            return [event["i"], os.getpid()]
        """
    )
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda i: invoke(lambda_client, name, {"i": i})[1], range(20)))
    assert sorted(i for i, _ in results) == list(range(20))
    # concurrent invocations ran in concurrent environments
    assert len({pid for _, pid in results}) > 1


def test_python312_runtime_runs_on_python_312(lambda_client, make_function):
    name = make_function(
        "import sys\ndef handler(e, c):\n    return list(sys.version_info[:2])\n",
        runtime="python3.12",
    )
    _, result = invoke(lambda_client, name, {})
    assert result == [3, 12]
