"""Human approval: which executions wait, answering them, and the approval mode.

The task token is read from the execution's history (the message the state
sent to the queue is recorded there), so listing approvals never receives,
and so never ages, the queue's messages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sfnlocal.deploy.functions import wait_for_trigger_state
from sfnlocal.errors import UserError
from sfnlocal.workflow.connection import Connection
from sfnlocal.workflow.executions import execution_arn, history

APPROVED_OUTPUT = '"approved"'  # what the sample's approver answers
REJECTED_ERROR = "Rejected"
APPROVAL_RESOURCE = "sendMessage.waitForTaskToken"
CLOSING_EVENTS = {"TaskSucceeded", "TaskFailed", "TaskTimedOut"}


@dataclass(frozen=True)
class PendingApproval:
    execution_name: str
    execution_arn: str
    input: Any
    waiting_since: datetime
    task_token: str


def pending_in(description: dict[str, Any], events: list[dict[str, Any]]) -> PendingApproval | None:
    """The approval request this execution waits on, read from its history; else None."""
    waiting = None
    for event in events:
        details = event.get("taskScheduledEventDetails")
        if details and details.get("resource") == APPROVAL_RESOURCE:
            body = json.loads(details["parameters"])["MessageBody"]
            waiting = PendingApproval(
                description["name"],
                description["executionArn"],
                body.get("Input"),
                event["timestamp"],
                body["TaskToken"],
            )
        elif event["type"] in CLOSING_EVENTS:
            waiting = None
    return waiting


def pending(conn: Connection) -> list[PendingApproval]:
    running = conn.sfn.get_paginator("list_executions").paginate(
        stateMachineArn=conn.state_machine_arn, statusFilter="RUNNING"
    )
    found = []
    for page in running:
        for execution in page["executions"]:
            if waiting := pending_in(execution, history(conn, execution["executionArn"])):
                found.append(waiting)
    return sorted(found, key=lambda p: p.waiting_since)


def _waiting(conn: Connection, execution_id: str) -> PendingApproval:
    arn = execution_arn(conn, execution_id)
    description = conn.sfn.describe_execution(executionArn=arn)
    waiting = pending_in(description, history(conn, arn))
    if description["status"] != "RUNNING" or waiting is None:
        raise UserError(
            f"execution {description['name']} is not waiting for approval "
            f"(status {description['status']})",
            "'sfnlocal approvals list' shows the executions that are",
        )
    return waiting


def approve(conn: Connection, execution_id: str) -> PendingApproval:
    waiting = _waiting(conn, execution_id)
    conn.sfn.send_task_success(taskToken=waiting.task_token, output=APPROVED_OUTPUT)
    return waiting


def reject(conn: Connection, execution_id: str, reason: str) -> PendingApproval:
    waiting = _waiting(conn, execution_id)
    conn.sfn.send_task_failure(taskToken=waiting.task_token, error=REJECTED_ERROR, cause=reason)
    return waiting


# -- the approval mode: is the approver's queue trigger enabled? ---------------


def _trigger(conn: Connection) -> dict[str, Any]:
    mappings = conn.lambda_.list_event_source_mappings(EventSourceArn=conn.outputs.queue_arn)
    if not mappings["EventSourceMappings"]:
        raise UserError(
            "the approval queue has no trigger (is the sample fully deployed?)", "'make deploy'"
        )
    return mappings["EventSourceMappings"][0]


def mode(conn: Connection) -> str:
    return "auto" if _trigger(conn)["State"] in {"Enabled", "Enabling"} else "manual"


def set_mode(conn: Connection, new_mode: str) -> int:
    """Switches the approval mode; returns how many answered requests it cleared.

    Before the approver takes over, requests already answered by hand are
    removed from the queue, so it does not answer them again. Malformed
    messages are left for the approver, which sends them to the dead-letter queue.
    """
    if new_mode not in ("auto", "manual"):
        raise UserError(f"unknown approval mode {new_mode!r}", "use 'auto' or 'manual'")
    trigger = _trigger(conn)
    cleared = clear_answered_requests(conn) if new_mode == "auto" else 0
    conn.lambda_.update_event_source_mapping(UUID=trigger["UUID"], Enabled=new_mode == "auto")
    wait_for_trigger_state(conn.lambda_, trigger["UUID"], new_mode == "auto", "approval queue")
    return cleared


CLEARING_VISIBILITY = 60
"""Seconds a message received while clearing stays hidden: longer than the clearing takes."""


def clear_answered_requests(conn: Connection) -> int:
    """Deletes the requests already answered; puts the others back unaged.

    Every receive counts towards the queue's maxReceiveCount (3), after which
    SQS moves the message to the dead-letter queue and its execution would
    wait for ever. So each message is received once (it stays hidden while the
    rest are read), and a request still waiting goes back as a fresh copy
    (sent before the original is deleted: a crash leaves a duplicate, which
    the approver sends to the dead-letter queue, never a lost request).
    """
    waiting_tokens = {p.task_token for p in pending(conn)}
    queue_url, cleared = conn.outputs.queue_url, 0
    kept: dict[str, dict[str, Any]] = {}  # by MessageId
    while messages := conn.sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=CLEARING_VISIBILITY
    ).get("Messages", []):
        if all(message["MessageId"] in kept for message in messages):
            break  # only kept ones, hidden longer than this took: every message was read
        for message in messages:
            token = _token_of(message["Body"])
            if token is not None and token not in waiting_tokens:
                conn.sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
                cleared += 1
            else:
                kept[message["MessageId"]] = message
    for message in kept.values():
        conn.sqs.send_message(QueueUrl=queue_url, MessageBody=message["Body"])
        conn.sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return cleared


def _token_of(body: str) -> str | None:
    try:
        return json.loads(body).get("TaskToken")
    except (ValueError, AttributeError):
        return None
