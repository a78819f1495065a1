"""The SQS queues and the SNS topic, created or brought up to date."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from .aws import error_code
from .progress import Change, Progress

_NO_QUEUE = {"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"}


@dataclass(frozen=True)
class Queue:
    name: str
    url: str
    arn: str


def _normalized(name: str, value: str) -> Any:
    """Compare attribute values by meaning: RedrivePolicy is JSON, its count maybe a string."""
    if name == "RedrivePolicy" and value:
        policy = json.loads(value)
        if "maxReceiveCount" in policy:
            policy["maxReceiveCount"] = int(policy["maxReceiveCount"])
        return policy
    return str(value)


def redrive_policy(dead_letter_queue_arn: str, max_receive_count: int) -> str:
    return json.dumps(
        {"deadLetterTargetArn": dead_letter_queue_arn, "maxReceiveCount": max_receive_count}
    )


def ensure_queue(sqs: Any, name: str, attributes: Mapping[str, str], progress: Progress) -> Queue:
    """Make queue ``name`` exist with these attributes (others are left as they are)."""
    try:
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    except ClientError as exc:
        if error_code(exc) not in _NO_QUEUE:
            raise
        url = sqs.create_queue(QueueName=name, Attributes=dict(attributes))["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        progress(Change.CREATED, "queue", name)
        return Queue(name, url, arn)
    current = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    stale = {
        key: value
        for key, value in attributes.items()
        if key not in current or _normalized(key, current[key]) != _normalized(key, value)
    }
    if stale:
        sqs.set_queue_attributes(QueueUrl=url, Attributes=stale)
        progress(Change.UPDATED, "queue", name, ", ".join(sorted(stale)))
    else:
        progress(Change.UNCHANGED, "queue", name)
    return Queue(name, url, current["QueueArn"])


def ensure_topic(sns: Any, name: str, progress: Progress) -> str:
    """Make topic ``name`` exist; return its ARN."""
    for page in sns.get_paginator("list_topics").paginate():
        for topic in page.get("Topics", []):
            if topic["TopicArn"].rsplit(":", 1)[-1] == name:
                progress(Change.UNCHANGED, "topic", name)
                return topic["TopicArn"]
    arn = sns.create_topic(Name=name)["TopicArn"]
    progress(Change.CREATED, "topic", name)
    return arn
