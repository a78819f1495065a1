"""Concurrent invocations of a cold function get no timeout that AWS would not give.

On AWS every execution environment has its own CPU and its init phase is not
part of the function's timeout. Here all environments share the machine's few
cores: too many starting at once would slow each other's handlers past their
timeout. The stack starts a bounded number at once and queues the rest.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.resources import create_function

pytestmark = pytest.mark.integration

# Imports boto3 at init (as most functions do) and makes a client in the handler.
CLIENT_AND_SLEEP = """
import time

import boto3


def handler(event, context):
    boto3.client("sqs")
    time.sleep(0.5)
    return {"i": event["i"]}
"""


@pytest.mark.parametrize("concurrency", [20, 100])
def test_concurrent_cold_invocations_all_succeed(stack, concurrency):
    # One connection per caller, and no client-side timeout or retry to hide a slow answer.
    lambda_client = stack.outputs.clients().client(
        "lambda", max_pool_connections=concurrency, read_timeout=600, retries={"max_attempts": 1}
    )
    # GIVEN a new function with a 4 s timeout whose handler makes a boto3 client and sleeps
    # 0.5 s: ample for one handler on a busy machine, far too little if all the environments'
    # starts (seconds of CPU each) ran at once beside the handlers on a few cores
    name = create_function(lambda_client, CLIENT_AND_SLEEP, timeout=4)

    def invoke(i: int) -> dict:
        response = lambda_client.invoke(FunctionName=name, Payload=json.dumps({"i": i}))
        return {
            "error": response.get("FunctionError"),
            "payload": json.loads(response["Payload"].read()),
        }

    # WHEN it is invoked that many times at once
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(invoke, range(concurrency)))

    # THEN every invocation succeeds: none timed out (AWS would time out none)
    failures = [r for r in results if r["error"]]
    assert failures == [], f"{len(failures)} of {concurrency} failed, e.g. {failures[:3]}"
    assert sorted(r["payload"]["i"] for r in results) == list(range(concurrency))
