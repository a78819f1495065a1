"""IAM roles with inline policies, created or brought up to date."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from botocore.exceptions import ClientError

from .aws import error_code
from .progress import Change, Progress


def _as_document(value: Any) -> Any:
    """IAM returns policy documents URL-encoded; botocore usually decodes them already."""
    if isinstance(value, str):
        return json.loads(unquote(value))
    return value


def ensure_role(
    iam: Any,
    name: str,
    trust_policy: Mapping[str, Any],
    inline_policies: Mapping[str, Mapping[str, Any]],
    progress: Progress,
    description: str = "",
) -> str:
    """Make role ``name`` have exactly this trust policy and these inline policies.

    Inline policies that the role has but ``inline_policies`` does not name are
    deleted. Returns the role's ARN.
    """
    changes: list[str] = []
    try:
        role = iam.get_role(RoleName=name)["Role"]
        created = False
    except ClientError as exc:
        if error_code(exc) != "NoSuchEntity":
            raise
        role = iam.create_role(
            RoleName=name,
            AssumeRolePolicyDocument=json.dumps(trust_policy),
            Description=description,
        )["Role"]
        created = True
    if not created and _as_document(role.get("AssumeRolePolicyDocument")) != trust_policy:
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust_policy))
        changes.append("trust policy")

    existing: set[str] = set()
    if not created:
        for page in iam.get_paginator("list_role_policies").paginate(RoleName=name):
            existing.update(page["PolicyNames"])
    for policy_name, document in sorted(inline_policies.items()):
        if policy_name in existing:
            current = iam.get_role_policy(RoleName=name, PolicyName=policy_name)
            if _as_document(current["PolicyDocument"]) == document:
                continue
            changes.append(f"policy {policy_name}")
        elif not created:
            changes.append(f"policy {policy_name} added")
        iam.put_role_policy(
            RoleName=name, PolicyName=policy_name, PolicyDocument=json.dumps(document)
        )
    for policy_name in sorted(existing - set(inline_policies)):
        iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
        changes.append(f"policy {policy_name} removed")

    if created:
        count = len(inline_policies)
        progress(
            Change.CREATED, "role", name, f"{count} inline polic{'y' if count == 1 else 'ies'}"
        )
    elif changes:
        progress(Change.UPDATED, "role", name, ", ".join(changes))
    else:
        progress(Change.UNCHANGED, "role", name)
    return role["Arn"]
