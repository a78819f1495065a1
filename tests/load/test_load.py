"""Load: 200 executions started at once all succeed within a deadline, each with its own
report on the SNS topic, and no approval is left waiting."""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

from sfnlocal.waiting import wait_for
from tests.support.trust import assert_queue_empty, engine_processes

pytestmark = pytest.mark.integration

EXECUTIONS = int(os.environ.get("LOAD_EXECUTIONS", "200"))
DEADLINE = float(os.environ.get("LOAD_DEADLINE", "300"))
"""Seconds from the first start to the last execution's end (a 2-CPU machine needs ~90)."""
MAX_ENGINE_MB = float(os.environ.get("LOAD_MAX_ENGINE_MB", "3000"))
"""LocalStack's resident memory after the run must stay below this (it was ~900 MB)."""


def _client(stack, service: str, retried: Counter | None = None):
    """A client for many threads at once, retrying as the SDKs do by default (standard mode).

    Retrying StartExecution is safe: with the same name and input it is idempotent while
    the execution runs. ``retried`` counts the retries by the error that caused them.
    """
    client = stack.outputs.clients().client(
        service,
        max_pool_connections=EXECUTIONS,
        retries={"mode": "standard", "total_max_attempts": 3},
        read_timeout=120,
    )
    if retried is not None:

        def count(caught_exception=None, response=None, **_) -> None:
            if caught_exception is not None:
                retried[type(caught_exception).__name__] += 1
            elif response is not None and response[1].get("Error", {}).get("Code"):
                retried[response[1]["Error"]["Code"]] += 1

        client.meta.events.register(
            f"needs-retry.{client.meta.service_model.service_id.hyphenize()}", count
        )
    return client


def _start_all_at_once(sfn, state_machine_arn: str, inputs: dict[str, dict]) -> dict[str, str]:
    """Starts one execution per name, every thread released by one barrier."""
    barrier = threading.Barrier(len(inputs))

    def start(name: str) -> str:
        barrier.wait()
        try:
            return sfn.start_execution(
                stateMachineArn=state_machine_arn, name=name, input=json.dumps(inputs[name])
            )["executionArn"]
        except ClientError as error:
            if error.response["Error"]["Code"] != "ExecutionAlreadyExists":
                raise
            # A retried start whose first attempt got through and already ended.
            return state_machine_arn.replace(":stateMachine:", ":execution:") + f":{name}"

    with ThreadPoolExecutor(len(inputs)) as pool:
        return dict(zip(inputs, pool.map(start, inputs), strict=True))


def _statuses(sfn, state_machine_arn: str, names: set[str]) -> dict[str, str]:
    pages = sfn.get_paginator("list_executions").paginate(stateMachineArn=state_machine_arn)
    return {
        execution["name"]: execution["status"]
        for page in pages
        for execution in page["executions"]
        if execution["name"] in names
    }


def test_executions_started_at_once_all_succeed_each_with_its_own_report(
    stack, bulk_reports, measurements
):
    retried: Counter = Counter()
    sfn, sqs = _client(stack, "stepfunctions", retried), _client(stack, "sqs")
    state_machine = stack.outputs.state_machine_arn
    dlq_depth_before = sqs.get_queue_attributes(
        QueueUrl=stack.outputs.dlq_url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]["ApproximateNumberOfMessages"]
    # GIVEN 200 inputs, prices 0..99 twice: both trades, the 50/51 boundary included
    run = uuid.uuid4().hex[:8]
    inputs = {f"load-{run}-{i:03d}": {"stock_price": i % 100} for i in range(EXECUTIONS)}
    # WHEN they are all started at once
    started = time.monotonic()
    arns = _start_all_at_once(sfn, state_machine, inputs)
    start_seconds = time.monotonic() - started
    # THEN every one ends within the deadline ...
    statuses = wait_for(
        lambda: _statuses(sfn, state_machine, set(inputs)),
        DEADLINE - (time.monotonic() - started),
        f"{EXECUTIONS} executions started at once to end",
        1,
        done=lambda found: len(found) == EXECUTIONS and "RUNNING" not in found.values(),
        describe=lambda found: str(Counter(found.values())),
        error=AssertionError,
    )
    all_seconds = time.monotonic() - started
    counts = Counter(statuses.values())
    assert counts == {"SUCCEEDED": EXECUTIONS}, f"after {all_seconds:.0f} s: {counts}"
    # ... each report is its own execution's trade: 200 distinct messages and trades
    with ThreadPoolExecutor(16) as pool:
        descriptions = dict(
            zip(
                inputs,
                pool.map(lambda name: sfn.describe_execution(executionArn=arns[name]), inputs),
                strict=True,
            )
        )
    message_ids = {name: json.loads(d["output"])["MessageId"] for name, d in descriptions.items()}
    assert len(set(message_ids.values())) == EXECUTIONS
    reports = bulk_reports.messages(message_ids.values(), timeout=120)
    trades = {}
    for name, message_id in message_ids.items():
        trade = reports[message_id]["Input"]
        price = inputs[name]["stock_price"]
        assert trade["price"] == str(price), (name, trade)
        assert trade["type"] == ("sell" if price > 50 else "buy"), (name, trade)
        trades[trade["id"]] = name
    assert len(trades) == EXECUTIONS
    # ... and no approval is left waiting: each was approved once, none dead-lettered
    with ThreadPoolExecutor(16) as pool:
        histories = list(
            pool.map(
                lambda name: sfn.get_execution_history(executionArn=arns[name], maxResults=1000),
                inputs,
            )
        )
    for name, history in zip(inputs, histories, strict=True):
        approvals = [
            json.loads(e["taskSucceededEventDetails"]["output"])
            for e in history["events"]
            if e["type"] == "TaskSucceeded"
            and e["taskSucceededEventDetails"]["resourceType"] == "sqs"
        ]
        assert approvals == ["approved"], name
    assert_queue_empty(sqs, stack.outputs.queue_url)
    dlq_depth_after = sqs.get_queue_attributes(
        QueueUrl=stack.outputs.dlq_url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]["ApproximateNumberOfMessages"]
    assert dlq_depth_after == dlq_depth_before
    # AND the engine's memory after the run is reported (and stays bounded)
    figures: dict = {
        "executions": EXECUTIONS,
        "started_in_s": round(start_seconds, 1),
        "all_succeeded_in_s": round(all_seconds, 1),
        "calls_retried": dict(retried) or 0,
    }
    processes = engine_processes(stack.endpoint)
    if processes is not None:
        memory = processes.memory()
        figures.update(stack=processes.kind, **memory)
        if processes.container is not None:
            stats = processes.container.stats(stream=False)["memory_stats"]
            figures["container_memory_mb"] = round(stats.get("usage", 0) / 2**20, 1)
        assert memory["engine_rss_mb"] < MAX_ENGINE_MB, figures
    measurements(f"{EXECUTIONS} executions at once on the {stack.kind} stack", figures)
