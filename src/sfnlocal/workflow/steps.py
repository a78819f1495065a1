"""One execution's history read state by state, as the console's Execution
details shows it: each step's input and output (and for a task its
parameters, result, error and cause), and each event with the step it
belongs to.

Events are attributed to the state entered last: the sample has no Parallel
or Map state, so at most one state runs at a time.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sfnlocal.workflow.graph import NOT_REACHED, statuses

_SCHEDULED = ("lambdaFunctionScheduledEventDetails", "taskScheduledEventDetails")
_RESULTS = (
    "lambdaFunctionSucceededEventDetails",
    "taskSucceededEventDetails",
    "taskSubmittedEventDetails",
)
_FAILURES = (
    "lambdaFunctionFailedEventDetails",
    "lambdaFunctionScheduleFailedEventDetails",
    "lambdaFunctionStartFailedEventDetails",
    "lambdaFunctionTimedOutEventDetails",
    "taskFailedEventDetails",
    "taskTimedOutEventDetails",
    "taskStartFailedEventDetails",
    "taskSubmitFailedEventDetails",
    "executionFailedEventDetails",
    "executionTimedOutEventDetails",
    "executionAbortedEventDetails",
)


def decode(text: str | None) -> Any:
    """A JSON document from the history, or the text itself when it is not JSON."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


@dataclass
class Step:
    name: str
    status: str = NOT_REACHED
    input: Any = None
    output: Any = None
    resource: str | None = None
    parameters: Any = None
    result: Any = None
    error: str | None = None
    cause: Any = None
    entered_after: float | None = None
    """Seconds from the execution's start."""
    duration: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EventRow:
    id: int
    type: str
    step: str | None
    resource: str | None
    after: float
    """Seconds from the execution's start."""
    timestamp: datetime
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        row = asdict(self)
        row["timestamp"] = self.timestamp.isoformat()
        return row


def _details(event: dict[str, Any]) -> dict[str, Any]:
    return next(
        (v for k, v in event.items() if k.endswith("EventDetails") and isinstance(v, dict)), {}
    )


def _seconds(event: dict[str, Any], start: datetime) -> float:
    return round((event["timestamp"] - start).total_seconds(), 3)


def steps(
    state_names: list[str], events: list[dict[str, Any]], execution_status: str
) -> dict[str, Step]:
    """Every state of the definition, in its order, with what the history says of it."""
    found = {name: Step(name) for name in state_names}
    for name, value in statuses(events, execution_status).items():
        found.setdefault(name, Step(name)).status = value
    start = events[0]["timestamp"] if events else None
    current: Step | None = None
    for event in events:
        if entered := event.get("stateEnteredEventDetails"):
            current = found.setdefault(entered["name"], Step(entered["name"]))
            current.input = decode(entered.get("input"))
            current.entered_after = _seconds(event, start)
        elif exited := event.get("stateExitedEventDetails"):
            step = found.setdefault(exited["name"], Step(exited["name"]))
            step.output = decode(exited.get("output"))
            if step.entered_after is not None:
                step.duration = round(_seconds(event, start) - step.entered_after, 3)
            current = None
        elif current is not None:
            _attribute(current, event)
    return found


def _attribute(step: Step, event: dict[str, Any]) -> None:
    for key in _SCHEDULED:
        if details := event.get(key):
            step.resource = details.get("resource")
            if details.get("resourceType"):
                step.resource = f"{details['resourceType']}:{step.resource}"
            step.parameters = decode(details.get("parameters") or details.get("input"))
    for key in _RESULTS:
        if (details := event.get(key)) and "output" in details:
            step.result = decode(details["output"])
    for key in _FAILURES:
        if details := event.get(key):
            step.error = details.get("error") or step.error
            step.cause = decode(details.get("cause")) if details.get("cause") else step.cause


def event_rows(events: list[dict[str, Any]]) -> list[EventRow]:
    """The history as the console's event table: id, type, step, resource, time since start."""
    if not events:
        return []
    start, rows, current = events[0]["timestamp"], [], None
    for event in events:
        details = _details(event)
        if "stateEnteredEventDetails" in event:
            current = details.get("name")
        step = details.get("name") or current
        if event["type"].startswith("Execution"):
            step = None
        resource = details.get("resource")
        if resource and details.get("resourceType"):
            resource = f"{details['resourceType']}:{resource}"
        rows.append(
            EventRow(
                event["id"],
                event["type"],
                step,
                resource,
                _seconds(event, start),
                event["timestamp"],
                {k: decode(v) if isinstance(v, str) else v for k, v in details.items()},
            )
        )
        if "stateExitedEventDetails" in event:
            current = None
    return rows
