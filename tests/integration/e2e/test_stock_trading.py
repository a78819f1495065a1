"""Full executions of the stock-trading workflow, as the AWS sample runs them: on the
seed's state machine and on the same workflow written in JSONata (``sample``, see
conftest.py), with the same states, data and SNS reports."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.integration

STATES_BEFORE_TRADE = [
    "Check Stock Price",
    "Generate Buy/Sell recommendation",
    "Request Human Approval",
    "Buy or Sell?",
]


def assert_trade_report(report: dict, price: int, trade: str) -> None:
    """The SNS message is {"Input": <the buy or sell function's result>}."""
    assert set(report) == {"Input"}
    result = report["Input"]
    assert re.fullmatch(r"[0-9a-f]{32}", result["id"]), result
    assert result["price"] == str(price)
    assert result["type"] == trade
    assert result["qty"] in {str(n) for n in range(1, 11)}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", result["timestamp"])
    when = datetime.strptime(result["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - when) < timedelta(minutes=5)


@pytest.mark.parametrize(
    ("price", "trade"),
    [(20, "buy"), (80, "sell"), (50, "buy"), (51, "sell"), (0, "buy"), (99, "sell")],
)
def test_execution_trades_as_recommended_and_reports_on_the_topic(sample, reports, price, trade):
    # GIVEN the deployed sample  WHEN an execution starts with a chosen price
    execution = sample.run({"stock_price": price})
    # THEN it succeeds through the states in the sample's order
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    assert execution.states_entered() == [
        *STATES_BEFORE_TRADE,
        f"{trade.title()} Stock",
        "Report Result",
    ]
    # AND its output is SNS's result as AWS returns it (the message id and the call's metadata)
    assert set(execution.output) == {"MessageId", "SdkHttpMetadata", "SdkResponseMetadata"}
    assert execution.output["SdkHttpMetadata"]["HttpStatusCode"] == 200
    # AND the report on the SNS topic carries the trade
    report = reports.message(execution.output["MessageId"])
    assert_trade_report(report, price, trade)
    assert report["Input"] == execution.state_output(f"{trade.title()} Stock")


def test_approval_request_carries_the_state_input_and_a_task_token(sample):
    # GIVEN an execution that reached the human approval step and went on
    execution = sample.run({"stock_price": 20})
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    # THEN the message it sent to the approval queue held its input and a task token
    scheduled = [
        e["taskScheduledEventDetails"]
        for e in execution.events("TaskScheduled")
        if e["taskScheduledEventDetails"]["resourceType"] == "sqs"
    ]
    assert len(scheduled) == 1
    assert scheduled[0]["resource"] == "sendMessage.waitForTaskToken"
    body = json.loads(scheduled[0]["parameters"])["MessageBody"]
    assert body["Input"] == {"stock_price": 20, "recommended_type": "buy"}
    assert isinstance(body["TaskToken"], str) and len(body["TaskToken"]) > 10
    # AND the approver's SendTaskSuccess resumed it with the seed's output
    succeeded = [
        e["taskSucceededEventDetails"]
        for e in execution.events("TaskSucceeded")
        if e["taskSucceededEventDetails"]["resourceType"] == "sqs"
    ]
    assert [json.loads(s["output"]) for s in succeeded] == ["approved"]
    # AND the step's result was discarded (ResultPath null): Buy Stock saw the same input
    assert execution.state_output("Request Human Approval") == body["Input"]


def test_execution_without_input_follows_its_random_price(sample, reports):
    execution = sample.run()
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    price = execution.state_output("Check Stock Price")["stock_price"]
    assert 0 <= price <= 99
    trade = "sell" if price > 50 else "buy"
    assert execution.states_entered()[-2] == f"{trade.title()} Stock"
    assert_trade_report(reports.message(execution.output["MessageId"]), price, trade)


@pytest.mark.parametrize("bad_price", ["20", 20.5, True, None, -1, 100, 10**20])
def test_invalid_stock_price_fails_the_execution_naming_the_field(sample, bad_price):
    execution = sample.run({"stock_price": bad_price})
    assert execution.status == "FAILED"
    assert execution.error == "InvalidStockPriceError"
    assert "stock_price" in execution.cause
    assert "0 to 99" in execution.cause
    assert execution.states_entered() == ["Check Stock Price"]


def test_input_that_is_not_json_is_refused_at_start(workflow):
    with pytest.raises(ClientError) as raised:
        workflow.start(raw_input="{stock_price: 20")
    assert raised.value.response["Error"]["Code"] == "InvalidExecutionInput"
