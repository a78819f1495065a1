"""How many Lambda environments may start at once (fixes/lambda_start_limit.py)."""

from __future__ import annotations

import os
import threading

import pytest

from sfnlocal.in_localstack.fixes.lambda_start_limit import VARIABLE, StartGate, max_starting


def test_defaults_to_the_cpus_this_process_may_use(monkeypatch):
    monkeypatch.delenv(VARIABLE, raising=False)
    assert max_starting() == len(os.sched_getaffinity(0))


@pytest.mark.parametrize(("value", "expected"), [("3", 3), ("0", 1), ("-2", 1), (" 8 ", 8)])
def test_the_variable_sets_it_at_least_one(monkeypatch, value, expected):
    monkeypatch.setenv(VARIABLE, value)
    assert max_starting() == expected


def test_a_value_that_is_no_number_falls_back_to_the_cpus(monkeypatch):
    monkeypatch.setenv(VARIABLE, "many")
    assert max_starting() == len(os.sched_getaffinity(0))


# -- the gate -------------------------------------------------------------------------

WAIT = 5.0  # seconds a thread of these tests may take to get where it is going


def start_waiting(gate: StartGate, version: str, idle) -> tuple[threading.Thread, list]:
    took: list[bool] = []
    thread = threading.Thread(target=lambda: took.append(gate.take_turn(version, idle)))
    thread.start()
    return thread, took


def test_no_more_than_limit_threads_start_at_once():
    gate = StartGate(2)
    assert gate.take_turn("v", lambda: False) is True
    thread, took = start_waiting(gate, "v", lambda: False)
    thread.join(WAIT)
    assert took == [True] and gate.free == 0
    third, third_took = start_waiting(gate, "v", lambda: False)
    third.join(0.3)
    assert third.is_alive() and third_took == []  # queued: both slots are taken
    gate.give_back()  # this thread's start is over
    third.join(WAIT)
    assert third_took == [True]


def test_a_queued_invocation_takes_an_environment_that_turns_idle():
    gate = StartGate(1)
    assert gate.take_turn("v", lambda: False) is True  # the one start slot is busy
    idle = threading.Event()
    thread, took = start_waiting(gate, "v", idle.is_set)
    thread.join(0.3)
    assert thread.is_alive()
    idle.set()
    gate.environment_freed("v")
    thread.join(WAIT)
    assert took == [False]  # it took the idle environment, not a start slot
    assert gate.free == 0


def test_a_start_outside_take_turn_waits_for_a_slot():
    gate = StartGate(1)
    assert gate.take_turn("v", lambda: False) is True
    entered = threading.Event()

    def lost_race():
        with gate:
            entered.set()

    thread = threading.Thread(target=lost_race)
    thread.start()
    assert not entered.wait(0.3)
    with gate:  # this thread holds its slot: starts with it, without waiting
        pass
    gate.give_back()
    assert entered.wait(WAIT)
    thread.join(WAIT)
    assert gate.free == 1
