"""The one waiting helper: polls with a deadline, and says what it waited for (fake clock)."""

from __future__ import annotations

import pytest

from sfnlocal.errors import UserError
from sfnlocal.waiting import WaitTimeout, wait_for


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert len(self.sleeps) < 1000, "wait_for kept polling past its deadline"
        self.sleeps.append(seconds)
        self.now += seconds


def test_it_returns_the_first_result_that_is_done():
    time, answers = FakeTime(), iter([None, None, "ready"])

    result = wait_for(lambda: next(answers), 10, "x", 0.5, clock=time.clock, sleep=time.sleep)

    assert result == "ready"
    assert time.sleeps == [0.5, 0.5]


def test_at_the_deadline_it_names_what_it_waited_for_and_the_last_state():
    time = FakeTime()

    with pytest.raises(WaitTimeout) as raised:
        wait_for(
            lambda: "Pending",
            2,
            "the function to be Active",
            0.5,
            done=lambda state: state == "Active",
            describe=lambda state: state,
            clock=time.clock,
            sleep=time.sleep,
        )

    assert str(raised.value) == (
        "timed out after 2 s waiting for the function to be Active (last: Pending)"
    )
    assert isinstance(raised.value, UserError)
    assert sum(time.sleeps) == pytest.approx(2.0)


def test_it_never_sleeps_past_the_deadline():
    time = FakeTime()

    with pytest.raises(WaitTimeout):
        wait_for(lambda: False, 1, "x", 0.4, clock=time.clock, sleep=time.sleep)

    assert time.sleeps == pytest.approx([0.4, 0.4, 0.2])


def test_the_caller_chooses_the_error():
    time = FakeTime()

    with pytest.raises(AssertionError, match="timed out after 1 s waiting for the report"):
        wait_for(
            lambda: None, 1, "the report", error=AssertionError, clock=time.clock, sleep=time.sleep
        )


def test_an_error_of_the_probe_ends_the_wait_at_once():
    time = FakeTime()

    def probe():
        raise ConnectionError("refused")

    with pytest.raises(ConnectionError, match="refused"):
        wait_for(probe, 10, "x", clock=time.clock, sleep=time.sleep)
    assert time.sleeps == []
