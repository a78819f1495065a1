"""Approve Request: SendTaskSuccess per SQS record; failures reported per record, and
the records that can never be approved made visible again at once (bound for the DLQ)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, wait
from typing import Any

import pytest
from approve_request import app
from botocore.exceptions import ClientError, EndpointConnectionError


class FakeStepFunctions:
    """Records SendTaskSuccess calls; raises a ClientError for the tokens it is told to reject.

    The approver calls it from several threads: ``calls`` is in the order they came. A call
    can be made to take a while (``delays``), to wait for others (``together``: a barrier
    all the calls must reach) or to hang until released (``hanging``).
    """

    def __init__(self, rejected: dict[str, str] | None = None) -> None:
        self.rejected = rejected or {}
        self.calls: list[dict[str, Any]] = []
        self.delays: dict[str, float] = {}
        self.together: threading.Barrier | None = None
        self.hanging: dict[str, threading.Event] = {}
        self.arrived: dict[str, threading.Event] = defaultdict(threading.Event)
        self.returned: dict[str, threading.Event] = defaultdict(threading.Event)
        self._lock = threading.Lock()

    def send_task_success(self, **kwargs: Any) -> dict[str, Any]:
        token = kwargs["taskToken"]
        with self._lock:
            self.arrived[token].set()
        try:
            return self._answer(kwargs)
        finally:
            with self._lock:
                self.returned[token].set()

    def _answer(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        time.sleep(self.delays.get(kwargs["taskToken"], 0))
        if self.together:
            self.together.wait()
        if released := self.hanging.get(kwargs["taskToken"]):
            released.wait()
        with self._lock:
            self.calls.append(kwargs)
        code = self.rejected.get(kwargs["taskToken"])
        if code:
            raise ClientError(
                {"Error": {"Code": code, "Message": f"{code} for this token"}}, "SendTaskSuccess"
            )
        return {}


class FakeSqs:
    """Records ChangeMessageVisibility calls; fails them when told to."""

    endpoint_url = "https://sqs.us-east-1.amazonaws.com"

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.fail_with: Exception | None = None
        self.meta = type("Meta", (), {"endpoint_url": self.endpoint_url})()

    def change_message_visibility(self, **kwargs: Any) -> dict[str, Any]:
        with self._lock:
            self.calls.append(kwargs)
        if self.fail_with:
            raise self.fail_with
        return {}


QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:sfnlocal-RequestHumanApproval"
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/sfnlocal-RequestHumanApproval"


@pytest.fixture
def sfn(monkeypatch: pytest.MonkeyPatch) -> FakeStepFunctions:
    fake = FakeStepFunctions()
    monkeypatch.setattr(app, "sfn_client", lambda: fake)
    return fake


@pytest.fixture(autouse=True)
def sqs(monkeypatch: pytest.MonkeyPatch) -> FakeSqs:
    """No test reaches a real SQS: every one gets this fake (and may inspect it)."""
    fake = FakeSqs()
    regions: list[str] = []

    def client(region: str) -> FakeSqs:
        regions.append(region)
        return fake

    monkeypatch.setattr(app, "sqs_client", client)
    fake.regions = regions  # type: ignore[attr-defined]
    return fake


def record(message_id: str, body: Any) -> dict[str, Any]:
    """An SQS record as the event source mapping delivers it."""
    text = body if isinstance(body, str) else json.dumps(body)
    return {
        "messageId": message_id,
        "receiptHandle": f"receipt-of-{message_id}",
        "body": text,
        "eventSource": "aws:sqs",
        "eventSourceARN": QUEUE_ARN,
        "awsRegion": "us-east-1",
    }


def made_visible(sqs: FakeSqs) -> list[str]:
    """The receipt handles the approver made visible again at once."""
    assert all(c["QueueUrl"] == QUEUE_URL and c["VisibilityTimeout"] == 0 for c in sqs.calls)
    return [c["ReceiptHandle"] for c in sqs.calls]


def approval(token: str) -> dict[str, Any]:
    """A message as the Request Human Approval state sends it."""
    return {"Input": {"stock_price": 42, "recommended_type": "buy"}, "TaskToken": token}


def test_approves_each_task_with_the_output_approved(sfn: FakeStepFunctions, sqs: FakeSqs):
    # GIVEN two approval requests in one batch
    event = {"Records": [record("m1", approval("token-1")), record("m2", approval("token-2"))]}
    # WHEN the approver runs
    result = app.handler(event, None)
    # THEN each token is sent back with the JSON string "approved", and nothing failed
    assert sorted(sfn.calls, key=lambda call: call["taskToken"]) == [
        {"taskToken": "token-1", "output": '"approved"'},
        {"taskToken": "token-2", "output": '"approved"'},
    ]
    assert json.loads(sfn.calls[0]["output"]) == "approved"
    assert result == {"batchItemFailures": []}
    # AND no message visibility was touched (the event source mapping deletes them)
    assert sqs.calls == []


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
    sfn: FakeStepFunctions, sqs: FakeSqs, body: str, caplog: pytest.LogCaptureFixture
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
    assert sorted(call["taskToken"] for call in sfn.calls) == ["token-1", "token-2"]
    assert any("bad" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)
    # AND it is made visible again at once: no retry can fix it, it is bound for the DLQ
    assert made_visible(sqs) == ["receipt-of-bad"]


def test_a_record_without_a_body_is_a_batch_item_failure(sfn: FakeStepFunctions, sqs: FakeSqs):
    result = app.handler({"Records": [{"messageId": "m1"}]}, None)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert sfn.calls == []
    # AND without a receipt handle or queue ARN, nothing is asked of SQS
    assert sqs.calls == []


@pytest.mark.parametrize("code", ["TaskTimedOut", "InvalidToken", "TaskDoesNotExist"])
def test_a_rejected_token_is_logged_and_reported(
    sfn: FakeStepFunctions, sqs: FakeSqs, code: str, caplog: pytest.LogCaptureFixture
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
    # AND, as no retry can make the token valid, the record is made visible again at once
    assert made_visible(sqs) == ["receipt-of-m2"]
    assert set(sqs.regions) == {"us-east-1"}  # type: ignore[attr-defined]


@pytest.mark.parametrize("code", ["ThrottlingException", "ServiceUnavailable", "AccessDenied"])
def test_a_transient_rejection_keeps_the_queues_visibility_timeout(
    sfn: FakeStepFunctions, sqs: FakeSqs, code: str
):
    # GIVEN Step Functions answers with an error that may pass
    sfn.rejected = {"t": code}
    # WHEN the approver runs
    result = app.handler({"Records": [record("m1", approval("t"))]}, None)
    # THEN the record is retried, after the queue's visibility timeout (nothing changed)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert sqs.calls == []


def test_an_unreachable_step_functions_is_a_batch_item_failure(
    monkeypatch: pytest.MonkeyPatch, sqs: FakeSqs
):
    # GIVEN a client that cannot connect
    class Unreachable:
        def send_task_success(self, **kwargs: Any) -> None:
            raise EndpointConnectionError(endpoint_url="http://localhost:1")

    monkeypatch.setattr(app, "sfn_client", lambda: Unreachable())
    # WHEN the approver runs THEN the record is retried later rather than lost
    result = app.handler({"Records": [record("m1", approval("t"))]}, None)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    # AND "later" is the queue's visibility timeout: Step Functions may be back by then
    assert sqs.calls == []


@pytest.mark.parametrize(
    "failure",
    [
        ClientError({"Error": {"Code": "ReceiptHandleIsInvalid", "Message": "x"}}, "Change"),
        EndpointConnectionError(endpoint_url="http://localhost:1"),
    ],
)
def test_a_failed_visibility_change_is_logged_and_the_record_still_reported(
    sfn: FakeStepFunctions,
    sqs: FakeSqs,
    failure: Exception,
    caplog: pytest.LogCaptureFixture,
):
    # GIVEN SQS refuses to change the visibility of a malformed record
    sqs.fail_with = failure
    # WHEN the approver runs
    with caplog.at_level(logging.INFO):
        result = app.handler({"Records": [record("bad", "not json")]}, None)
    # THEN the handler does not fail: the record is reported and the problem logged
    assert result == {"batchItemFailures": [{"itemIdentifier": "bad"}]}
    assert len(sqs.calls) == 1
    assert any("bad" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)


@pytest.mark.parametrize(
    ("arn", "url"),
    [
        (QUEUE_ARN, QUEUE_URL),
        (
            "arn:aws:sqs:eu-west-1:000000000000:q",
            "https://sqs.us-east-1.amazonaws.com/000000000000/q",
        ),
    ],
)
def test_the_queue_url_is_built_from_the_arn_on_the_clients_endpoint(
    sqs: FakeSqs, arn: str, url: str
):
    region, built = app.queue_url(arn)
    assert built == url
    assert region == arn.split(":")[3]


@pytest.mark.parametrize("arn", ["", "arn:aws:sns:us-east-1:1:topic", "not:an:arn"])
def test_a_record_with_a_bad_queue_arn_is_still_reported(
    sfn: FakeStepFunctions, sqs: FakeSqs, arn: str
):
    bad = {**record("bad", "not json"), "eventSourceARN": arn}
    assert app.handler({"Records": [bad]}, None) == {
        "batchItemFailures": [{"itemIdentifier": "bad"}]
    }
    assert sqs.calls == []


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


def test_the_sqs_client_is_made_once_per_region_with_no_network(monkeypatch: pytest.MonkeyPatch):
    # GIVEN the real factory (the autouse fake replaced it on the module)
    monkeypatch.undo()
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_SQS", raising=False)
    app._sqs_client.cache_clear()
    try:
        client = app.sqs_client("eu-west-1")
        assert app.sqs_client("eu-west-1") is client
        assert client.meta.region_name == "eu-west-1"
        # THEN the URL of a queue is its AWS URL, with no sqs:GetQueueUrl call
        assert app.queue_url("arn:aws:sqs:eu-west-1:123456789012:q") == (
            "eu-west-1",
            "https://sqs.eu-west-1.amazonaws.com/123456789012/q",
        )
    finally:
        app._sqs_client.cache_clear()


class FixedContext:
    """A LambdaContext whose function has ``remaining_ms`` left, however long the test takes."""

    def __init__(self, remaining_ms: int) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


CALLS_DEADLINE = 10  # seconds a test lets the approver's calls take on a busy machine


class FakeClock(app.Clock):
    """The handler's clock: its waits are recorded, then pass in no time.

    A wait lasts until the calls that can answer have answered (``until``: every call,
    or the first one) and the calls in ``in_flight`` have reached Step Functions, then
    the clock moves on by the seconds the handler waited for.
    """

    def __init__(
        self, until: str = ALL_COMPLETED, in_flight: tuple[threading.Event, ...] = ()
    ) -> None:
        self.time = 1000.0
        self.waits: list[float | None] = []
        self.until = until
        self.in_flight = in_flight

    def now(self) -> float:
        return self.time

    def wait(self, futures, seconds):
        self.waits.append(seconds)
        wait(futures, timeout=CALLS_DEADLINE, return_when=self.until)
        for arrived in self.in_flight:
            assert arrived.wait(CALLS_DEADLINE), "a call never reached Step Functions"
        self.time += seconds or 0


def test_the_records_of_a_batch_are_approved_in_parallel(sfn: FakeStepFunctions):
    # GIVEN ten records whose calls each wait until all ten are in flight
    sfn.together = threading.Barrier(10, timeout=CALLS_DEADLINE)
    event = {"Records": [record(f"m{n}", approval(f"token-{n}")) for n in range(10)]}
    # WHEN the approver runs
    result = app.handler(event, FixedContext(3000), FakeClock())
    # THEN all are approved: they ran at once (one after the other, none would pass)
    assert result == {"batchItemFailures": []}
    assert len(sfn.calls) == 10


@pytest.fixture
def released(sfn: FakeStepFunctions) -> Iterator[threading.Event]:
    """Set once the test is over: what a hanging call waits for. The calls it held
    back then end before the next test starts, so none reaches another test's fake."""
    event = threading.Event()
    yield event
    event.set()
    for token in sfn.hanging:
        assert sfn.returned[token].wait(CALLS_DEADLINE), f"the call for {token} never ended"


def test_a_call_that_outlasts_the_function_is_reported_before_the_timeout(
    sfn: FakeStepFunctions,
    sqs: FakeSqs,
    caplog: pytest.LogCaptureFixture,
    released: threading.Event,
):
    # GIVEN a batch where one call hangs beyond the function's 2 s timeout
    sfn.hanging = {"slow": released}
    event = {"Records": [record("m1", approval("fast")), record("m2", approval("slow"))]}
    clock = FakeClock(until=FIRST_COMPLETED, in_flight=(sfn.arrived["slow"],))
    # WHEN the approver runs
    with caplog.at_level(logging.INFO):
        result = app.handler(event, FixedContext(2000), clock)
    # THEN it waits for the calls only until shortly before the timeout, so the approved
    # record is not delivered again, and the hanging one is reported, to be retried after
    # the visibility timeout
    assert clock.waits == [pytest.approx(2 - app.RETURN_BEFORE_TIMEOUT_MS / 1000)]
    assert result == {"batchItemFailures": [{"itemIdentifier": "m2"}]}
    assert [call["taskToken"] for call in sfn.calls] == ["fast"]
    assert sqs.calls == []
    assert any("No answer for message m2 within 0.5 s" in r.getMessage() for r in caplog.records)


def test_an_unexpected_error_fails_only_its_record(
    sfn: FakeStepFunctions, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    # GIVEN a bug that raises for one record only
    approve = app.approve

    def buggy(record: dict[str, Any]) -> None:
        if record["messageId"] == "m2":
            raise KeyError("surprise")
        approve(record)

    monkeypatch.setattr(app, "approve", buggy)
    event = {"Records": [record("m1", approval("t1")), record("m2", approval("t2"))]}
    # WHEN the approver runs THEN that record is reported (and logged), the other approved
    with caplog.at_level(logging.INFO):
        assert app.handler(event, FixedContext(3000), FakeClock()) == {
            "batchItemFailures": [{"itemIdentifier": "m2"}]
        }
    assert [call["taskToken"] for call in sfn.calls] == ["t1"]
    assert any("m2" in r.getMessage() and "surprise" in r.getMessage() for r in caplog.records)


def test_failures_are_reported_in_the_order_of_the_batch(sfn: FakeStepFunctions):
    # GIVEN malformed records whose checks end in another order than they came
    sfn.rejected = {f"t{n}": "InvalidToken" for n in range(6)}
    sfn.delays = {f"t{n}": (6 - n) * 0.02 for n in range(6)}
    event = {"Records": [record(f"m{n}", approval(f"t{n}")) for n in range(6)]}
    # THEN batchItemFailures follows the batch's order
    result = app.handler(event, FixedContext(3000), FakeClock())
    assert result == {"batchItemFailures": [{"itemIdentifier": f"m{n}"} for n in range(6)]}
