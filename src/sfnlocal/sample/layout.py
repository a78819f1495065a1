"""The sample's resource layout: which placeholders the documents may use, and their values.

One function computes the values, for the deploy (with the stack's real
account and queue URL) and for the checks (with symbolic ones of the same
shape): ``placeholder_values`` and ``function_values``.
"""

from __future__ import annotations

from sfnlocal.sample.documents import Documents, FunctionSpec
from sfnlocal.sample.names import Arns, Names

APPROVAL_QUEUE = "approval"
"""The key by which function.json's ``event_source.queue`` names the approval queue."""
QUEUE_KEYS = frozenset({APPROVAL_QUEUE})

GLOBAL_PLACEHOLDERS = frozenset(
    {
        "Partition",
        "Region",
        "AccountId",
        "Prefix",
        "StateMachineArn",
        "RequestHumanApprovalQueueArn",
        "RequestHumanApprovalQueueUrl",
        "RequestHumanApprovalDeadLetterQueueArn",
        "ReportResultTopicArn",
    }
)
"""Placeholders resolved in every document (besides each function's ``asl_placeholder``)."""
FUNCTION_PLACEHOLDERS = frozenset({"FunctionName", "FunctionArn"})
"""Placeholders also resolved in a function role's policies: that function's name and ARN."""


def placeholder_names(documents: Documents) -> set[str]:
    return set(GLOBAL_PLACEHOLDERS) | {
        spec.asl_placeholder for spec in documents.functions if spec.asl_placeholder
    }


def placeholder_values(
    documents: Documents, names: Names, arns: Arns, queue_url: str
) -> dict[str, str]:
    """Every global placeholder's value, and each function's ``asl_placeholder`` (its ARN).

    ``queue_url`` is the approval queue's URL, which only the queue's service knows.
    """
    values = {
        "Partition": arns.partition,
        "Region": arns.region,
        "AccountId": arns.account_id,
        "Prefix": names.prefix,
        "StateMachineArn": arns.state_machine(names.state_machine),
        "RequestHumanApprovalQueueArn": arns.queue(names.approval_queue),
        "RequestHumanApprovalQueueUrl": queue_url,
        "RequestHumanApprovalDeadLetterQueueArn": arns.queue(names.approval_dlq),
        "ReportResultTopicArn": arns.topic(names.report_topic),
    }
    assert set(values) == GLOBAL_PLACEHOLDERS
    for spec in documents.functions:
        if spec.asl_placeholder:
            values[spec.asl_placeholder] = arns.function(names.function(spec.name))
    return values


def function_values(
    values: dict[str, str], names: Names, arns: Arns, spec: FunctionSpec
) -> dict[str, str]:
    """The values in a function role's policies: the global ones and its own name and ARN."""
    name = names.function(spec.name)
    own = {"FunctionName": name, "FunctionArn": arns.function(name)}
    assert set(own) == FUNCTION_PLACEHOLDERS
    return {**values, **own}


def queue_arn(values: dict[str, str], key: str) -> str | None:
    """The ARN of the queue that function.json's ``event_source.queue`` names."""
    return values["RequestHumanApprovalQueueArn"] if key == APPROVAL_QUEUE else None
