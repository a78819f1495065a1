"""The Lambda environments' timers on one scheduler thread (speedups/lambda_timers)."""

from __future__ import annotations

import threading
import time

import pytest

from sfnlocal.in_localstack.speedups.lambda_timers import SharedTimer, TimerScheduler

WAIT = 5.0  # seconds any of these waits gives up after


def fired_flag(scheduler: TimerScheduler, interval: float, function=None):
    fired = threading.Event()

    def run():
        if function:
            function()
        fired.set()

    timer = SharedTimer(interval, run, scheduler=scheduler)
    return timer, fired


def test_a_started_timer_runs_its_function_with_its_arguments_after_its_interval():
    # GIVEN a timer of 50 ms with arguments
    scheduler, seen, done = TimerScheduler(), [], threading.Event()
    timer = SharedTimer(
        0.05, lambda a, b=None: (seen.append((a, b)), done.set()), [1], {"b": 2}, scheduler
    )
    # WHEN it is started
    started = time.monotonic()
    timer.start()
    # THEN its function runs once, with them, no sooner than the interval
    assert done.wait(WAIT), "the timer's function did not run within 5 s"
    assert time.monotonic() - started >= 0.05
    assert seen == [(1, 2)]


def test_a_cancelled_timer_never_runs_and_leaves_the_scheduler():
    # GIVEN a started timer of 100 ms, and one of 200 ms after it, on a clock that
    # stands still until the test moves it (so neither can be due too early)
    now = [0.0]
    scheduler = TimerScheduler(clock=lambda: now[0])
    cancelled, cancelled_fired = fired_flag(scheduler, 0.1)
    later, later_fired = fired_flag(scheduler, 0.2)
    cancelled.start()
    later.start()
    # WHEN the first is cancelled before it is due, and then both are due
    cancelled.cancel()
    now[0] = 1.0
    # THEN only the other runs, and nothing is left pending
    assert later_fired.wait(WAIT), "the later timer did not run within 5 s"
    assert not cancelled_fired.is_set()
    assert scheduler.pending() == 0


def test_an_earlier_timer_added_while_the_scheduler_waits_on_a_later_one_runs_first():
    # GIVEN the scheduler waiting for a timer due in 10 s
    scheduler = TimerScheduler()
    late, late_fired = fired_flag(scheduler, 10)
    late.start()
    # WHEN a timer of 50 ms is started
    early, early_fired = fired_flag(scheduler, 0.05)
    early.start()
    # THEN it runs without waiting for the later one
    assert early_fired.wait(WAIT), "the early timer waited behind the later one"
    assert not late_fired.is_set()
    late.cancel()


def test_a_slow_function_does_not_hold_up_the_next_timer():
    # GIVEN a due timer whose function blocks until released
    scheduler, release = TimerScheduler(), threading.Event()
    slow, _ = fired_flag(scheduler, 0.0, lambda: release.wait(WAIT))
    quick, quick_fired = fired_flag(scheduler, 0.05)
    # WHEN both are started
    slow.start()
    quick.start()
    # THEN the second runs while the first is still blocked
    assert quick_fired.wait(WAIT), "the second timer waited for the first one's function"
    release.set()


def test_many_cancelled_timers_do_not_pile_up():
    # GIVEN a thousand keepalive timers of ten minutes, each cancelled as the next invocation does
    scheduler = TimerScheduler()
    for _ in range(1000):
        timer = SharedTimer(600, lambda: None, scheduler=scheduler)
        timer.start()
        timer.cancel()
    # THEN the heap holds at most a handful of them, and none is pending
    assert len(scheduler._heap) <= 2
    assert scheduler.pending() == 0


def test_a_timer_starts_once_as_threading_timer_does():
    timer = SharedTimer(600, lambda: None, scheduler=TimerScheduler())
    timer.start()
    with pytest.raises(RuntimeError, match="started once"):
        timer.start()
    timer.cancel()
