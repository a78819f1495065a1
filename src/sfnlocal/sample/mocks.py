"""The mock configuration: mocked test cases in AWS's ``MockConfigFile`` format, checked.

Step Functions Local's format, which LocalStack 2026.3.0 reads from the file
that ``SFN_MOCK_CONFIG`` names: ``StateMachines`` -> state machine name ->
``TestCases`` -> test case -> ``{state name: mocked response name}``, and
``MockedResponses`` -> name -> ``{"0": {"Return": ...} | {"Throw": ...}, "1-2": ...}``
(one entry per attempt, retries included). ``StartExecution`` on
``<stateMachineArn>#<TestCase>`` runs that test case: the states it names get
their mocked responses, the others run for real.

LocalStack is lenient where a mistake costs the user: a file it cannot parse
is logged and read as "no mocks", and a test case that names a state the state
machine does not have leaves the real state to run, unmocked, without a word.
:func:`load_mock_config` finds every such mistake before the file is used (the
deploy's ``prepare()``, ``make check``), each problem naming the file, the test
case and the field:

- malformed JSON, a missing or wrongly typed field, a ``Return`` and a
  ``Throw`` together, attempt numbers that do not follow on from ``"0"``;
- a state machine the deploy does not create, a state the ASL does not have,
  a state that is not a Task (only Task states call a service), a mocked
  response that is not defined;
- a ``Return`` that is not the shape the real service returns for that state's
  integration, a ``Throw`` that is not an error (:mod:`.mock_responses`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .asl import iter_states
from .errors import DocumentError, Problem
from .mock_responses import Integration, integration, return_problems, throw_problems

MOCKS_PATH = "statemachine/stock_trading.mocks.json"
"""The sample's mock configuration, beside its state machine."""
MOCK_CONFIG_VARIABLE = "SFN_MOCK_CONFIG"
"""What LocalStack reads: the mock configuration file's absolute path."""
SOURCE_VARIABLE = "SFNLOCAL_MOCKS_SOURCE"
"""Where the file is on the host, for messages (the container reads it under another path)."""

_ATTEMPTS = re.compile(r"(\d+)(?:-(\d+))?")


@dataclass(frozen=True)
class MockConfig:
    """A mock configuration file that passed every check."""

    path: Path
    label: str
    """The file as messages name it."""
    content: dict[str, Any]

    def test_cases(self, state_machine_name: str) -> dict[str, dict[str, str]]:
        """Test case -> ``{state: mocked response name}`` of one state machine."""
        machine = self.content["StateMachines"].get(state_machine_name) or {}
        return dict(machine.get("TestCases", {}))


def mock_config_path(repo_root: Path, environ: Mapping[str, str] | None = None) -> Path | None:
    """``SFN_MOCK_CONFIG`` when it is set, else the sample's file when it is there."""
    environ = os.environ if environ is None else environ
    if named := environ.get(MOCK_CONFIG_VARIABLE):
        return Path(named).expanduser().resolve()
    default = Path(repo_root) / MOCKS_PATH
    return default.resolve() if default.is_file() else None


def label_of(path: Path, repo_root: Path, environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    if source := environ.get(SOURCE_VARIABLE):
        return source
    try:
        return Path(path).resolve().relative_to(Path(repo_root).resolve()).as_posix()
    except ValueError:
        return str(path)


def load_mock_config(
    path: Path,
    definition: Any,
    state_machine_name: str,
    label: str | None = None,
    *,
    unless_for_another_machine: bool = False,
) -> MockConfig | None:
    """Read and check the file against the (placeholder-resolved) definition it mocks.

    ``unless_for_another_machine``: None, unchecked, when the file has test cases
    for other state machines only (the sample's file, deployed with another
    ``DEPLOY_PREFIX``: LocalStack refuses to start any of its test cases).

    Raises:
        DocumentError: every problem, each naming the file.
    """
    label = label or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DocumentError(
            [Problem(label, f"no such file (named by {MOCK_CONFIG_VARIABLE})")]
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise DocumentError([Problem(label, f"cannot read: {error}")]) from None
    try:
        content = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except _DuplicateKey as error:
        raise DocumentError(
            [Problem(label, f"duplicate key {error.args[0]!r}: LocalStack would keep the last")]
        ) from None
    except json.JSONDecodeError as error:
        raise DocumentError(
            [
                Problem(
                    label,
                    f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg} "
                    "(LocalStack would ignore the whole file and run every state for real)",
                )
            ]
        ) from None
    machines = content.get("StateMachines") if isinstance(content, dict) else None
    others_only = isinstance(machines, dict) and machines and state_machine_name not in machines
    if unless_for_another_machine and others_only:
        return None
    problems = mock_problems(content, definition, state_machine_name)
    if problems:
        raise DocumentError(Problem(label, message) for message in problems)
    return MockConfig(Path(path), label, content)


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKey(key)
        found[key] = value
    return found


def mock_problems(content: Any, definition: Any, state_machine_name: str) -> list[str]:
    """Every problem of a parsed mock configuration, as messages naming the field."""
    if not isinstance(content, dict):
        return ["must be a JSON object with StateMachines and MockedResponses"]
    problems: list[str] = []
    machines = content.get("StateMachines")
    responses = content.get("MockedResponses")
    for key, value in (("StateMachines", machines), ("MockedResponses", responses)):
        if not isinstance(value, dict):
            problems.append(
                f"{key} is required, an object" if value is None else f"{key} must be an object"
            )
    if problems:
        return problems
    assert isinstance(machines, dict) and isinstance(responses, dict)
    problems += _response_problems(responses)
    states = dict(iter_states(definition))
    uses: dict[tuple[str, Integration], list[tuple[str, str]]] = {}
    for machine_name, machine in machines.items():
        where = f"StateMachines.{machine_name}"
        if machine_name != state_machine_name:
            problems.append(
                f"{where}: the deploy creates no state machine {machine_name!r}; "
                f"the sample's is {state_machine_name!r}"
            )
            continue
        if not isinstance(machine, dict) or not isinstance(machine.get("TestCases"), dict):
            problems.append(f"{where} must be an object with TestCases (an object)")
            continue
        for case, mocked in machine["TestCases"].items():
            problems += _case_problems(case, mocked, states, responses, uses)
    for (response_name, kind), used_by in uses.items():
        problems += _shape_problems(response_name, responses[response_name], kind, used_by)
    return problems


def _case_problems(
    case: str,
    mocked: Any,
    states: dict[str, dict[str, Any]],
    responses: dict[str, Any],
    uses: dict[tuple[str, Integration], list[tuple[str, str]]],
) -> list[str]:
    """A test case's references; records which integration each mocked response stands for."""
    where = f"test case {case!r}"
    if not isinstance(mocked, dict):
        return [f"{where} must be an object: state name -> mocked response name"]
    problems = []
    for state_name, response_name in mocked.items():
        at = f"{where}, state {state_name!r}"
        state = states.get(state_name)
        if state is None:
            problems.append(
                f"{at}: the state machine has no such state (LocalStack would run the real "
                f"one unmocked); its Task states: {', '.join(_tasks(states))}"
            )
        elif state.get("Type") != "Task":
            problems.append(f"{at} is a {state.get('Type')} state: only Task states are mocked")
        elif not isinstance(response_name, str):
            problems.append(f"{at} must name a mocked response (a string)")
        elif response_name not in responses:
            problems.append(f"{at}: MockedResponses has no {response_name!r}")
        elif kind := integration(state.get("Resource")):
            uses.setdefault((response_name, kind), []).append((case, state_name))
    return problems


def _shape_problems(
    response_name: str, attempts: Any, kind: Integration, used_by: list[tuple[str, str]]
) -> list[str]:
    """The Returns of one mocked response against the integration of the states that use it."""
    if not isinstance(attempts, dict):
        return []  # reported by _response_problems
    cases = sorted({case for case, _ in used_by}, key=[case for case, _ in used_by].index)
    states = sorted({state for _, state in used_by})
    who = (
        f"test case{'s' if len(cases) > 1 else ''} {', '.join(map(repr, cases))}, "
        f"state{'s' if len(states) > 1 else ''} {', '.join(map(repr, states))} ({kind.label})"
    )
    problems = []
    for attempt, response in attempts.items():
        if isinstance(response, dict) and response.get("Return") is not None:
            where = f"MockedResponses.{response_name}.{attempt}.Return"
            problems += [f"{who}: {m}" for m in return_problems(response["Return"], kind, where)]
    return problems


def _tasks(states: dict[str, dict[str, Any]]) -> list[str]:
    return [repr(name) for name, state in states.items() if state.get("Type") == "Task"]


def _response_problems(responses: dict[str, Any]) -> list[str]:
    """The shape of ``MockedResponses`` itself, whatever state uses each."""
    problems = []
    for name, attempts in responses.items():
        where = f"MockedResponses.{name}"
        if not isinstance(attempts, dict) or not attempts:
            problems.append(f'{where} must be an object of attempts: {{"0": {{"Return": ...}}}}')
            continue
        ranges = []
        for attempt, response in attempts.items():
            at = f"{where}.{attempt}"
            match = _ATTEMPTS.fullmatch(attempt.strip())
            if not match:
                problems.append(f'{at}: an attempt is a number ("0") or a range ("1-2")')
            else:
                start = int(match[1])
                end = int(match[2]) if match[2] is not None else start
                if end < start:
                    problems.append(f"{at}: the range ends before it starts")
                ranges.append((start, end, attempt))
            if not isinstance(response, dict):
                problems.append(f'{at} must be {{"Return": ...}} or {{"Throw": ...}}')
                continue
            has_return, has_throw = "Return" in response, "Throw" in response
            if has_return == has_throw:
                problems.append(f"{at} must have exactly one of Return and Throw")
            for key in sorted(set(response) - {"Return", "Throw"}):
                problems.append(f"{at}: unknown field {key!r}; an attempt has Return or Throw")
            if has_return and not has_throw and response["Return"] is None:
                problems.append(f"{at}.Return is null: LocalStack reads it as no Return at all")
            if has_throw and not has_return:
                problems += throw_problems(response["Throw"], f"{at}.Throw")
        problems += _numbering_problems(where, ranges)
    return problems


def _numbering_problems(where: str, ranges: list[tuple[int, int, str]]) -> list[str]:
    expected = 0
    for start, end, attempt in sorted(ranges):
        if start != expected:
            return [
                f'{where}: attempts must follow on from "0" without gaps or overlaps; '
                f"{attempt!r} starts at {start}, expected {expected}"
            ]
        expected = max(end, start) + 1
    return []
