"""Starting executions, following them live, and summing them up."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sfnlocal.errors import UserError
from sfnlocal.waiting import wait_for
from sfnlocal.workflow.connection import Connection

END_EVENTS = {"ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"}
TRADE_STATES = {"Buy Stock": "buy", "Sell Stock": "sell"}


def execution_arn(conn: Connection, execution_id: str) -> str:
    """The ARN of an execution given by ARN or by name; UserError if unknown."""
    if execution_id.startswith("arn:"):
        arn = execution_id
    else:
        arn = conn.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{execution_id}"
    try:
        conn.sfn.describe_execution(executionArn=arn)
    except conn.sfn.exceptions.ExecutionDoesNotExist:
        raise UserError(
            f"no execution {execution_id!r} on {conn.state_machine_arn}",
            "'sfnlocal executions' lists the recent ones (use the NAME or ARN column)",
        ) from None
    return arn


def start(
    conn: Connection,
    execution_input: Any = None,
    *,
    raw_input: str | None = None,
    name: str | None = None,
) -> str:
    """Starts an execution: its input as JSON, or ``raw_input`` as it is, or none; its ARN.

    ``name`` defaults to ``run-<12 hex>``.
    """
    name = name or f"run-{uuid.uuid4().hex[:12]}"
    request = {"stateMachineArn": conn.state_machine_arn, "name": name}
    if raw_input is not None:
        request["input"] = raw_input
    elif execution_input is not None:
        request["input"] = json.dumps(execution_input)
    try:
        return conn.sfn.start_execution(**request)["executionArn"]
    except conn.sfn.exceptions.ExecutionAlreadyExists:
        raise UserError(
            f"an execution named {name!r} already exists",
            "choose another name (execution names are unique per state machine)",
        ) from None


def wait(conn: Connection, arn: str, timeout: float, poll_seconds: float = 0.1) -> dict[str, Any]:
    """DescribeExecution once the execution has ended; UserError if it still runs at ``timeout``."""
    return wait_for(
        lambda: conn.sfn.describe_execution(executionArn=arn),
        timeout,
        f"execution {arn} to end",
        poll_seconds,
        done=lambda description: description["status"] != "RUNNING",
        error=lambda message: UserError(
            message, "it may be waiting for an approval: 'sfnlocal approvals list'"
        ),
    )


def history(conn: Connection, arn: str) -> list[dict[str, Any]]:
    pages = conn.sfn.get_paginator("get_execution_history").paginate(executionArn=arn)
    return [event for page in pages for event in page["events"]]


def follow(
    conn: Connection, arn: str, poll_seconds: float = 0.1, timeout: float | None = None
) -> Iterator[dict[str, Any]]:
    """Yields the execution's history events as they happen, until it ends."""
    seen = 0
    deadline = time.monotonic() + timeout if timeout else None
    while True:
        events = history(conn, arn)
        yield from events[seen:]
        seen = len(events)
        if any(event["type"] in END_EVENTS for event in events):
            return
        if deadline and time.monotonic() > deadline:
            raise UserError(
                f"execution {arn} still running after {timeout:.0f} s",
                "it may be waiting for an approval: 'sfnlocal approvals list'",
            )
        time.sleep(poll_seconds)


def state_outputs(events: list[dict[str, Any]]) -> dict[str, Any]:
    outputs = {}
    for event in events:
        if details := event.get("stateExitedEventDetails"):
            outputs[details["name"]] = json.loads(details.get("output") or "null")
    return outputs


@dataclass(frozen=True)
class ExecutionSummary:
    name: str
    arn: str
    status: str
    price: int | None
    path: str | None
    started: datetime
    stopped: datetime | None

    @property
    def duration_seconds(self) -> float | None:
        return (self.stopped - self.started).total_seconds() if self.stopped else None


def summarize(description: dict[str, Any], events: list[dict[str, Any]]) -> ExecutionSummary:
    outputs = state_outputs(events)
    checked = outputs.get("Check Stock Price")
    entered = {
        e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e
    }
    path = next((trade for state, trade in TRADE_STATES.items() if state in entered), None)
    return ExecutionSummary(
        name=description["name"],
        arn=description["executionArn"],
        status=description["status"],
        price=checked.get("stock_price") if isinstance(checked, dict) else None,
        path=path,
        started=description["startDate"],
        stopped=description.get("stopDate"),
    )


def recent(conn: Connection, limit: int = 20) -> list[ExecutionSummary]:
    listed = conn.sfn.list_executions(stateMachineArn=conn.state_machine_arn, maxResults=limit)
    return [
        summarize(execution, history(conn, execution["executionArn"]))
        for execution in listed["executions"]
    ]
