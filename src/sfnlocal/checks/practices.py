"""Best practices the States Language allows to skip: warnings with their fix.

Valid ASL that AWS's own guidance advises against
(https://docs.aws.amazon.com/step-functions/latest/dg/sfn-best-practices.html):

- a ``.waitForTaskToken`` task with neither ``TimeoutSeconds`` nor
  ``HeartbeatSeconds``: when the callback never comes, the execution waits
  until the execution itself times out, a year for a Standard workflow
  ("Use timeouts to avoid stuck executions");
- a Choice state with no ``Default``: an input that no rule matches fails the
  execution with ``States.NoChoiceMatched``
  (https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html).

``make check`` prints them and exits 0; ``--strict`` makes each one a problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sfnlocal.sample.asl import iter_states

WAIT_FOR_TASK_TOKEN = ".waitForTaskToken"
_TIMEOUTS = ("TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath")


@dataclass(frozen=True)
class Advice:
    """One warning: where, what can go wrong, and how to fix it."""

    path: str
    state: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.path}: state {self.state!r}: {self.message}"


def advice(definition: Any, path: str) -> list[Advice]:
    """The best-practice warnings of a state machine definition (the file at ``path``)."""
    found = []
    for name, state in iter_states(definition):
        resource = state.get("Resource")
        waits = isinstance(resource, str) and resource.endswith(WAIT_FOR_TASK_TOKEN)
        if state.get("Type") == "Task" and waits and not any(key in state for key in _TIMEOUTS):
            found.append(
                Advice(
                    path,
                    name,
                    "a .waitForTaskToken task with neither TimeoutSeconds nor HeartbeatSeconds: "
                    "if the callback never comes (a lost message, a crashed answerer), the "
                    "execution waits until it times out itself, a year for a Standard workflow",
                    'add "TimeoutSeconds": <the longest an answer may take> (or '
                    '"HeartbeatSeconds"), and a "Catch" of "States.Timeout" to a state that '
                    "handles the missing answer",
                )
            )
        if state.get("Type") == "Choice" and "Default" not in state:
            found.append(
                Advice(
                    path,
                    name,
                    "a Choice with no Default: an input that matches no rule fails the "
                    "execution with States.NoChoiceMatched",
                    'add "Default": "<a state>", e.g. a Fail state whose Error names the '
                    "unexpected input",
                )
            )
    return found
