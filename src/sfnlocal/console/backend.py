"""What the console's pages show and do, as JSON-ready values: a thin layer
over ``sfnlocal.workflow`` (the same functions the command line uses)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from botocore.exceptions import ConnectionClosedError, EndpointConnectionError, ReadTimeoutError

from sfnlocal.engine.settings import EngineSettings
from sfnlocal.errors import UserError
from sfnlocal.sample.outputs import Outputs
from sfnlocal.workflow import approvals, executions, graph, inputs, resources, steps
from sfnlocal.workflow.connection import Connection
from sfnlocal.workflow.executions import ExecutionSummary

from .reports import ReportFeed

SAMPLE_INPUT = {"stock_price": 20}
"""What the Start execution dialog offers (the README's example)."""
LISTED = 50


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def stack_errors[**P, R](method: Callable[P, R]) -> Callable[P, R]:
    """A stack that does not answer becomes a UserError the page shows."""

    @wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except (EndpointConnectionError, ConnectionClosedError, ReadTimeoutError) as error:
            raise UserError(
                f"the stack does not answer ({type(error).__name__})",
                "start it with 'make up' ('make status' tells whether it runs)",
            ) from None

    return wrapper


def summary_json(summary: ExecutionSummary) -> dict[str, Any]:
    return {
        "name": summary.name,
        "arn": summary.arn,
        "status": summary.status,
        "path": summary.path,
        "price": summary.price,
        "duration": summary.duration_seconds,
        "started": _iso(summary.started),
        "stopped": _iso(summary.stopped),
    }


class Backend:
    def __init__(self, settings: EngineSettings, outputs: Outputs | None = None) -> None:
        self.settings = settings
        self._outputs = outputs
        self._conn: Connection | None = None
        self._lock = threading.Lock()
        self._finished: dict[str, ExecutionSummary] = {}
        self.reports = ReportFeed(self.connection)

    @stack_errors
    def connection(self) -> Connection:
        with self._lock:
            if self._conn is None:
                outputs = self._outputs or Outputs.from_stack(
                    self.settings.endpoint, self.settings.prefix
                )
                conn = Connection(outputs, self.settings)
                # Every client made here, once: boto3's default session is not thread-safe.
                _ = (conn.sfn, conn.sqs, conn.sns, conn.lambda_)
                self.clients = outputs.clients()
                _ = (self.clients.sfn, self.clients.sqs, self.clients.sns)
                _ = (self.clients.lambda_, self.clients.iam)
                self._conn = conn
            return self._conn

    def _definition(self, conn: Connection) -> dict[str, Any]:
        described = conn.sfn.describe_state_machine(stateMachineArn=conn.state_machine_arn)
        return json.loads(described["definition"])

    # -- the state machine -------------------------------------------------------

    @stack_errors
    def state_machine(self) -> dict[str, Any]:
        conn = self.connection()
        described = conn.sfn.describe_state_machine(stateMachineArn=conn.state_machine_arn)
        definition = json.loads(described["definition"])
        return {
            "name": described["name"],
            "arn": described["stateMachineArn"],
            "type": described.get("type", "STANDARD"),
            "status": described.get("status", ""),
            "role_arn": described["roleArn"],
            "created": _iso(described.get("creationDate")),
            "definition": definition,
            "definition_text": json.dumps(definition, indent=2, ensure_ascii=False),
            "layout": graph.layout(definition).to_json(),
            "sample_input": SAMPLE_INPUT,
            "cloudwatch_note": inputs.CLOUDWATCH_NOTE,
        }

    # -- executions --------------------------------------------------------------

    @stack_errors
    def executions(self, limit: int = LISTED) -> list[dict[str, Any]]:
        """The newest first; a finished execution's summary is read once, then kept."""
        conn = self.connection()
        listed = conn.sfn.list_executions(stateMachineArn=conn.state_machine_arn, maxResults=limit)
        summaries = []
        for execution in listed["executions"]:
            arn = execution["executionArn"]
            summary = self._finished.get(arn)
            if summary is None:
                summary = executions.summarize(execution, executions.history(conn, arn))
                if summary.status != "RUNNING":
                    self._finished[arn] = summary
            summaries.append(summary)
        summaries.sort(key=lambda s: s.started, reverse=True)
        return [summary_json(s) for s in summaries]

    @stack_errors
    def execution(self, name: str) -> dict[str, Any]:
        conn = self.connection()
        arn = executions.execution_arn(conn, name)
        described = conn.sfn.describe_execution(executionArn=arn)
        events = executions.history(conn, arn)
        definition = self._definition(conn)
        status = described["status"]
        by_state = steps.steps(list(definition["States"]), events, status)
        waiting = approvals.pending_in(described, events) if status == "RUNNING" else None
        return {
            **summary_json(executions.summarize(described, events)),
            "input": steps.decode(described.get("input")),
            "output": steps.decode(described.get("output")),
            "error": described.get("error"),
            "cause": steps.decode(described.get("cause")),
            "state_machine_arn": described["stateMachineArn"],
            "waiting_for_approval": waiting is not None,
            "steps": [step.to_json() for step in by_state.values()],
            "layout": graph.layout(definition).to_json(),
            "marks": graph.marks(definition, graph.statuses(events, status), status),
            "events": [row.to_json() for row in steps.event_rows(events)],
        }

    @stack_errors
    def start(self, name: str | None, input_text: str) -> dict[str, str]:
        """Checks the name and the input first: nothing starts when either is wrong."""
        checked_name = inputs.execution_name((name or "").strip() or None)
        execution_input = inputs.parse_input(self.settings.repo_root, input_text)
        arn = executions.start(self.connection(), execution_input, name=checked_name)
        return {"name": arn.rsplit(":", 1)[-1], "arn": arn}

    # -- approvals ---------------------------------------------------------------

    @stack_errors
    def approvals(self) -> dict[str, Any]:
        conn = self.connection()
        return {
            "mode": approvals.mode(conn),
            "pending": [
                {
                    "name": p.execution_name,
                    "arn": p.execution_arn,
                    "input": p.input,
                    "waiting_since": _iso(p.waiting_since),
                }
                for p in approvals.pending(conn)
            ],
        }

    @stack_errors
    def approve(self, name: str) -> dict[str, Any]:
        waiting = approvals.approve(self.connection(), name)
        return {
            "name": waiting.execution_name,
            "message": f"Approved {waiting.execution_name}: it goes on with "
            f"{json.dumps(waiting.input)}",
        }

    @stack_errors
    def reject(self, name: str, reason: str) -> dict[str, Any]:
        reason = reason.strip() or "rejected by a person"
        waiting = approvals.reject(self.connection(), name, reason)
        return {
            "name": waiting.execution_name,
            "message": f"Rejected {waiting.execution_name}: it fails with "
            f"{approvals.REJECTED_ERROR}: {reason}",
        }

    @stack_errors
    def set_mode(self, mode: str) -> dict[str, Any]:
        cleared = approvals.set_mode(self.connection(), mode)
        note = f" (cleared {cleared} request(s) already answered by hand)" if cleared else ""
        return {"mode": mode, "message": f"Approval mode is now {mode}{note}"}

    # -- resources ---------------------------------------------------------------

    @stack_errors
    def resources(self) -> dict[str, Any]:
        conn = self.connection()
        return {
            "endpoint": self.settings.endpoint,
            "region": conn.outputs.region,
            "account_id": conn.outputs.account_id,
            "resources": [r.to_json() for r in resources.listed(conn.outputs, self.clients)],
            "reports": self.reports.latest(),
            "reports_since": _iso(self.reports.since),
            "reports_problem": self.reports.problem,
        }
