"""Path coverage: which states, Choice branches and error transitions a set of executions took.

From the execution histories (``GetExecutionHistory``), against all that the
definition has:

- **states**: each state (nested ones too) that some execution entered;
- **Choice branches**: each rule of each Choice state, its ``Default``, and,
  for a Choice with no ``Default``, "no rule matched" (the execution fails
  with ``States.NoChoiceMatched``: a path too). Which branch an execution
  took is the rule that matches the Choice's input (:mod:`.choice_rules`),
  checked against the state it went to next; when the rules cannot be
  evaluated here, the next state tells it if only one branch goes there;
- **error transitions**: each ``Catch`` of each state, taken when the state
  failed and the execution went on to the catcher's state;
- **failures**: the errors that failed executions, by the state they failed in.

An execution that ran a mocked test case (``<stateMachineArn>#<TestCase>``)
counts like any other: its history is the state machine's.

:func:`path_coverage` computes it; :meth:`PathCoverage.to_json` and
:meth:`PathCoverage.lines` give it to a file and to a terminal.
"""

from __future__ import annotations

import json
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sfnlocal.sample.asl import iter_states

from .choice_rules import NO_MATCH, Undecidable, matching_rule, value_at

NO_CHOICE_MATCHED = "States.NoChoiceMatched"
_FAILURE_EVENTS = frozenset(
    {
        "TaskFailed",
        "TaskTimedOut",
        "LambdaFunctionFailed",
        "LambdaFunctionTimedOut",
        "LambdaFunctionScheduleFailed",
        "LambdaFunctionStartFailed",
        "ActivityFailed",
        "ActivityTimedOut",
        "ActivityScheduleFailed",
        "MapStateFailed",
        "ParallelStateFailed",
        "MapRunFailed",
        "ExecutionFailed",
    }
)


@dataclass(frozen=True)
class Branch:
    """One way out of a Choice state."""

    state: str
    branch: str
    """``Choices[0]``, ``Default``, or ``no match``."""
    next: str | None
    """The state it goes to (None: no rule matched, the execution fails)."""

    @property
    def name(self) -> str:
        where = f"→ {self.next}" if self.next else f"→ fails with {NO_CHOICE_MATCHED}"
        return f"{self.state}: {self.branch} {where}"


@dataclass(frozen=True)
class Catcher:
    """One ``Catch`` of a state."""

    state: str
    index: int
    errors: tuple[str, ...]
    next: str

    @property
    def name(self) -> str:
        return f"{self.state}: Catch[{self.index}] {list(self.errors)} → {self.next}"


@dataclass
class Tally:
    """How many of some paths were taken, and which were not."""

    taken: dict[str, int]
    """Each path by name -> how many times it was taken (0: never)."""

    @property
    def covered(self) -> int:
        return sum(1 for count in self.taken.values() if count)

    @property
    def total(self) -> int:
        return len(self.taken)

    @property
    def missing(self) -> list[str]:
        return [name for name, count in self.taken.items() if not count]

    def to_json(self) -> dict[str, Any]:
        return {
            "covered": self.covered,
            "total": self.total,
            "missing": self.missing,
            "taken": self.taken,
        }


@dataclass
class PathCoverage:
    executions: int
    states: Tally
    choice_branches: Tally
    error_transitions: Tally
    failures: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(state, error) -> how many executions failed there with that error."""
    unattributed: int = 0
    """Choice exits whose branch could not be told (several branches, rules not evaluable)."""

    @property
    def complete(self) -> bool:
        """Every state entered and every Choice branch taken."""
        return not self.states.missing and not self.choice_branches.missing

    def to_json(self) -> dict[str, Any]:
        return {
            "executions": self.executions,
            "complete": self.complete,
            "states": self.states.to_json(),
            "choice_branches": self.choice_branches.to_json(),
            "error_transitions": self.error_transitions.to_json(),
            "failures": [
                {"state": state, "error": error, "executions": count}
                for (state, error), count in sorted(self.failures.items())
            ],
            "unattributed_choice_exits": self.unattributed,
        }

    def lines(self) -> list[str]:
        """A summary for a terminal, the missing paths by name."""
        out = [f"{self.executions} executions"]
        for title, tally in (
            ("states", self.states),
            ("Choice branches", self.choice_branches),
            ("error transitions (Catch)", self.error_transitions),
        ):
            out.append(f"{title}: {tally.covered}/{tally.total} covered")
            out += [f"  never: {name}" for name in tally.missing]
        if self.failures:
            out.append("failures (uncaught):")
            out += [
                f"  {state}: {error} ×{count}"
                for (state, error), count in sorted(self.failures.items())
            ]
        if self.unattributed:
            out.append(f"{self.unattributed} Choice exit(s) not attributed to one branch")
        return out


def branches(definition: Any) -> list[Branch]:
    """Every way out of every Choice state of a definition."""
    found = []
    for name, state in iter_states(definition):
        if state.get("Type") != "Choice":
            continue
        for index, rule in enumerate(state.get("Choices") or []):
            found.append(Branch(name, f"Choices[{index}]", rule.get("Next")))
        if "Default" in state:
            found.append(Branch(name, "Default", state["Default"]))
        else:
            found.append(Branch(name, "no match", None))
    return found


def catchers(definition: Any) -> list[Catcher]:
    return [
        Catcher(name, index, tuple(catcher.get("ErrorEquals") or ()), catcher.get("Next"))
        for name, state in iter_states(definition)
        for index, catcher in enumerate(state.get("Catch") or [])
    ]


def path_coverage(definition: Any, histories: Iterable[list[dict[str, Any]]]) -> PathCoverage:
    """The path coverage of these executions' histories over ``definition``."""
    states = dict(iter_states(definition))
    all_branches = branches(definition)
    all_catchers = catchers(definition)
    entered: Counter[str] = Counter()
    taken: Counter[Branch] = Counter()
    caught: Counter[Catcher] = Counter()
    failures: Counter[tuple[str, str]] = Counter()
    unattributed = 0
    count = 0
    for history in histories:
        count += 1
        run = _Run(history)
        entered.update(name for name, _ in run.entries())
        for name, event in run.entries():
            state = states.get(name)
            if not state:
                continue
            if state.get("Type") == "Choice":
                branch = _branch_taken(run, name, state, event, all_branches)
                if branch is _UNATTRIBUTED:
                    unattributed += 1
                elif branch is not None:
                    taken[branch] += 1
            elif state.get("Catch") and (catcher := _catcher_taken(run, name, event, all_catchers)):
                caught[catcher] += 1
        if failure := run.failure():
            failures[failure] += 1
    return PathCoverage(
        executions=count,
        states=Tally({name: entered[name] for name in states}),
        choice_branches=Tally({branch.name: taken[branch] for branch in all_branches}),
        error_transitions=Tally({catcher.name: caught[catcher] for catcher in all_catchers}),
        failures=failures,
        unattributed=unattributed,
    )


class _Run:
    """One execution's history, its events linked by ``previousEventId``."""

    def __init__(self, history: list[dict[str, Any]]) -> None:
        self.events = {event["id"]: event for event in history}
        self.after: dict[int, list[dict[str, Any]]] = {}
        for event in history:
            self.after.setdefault(event.get("previousEventId", 0), []).append(event)

    def entries(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for event in self.events.values():
            if event["type"].endswith("StateEntered"):
                yield event["stateEnteredEventDetails"]["name"], event

    def exit_of(self, entered: dict[str, Any]) -> dict[str, Any] | None:
        """The StateExited event of the state that ``entered`` began (nearest first)."""
        name = entered["stateEnteredEventDetails"]["name"]
        todo = deque([entered["id"]])
        while todo:
            for event in self.after.get(todo.popleft(), []):
                if (details := event.get("stateExitedEventDetails")) and details["name"] == name:
                    return event
                again = event.get("stateEnteredEventDetails", {}).get("name") == name
                if not again:
                    todo.append(event["id"])
        return None

    def entered_after(self, exited: dict[str, Any]) -> str | None:
        for event in self.after.get(exited["id"], []):
            if event["type"].endswith("StateEntered"):
                return event["stateEnteredEventDetails"]["name"]
        return None

    def failure(self) -> tuple[str, str] | None:
        """(state, error) when the execution failed: the state it failed in."""
        for event in self.events.values():
            if event["type"] != "ExecutionFailed":
                continue
            error = event.get("executionFailedEventDetails", {}).get("error", "")
            previous = self.events.get(event.get("previousEventId"))
            while previous is not None and not previous["type"].endswith("StateEntered"):
                previous = self.events.get(previous.get("previousEventId"))
            state = previous["stateEnteredEventDetails"]["name"] if previous else "(none)"
            return state, error
        return None

    def failed_in(self, entered: dict[str, Any]) -> bool:
        failure = self.failure()
        name = entered["stateEnteredEventDetails"]["name"]
        return failure is not None and failure[0] == name


_UNATTRIBUTED = Branch("", "", None)


def _branch_taken(
    run: _Run, name: str, state: dict[str, Any], entered: dict[str, Any], all_branches: list[Branch]
) -> Branch | None:
    own = [branch for branch in all_branches if branch.state == name]
    exited = run.exit_of(entered)
    target = run.entered_after(exited) if exited else None
    evaluated = _evaluate(state, entered)
    if exited is None or target is None:
        # It failed in the Choice: "no match" when nothing matched (the error says so,
        # or LocalStack's says otherwise while the rules tell it).
        if not run.failed_in(entered) or "Default" in state:
            return None
        error = run.failure()[1]  # type: ignore[index]
        if error == NO_CHOICE_MATCHED or evaluated == NO_MATCH:
            return next(branch for branch in own if branch.branch == "no match")
        return None
    if evaluated is not None:
        label = "Default" if evaluated == NO_MATCH else f"Choices[{evaluated}]"
        for branch in own:
            if branch.branch == label and branch.next == target:
                return branch
    candidates = [branch for branch in own if branch.next == target]
    return candidates[0] if len(candidates) == 1 else _UNATTRIBUTED


def _evaluate(state: dict[str, Any], entered: dict[str, Any]) -> int | None:
    """The rule the Choice's input matches (NO_MATCH: none), or None when undecidable."""
    if state.get("QueryLanguage") == "JSONata":
        return None
    try:
        data = json.loads(entered["stateEnteredEventDetails"].get("input") or "null")
        input_path = state.get("InputPath", "$")
        data = {} if input_path is None else value_at(data, input_path)
        return matching_rule(state.get("Choices") or [], data)
    except (Undecidable, ValueError, TypeError, KeyError):
        return None


def _catcher_taken(
    run: _Run, name: str, entered: dict[str, Any], all_catchers: list[Catcher]
) -> Catcher | None:
    exited = run.exit_of(entered)
    if exited is None:
        return None
    before = run.events.get(exited.get("previousEventId"))
    if before is None or before["type"] not in _FAILURE_EVENTS:
        return None
    target = run.entered_after(exited)
    error = next(
        (value.get("error") for key, value in before.items() if key.endswith("EventDetails")),
        None,
    )
    for catcher in all_catchers:
        if catcher.state == name and catcher.next == target and _catches(catcher, error):
            return catcher
    return None


def _catches(catcher: Catcher, error: str | None) -> bool:
    if "States.ALL" in catcher.errors or error in catcher.errors:
        return True
    return "States.TaskFailed" in catcher.errors and error != "States.Timeout"
