"""`make test` under pytest-xdist: the path coverage's gate sees every worker's executions,
and the tests sharing a stack go to one worker (tests/support/parallel.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.support.coverage import ExecutionLog
from tests.support.parallel import group_of
from tests.unit.test_path_coverage import trade

REPO_ROOT = Path(__file__).resolve().parents[2]

CONFTEST = """
import tests.support.coverage as coverage
from tests.support.coverage import (
    pytest_addoption, pytest_deselected, pytest_sessionfinish, pytest_terminal_summary,
    pytest_testnodedown,
)
from tests.support.parallel import pytest_collection_modifyitems, pytest_itemcollected

coverage.REPO_ROOT = __import__("pathlib").Path(__file__).parent
coverage.RESULTS = coverage.REPO_ROOT / "path-coverage.json"
"""
EXECUTION_TEST = """
from datetime import datetime, UTC
from tests.support.coverage import EXECUTIONS
from tests.unit.test_path_coverage import no_match, trade

def test_{name}():
    history = {history}
    for event in history:
        event["timestamp"] = datetime.now(UTC)  # as boto3 returns it
    EXECUTIONS.read("arn:{name}", history)
"""
HISTORIES = {"buy": 'trade("buy")', "sell": 'trade("sell")', "nomatch": 'no_match("X")'}


def run_suite(folder: Path, names: list[str], workers: int = 2) -> subprocess.CompletedProcess:
    (folder / "conftest.py").write_text(CONFTEST)
    for name in names:
        test = EXECUTION_TEST.format(name=name, history=HISTORIES[name])
        (folder / f"test_{name}.py").write_text(textwrap.dedent(test))
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "2",
            "--path-coverage=gate",
            "-p",
            "no:cacheprovider",
        ],
        cwd=folder,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_gate_passes_on_executions_that_ran_in_the_workers(tmp_path):
    # GIVEN a buy, a sell and a no-match, each recorded by a test in an xdist worker
    # WHEN the session runs with -n 2 and the gate
    result = run_suite(tmp_path, ["buy", "sell", "nomatch"])
    # THEN the controller measured all three: every path covered, the gate passed
    assert result.returncode == 0, result.stdout + result.stderr
    assert "gate passed" in result.stdout
    assert '"executions": 3' in (tmp_path / "path-coverage.json").read_text()


def test_the_gate_fails_when_no_worker_took_a_branch(tmp_path):
    # GIVEN only a buy, recorded in a worker  WHEN the gated session ends
    result = run_suite(tmp_path, ["buy"], workers=1)
    # THEN the controller names what was never exercised and the session fails
    assert result.returncode == 1, result.stdout + result.stderr
    assert "gate FAILED, never exercised" in result.stdout
    assert "Sell Stock" in result.stdout


def test_a_worker_log_joins_the_controller_log_with_its_unread_executions():
    # GIVEN a worker's log: one history read (with boto3's datetimes), one execution unread
    worker = ExecutionLog()
    history = [{**event, "timestamp": datetime.now(UTC)} for event in trade("buy")]
    worker.started(object(), "arn:read")
    worker.read("arn:read", history)
    worker.started(object(), "arn:unread")
    # WHEN the controller merges what the worker sent
    controller = ExecutionLog()
    controller.merge_worker_output(worker.to_worker_output())
    # THEN it holds the history and counts the unread execution
    assert list(controller.histories) == ["arn:read"]
    assert controller.histories["arn:read"][0]["type"] == "ExecutionStarted"
    assert controller.unread == 1
    assert controller.coverage() is not None


class FakeItem:
    def __init__(self, nodeid: str, fixturenames: list[str], scopes: dict | None = None) -> None:
        self.nodeid = nodeid
        self.fixturenames = fixturenames
        defs = {name: [SimpleNamespace(scope=scope)] for name, scope in (scopes or {}).items()}
        self._fixtureinfo = SimpleNamespace(name2fixturedefs=defs)


@pytest.mark.parametrize(
    ("fixtures", "group"),
    [
        (["workflow", "stack", "tmp_path"], "stack"),
        (["engine", "lambda_client"], "engine"),
        (["tmp_path"], None),
    ],
)
def test_tests_on_a_shared_stack_or_engine_share_a_group(fixtures, group):
    item = FakeItem("tests/x/test_y.py::test_z", fixtures, {"tmp_path": "function"})
    assert group_of(item) == group


def test_tests_sharing_a_module_fixture_share_their_module_group():
    item = FakeItem("tests/x/test_y.py::test_z", ["user_stack"], {"user_stack": "module"})
    assert group_of(item) == "tests/x/test_y.py"


def test_the_tests_on_the_stack_run_in_one_worker_under_loadgroup(tmp_path):
    # GIVEN four tests on a session fixture named `stack`, and two on none
    (tmp_path / "conftest.py").write_text(
        "import pytest\n"
        "from tests.support.parallel import pytest_collection_modifyitems, pytest_itemcollected\n"
        "@pytest.fixture(scope='session')\ndef stack():\n    return 1\n"
    )
    tests = [f"def test_on_stack_{n}(stack): pass\n" for n in range(4)]
    tests += [f"def test_alone_{n}(): pass\n" for n in range(2)]
    (tmp_path / "test_groups.py").write_text("".join(tests))
    # WHEN they run in two workers with --dist loadgroup
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v"]
        + ["-p", "no:cacheprovider"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    # THEN the four on the stack ran in one and the same worker
    assert result.returncode == 0, result.stdout + result.stderr
    ran = [line for line in result.stdout.splitlines() if "PASSED" in line and "@stack" in line]
    assert len(ran) == 4, result.stdout
    assert len({line.split("]")[0] for line in ran}) == 1, result.stdout
