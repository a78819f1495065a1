"""Driving the deployed state machine and reading what it reported, through the product's
own workflow functions (sfnlocal.workflow), with deadlines."""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from sfnlocal.errors import UserError
from sfnlocal.waiting import wait_for
from sfnlocal.workflow import executions
from sfnlocal.workflow.connection import Connection
from sfnlocal.workflow.reports import ReportSubscription
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
        outputs = executions.state_outputs(self.history)
        if name not in outputs:
            raise KeyError(f"state {name!r} never exited in {self.arn}")
        return outputs[name]


@dataclass(frozen=True)
class StateMachine:
    """What ``sfnlocal.workflow.executions`` needs of a connection: a client and a machine."""

    sfn: Any
    state_machine_arn: str


class Workflow:
    """Runs executions through ``sfnlocal.workflow.executions``: of the deployed sample
    (``Workflow(connection)``), or of any state machine (``Workflow(sfn, arn)``)."""

    def __init__(self, conn: Connection | Any, state_machine_arn: str | None = None) -> None:
        self.conn = conn if state_machine_arn is None else StateMachine(conn, state_machine_arn)

    @property
    def sfn(self):
        return self.conn.sfn

    @property
    def state_machine_arn(self) -> str:
        return self.conn.state_machine_arn

    def start(self, execution_input: object | None = None, raw_input: str | None = None) -> str:
        arn = executions.start(
            self.conn, execution_input, raw_input=raw_input, name=f"e2e-{uuid.uuid4().hex}"
        )
        EXECUTIONS.started(self.sfn, arn)  # for the path coverage
        return arn

    def wait(self, execution_arn: str, timeout: float = EXECUTION_TIMEOUT) -> Execution:
        try:
            description = executions.wait(self.conn, execution_arn, timeout)
        except UserError:
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
        return executions.history(self.conn, execution_arn)


class ReportCollector:
    """The topic's reports, read from the product's ReportSubscription, kept by SNS MessageId."""

    def __init__(self, subscription: ReportSubscription) -> None:
        self.subscription = subscription
        self._received: dict[str, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def subscribe(cls, conn: Connection) -> ReportCollector:
        return cls(ReportSubscription(conn))

    def _drain(self) -> None:
        for report in self.subscription.receive(wait_seconds=1):
            with self._lock:
                self._received[report.message_id] = report.message

    def received(self, sns_message_id: str) -> bool:
        self._drain()
        return sns_message_id in self._received

    def message(self, sns_message_id: str, timeout: float = REPORT_TIMEOUT) -> Any:
        """The report's decoded Message, once it arrived."""
        wait_for(
            lambda: self.received(sns_message_id),
            timeout,
            f"the SNS report with MessageId {sns_message_id} to reach the subscribed queue",
            interval=0,
            describe=lambda _: f"received: {sorted(self._received)}",
            error=AssertionError,
        )
        return self._received[sns_message_id]

    def close(self) -> None:
        self.subscription.close()
