"""An idle event source mapping's sleep ends when a message arrives (esm_wakeup)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sfnlocal.in_localstack.speedups.esm_wakeup import WakeableEvent

LONG_SLEEP = 300  # the poller's backoff, as long as it could be
DEADLINE = 10  # a wait that did not end by then was not woken


def wait_outcome(event: WakeableEvent, meanwhile: Callable[[], None]) -> bool:
    """What ``event.wait(LONG_SLEEP)`` returns in a thread of its own while ``meanwhile`` runs."""
    results: list[bool] = []
    started = threading.Event()

    def wait() -> None:
        started.set()
        results.append(event.wait(LONG_SLEEP))

    thread = threading.Thread(target=wait, daemon=True)
    thread.start()
    started.wait(DEADLINE)
    meanwhile()  # (should it come before the thread waits, its wait returns at once)
    thread.join(DEADLINE)
    assert not thread.is_alive(), "the wait did not end"
    return results[0]


def test_a_wake_ends_the_sleep_without_setting_the_event():
    event = WakeableEvent()

    assert wait_outcome(event, event.wake) is False
    assert not event.is_set()


def test_setting_it_ends_the_sleep_as_a_shutdown():
    event = WakeableEvent()

    assert wait_outcome(event, event.set) is True


def test_a_wake_while_nobody_waits_is_not_lost():
    event = WakeableEvent()
    event.wake()

    assert wait_outcome(event, lambda: None) is False


def test_a_set_event_stays_set_through_wakes():
    event = WakeableEvent()
    event.set()
    event.wake()

    assert event.wait(0) is True
    assert event.wait(0) is True
