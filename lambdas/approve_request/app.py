"""Approve Request: approves every task that the state machine puts on the approval queue.

The "Request Human Approval" state sends ``{"Input": ..., "TaskToken": ...}`` to
the queue and waits. For each SQS record this function sends the token back
with SendTaskSuccess and the output ``"approved"``, as the sample's approver
does. A record that cannot be approved (not JSON, no TaskToken, or a token that
Step Functions rejects) is logged and reported in ``batchItemFailures``, so SQS
retries only that message (and in the end moves it to the dead-letter queue)
while the rest of the batch succeeds.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from typing import TYPE_CHECKING, Any, TypedDict

import boto3
from botocore.exceptions import BotoCoreError, ClientError

if TYPE_CHECKING:
    from awslambdaric.lambda_context import LambdaContext

__all__ = ["APPROVAL_OUTPUT", "MalformedApprovalRequestError", "handler", "sfn_client"]

APPROVAL_OUTPUT = json.dumps("approved")
"""The task output sent with SendTaskSuccess: the JSON string ``"approved"``."""

logger = logging.getLogger(__name__)
logger.setLevel(logging.INFO)


class BatchItemFailure(TypedDict):
    itemIdentifier: str


class BatchResponse(TypedDict):
    batchItemFailures: list[BatchItemFailure]


class MalformedApprovalRequestError(ValueError):
    """An SQS message body is not a JSON object with a non-empty string ``TaskToken``."""


@cache
def sfn_client() -> Any:
    """The Step Functions client, made on first use (so importing needs no region)."""
    return boto3.client("stepfunctions")


def parse_task_token(body: Any) -> str:
    """Return the ``TaskToken`` of an approval request message body."""
    try:
        message = json.loads(body)
    except (TypeError, ValueError) as exc:
        raise MalformedApprovalRequestError(f"body is not JSON: {exc}") from exc
    if not isinstance(message, dict):
        raise MalformedApprovalRequestError(
            f"body is JSON {type(message).__name__}, not an object with a TaskToken"
        )
    token = message.get("TaskToken")
    if not isinstance(token, str) or not token:
        raise MalformedApprovalRequestError("body has no TaskToken (a non-empty string)")
    return token


def _short(token: str) -> str:
    """A token is long and a credential of sorts: log only its ends."""
    return token if len(token) <= 16 else f"{token[:8]}...{token[-8:]}"


def approve(record: dict[str, Any]) -> None:
    """Send SendTaskSuccess for one SQS record; raise if it cannot be approved."""
    token = parse_task_token(record.get("body"))
    logger.info(
        "Calling Step Functions to complete callback task: SendTaskSuccess "
        "taskToken=%s output=%s (message %s)",
        _short(token),
        APPROVAL_OUTPUT,
        record.get("messageId"),
    )
    sfn_client().send_task_success(taskToken=token, output=APPROVAL_OUTPUT)


def handler(event: dict[str, Any], context: LambdaContext) -> BatchResponse:
    """Approve each record; report those that failed as partial batch failures."""
    failures: list[BatchItemFailure] = []
    for record in event.get("Records", []):
        message_id = str(record.get("messageId", ""))
        try:
            approve(record)
        except MalformedApprovalRequestError as exc:
            logger.error("Message %s is not an approval request: %s", message_id, exc)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            logger.error(
                "Step Functions rejected the task token of message %s: %s: %s",
                message_id,
                error.get("Code", "Unknown"),
                error.get("Message", exc),
            )
        except BotoCoreError as exc:
            logger.error("Could not reach Step Functions for message %s: %s", message_id, exc)
        else:
            logger.info("Approved the task of message %s", message_id)
            continue
        failures.append({"itemIdentifier": message_id})
    return {"batchItemFailures": failures}
