"""Reading the SNS topic's reports through a queue subscribed for the purpose."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sfnlocal.workflow.connection import Connection


def subscribe_new_queue(sqs: Any, sns: Any, topic_arn: str, name: str) -> tuple[str, str]:
    """Creates queue ``name`` and subscribes it to the topic: (queue URL, subscription ARN)."""
    queue_url = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    subscription = sns.subscribe(
        TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True
    )
    return queue_url, subscription["SubscriptionArn"]


@dataclass(frozen=True)
class Report:
    message_id: str
    timestamp: str
    message: Any


class ReportSubscription:
    """A temporary queue subscribed to the report topic; removed on close."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        name = f"{conn.outputs.prefix}-reports-{uuid.uuid4().hex[:8]}"
        self.queue_url, self.subscription_arn = subscribe_new_queue(
            conn.sqs, conn.sns, conn.outputs.topic_arn, name
        )

    def __enter__(self) -> ReportSubscription:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def receive(self, wait_seconds: int = 1) -> Iterator[Report]:
        """The reports that arrived (waits up to ``wait_seconds`` for the first)."""
        response = self.conn.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds
        )
        for message in response.get("Messages", []):
            envelope = json.loads(message["Body"])
            self.conn.sqs.delete_message(
                QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"]
            )
            try:
                body = json.loads(envelope["Message"])
            except ValueError:
                body = envelope["Message"]
            yield Report(envelope["MessageId"], envelope.get("Timestamp", ""), body)

    def close(self) -> None:
        self.conn.sns.unsubscribe(SubscriptionArn=self.subscription_arn)
        self.conn.sqs.delete_queue(QueueUrl=self.queue_url)
