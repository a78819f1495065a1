"""Approve Request: approves every task that the state machine puts on the approval queue.

The "Request Human Approval" state sends ``{"Input": ..., "TaskToken": ...}`` to
the queue and waits. For each SQS record this function sends the token back
with SendTaskSuccess and the output ``"approved"``, as the sample's approver
does. A record that cannot be approved is logged and reported in
``batchItemFailures``, so SQS retries only that message while the rest of the
batch succeeds:

- a *permanent* failure (the body is not JSON or has no TaskToken; Step
  Functions rejects the token as invalid, unknown or timed out) can never
  succeed: the record is made visible again at once (ChangeMessageVisibility
  0), so its few receives pass in seconds and SQS moves it to the dead-letter
  queue (the queue's RedrivePolicy) instead of after maxReceiveCount x the
  queue's visibility timeout (minutes);
- a *transient* failure (Step Functions unreachable or throttling) keeps the
  queue's visibility timeout, so the retry comes after a pause.

The records of a batch are approved in parallel, and the handler returns before
the function times out: a record whose call has not answered by then is
reported as failed (and retried later). A timeout would fail the whole batch,
and SQS would deliver again the records already approved, whose tokens Step
Functions then rejects as stale (under load, ten calls in a row outlasted the
10 s timeout).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any, TypedDict

import boto3
from botocore.exceptions import BotoCoreError, ClientError

if TYPE_CHECKING:
    from awslambdaric.lambda_context import LambdaContext

__all__ = [
    "APPROVAL_OUTPUT",
    "PERMANENT_ERROR_CODES",
    "MalformedApprovalRequestError",
    "handler",
    "queue_url",
    "sfn_client",
    "sqs_client",
]

APPROVAL_OUTPUT = json.dumps("approved")
"""The task output sent with SendTaskSuccess: the JSON string ``"approved"``."""

PERMANENT_ERROR_CODES = frozenset({"InvalidToken", "TaskDoesNotExist", "TaskTimedOut"})
"""SendTaskSuccess errors that no retry can cure: the token is not (or no longer) a task's."""

MAX_PARALLEL_CALLS = 10
"""SendTaskSuccess calls in flight at once (a batch holds at most 10 records)."""
RETURN_BEFORE_TIMEOUT_MS = 1500
"""The handler stops waiting for calls this long before the function's timeout."""

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


_clients_lock = threading.Lock()


@cache
def _sqs_client(region: str) -> Any:
    return boto3.client("sqs", region_name=region)


def sqs_client(region: str) -> Any:
    """The SQS client of the approval queue's region, made on first use (thread-safe)."""
    with _clients_lock:
        return _sqs_client(region)


def queue_url(queue_arn: str) -> tuple[str, str]:
    """The region and URL of the queue ``arn:<partition>:sqs:<region>:<account>:<name>``.

    The URL is built on the SQS client's own endpoint (``https://sqs.<region>.amazonaws.com``
    on AWS, ``AWS_ENDPOINT_URL`` locally): the role needs no ``sqs:GetQueueUrl``.
    """
    parts = queue_arn.split(":")
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sqs":
        raise ValueError(f"not an SQS queue ARN: {queue_arn!r}")
    region, account, name = parts[3:]
    endpoint = sqs_client(region).meta.endpoint_url.rstrip("/")
    return region, f"{endpoint}/{account}/{name}"


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


def retry_now(record: dict[str, Any]) -> None:
    """Make a record that can never be approved visible again at once.

    Its remaining receives then pass in seconds and SQS moves it to the
    dead-letter queue. If this fails, the queue's visibility timeout applies:
    the record still gets there, only later.
    """
    message_id = record.get("messageId")
    try:
        region, url = queue_url(str(record["eventSourceARN"]))
        sqs_client(region).change_message_visibility(
            QueueUrl=url, ReceiptHandle=record["receiptHandle"], VisibilityTimeout=0
        )
    except (KeyError, ValueError, ClientError, BotoCoreError) as exc:
        logger.warning(
            "Could not make message %s visible again (it is retried after the queue's "
            "visibility timeout): %s",
            message_id,
            exc,
        )
    else:
        logger.info("Message %s is visible again, bound for the dead-letter queue", message_id)


class Outcome(Enum):
    APPROVED = "approved"
    PERMANENT = "permanent failure"
    TRANSIENT = "transient failure"


def process(record: dict[str, Any]) -> Outcome:
    """Approve one record; one that can never be approved is made visible again at once."""
    outcome = approve_record(record)
    if outcome is Outcome.PERMANENT:
        retry_now(record)
    return outcome


def approve_record(record: dict[str, Any]) -> Outcome:
    """Approve one record, logging why if it cannot be."""
    message_id = str(record.get("messageId", ""))
    try:
        approve(record)
    except MalformedApprovalRequestError as exc:
        logger.error("Message %s is not an approval request: %s", message_id, exc)
        return Outcome.PERMANENT
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = error.get("Code", "Unknown")
        logger.error(
            "Step Functions rejected the task token of message %s: %s: %s",
            message_id,
            code,
            error.get("Message", exc),
        )
        return Outcome.PERMANENT if code in PERMANENT_ERROR_CODES else Outcome.TRANSIENT
    except BotoCoreError as exc:
        logger.error("Could not reach Step Functions for message %s: %s", message_id, exc)
        return Outcome.TRANSIENT
    logger.info("Approved the task of message %s", message_id)
    return Outcome.APPROVED


class Clock:
    """The handler's time: now, and waiting for the calls until a deadline (tests give a fake)."""

    def now(self) -> float:
        return time.monotonic()

    def wait(self, futures: list[Future[Outcome]], seconds: float | None) -> None:
        """Until every call has answered, or ``seconds`` have passed (None: no limit)."""
        wait(futures, timeout=seconds)


def _seconds_left(context: Any) -> float | None:
    """Seconds to wait for the calls: the time left minus a margin (None: no limit)."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if remaining is None:
        return None
    return max(0.0, (remaining() - RETURN_BEFORE_TIMEOUT_MS) / 1000)


def handler(
    event: dict[str, Any], context: LambdaContext, clock: Clock | None = None
) -> BatchResponse:
    """Approve each record; report those that failed as partial batch failures."""
    records = list(event.get("Records", []))
    if not records:
        return {"batchItemFailures": []}
    clock = clock or Clock()
    started = clock.now()
    sfn_client()  # made once, here: making boto3 clients is not thread-safe
    pool = ThreadPoolExecutor(min(MAX_PARALLEL_CALLS, len(records)), "approve")
    futures: list[Future[Outcome]] = [pool.submit(process, record) for record in records]
    clock.wait(futures, _seconds_left(context))
    # Calls still running are left to finish in the background: their records are
    # reported as failed, and SQS delivers them again after the visibility timeout.
    pool.shutdown(wait=False, cancel_futures=True)
    failures: list[BatchItemFailure] = []
    for record, future in zip(records, futures, strict=True):
        message_id = str(record.get("messageId", ""))
        if not future.done() or future.cancelled():
            logger.error(
                "No answer for message %s within %.1f s, before the function's timeout: "
                "it is retried after the queue's visibility timeout",
                message_id,
                clock.now() - started,
            )
            outcome = Outcome.TRANSIENT
        elif error := future.exception():
            logger.error("Approving message %s failed: %r", message_id, error)
            outcome = Outcome.TRANSIENT
        else:
            outcome = future.result()
        if outcome is not Outcome.APPROVED:
            failures.append({"itemIdentifier": message_id})
    return {"batchItemFailures": failures}
