"""One thread for the Lambda environments' timers, instead of a thread per timer.

After every invocation LocalStack's ``ExecutionEnvironment.release`` starts a
``threading.Timer`` for the environment's keepalive (``LAMBDA_KEEPALIVE_MS``,
10 minutes), a new thread each time, and the next invocation cancels it; each
environment start does the same for its startup timeout. ``Thread.start`` waits
until the new thread runs, a GIL hand-off: py-spy found a Lambda Task state's
thread waiting there in one sample of seven (BENCHMARKS.md, fourth round).

This gives the module a ``Timer`` with the interface it uses (``start``,
``cancel``), kept by one scheduler thread. A timer that comes due still runs
its function in a thread of its own, as before: a keepalive stops a runtime
process, which must not hold up the other timers. (Python's ``sched`` cannot
be woken by an earlier timer added while it waits, hence the small scheduler.)
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable

from sfnlocal.in_localstack.patching import Target

TIMER = Target(
    "localstack.services.lambda_.invocation.execution_environment",
    "Timer",
    "(interval, function, args=None, kwargs=None)",
    hot_path=True,
)


class TimerScheduler:
    """Timers in a heap by deadline, and one daemon thread that fires them when due."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._condition = threading.Condition()
        self._heap: list[tuple[float, int, SharedTimer]] = []
        self._order = itertools.count()
        self._cancelled = 0
        self._thread: threading.Thread | None = None

    def add(self, timer: SharedTimer) -> None:
        with self._condition:
            deadline = self._clock() + timer.interval
            heapq.heappush(self._heap, (deadline, next(self._order), timer))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="sfnlocal-lambda-timers", daemon=True
                )
                self._thread.start()
            self._condition.notify()

    def cancelled(self) -> None:
        """A timer was cancelled: drop the cancelled ones once they are half the heap."""
        with self._condition:
            self._cancelled += 1
            if self._cancelled * 2 > len(self._heap):
                self._heap = [entry for entry in self._heap if not entry[2].is_cancelled]
                heapq.heapify(self._heap)
                self._cancelled = 0

    def pending(self) -> int:
        with self._condition:
            return sum(1 for entry in self._heap if not entry[2].is_cancelled)

    def _next_due(self) -> SharedTimer:
        with self._condition:
            while True:
                if not self._heap:
                    self._condition.wait()
                    continue
                deadline, _, timer = self._heap[0]
                delay = deadline - self._clock()
                if timer.is_cancelled or delay <= 0:
                    heapq.heappop(self._heap)
                    if not timer.is_cancelled:
                        return timer
                    self._cancelled = max(0, self._cancelled - 1)
                    continue
                self._condition.wait(delay)

    def _run(self) -> None:
        while True:
            self._next_due().fire()


_scheduler = TimerScheduler()


class SharedTimer:
    """``threading.Timer``'s ``start`` and ``cancel``, on the shared scheduler."""

    def __init__(self, interval, function, args=None, kwargs=None, scheduler=None) -> None:
        self.interval = float(interval)
        self.function = function
        self.args = args if args is not None else []
        self.kwargs = kwargs if kwargs is not None else {}
        self.is_cancelled = False
        self._scheduler = scheduler or _scheduler
        self._started = False

    def start(self) -> None:
        if self._started:
            raise RuntimeError("threads can only be started once")
        self._started = True
        self._scheduler.add(self)

    def cancel(self) -> None:
        if not self.is_cancelled:
            self.is_cancelled = True
            if self._started:
                self._scheduler.cancelled()

    def fire(self) -> None:
        if not self.is_cancelled:
            threading.Thread(
                target=self.function, args=self.args, kwargs=self.kwargs, daemon=True
            ).start()


def shared_timer(original, interval, function, args=None, kwargs=None) -> SharedTimer:
    return SharedTimer(interval, function, args, kwargs)


def install() -> None:
    TIMER.patch(shared_timer)
