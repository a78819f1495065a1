"""The documents with their placeholders resolved to symbolic values.

Before a deploy knows the real ARNs it can still resolve every placeholder to
a *symbolic* value of the right shape (``${BuyStockFunctionArn}`` ->
``arn:aws:lambda:us-east-1:123456789012:function:sfnlocal-BuyStock``), built
the way the deploy builds the real ones (:class:`sfnlocal.sample.names.Names`
and :class:`~sfnlocal.sample.names.Arns`). Two uses:

- :func:`check_resolved`, run by ``prepare()`` before any network call: the
  States Language and IAM grammar checks again on the resolved documents, where
  a placeholder now has a value whose format can be checked (a Task
  ``Resource`` or an IAM ``Resource`` that resolves to a queue URL rather than
  an ARN, say);
- the least-privilege check renders the ASL and the policies with the *same*
  values, so that what a Task state uses and what a policy names compare
  directly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sfnlocal.sample.documents import ASL_PATH, Document, Documents, FunctionSpec
from sfnlocal.sample.errors import DocumentError, Problem
from sfnlocal.sample.layout import function_values, placeholder_values, queue_arn
from sfnlocal.sample.names import Arns, Names

from .asl import asl_problems
from .iam_grammar import PolicyKind, policy_problems

PARTITION = "aws"
REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
_NOT_SHOWN = frozenset({"Partition", "Region", "AccountId", "Prefix"})
"""Values too short or too common to turn back into placeholders in messages."""


@dataclass(frozen=True)
class Symbolic:
    """Symbolic placeholder values for one prefix, as the deploy would make them."""

    documents: Documents
    prefix: str = "sfnlocal"
    names: Names = field(init=False)
    arns: Arns = field(init=False)
    values: dict[str, str] = field(init=False)
    """The placeholders resolved in every document (the global ones and the functions' ARNs)."""

    def __post_init__(self) -> None:
        names = Names(self.prefix)
        arns = Arns(PARTITION, REGION, ACCOUNT_ID)
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "arns", arns)
        url = queue_url(REGION, ACCOUNT_ID, names.approval_queue)
        object.__setattr__(self, "values", placeholder_values(self.documents, names, arns, url))

    def function_name(self, spec: FunctionSpec) -> str:
        return self.names.function(spec.name)

    def function_arn(self, spec: FunctionSpec) -> str:
        return self.arns.function(self.function_name(spec))

    def function_values(self, spec: FunctionSpec) -> dict[str, str]:
        """The values in a function role's policies: the global ones and its own name and ARN."""
        return function_values(self.values, self.names, self.arns, spec)

    def queue_arn(self, key: str) -> str | None:
        """The ARN of the queue that function.json's ``event_source.queue`` names."""
        return queue_arn(self.values, key)

    def unrender(self, text: str, values: Mapping[str, str] | None = None) -> str:
        """``text`` with symbolic values turned back into their ``${Placeholder}``s."""
        values = self.values if values is None else values
        for name, value in sorted(values.items(), key=lambda item: -len(item[1])):
            if name not in _NOT_SHOWN and value:
                text = text.replace(value, f"${{{name}}}")
        # What is left of the symbolic ARNs: their partition, region and account.
        text = re.sub(rf"\barn:{PARTITION}:", "arn:${Partition}:", text)
        return text.replace(f":{REGION}:", ":${Region}:").replace(
            f":{ACCOUNT_ID}:", ":${AccountId}:"
        )


def queue_url(region: str, account_id: str, name: str) -> str:
    return f"https://sqs.{region}.amazonaws.com/{account_id}/{name}"


def resolved_problems(documents: Documents, prefix: str = "sfnlocal") -> list[Problem]:
    """The States Language and IAM grammar problems of the documents with placeholders resolved.

    Assumes that :meth:`Documents.check_placeholders` passed (every placeholder known).
    """
    symbolic = Symbolic(documents, prefix)
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()

    def add(path: str, messages: list[str], values: Mapping[str, str]) -> None:
        for message in messages:
            if (path, message) in seen:
                continue
            seen.add((path, message))
            shown = symbolic.unrender(message, values)
            suffix = f"once resolved: {message}" if shown != message else "once resolved"
            problems.append(Problem(path, f"{shown} ({suffix})"))

    def check(document: Document, kind: PolicyKind, values: Mapping[str, str]) -> None:
        add(document.path, policy_problems(document.render(values), kind), values)

    add(ASL_PATH, asl_problems(documents.state_machine.render(symbolic.values)), symbolic.values)
    for document in documents.state_machine_policies:
        check(document, "identity", symbolic.values)
    check(documents.states_trust, "trust", symbolic.values)
    check(documents.lambda_trust, "trust", symbolic.values)
    for spec in documents.functions:
        for document in documents.function_documents(spec):
            check(document, "identity", symbolic.function_values(spec))
    return problems


def check_resolved(documents: Documents, prefix: str = "sfnlocal") -> None:
    """Raise DocumentError listing :func:`resolved_problems`, if there are any."""
    problems = resolved_problems(documents, prefix)
    if problems:
        raise DocumentError(problems)
