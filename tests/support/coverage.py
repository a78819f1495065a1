"""The executions a test session ran, and the path coverage they give (README, "Path coverage").

Every execution the test helpers start is recorded (``Workflow.start``, and
``run_test_case`` for mocked test cases), with its history once it is read
(``Workflow.wait``); the ``workflow`` fixture reads the histories still
missing before the session's stack stops. At the end of the session the
histories are measured against the sample's ASL (:mod:`sfnlocal.workflow.coverage`):
the summary prints it and ``test-results/path-coverage.json`` holds it.

The gate: with ``--path-coverage=gate`` (``make test`` and ``make test-e2e``
pass it) the session fails when a state or a Choice branch was never
exercised. A run narrowed by ``-k``, ``-m``, ``--lf``/``--sw``, deselection or
tests named by node id is reported but not gated: it never meant to exercise every path. A plain
``pytest tests/unit`` (or any run without the option) is never gated either.

Under pytest-xdist (``make test`` runs ``-n``) each worker sends the histories it read
to the controller at its end (``workeroutput``); the controller measures and gates
them all at once, as one session would.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sfnlocal.workflow.coverage import PathCoverage, path_coverage

REPO_ROOT = Path(__file__).resolve().parents[2]
ASL = REPO_ROOT / "statemachine" / "stock_trading.asl.json"
RESULTS = REPO_ROOT / "test-results" / "path-coverage.json"
OPTION = "--path-coverage"
_COVERAGE = pytest.StashKey[PathCoverage | None]()
_GATE = pytest.StashKey[str]()
"""Why the gate failed, passed or did not apply: a line for the summary."""
_DESELECTED = pytest.StashKey[int]()


@dataclass
class ExecutionLog:
    """The executions of the sample's state machine that tests started, with their histories."""

    clients: dict[str, Any] = field(default_factory=dict)
    """Execution ARN -> the Step Functions client it was started with."""
    histories: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    unread_elsewhere: int = 0
    """Unread executions that xdist workers reported (they ran in another process)."""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def started(self, sfn: Any, execution_arn: str) -> None:
        with self._lock:
            self.clients[execution_arn] = sfn

    def read(self, execution_arn: str, history: list[dict[str, Any]]) -> None:
        with self._lock:
            self.histories[execution_arn] = history

    def read_missing(self, sfn: Any) -> None:
        """Read the histories not read yet of the executions started with this client."""
        with self._lock:
            missing = [arn for arn, client in self.clients.items() if client is sfn]
            missing = [arn for arn in missing if arn not in self.histories]
        for arn in missing:
            try:
                pages = sfn.get_paginator("get_execution_history").paginate(executionArn=arn)
                self.read(arn, [event for page in pages for event in page["events"]])
            except Exception:  # counted as unread: the report says so
                continue

    @property
    def unread(self) -> int:
        """Executions started whose history was never read (a stack of a test's own, gone)."""
        with self._lock:
            return len(set(self.clients) - set(self.histories)) + self.unread_elsewhere

    def to_worker_output(self) -> str:
        """What an xdist worker sends the controller: its histories, as JSON."""
        with self._lock:
            histories = dict(self.histories)
        return json.dumps({"histories": histories, "unread": self.unread}, default=str)

    def merge_worker_output(self, sent: str) -> None:
        data = json.loads(sent)
        with self._lock:
            self.histories.update(data["histories"])
            self.unread_elsewhere += data["unread"]

    def coverage(self) -> PathCoverage | None:
        if not self.histories:
            return None
        definition = json.loads(ASL.read_text(encoding="utf-8"))
        return path_coverage(definition, list(self.histories.values()))


EXECUTIONS = ExecutionLog()
_WORKER_OUTPUT = "sfnlocal_path_coverage"


# -- pytest hooks (tests/conftest.py imports them) --------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        OPTION,
        choices=("report", "gate"),
        default="report",
        help="report: print the states and Choice branches the executions took (default); "
        "gate: also fail the session when one was never taken (make test)",
    )


def pytest_deselected(items: list[pytest.Item]) -> None:
    config = items[0].config if items else None
    if config is not None:
        config.stash[_DESELECTED] = config.stash.get(_DESELECTED, 0) + len(items)


def _narrowed(config: pytest.Config) -> str | None:
    """Why this run does not mean to exercise every path, if it does not."""
    option = config.option
    if getattr(option, "keyword", ""):
        return f"-k {option.keyword!r}"
    if getattr(option, "markexpr", ""):
        return f"-m {option.markexpr!r}"
    if getattr(option, "lf", False) or getattr(option, "stepwise", False):
        return "--lf/--sw"
    if named := [arg for arg in config.args if "::" in arg]:
        return f"tests named one by one ({named[0]}...)"
    if deselected := config.stash.get(_DESELECTED, 0):
        return f"{deselected} test(s) deselected"
    return None


def _is_xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workeroutput")


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """On xdist's controller: a worker's histories and deselections join the session's."""
    sent = getattr(node, "workeroutput", {}).get(_WORKER_OUTPUT)
    if sent is None:
        return
    data = json.loads(sent)
    EXECUTIONS.merge_worker_output(data["executions"])
    config = node.config
    # every worker collects (and deselects) the same tests
    config.stash[_DESELECTED] = max(config.stash.get(_DESELECTED, 0), data["deselected"])


# trylast: after the session's fixtures are torn down (the `workflow` fixture reads the
# histories still missing as it ends).
@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if _is_xdist_worker(config):
        config.workeroutput[_WORKER_OUTPUT] = json.dumps(
            {
                "executions": EXECUTIONS.to_worker_output(),
                "deselected": config.stash.get(_DESELECTED, 0),
            }
        )
        return
    coverage = EXECUTIONS.coverage()
    config.stash[_COVERAGE] = coverage
    gate = config.getoption(OPTION) == "gate"
    if coverage is not None or gate:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        data = coverage.to_json() if coverage else {"executions": 0, "complete": False}
        data["unread_executions"] = EXECUTIONS.unread
        RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    if not gate:
        return
    if why := _narrowed(config):
        config.stash[_GATE] = f"gate not applied: the run was narrowed ({why})"
        return
    if coverage is not None and coverage.complete:
        config.stash[_GATE] = "gate passed: every state and Choice branch was exercised"
        return
    missing = (
        [*coverage.states.missing, *coverage.choice_branches.missing]
        if coverage
        else ["every state: no execution ran"]
    )
    config.stash[_GATE] = "gate FAILED, never exercised: " + "; ".join(missing)
    if session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    coverage = config.stash.get(_COVERAGE, None)
    gate = config.stash.get(_GATE, None)
    if coverage is None and gate is None:
        return
    terminalreporter.section("path coverage of the sample's state machine")
    for line in coverage.lines() if coverage else ["no execution ran"]:
        terminalreporter.write_line(line)
    if EXECUTIONS.unread:
        terminalreporter.write_line(f"{EXECUTIONS.unread} execution(s) whose history was unread")
    terminalreporter.write_line(f"written to {RESULTS.relative_to(REPO_ROOT)}")
    if gate:
        failed = gate.startswith("gate FAILED")
        terminalreporter.write_line(gate, red=failed, green=gate.startswith("gate passed"))
