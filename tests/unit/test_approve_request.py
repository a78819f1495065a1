"""Approve Request: SendTaskSuccess per SQS record; failures reported per record."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from approve_request import app
from botocore.exceptions import ClientError, EndpointConnectionError


class FakeStepFunctions:
    """Records SendTaskSuccess calls; raises a ClientError for the tokens it is told to reject."""

    def __init__(self, rejected: dict[str, str] | None = None) -> None:
        self.rejected = rejected or {}
        self.calls: list[dict[str, Any]] = []

    def send_task_success(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        code = self.rejected.get(kwargs["taskToken"])
        if code:
            raise ClientError(
                {"Error": {"Code": code, "Message": f"{code} for this token"}}, "SendTaskSuccess"
            )
        return {}


@pytest.fixture
def sfn(monkeypatch: pytest.MonkeyPatch) -> FakeStepFunctions:
    fake = FakeStepFunctions()
    monkeypatch.setattr(app, "sfn_client", lambda: fake)
    return fake


def record(message_id: str, body: Any) -> dict[str, Any]:
    text = body if isinstance(body, str) else json.dumps(body)
    return {"messageId": message_id, "body": text, "eventSource": "aws:sqs"}


def approval(token: str) -> dict[str, Any]:
    """A message as the Request Human Approval state sends it."""
    return {"Input": {"stock_price": 42, "recommended_type": "buy"}, "TaskToken": token}


def test_approves_each_task_with_the_output_approved(sfn: FakeStepFunctions):
    # GIVEN two approval requests in one batch
    event = {"Records": [record("m1", approval("token-1")), record("m2", approval("token-2"))]}
    # WHEN the approver runs
    result = app.handler(event, None)
    # THEN each token is sent back with the JSON string "approved", and nothing failed
    assert sfn.calls == [
        {"taskToken": "token-1", "output": '"approved"'},
        {"taskToken": "token-2", "output": '"approved"'},
    ]
    assert json.loads(sfn.calls[0]["output"]) == "approved"
    assert result == {"batchItemFailures": []}


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "",
        json.dumps(["TaskToken", "x"]),
        json.dumps("TaskToken"),
        json.dumps({"Input": {}}),
        json.dumps({"TaskToken": ""}),
        json.dumps({"TaskToken": 12}),
    ],
)
def test_a_malformed_record_is_a_batch_item_failure_and_the_others_succeed(
    sfn: FakeStepFunctions, body: str, caplog: pytest.LogCaptureFixture
):
    # GIVEN a batch with a malformed record between two good ones
    event = {
        "Records": [
            record("good-1", approval("token-1")),
            record("bad", body),
            record("good-2", approval("token-2")),
        ]
    }
    # WHEN the approver runs
    with caplog.at_level(logging.INFO):
        result = app.handler(event, None)
    # THEN only the malformed record is reported, and it is logged
    assert result == {"batchItemFailures": [{"itemIdentifier": "bad"}]}
    assert [call["taskToken"] for call in sfn.calls] == ["token-1", "token-2"]
    assert any("bad" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)


def test_a_record_without_a_body_is_a_batch_item_failure(sfn: FakeStepFunctions):
    result = app.handler({"Records": [{"messageId": "m1"}]}, None)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert sfn.calls == []


@pytest.mark.parametrize("code", ["TaskTimedOut", "InvalidToken", "TaskDoesNotExist"])
def test_a_rejected_token_is_logged_and_reported(
    sfn: FakeStepFunctions, code: str, caplog: pytest.LogCaptureFixture
):
    # GIVEN a batch where Step Functions rejects the second token
    sfn.rejected = {"stale": code}
    event = {"Records": [record("m1", approval("fresh")), record("m2", approval("stale"))]}
    # WHEN the approver runs
    with caplog.at_level(logging.INFO):
        result = app.handler(event, None)
    # THEN the rejected record is a batch item failure, the error code is logged
    assert result == {"batchItemFailures": [{"itemIdentifier": "m2"}]}
    assert len(sfn.calls) == 2
    assert any(code in r.getMessage() and "m2" in r.getMessage() for r in caplog.records)


def test_an_unreachable_step_functions_is_a_batch_item_failure(monkeypatch: pytest.MonkeyPatch):
    # GIVEN a client that cannot connect
    class Unreachable:
        def send_task_success(self, **kwargs: Any) -> None:
            raise EndpointConnectionError(endpoint_url="http://localhost:1")

    monkeypatch.setattr(app, "sfn_client", lambda: Unreachable())
    # WHEN the approver runs THEN the record is retried later rather than lost
    result = app.handler({"Records": [record("m1", approval("t"))]}, None)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}


def test_an_empty_batch_has_no_failures(sfn: FakeStepFunctions):
    assert app.handler({"Records": []}, None) == {"batchItemFailures": []}
    assert sfn.calls == []


def test_the_log_shows_the_call_but_not_the_whole_token(
    sfn: FakeStepFunctions, caplog: pytest.LogCaptureFixture
):
    # GIVEN a long task token
    token = "A" * 8 + "B" * 500 + "C" * 8
    # WHEN the approver runs
    with caplog.at_level(logging.INFO):
        app.handler({"Records": [record("m1", approval(token))]}, None)
    # THEN the log says what it does, with the token shortened
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "SendTaskSuccess" in text and '"approved"' in text
    assert "AAAAAAAA...CCCCCCCC" in text
    assert token not in text


def test_importing_and_building_the_client_needs_no_network(monkeypatch: pytest.MonkeyPatch):
    # GIVEN a region in the environment (as Lambda gives)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    app.sfn_client.cache_clear()
    try:
        # WHEN the client is asked for twice THEN it is made once, lazily
        first = app.sfn_client()
        assert app.sfn_client() is first
        assert first.meta.service_model.service_name == "stepfunctions"
    finally:
        app.sfn_client.cache_clear()
