"""The IAM documents against the policy grammar and the IAM catalogue (issue 7, part 1)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sfnlocal.checks.catalog import Catalog
from sfnlocal.checks.report import run_checks
from sfnlocal.deploy.deployer import prepare
from sfnlocal.sample.errors import DocumentError
from sfnlocal.sample.iam_grammar import is_arn, policy_problems
from tests.conftest import REPO_ROOT
from tests.unit.documents import edit_json

TRUST_DOCUMENTS = ("iam/trust/lambda.json", "iam/trust/states.json")

IDENTITY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Publish",
            "Effect": "Allow",
            "Action": ["sns:Publish"],
            "Resource": "arn:aws:sns:us-east-1:123456789012:topic",
        }
    ],
}
TRUST = json.loads((REPO_ROOT / "iam/trust/states.json").read_text())


def changed(document: dict[str, Any], change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    result = copy.deepcopy(document)
    change(result)
    return result


def statement(change: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
    return lambda d: change(d["Statement"][0])


# --- the repository's own documents -------------------------------------------------------


def test_the_repository_iam_documents_follow_the_grammar():
    # GIVEN every IAM document of the repository WHEN checked against the grammar
    for path in sorted((REPO_ROOT / "iam").rglob("*.json")):
        relative = path.relative_to(REPO_ROOT).as_posix()
        kind = "trust" if relative in TRUST_DOCUMENTS else "identity"
        # THEN none has a problem
        assert policy_problems(json.loads(path.read_text()), kind) == [], relative


def test_every_action_of_the_repository_exists():
    # GIVEN the IAM catalogue WHEN the repository's documents are looked up THEN all exist
    catalog = Catalog()
    for path in sorted((REPO_ROOT / "iam").rglob("*.json")):
        assert catalog.action_problems(json.loads(path.read_text())) == [], path.name


# --- bad grammar --------------------------------------------------------------------------

IDENTITY_PROBLEMS: list[tuple[str, Callable[[dict[str, Any]], Any], str]] = [
    ("no Version", lambda d: d.pop("Version"), '"Version" must be "2012-10-17", got None'),
    ("old Version", lambda d: d.update(Version="2008-10-17"), '"Version" must be "2012-10-17"'),
    ("no Statement", lambda d: d.update(Statement=[]), '"Statement" must be a non-empty list'),
    ("unknown top-level field", lambda d: d.update(Statements=[]), "unknown top-level field"),
    (
        "bad Effect",
        statement(lambda s: s.update(Effect="Permit")),
        'Statement[0] (Sid Publish): "Effect" must be "Allow" or "Deny", got \'Permit\'',
    ),
    (
        "no Action",
        statement(lambda s: s.pop("Action")),
        'Statement[0] (Sid Publish): "Action" is missing',
    ),
    (
        "Action and NotAction",
        statement(lambda s: s.update(NotAction="sns:Subscribe")),
        'Statement[0] (Sid Publish): has both "Action" and "NotAction"',
    ),
    (
        "an action without its service",
        statement(lambda s: s.update(Action=["Publish"])),
        'Statement[0] (Sid Publish): "Action" entry \'Publish\' is not "*" or "service:Action"',
    ),
    (
        "an action with a space",
        statement(lambda s: s.update(Action="sns: Publish")),
        "Statement[0] (Sid Publish): \"Action\" entry 'sns: Publish' is not",
    ),
    (
        "an action listed twice",
        statement(lambda s: s.update(Action=["sns:Publish", "sns:Publish"])),
        "Statement[0] (Sid Publish): \"Action\" lists 'sns:Publish' twice",
    ),
    (
        "an empty Action list",
        statement(lambda s: s.update(Action=[])),
        'Statement[0] (Sid Publish): "Action" must be a string or a non-empty array',
    ),
    (
        "no Resource",
        statement(lambda s: s.pop("Resource")),
        'Statement[0] (Sid Publish): needs "Resource" (or "NotResource")',
    ),
    (
        "a Resource that is no ARN",
        statement(lambda s: s.update(Resource="my-topic")),
        'Statement[0] (Sid Publish): "Resource" entry \'my-topic\' is not "*" or an ARN',
    ),
    (
        "a Principal in an identity policy",
        statement(lambda s: s.update(Principal={"Service": "sns.amazonaws.com"})),
        'Statement[0] (Sid Publish): "Principal" is not allowed in an identity policy',
    ),
    (
        "a Sid with a space",
        statement(lambda s: s.update(Sid="Publish reports")),
        'Statement[0] (Sid Publish reports): "Sid" must be letters and digits only',
    ),
    (
        "a Sid used twice",
        lambda d: d["Statement"].append(copy.deepcopy(d["Statement"][0])),
        "Statement[1] (Sid Publish): Sid 'Publish' is also the Sid of Statement[0]",
    ),
    (
        "an unknown statement field",
        statement(lambda s: s.update(Actions=["sns:Publish"])),
        "Statement[0] (Sid Publish): unknown field 'Actions'",
    ),
    (
        "an unknown condition operator",
        statement(lambda s: s.update(Condition={"StringEqual": {"aws:SourceAccount": "1"}})),
        "Statement[0] (Sid Publish): \"Condition\" has unknown operator 'StringEqual'",
    ),
    (
        "NullIfExists",
        statement(lambda s: s.update(Condition={"NullIfExists": {"aws:TagKeys": "true"}})),
        "Statement[0] (Sid Publish): \"Condition\" has unknown operator 'NullIfExists'",
    ),
    (
        "a condition without keys",
        statement(lambda s: s.update(Condition={"StringEquals": "123456789012"})),
        'Statement[0] (Sid Publish): "Condition.StringEquals" must be a non-empty object',
    ),
    (
        "a condition key without prefix",
        statement(lambda s: s.update(Condition={"StringEquals": {"SourceAccount": "1"}})),
        "Statement[0] (Sid Publish): \"Condition.StringEquals\" key 'SourceAccount' is not",
    ),
    (
        "a condition value that is an object",
        statement(lambda s: s.update(Condition={"Bool": {"aws:SecureTransport": {"x": 1}}})),
        'Statement[0] (Sid Publish): "Condition.Bool.aws:SecureTransport" must be a string',
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"),
    [pytest.param(change, expected, id=name) for name, change, expected in IDENTITY_PROBLEMS],
)
def test_bad_identity_policy_grammar_is_reported(change, expected):
    # GIVEN a valid identity policy, broken WHEN checked THEN the problem names its statement
    problems = policy_problems(changed(IDENTITY, change), "identity")
    assert any(p.startswith(expected) for p in problems), problems


TRUST_PROBLEMS: list[tuple[str, Callable[[dict[str, Any]], Any], str]] = [
    (
        "no Principal",
        statement(lambda s: s.pop("Principal")),
        'Statement[0]: a trust policy statement needs "Principal"',
    ),
    (
        "a Resource",
        statement(lambda s: s.update(Resource="*")),
        'Statement[0]: "Resource" is not allowed in a role trust policy',
    ),
    (
        "an action other than sts",
        statement(lambda s: s.update(Action="lambda:InvokeFunction")),
        "Statement[0]: \"Action\" entry 'lambda:InvokeFunction': a trust policy allows sts:",
    ),
    (
        "an unknown principal kind",
        statement(lambda s: s.update(Principal={"Services": "states.amazonaws.com"})),
        "Statement[0]: \"Principal\" has unknown kind 'Services'",
    ),
    (
        "a service principal that is no service",
        statement(lambda s: s.update(Principal={"Service": "states"})),
        "Statement[0]: \"Principal.Service\" entry 'states' is not a service",
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"),
    [pytest.param(change, expected, id=name) for name, change, expected in TRUST_PROBLEMS],
)
def test_bad_trust_policy_grammar_is_reported(change, expected):
    problems = policy_problems(changed(TRUST, change), "trust")
    assert any(p.startswith(expected) for p in problems), problems


def test_placeholders_and_policy_variables_are_not_mistaken_for_bad_arns():
    # GIVEN resources made of placeholders and IAM policy variables
    document = changed(
        IDENTITY,
        statement(
            lambda s: s.update(
                Resource=[
                    "${ReportResultTopicArn}",
                    "arn:${Partition}:logs:${Region}:${AccountId}:log-group:/aws/lambda/x:*",
                    "arn:aws:s3:::bucket/${aws:username}/*",
                ]
            )
        ),
    )
    # WHEN checked THEN the grammar accepts them (the deploy checks the resolved form)
    assert policy_problems(document, "identity") == []
    assert is_arn("arn:aws:states:::sqs:sendMessage")  # region and account may be empty
    assert not is_arn("arn:aws:sqs")
    assert is_arn("arn:aws:sqs:us-east-1:123456789012:queue")
    assert not is_arn("https://sqs.us-east-1.amazonaws.com/123456789012/queue")


# --- the deploy refuses, naming the file and the statement ---------------------------------


def test_the_deploy_refuses_bad_grammar_naming_file_and_statement(repo: Path):
    # GIVEN a state machine policy with a bad Effect and a trust policy with a Resource
    edit_json(
        repo / "iam/state-machine/publish-report.json",
        statement(lambda s: s.update(Effect="Permit")),
    )
    edit_json(repo / "iam/trust/lambda.json", statement(lambda s: s.update(Resource="*")))
    # WHEN the deploy prepares THEN both are refused, each with its file and statement
    with pytest.raises(DocumentError) as raised:
        prepare(repo, "sfnlocal")
    messages = [str(p) for p in raised.value.problems]
    assert (
        'iam/state-machine/publish-report.json: Statement[0]: "Effect" must be "Allow" or '
        "\"Deny\", got 'Permit'" in messages
    )
    assert (
        'iam/trust/lambda.json: Statement[0]: "Resource" is not allowed in a role trust policy'
        in messages
    )


def test_a_resource_placeholder_that_resolves_to_no_arn_is_refused(repo: Path):
    # GIVEN the send-approval-request policy naming the queue's URL instead of its ARN
    edit_json(
        repo / "iam/state-machine/send-approval-request.json",
        statement(lambda s: s.update(Resource="${RequestHumanApprovalQueueUrl}")),
    )
    # WHEN the deploy prepares THEN the resolved document is refused, naming the placeholder
    with pytest.raises(DocumentError) as raised:
        prepare(repo, "sfnlocal")
    [problem] = raised.value.problems
    assert problem.path == "iam/state-machine/send-approval-request.json"
    assert problem.message.startswith(
        'Statement[0]: "Resource" entry \'${RequestHumanApprovalQueueUrl}\' is not "*" or an ARN'
    )
    assert "once resolved: " in problem.message


# --- the catalogue: actions that do not exist ------------------------------------------------


def test_an_action_that_does_not_exist_is_reported(repo: Path):
    # GIVEN a misspelt action and an unknown service
    edit_json(
        repo / "iam/state-machine/invoke-buy-stock.json",
        statement(lambda s: s.update(Action=["lambda:InvokeFunctions", "lamda:InvokeFunction"])),
    )
    # WHEN checked
    report = run_checks(repo)
    # THEN both are reported with file and statement, and the check fails
    messages = [f"{p.path}: {p.message}" for p in report.catalogue]
    assert (
        "iam/state-machine/invoke-buy-stock.json: Statement[0]: Action 'lambda:InvokeFunctions': "
        "lambda has no such action" in messages
    )
    assert (
        "iam/state-machine/invoke-buy-stock.json: Statement[0]: Action 'lamda:InvokeFunction': "
        "there is no IAM service 'lamda'" in messages
    )
    assert report.exit_code == 1


def test_the_catalogue_expands_wildcards():
    catalog = Catalog()
    # SQS authorizes its batch calls with the single-message actions
    assert catalog.expand("sqs:SendMessage*") == ["sqs:SendMessage"]
    assert "lambda:InvokeFunction" in (catalog.expand("lambda:Invoke*") or [])
    assert catalog.expand("*") is None
    assert catalog.resource_level("lambda:InvokeFunction")
    assert not catalog.resource_level("states:SendTaskSuccess")
