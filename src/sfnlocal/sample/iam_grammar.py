"""IAM policy documents against the IAM policy grammar (stdlib only: the deploy runs it).

Two kinds of document: an *identity* policy (a role's inline policy:
``Resource`` required, no ``Principal``) and a role's *trust* policy
(``Principal`` required, no ``Resource``, ``sts:`` actions only). Checked:

- the top level: ``Version`` "2012-10-17", ``Statement`` (an array, or one
  object), ``Id``, nothing else;
- each statement: known fields only; ``Sid`` letters and digits, unique in
  the document; ``Effect`` Allow or Deny; exactly one of ``Action`` and
  ``NotAction``, each entry ``*`` or ``service:Action`` (``*``/``?`` wildcards
  allowed); ``Resource``/``NotResource`` entries ``*`` or an ARN; ``Principal``
  ``*`` or an object of AWS/Service/Federated/CanonicalUser; ``Condition`` an
  object of known operators (with ``ForAllValues:``/``ForAnyValue:`` and
  ``...IfExists``), each an object of condition keys to values.

A string that holds a deploy placeholder (``${StateMachineArn}``) is not
checked for its format: the deploy validates the documents again with the
placeholders resolved (:mod:`.resolved`). IAM policy variables
(``${aws:username}``) are fine anywhere.

Whether an action *exists* is not grammar: the check command looks actions up
in the IAM catalogue (:mod:`.catalog`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Literal

IAM_VERSION = "2012-10-17"
PolicyKind = Literal["identity", "trust"]

_PLACEHOLDER = re.compile(r"\$\{[A-Za-z][A-Za-z0-9_]*\}")
_POLICY_VARIABLE = re.compile(r"\$\{[^}]*\}")
_ACTION = re.compile(r"[a-z0-9][a-z0-9-]*:[A-Za-z0-9*?]+")
_SID = re.compile(r"[A-Za-z0-9]*")
_CONDITION_KEY = re.compile(r"[A-Za-z0-9-]+:\S+")
_SERVICE_PRINCIPAL = re.compile(r"[a-z0-9.-]+\.amazonaws\.com(\.cn)?")
_PRINCIPAL_KINDS = ("AWS", "CanonicalUser", "Federated", "Service")
_OPERATORS = {
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
}
_STATEMENT_FIELDS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)


def has_placeholder(value: Any) -> bool:
    return isinstance(value, str) and _PLACEHOLDER.search(value) is not None


def as_list(value: Any) -> list[Any]:
    """An IAM field's value as a list: IAM allows a single string for a one-entry array."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def statements(content: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(label, statement)`` of each statement; the label names its index and Sid."""
    if not isinstance(content, dict):
        return
    raw = content.get("Statement")
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    for index, statement in enumerate(items):
        if isinstance(statement, dict):
            yield statement_label(index, statement), statement


def statement_label(index: int, statement: Any) -> str:
    sid = statement.get("Sid") if isinstance(statement, dict) else None
    return f"Statement[{index}]" + (f" (Sid {sid})" if isinstance(sid, str) and sid else "")


def is_arn(value: str) -> bool:
    """``arn:partition:service:region:account:resource`` (region and account may be empty)."""
    parts = _POLICY_VARIABLE.sub("x", value).split(":", 5)
    return len(parts) == 6 and parts[0] == "arn" and all(parts[i] for i in (1, 2, 5))


def policy_problems(content: Any, kind: PolicyKind = "identity") -> list[str]:
    """Every grammar problem of one policy document, each naming its statement."""
    if not isinstance(content, dict):
        return ["an IAM policy must be a JSON object"]
    problems: list[str] = []
    for key in sorted(set(content) - {"Version", "Id", "Statement"}):
        problems.append(f"unknown top-level field {key!r}; allowed: Id, Statement, Version")
    if content.get("Version") != IAM_VERSION:
        problems.append(f'"Version" must be "{IAM_VERSION}", got {content.get("Version")!r}')
    if "Id" in content and not isinstance(content["Id"], str):
        problems.append('"Id" must be a string')
    raw = content.get("Statement")
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else None
    if not items:
        return [*problems, '"Statement" must be a non-empty list']
    sids: dict[str, int] = {}
    for index, statement in enumerate(items):
        label = statement_label(index, statement)
        if not isinstance(statement, dict):
            problems.append(f"{label} must be an object")
            continue
        sid = statement.get("Sid")
        if isinstance(sid, str) and sid:
            if sid in sids:
                problems.append(f"{label}: Sid {sid!r} is also the Sid of Statement[{sids[sid]}]")
            sids.setdefault(sid, index)
        problems.extend(f"{label}: {message}" for message in _statement_problems(statement, kind))
    return problems


def _statement_problems(statement: dict[str, Any], kind: PolicyKind) -> Iterator[str]:
    for key in statement:
        if key not in _STATEMENT_FIELDS:
            yield f"unknown field {key!r}; allowed: {', '.join(_STATEMENT_FIELDS)}"
    sid = statement.get("Sid")
    if "Sid" in statement and not (
        isinstance(sid, str) and (_SID.fullmatch(sid) or has_placeholder(sid))
    ):
        yield f'"Sid" must be letters and digits only, got {sid!r}'
    if statement.get("Effect") not in ("Allow", "Deny"):
        yield f'"Effect" must be "Allow" or "Deny", got {statement.get("Effect")!r}'

    actions = [key for key in ("Action", "NotAction") if key in statement]
    if not actions:
        yield '"Action" is missing'
    elif len(actions) > 1:
        yield 'has both "Action" and "NotAction"; a statement has one'
    for key in actions:
        yield from _action_problems(key, statement[key], kind)

    resources = [key for key in ("Resource", "NotResource") if key in statement]
    principals = [key for key in ("Principal", "NotPrincipal") if key in statement]
    if kind == "identity":
        if not resources:
            yield 'needs "Resource" (or "NotResource")'
        elif len(resources) > 1:
            yield 'has both "Resource" and "NotResource"; a statement has one'
        for key in principals:
            yield f'"{key}" is not allowed in an identity policy (only a trust policy has one)'
    else:
        if "Principal" not in statement:
            yield 'a trust policy statement needs "Principal"'
        if "NotPrincipal" in statement:
            yield '"NotPrincipal" is not allowed in a role trust policy'
        for key in resources:
            yield f'"{key}" is not allowed in a role trust policy'
    for key in resources:
        yield from _resource_problems(key, statement[key])
    if "Principal" in statement:
        yield from _principal_problems(statement["Principal"])
    if "Condition" in statement:
        yield from _condition_problems(statement["Condition"])


def _strings(key: str, value: Any) -> tuple[list[str], list[str]]:
    """The entries of a string-or-array field, and its problems."""
    entries = as_list(value)
    if not entries:
        return [], [f'"{key}" must be a string or a non-empty array of strings']
    if not all(isinstance(entry, str) for entry in entries):
        return [], [f'"{key}" must hold strings only, got {value!r}']
    problems = [
        f'"{key}" lists {entry!r} twice'
        for position, entry in enumerate(entries)
        if entry in entries[:position]
    ]
    return entries, problems


def _action_problems(key: str, value: Any, kind: PolicyKind) -> Iterator[str]:
    entries, problems = _strings(key, value)
    yield from problems
    for action in entries:
        if action != "*" and not _ACTION.fullmatch(action):
            yield f'"{key}" entry {action!r} is not "*" or "service:Action"'
        elif kind == "trust" and not (action.startswith("sts:") or action == "*"):
            yield f'"{key}" entry {action!r}: a trust policy allows sts: actions only'


def _resource_problems(key: str, value: Any) -> Iterator[str]:
    entries, problems = _strings(key, value)
    yield from problems
    for resource in entries:
        if resource == "*" or has_placeholder(resource):
            continue
        if not is_arn(resource):
            yield (
                f'"{key}" entry {resource!r} is not "*" or an ARN '
                "(arn:partition:service:region:account:resource)"
            )


def _principal_problems(value: Any) -> Iterator[str]:
    if value == "*":
        return
    if not isinstance(value, dict) or not value:
        yield '"Principal" must be "*" or an object such as {"Service": "lambda.amazonaws.com"}'
        return
    for kind, principals in value.items():
        if kind not in _PRINCIPAL_KINDS:
            yield f'"Principal" has unknown kind {kind!r}; known: {", ".join(_PRINCIPAL_KINDS)}'
            continue
        entries, problems = _strings(f"Principal.{kind}", principals)
        yield from problems
        for entry in entries:
            if has_placeholder(entry):
                continue
            if kind == "Service" and not _SERVICE_PRINCIPAL.fullmatch(entry):
                yield f'"Principal.Service" entry {entry!r} is not a service (x.amazonaws.com)'
            if kind == "AWS" and not (
                entry == "*" or is_arn(entry) or re.fullmatch(r"\d{12}", entry)
            ):
                yield f'"Principal.AWS" entry {entry!r} is not "*", an ARN or an account ID'


def _operator_known(operator: str) -> bool:
    name = re.sub(r"^(ForAllValues|ForAnyValue):", "", operator)
    if name.endswith("IfExists") and name != "IfExists":
        name = name[: -len("IfExists")]
        if name == "Null":
            return False
    return name in _OPERATORS


def _condition_problems(value: Any) -> Iterator[str]:
    if not isinstance(value, dict) or not value:
        yield '"Condition" must be a non-empty object of operators such as "StringEquals"'
        return
    for operator, block in value.items():
        if not _operator_known(operator):
            yield f'"Condition" has unknown operator {operator!r}'
            continue
        if not isinstance(block, dict) or not block:
            yield f'"Condition.{operator}" must be a non-empty object of condition keys'
            continue
        for key, values in block.items():
            where = f'"Condition.{operator}.{key}"'
            if not _CONDITION_KEY.fullmatch(key):
                yield f'"Condition.{operator}" key {key!r} is not a condition key (prefix:name)'
            entries = as_list(values)
            if not entries or not all(
                isinstance(entry, str | bool | int | float) for entry in entries
            ):
                yield f"{where} must be a string, number, boolean or a non-empty array of them"
