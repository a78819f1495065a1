"""Least privilege: every role allows what it needs and nothing more (issue 7, part 2)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from sfnlocal.checks.__main__ import main
from sfnlocal.checks.calls import function_calls
from sfnlocal.checks.least_privilege import (
    RoleCheck,
    action_matches,
    pattern_within,
    resource_covers,
)
from sfnlocal.checks.report import CheckReport, run_checks
from tests.conftest import REPO_ROOT
from tests.unit.documents import edit_json

ASL = "statemachine/stock_trading.asl.json"
APPROVER_POLICY = "iam/lambda/approve-request.json"
SCOPED_APPROVER_STATEMENT = {
    "Sid": "CompleteApprovalTasks",
    "Action": ["states:SendTaskSuccess", "states:SendTaskFailure"],
    "Resource": "${StateMachineArn}",
    "Effect": "Allow",
}
"""A tempting mistake: states:SendTask* support no resource-level permissions, so naming
the state machine grants nothing on AWS (only Resource "*" does)."""


def scope_approver_to_the_state_machine(document: dict[str, Any]) -> None:
    for index, statement in enumerate(document["Statement"]):
        if statement.get("Sid") == "CompleteApprovalTasks":
            document["Statement"][index] = dict(SCOPED_APPROVER_STATEMENT)


def check(repo: Path) -> tuple[CheckReport, dict[str, RoleCheck]]:
    report = run_checks(repo)
    assert not report.validation, report.validation
    return report, {role.role: role for role in report.roles}


def missing(role: RoleCheck) -> list[tuple[str, str | None]]:
    return [(m.need.action, role.show(m.need.resource or "")) for m in role.missing]


def excess(role: RoleCheck) -> list[tuple[str, str, tuple[str, ...], str]]:
    return [(e.path, e.statement, e.actions, role.show(e.resource)) for e in role.excess]


# --- the repository's own documents ------------------------------------------------------------


def test_the_documents_with_the_approver_fixed_pass(repo: Path):
    # GIVEN a copy of the repository's documents
    # WHEN checked
    report, roles = check(repo)
    # THEN every role is least-privilege and the check passes
    assert [role.role for role in report.roles] == [
        "state machine role",
        "ApproveRequest role",
        "ApproveRequest role (APPROVER=node)",
        "BuyStock role",
        "CheckStockPrice role",
        "GenerateBuySellRecommendation role",
        "SellStock role",
        "state machine role (statemachine/stock_trading.jsonata.asl.json)",
    ]
    assert all(role.ok for role in report.roles), [
        (role.role, role.missing, role.excess, role.unresolved) for role in report.roles
    ]
    assert report.ok and report.exit_code == 0
    assert main(["--repo-root", str(repo)]) == 0


def test_the_repository_documents_pass():
    assert run_checks(REPO_ROOT).ok


@pytest.mark.parametrize(
    "role_name",
    ["state machine role", "state machine role (statemachine/stock_trading.jsonata.asl.json)"],
)
def test_the_state_machine_role_of_the_repository_is_exact(role_name):
    # GIVEN the repository (the seed's state machine, and the same in JSONata) WHEN checked
    _, roles = check(REPO_ROOT)
    role = roles[role_name]
    # THEN each Task state's need is granted by its own policy, and nothing else is granted
    assert role.ok
    granted = {(n.action, role.show(n.resource or "")): role.granted_by[n] for n in role.needs}
    assert granted == {
        ("lambda:InvokeFunction", "${CheckStockPriceFunctionArn}"): [
            "iam/state-machine/invoke-check-stock-price.json Statement[0]"
        ],
        ("lambda:InvokeFunction", "${GenerateBuySellRecommendationFunctionArn}"): [
            "iam/state-machine/invoke-generate-buy-sell-recommendation.json Statement[0]"
        ],
        ("sqs:SendMessage", "${RequestHumanApprovalQueueArn}"): [
            "iam/state-machine/send-approval-request.json Statement[0]"
        ],
        ("lambda:InvokeFunction", "${BuyStockFunctionArn}"): [
            "iam/state-machine/invoke-buy-stock.json Statement[0]"
        ],
        ("lambda:InvokeFunction", "${SellStockFunctionArn}"): [
            "iam/state-machine/invoke-sell-stock.json Statement[0]"
        ],
        ("sns:Publish", "${ReportResultTopicArn}"): [
            "iam/state-machine/publish-report.json Statement[0]"
        ],
    }


def test_send_task_success_scoped_to_the_state_machine_is_reported_precisely(repo: Path):
    # GIVEN the approver's SendTask* statement naming the state machine as its resource
    edit_json(repo / APPROVER_POLICY, scope_approver_to_the_state_machine)
    # WHEN checked
    _, roles = check(repo)
    role = roles["ApproveRequest role"]
    # THEN SendTaskSuccess is missing (only "*" grants it) and the statement is excess
    assert ("states:SendTaskSuccess", "*") in missing(role)
    [detail] = [m.detail for m in role.missing if m.need.action == "states:SendTaskSuccess"]
    assert "supports no resource-level permissions" in detail
    assert "${StateMachineArn}" in detail
    assert any("states:SendTaskFailure" in e[2] for e in excess(role))


# --- a removed statement ----------------------------------------------------------------------


def test_a_removed_state_machine_policy_is_missing(repo: Path):
    # GIVEN the policy that lets the state machine invoke Buy Stock removed
    (repo / "iam/state-machine/invoke-buy-stock.json").unlink()
    # WHEN checked
    report, roles = check(repo)
    role = roles["state machine role"]
    # THEN the Task state's need is missing, naming the state; nothing else is wrong
    assert missing(role) == [("lambda:InvokeFunction", "${BuyStockFunctionArn}")]
    assert role.missing[0].need.why == f"Task state 'Buy Stock' ({ASL})"
    assert role.missing[0].detail.startswith("allowed only on ${CheckStockPriceFunctionArn}, ")
    assert not role.excess
    assert report.exit_code == 1


def test_a_removed_statement_of_a_function_role_is_missing(repo: Path):
    # GIVEN the approver's role without the statement that lets it consume its queue
    edit_json(
        repo / APPROVER_POLICY,
        lambda d: d.update(
            Statement=[s for s in d["Statement"] if s.get("Sid") != "ConsumeApprovalQueue"]
        ),
    )
    # WHEN checked
    _, roles = check(repo)
    role = roles["ApproveRequest role"]
    # THEN what the event source needs is missing, on the queue
    queue = "${RequestHumanApprovalQueueArn}"
    for action in (
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:ChangeMessageVisibility",
    ):
        assert (action, queue) in missing(role)
    assert all("event source 'approval'" in m.need.why for m in role.missing if m.need.resource)


# --- an added wildcard --------------------------------------------------------------------------


def test_an_added_wildcard_action_is_excess(repo: Path):
    # GIVEN lambda:* instead of lambda:InvokeFunction for Buy Stock
    edit_json(
        repo / "iam/state-machine/invoke-buy-stock.json",
        lambda d: d["Statement"][0].update(Action=["lambda:*"]),
    )
    # WHEN checked
    report, roles = check(repo)
    role = roles["state machine role"]
    # THEN the need is still granted, and every other lambda action is excess
    assert not role.missing
    [found] = role.excess
    assert (found.path, found.statement) == (
        "iam/state-machine/invoke-buy-stock.json",
        "Statement[0]",
    )
    assert "lambda:InvokeFunction" not in found.actions
    assert {"lambda:DeleteFunction", "lambda:UpdateFunctionCode"} <= set(found.actions)
    assert role.show(found.resource) == "${BuyStockFunctionArn}"
    assert found.detail == "nothing needs it (granted by the wildcard lambda:*)"
    assert report.exit_code == 1


def test_a_wildcard_resource_is_excess(repo: Path):
    # GIVEN sns:Publish on "*" and lambda:InvokeFunction on every function of the prefix
    edit_json(
        repo / "iam/state-machine/publish-report.json",
        lambda d: d["Statement"][0].update(Resource="*"),
    )
    edit_json(
        repo / "iam/state-machine/invoke-sell-stock.json",
        lambda d: d["Statement"][0].update(
            Resource="arn:${Partition}:lambda:${Region}:${AccountId}:function:${Prefix}-*"
        ),
    )
    # WHEN checked
    _, roles = check(repo)
    role = roles["state machine role"]
    # THEN both are excess, saying what is actually used
    assert not role.missing
    by_path = {e.path: e for e in role.excess}
    publish = by_path["iam/state-machine/publish-report.json"]
    assert (publish.actions, publish.resource) == (("sns:Publish",), "*")
    assert publish.detail == 'Resource "*" is broader than what is used: ${ReportResultTopicArn}'
    invoke = by_path["iam/state-machine/invoke-sell-stock.json"]
    assert invoke.actions == ("lambda:InvokeFunction",)
    assert invoke.detail.endswith(
        "is broader than what is used: ${BuyStockFunctionArn}, "
        "${CheckStockPriceFunctionArn}, "
        "${GenerateBuySellRecommendationFunctionArn}, "
        "${SellStockFunctionArn}"
    )


def test_an_action_star_is_excess(repo: Path):
    # GIVEN a statement granting everything added to a function's policy
    edit_json(
        repo / APPROVER_POLICY,
        lambda d: d["Statement"].append(
            {"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"}
        ),
    )
    _, roles = check(repo)
    [found] = roles["ApproveRequest role"].excess
    assert found.statement == "Statement[2] (Sid Everything)"
    assert found.actions == ("*",)
    assert found.detail == 'Action "*" grants every action of every service'


def test_an_added_unused_action_is_excess(repo: Path):
    # GIVEN the approver allowed SendTaskHeartbeat too, which its code never calls
    edit_json(
        repo / APPROVER_POLICY,
        lambda d: d["Statement"][0]["Action"].append("states:SendTaskHeartbeat"),
    )
    _, roles = check(repo)
    role = roles["ApproveRequest role"]
    assert excess(role) == [
        (
            APPROVER_POLICY,
            "Statement[0] (Sid CompleteApprovalTasks)",
            ("states:SendTaskHeartbeat",),
            "*",
        )
    ]


def test_a_deny_takes_a_need_away(repo: Path):
    # GIVEN a Deny of sqs:* on the approval queue in the state machine's role
    edit_json(
        repo / "iam/state-machine/send-approval-request.json",
        lambda d: d["Statement"].append(
            {"Effect": "Deny", "Action": "sqs:*", "Resource": "${RequestHumanApprovalQueueArn}"}
        ),
    )
    _, roles = check(repo)
    role = roles["state machine role"]
    assert missing(role) == [("sqs:SendMessage", "${RequestHumanApprovalQueueArn}")]
    assert (
        role.missing[0].detail
        == "denied by iam/state-machine/send-approval-request.json Statement[1]"
    )


# --- a new Task with no policy ------------------------------------------------------------------


def test_a_new_task_without_a_policy_is_missing(repo: Path):
    # GIVEN a new Task state that publishes an audit event to another topic, and one that
    # writes the trade to a DynamoDB table, between Buy Stock and Report Result
    def change(d):
        d["States"]["Buy Stock"]["Next"] = "Audit Trade"
        d["States"]["Audit Trade"] = {
            "Type": "Task",
            "Resource": "arn:aws:states:::sns:publish",
            "Parameters": {
                "TopicArn": "arn:${Partition}:sns:${Region}:${AccountId}:${Prefix}-Audit",
                "Message.$": "$",
            },
            "ResultPath": None,
            "Next": "Record Trade",
        }
        d["States"]["Record Trade"] = {
            "Type": "Task",
            "Resource": "arn:aws:states:::dynamodb:putItem",
            "Parameters": {"TableName": "Trades", "Item": {"id": {"S.$": "$.id"}}},
            "ResultPath": None,
            "Next": "Report Result",
        }

    edit_json(repo / ASL, change)
    # WHEN checked
    report, roles = check(repo)
    role = roles["state machine role"]
    # THEN both needs are missing, each naming its Task state
    assert missing(role) == [
        ("sns:Publish", "arn:${Partition}:sns:${Region}:${AccountId}:sfnlocal-Audit"),
        ("dynamodb:PutItem", "arn:${Partition}:dynamodb:${Region}:${AccountId}:table/Trades"),
    ]
    assert [m.need.why for m in role.missing] == [
        f"Task state 'Audit Trade' ({ASL})",
        f"Task state 'Record Trade' ({ASL})",
    ]
    # AND the existing sns:Publish statement is named, as granting another topic only
    assert role.missing[0].detail == (
        "allowed only on ${ReportResultTopicArn} (iam/state-machine/publish-report.json "
        "Statement[0])"
    )
    assert report.exit_code == 1


def test_a_task_whose_resource_cannot_be_told_is_not_checkable(repo: Path):
    # GIVEN the approval request sent to a queue computed at run time
    def change(d):
        parameters = d["States"]["Request Human Approval"]["Parameters"]
        parameters.pop("QueueUrl")
        parameters["QueueUrl.$"] = "$.queue"

    edit_json(repo / ASL, change)
    _, roles = check(repo)
    role = roles["state machine role"]
    # THEN it is reported as not checkable, and the queue's statement becomes excess
    assert role.unresolved == [
        "Task state 'Request Human Approval': QueueUrl is computed at run time, so the "
        "resource it needs cannot be told: name it statically"
    ]
    assert [e.path for e in role.excess] == ["iam/state-machine/send-approval-request.json"]
    assert not role.ok


def test_an_unknown_integration_is_not_checkable(repo: Path):
    edit_json(
        repo / ASL,
        lambda d: d["States"]["Report Result"].update(
            Resource="arn:aws:states:::glue:startJobRun.sync"
        ),
    )
    _, roles = check(repo)
    [message] = roles["state machine role"].unresolved
    assert message.startswith(
        "Task state 'Report Result': the integration 'glue:startJobRun.sync' is not known"
    )


# --- a Lambda calling an API its role lacks ----------------------------------------------------


def test_a_function_calling_an_api_its_role_lacks_is_missing(repo: Path):
    # GIVEN Buy Stock's code publishing to the report topic through a client it makes
    app = repo / "lambdas/buy_stock/app.py"
    app.write_text(
        app.read_text()
        + textwrap.dedent(
            """

            import boto3

            SNS = boto3.client("sns")


            def notify(message: str) -> None:
                SNS.publish(TopicArn="arn:aws:sns:us-east-1:123456789012:t", Message=message)
            """
        )
    )
    line = next(
        number
        for number, text in enumerate(app.read_text().splitlines(), start=1)
        if "SNS.publish(" in text
    )
    # WHEN checked
    report, roles = check(repo)
    role = roles["BuyStock role"]
    # THEN sns:Publish is missing for Buy Stock, naming the line that calls it
    assert missing(role) == [("sns:Publish", "")]
    need = role.missing[0].need
    assert need.resource is None  # the topic is not told statically: any named topic will do
    assert need.why == f"lambdas/buy_stock/app.py:{line} publish()"
    assert role.missing[0].detail == "no statement allows it"
    assert roles["SellStock role"].ok
    assert report.exit_code == 1


def test_a_call_in_the_shared_code_is_needed_by_every_function_that_imports_it(repo: Path):
    # GIVEN the shared trade module reading a parameter, through a function that makes a client
    trade = repo / "lambdas/shared/trade.py"
    trade.write_text(
        trade.read_text()
        + textwrap.dedent(
            """

            import boto3


            def _ssm():
                return boto3.client("ssm")


            def limit() -> str:
                return _ssm().get_parameter(Name="/trading/limit")["Parameter"]["Value"]
            """
        )
    )
    _, roles = check(repo)
    # THEN Buy Stock and Sell Stock (which import shared.trade) need it; the others do not
    for name in ("BuyStock role", "SellStock role"):
        assert [m.need.action for m in roles[name].missing] == ["ssm:GetParameter"], name
    for name in ("CheckStockPrice role", "GenerateBuySellRecommendation role"):
        assert roles[name].ok, name


def test_a_granted_call_on_a_wildcard_resource_is_excess(repo: Path):
    # GIVEN the approver's role granting SendTaskSuccess on "*" (right) and DeleteMessage on
    # every queue (too broad: its code and its event source use one queue)
    edit_json(
        repo / APPROVER_POLICY,
        lambda d: d["Statement"].append(
            {"Sid": "AnyQueue", "Effect": "Allow", "Action": "sqs:DeleteMessage", "Resource": "*"}
        ),
    )
    _, roles = check(repo)
    assert excess(roles["ApproveRequest role"]) == [
        (APPROVER_POLICY, "Statement[2] (Sid AnyQueue)", ("sqs:DeleteMessage",), "*")
    ]


def test_a_policy_left_after_its_event_source_went_is_excess(repo: Path):
    # GIVEN the approver without its SQS event source
    edit_json(repo / "lambdas/approve_request/function.json", lambda d: d.pop("event_source"))
    _, roles = check(repo)
    role = roles["ApproveRequest role"]
    # THEN receiving and deleting messages is excess (its code still changes visibility)
    [found] = role.excess
    assert found.statement == "Statement[1] (Sid ConsumeApprovalQueue)"
    assert set(found.actions) == {
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
    }


# --- the code analysis -----------------------------------------------------------------------


def test_the_calls_are_found_however_the_client_is_held(tmp_path: Path):
    # GIVEN a function that makes its clients in several ways
    function = tmp_path / "lambdas" / "f"
    shared = tmp_path / "lambdas" / "shared"
    function.mkdir(parents=True)
    shared.mkdir()
    (shared / "__init__.py").write_text("")
    (shared / "queues.py").write_text(
        textwrap.dedent(
            """
            import boto3 as b3

            class Queues:
                def __init__(self):
                    self.sqs = b3.Session().client("sqs")

                def drain(self, url):
                    for page in self.sqs.get_paginator("list_queues").paginate():
                        pass
                    self.sqs.purge_queue(QueueUrl=url)
            """
        )
    )
    (function / "app.py").write_text(
        textwrap.dedent(
            """
            from boto3 import client
            from shared.queues import Queues

            def lam():
                return client("lambda")

            def handler(event, context, name=None):
                lam().get_waiter("function_active").wait(FunctionName="x")
                lam().invoke(FunctionName="x")
                client(name)
                import boto3
                boto3.resource("s3")

            def forward(queue, url):
                queue.send_message(QueueUrl=url, MessageBody="x")
            """
        )
    )
    # WHEN analysed
    found = function_calls(function, "app.handler", shared, tmp_path)
    # THEN every call is found, with its file and line, and the untellable ones are reported
    assert found.modules == ["lambdas/f/app.py", "lambdas/shared/queues.py"]
    assert [(c.service, c.method, c.line, c.traced) for c in found.calls] == [
        ("lambda", "get_function_configuration", 9, True),
        ("lambda", "invoke", 10, True),
        # a client passed as an argument: matched by the method's name
        ("sqs", "send_message", 16, False),
        ("sqs", "list_queues", 9, True),
        ("sqs", "purge_queue", 11, True),
    ]
    assert [u.message for u in found.unresolved] == [
        "boto3.client(...) with a service name that is not a literal",
        "boto3 resource objects are not analysed: use a client",
    ]


# --- the matching -------------------------------------------------------------------------------


def test_wildcards_match_as_iam_matches_them():
    assert action_matches("sqs:SendMessage*", "sqs:SendMessage")
    assert action_matches("SQS:sendmessage", "sqs:SendMessage")  # actions ignore case
    assert not action_matches("sqs:Send", "sqs:SendMessage")
    log_group = "arn:aws:logs:r:a:log-group:/aws/lambda/f"
    assert pattern_within(f"{log_group}:log-stream:*", f"{log_group}:*")
    assert not pattern_within(f"{log_group}:*", f"{log_group}:log-stream:*")
    assert pattern_within("arn:aws:sqs:r:a:q1", "arn:aws:sqs:r:a:q?")
    assert not pattern_within("arn:aws:sqs:r:a:q*", "arn:aws:sqs:r:a:q?")
    assert resource_covers("*", "*") and not resource_covers("arn:aws:states:r:a:x", "*")
    assert resource_covers("arn:aws:sqs:r:a:q", None)


def test_the_check_command_exits_1_and_prints_what_is_wrong(repo: Path, capsys):
    (repo / "iam/state-machine/invoke-buy-stock.json").unlink()
    assert main(["--repo-root", str(repo)]) == 1
    out = capsys.readouterr().out
    assert "least privilege, state machine role: 1 missing" in out
    assert "missing lambda:InvokeFunction on ${BuyStockFunctionArn}" in out
    assert main(["--repo-root", str(repo), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    [role] = [r for r in data["roles"] if r["role"] == "state machine role"]
    assert role["missing"][0]["resource"] == "${BuyStockFunctionArn}"


# --- a function whose code is not Python ----------------------------------------------------


def test_the_node_approver_is_checked_for_its_platform_needs_only():
    # GIVEN the repository's Node.js approver (JavaScript: its code is not read)
    _, roles = check(REPO_ROOT)
    role = roles["ApproveRequest role (APPROVER=node)"]
    # THEN the check says so, and checks what the platform needs: logs, its SQS event source
    assert "nodejs20.x code (lambdas/approve_request_node) is not read" in role.code_not_read
    assert {n.action for n in role.needs} == {
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:ChangeMessageVisibility",
    }
    assert role.ok and not role.missing
    # AND the grant its code uses (SendTaskSuccess) is listed as not verified, not as excess
    assert [e.actions for e in role.unverified] == [("states:SendTaskSuccess",)]
    assert role.excess == []


def test_the_node_approver_still_misses_what_the_platform_needs(repo: Path):
    # GIVEN the approvers' policy without the SQS event source's actions
    edit_json(
        repo / "iam" / "lambda" / "approve-request.json",
        lambda d: d.update(Statement=d["Statement"][:1]),
    )
    # WHEN checked THEN the Node.js approver's role misses them as well
    _, roles = check(repo)
    role = roles["ApproveRequest role (APPROVER=node)"]
    assert {m.need.action for m in role.missing} >= {"sqs:ReceiveMessage", "sqs:DeleteMessage"}
    assert not role.ok
