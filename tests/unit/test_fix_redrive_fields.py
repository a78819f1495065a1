"""The redrive fields of an execution (fixes/redrive_fields.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sfnlocal.in_localstack.fixes.redrive_fields import redrive_status

NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize("status", ["FAILED", "TIMED_OUT", "ABORTED"])
def test_a_stopped_failure_is_redrivable_for_14_days(status):
    assert redrive_status(status, NOW - timedelta(days=13), NOW) == ("REDRIVABLE", None)
    assert redrive_status(status, NOW - timedelta(days=15), NOW) == (
        "NOT_REDRIVABLE",
        "Execution redrivable period exceeded",
    )


@pytest.mark.parametrize("status", ["RUNNING", "SUCCEEDED"])
def test_running_or_succeeded_is_not_redrivable(status):
    assert redrive_status(status, None, NOW) == (
        "NOT_REDRIVABLE",
        f"Execution is {status} and cannot be redriven",
    )
