"""Driving the deployed state machine and reading what it reported, with deadlines."""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass

from tenacity import RetryError, retry, retry_if_result, stop_after_delay, wait_fixed

from sfnlocal.workflow.reports import subscribe_new_queue
from tests.support.coverage import EXECUTIONS

EXECUTION_TIMEOUT = 90
REPORT_TIMEOUT = 30


@dataclass
class Execution:
    arn: str
    status: str
    input: object
    output: object
    error: str | None
    cause: str | None
    history: list[dict]

    def events(self, event_type: str) -> list[dict]:
        return [e for e in self.history if e["type"] == event_type]

    def states_entered(self) -> list[str]:
        return [e["stateEnteredEventDetails"]["name"] for e in self.events_entered()]

    def events_entered(self) -> list[dict]:
        return [e for e in self.history if e["type"].endswith("StateEntered")]

    def state_output(self, name: str) -> object:
        for event in self.history:
            details = event.get("stateExitedEventDetails")
            if details and details["name"] == name:
                return json.loads(details["output"])
        raise KeyError(f"state {name!r} never exited in {self.arn}")


class Workflow:
    def __init__(self, stepfunctions, state_machine_arn: str) -> None:
        self.sfn = stepfunctions
        self.state_machine_arn = state_machine_arn

    def start(self, execution_input: object | None = None, raw_input: str | None = None) -> str:
        kwargs = {"stateMachineArn": self.state_machine_arn, "name": f"e2e-{uuid.uuid4().hex}"}
        if raw_input is not None:
            kwargs["input"] = raw_input
        elif execution_input is not None:
            kwargs["input"] = json.dumps(execution_input)
        arn = self.sfn.start_execution(**kwargs)["executionArn"]
        EXECUTIONS.started(self.sfn, arn)  # for the path coverage
        return arn

    def wait(self, execution_arn: str, timeout: float = EXECUTION_TIMEOUT) -> Execution:
        def running(description: dict) -> bool:
            return description["status"] == "RUNNING"

        poll = retry(
            retry=retry_if_result(running), stop=stop_after_delay(timeout), wait=wait_fixed(0.1)
        )(lambda: self.sfn.describe_execution(executionArn=execution_arn))
        try:
            description = poll()
        except RetryError:
            raise AssertionError(
                f"execution {execution_arn} still RUNNING after {timeout} s; history:\n"
                + json.dumps(self.history(execution_arn), default=str, indent=1)[-3000:]
            ) from None
        history = self.history(execution_arn)
        EXECUTIONS.read(execution_arn, history)
        return Execution(
            arn=execution_arn,
            status=description["status"],
            input=json.loads(description.get("input") or "null"),
            output=json.loads(description.get("output") or "null"),
            error=description.get("error"),
            cause=description.get("cause"),
            history=history,
        )

    def run(self, execution_input: object | None = None, **kwargs) -> Execution:
        return self.wait(self.start(execution_input, **kwargs))

    def history(self, execution_arn: str) -> list[dict]:
        pages = self.sfn.get_paginator("get_execution_history").paginate(executionArn=execution_arn)
        return [event for page in pages for event in page["events"]]


class ReportCollector:
    """Reads the topic's messages from a subscribed SQS queue, keyed by SNS MessageId."""

    def __init__(self, sns, sqs, queue_url: str, subscription_arn: str) -> None:
        self.sns, self.sqs = sns, sqs
        self.queue_url, self.subscription_arn = queue_url, subscription_arn
        self._received: dict[str, dict] = {}
        self._lock = threading.Lock()

    @classmethod
    def subscribe(cls, sns, sqs, outputs: dict) -> ReportCollector:
        queue_url, subscription_arn = subscribe_new_queue(
            sqs, sns, outputs.topic_arn, f"e2e-reports-{uuid.uuid4().hex[:8]}"
        )
        return cls(sns, sqs, queue_url, subscription_arn)

    def _drain(self) -> None:
        response = self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
        )
        for message in response.get("Messages", []):
            envelope = json.loads(message["Body"])
            with self._lock:
                self._received[envelope["MessageId"]] = envelope
            self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])

    def message(self, sns_message_id: str, timeout: float = REPORT_TIMEOUT) -> dict:
        """The report's decoded Message, once it arrived."""

        def missing() -> bool:
            self._drain()
            return sns_message_id not in self._received

        try:
            retry(retry=retry_if_result(bool), stop=stop_after_delay(timeout), wait=wait_fixed(0))(
                missing
            )()
        except RetryError:
            raise AssertionError(
                f"no SNS report with MessageId {sns_message_id} reached the subscribed queue "
                f"within {timeout} s (received: {sorted(self._received)})"
            ) from None
        return json.loads(self._received[sns_message_id]["Message"])

    def close(self) -> None:
        self.sns.unsubscribe(SubscriptionArn=self.subscription_arn)
        self.sqs.delete_queue(QueueUrl=self.queue_url)
