"""The slow trust tests: load (200 executions at once) and a stack restart.

They take a minute or two, so ``pytest tests`` (``make test``) collects them but skips
them; they run when tests/load is named on the command line (``make
test-trust``) or with ``SFNLOCAL_SLOW_TESTS=1``. Skipped, not ignored: the
test report says they exist and how to run them.

The load test runs on the end-to-end tests' stack (TEST_STACK), through the
session fixtures of tests/conftest.py; the restart tests
start stacks of their own (an embedded engine; a Compose project when a Docker
engine answers), as they stop them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.trust import BulkReports

HERE = Path(__file__).resolve().parent
SLOW_REASON = "slow: run with 'make test-trust' (or name tests/load, or SFNLOCAL_SLOW_TESTS=1)"
MEASUREMENTS = pytest.StashKey[list[tuple[str, dict]]]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"slow: takes minutes; {SLOW_REASON}")
    config.stash[MEASUREMENTS] = []


def _inside(path: Path) -> bool:
    return path == HERE or HERE in path.parents


def _asked_for(config: pytest.Config) -> bool:
    if os.environ.get("SFNLOCAL_SLOW_TESTS", "").lower() in ("1", "true", "yes"):
        return True
    start = config.invocation_params.dir
    for argument in config.args:
        path = (start / argument.split("::", 1)[0]).resolve()
        if _inside(path):
            return True
    return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    asked = _asked_for(config)
    for item in items:
        if _inside(Path(item.path).resolve()):
            item.add_marker(pytest.mark.slow)
            if not asked:
                item.add_marker(pytest.mark.skip(reason=SLOW_REASON))


@pytest.fixture
def bulk_reports(stack) -> Iterator[BulkReports]:
    """The topic's reports, through a queue of the test's own, read many at a time."""
    collector = BulkReports.subscribe(stack.connection)
    yield collector
    collector.close()


@pytest.fixture
def measurements(request: pytest.FixtureRequest):
    """Records figures that the run's summary prints (e.g. the engine's memory)."""

    def record(title: str, figures: dict) -> None:
        request.config.stash[MEASUREMENTS].append((title, figures))

    return record


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    recorded = config.stash.get(MEASUREMENTS, [])
    if recorded:
        terminalreporter.section("trust measurements")
        for title, figures in recorded:
            line = ", ".join(f"{name} {value}" for name, value in figures.items())
            terminalreporter.write_line(f"{title}: {line}")
