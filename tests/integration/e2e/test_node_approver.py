"""The sample with its own approver: the seed's Node.js code (SDK v2), unchanged, answers the
approval requests of full buy and sell executions.

The sample is deployed a second time, beside the default one, on the same stack with a
prefix of its own and APPROVER=node, as `APPROVER=node make up` deploys it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from sfnlocal.deploy.deployer import deploy
from sfnlocal.sample.outputs import Outputs
from sfnlocal.workflow.connection import Connection
from tests.integration.e2e.test_stock_trading import STATES_BEFORE_TRADE, assert_trade_report
from tests.support.resources import function_log_messages
from tests.support.stacks import REPO_ROOT, StackUnderTest
from tests.support.workflow import ReportCollector, Workflow

pytestmark = pytest.mark.integration

SEED_LOG_LINE = "Calling Step Functions to complete callback task with params"
# Not "<the sample's prefix>-...": reading the default sample back by its prefix
# (Outputs.from_stack) would take these resources for its own.
NODE_PREFIX = "seed-node"


@pytest.fixture(scope="module")
def node_sample(stack: StackUnderTest) -> Outputs:
    return deploy(
        stack.endpoint,
        NODE_PREFIX,
        repo_root=REPO_ROOT,
        region=stack.outputs.region,
        printer=lambda *_: None,
        choices={"APPROVER": "node"},
    )


@pytest.fixture(scope="module")
def node_workflow(node_sample: Outputs) -> Workflow:
    return Workflow(Connection(node_sample))


@pytest.fixture(scope="module")
def node_reports(node_sample: Outputs) -> Iterator[ReportCollector]:
    collector = ReportCollector.subscribe(Connection(node_sample))
    yield collector
    collector.close()


def test_the_approver_on_the_queue_is_the_seeds_nodejs_code(node_sample):
    lambda_client = node_sample.clients().lambda_
    approver = node_sample.functions["ApproveRequest"]
    config = lambda_client.get_function_configuration(FunctionName=approver.name)
    assert config["Runtime"] == "nodejs20.x"
    assert config["Handler"] == "app.lambdaHandler"
    # exactly one approver is wired to the approval queue: this one
    mappings = lambda_client.list_event_source_mappings(EventSourceArn=node_sample.queue_arn)
    assert [m["FunctionArn"] for m in mappings["EventSourceMappings"]] == [approver.arn]


@pytest.mark.parametrize(("price", "trade"), [(20, "buy"), (80, "sell")])
def test_execution_is_approved_by_the_seeds_approver(
    node_sample, node_workflow, node_reports, price, trade
):
    # GIVEN the sample with the seed's approver  WHEN an execution starts
    execution = node_workflow.run({"stock_price": price})
    # THEN the approver's SendTaskSuccess resumed it with the seed's output, "approved"
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    succeeded = [
        e["taskSucceededEventDetails"]
        for e in execution.events("TaskSucceeded")
        if e["taskSucceededEventDetails"]["resourceType"] == "sqs"
    ]
    assert [json.loads(s["output"]) for s in succeeded] == ["approved"]
    # AND it traded as recommended and reported on the topic
    assert execution.states_entered() == [
        *STATES_BEFORE_TRADE,
        f"{trade.title()} Stock",
        "Report Result",
    ]
    report = node_reports.message(execution.output["MessageId"])
    assert_trade_report(report, price, trade)


def test_the_seeds_console_log_reaches_cloudwatch(node_sample, node_workflow):
    execution = node_workflow.run({"stock_price": 30})
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    approver = node_sample.functions["ApproveRequest"].name
    found = function_log_messages(node_sample.clients().client("logs"), approver, SEED_LOG_LINE)
    line = next(line for line in found if SEED_LOG_LINE in line)
    assert '"output":"\\"approved\\""' in line
