"""An engine's memory sampled in a thread of its own while a burst runs: its peak,
and a reason to stop once a cap is passed (the machine is shared)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

INTERVAL_SECONDS = 0.5


class PeakMemory:
    """Calls ``measure()`` (an engine's ``memory()``: a dict with ``rss_mib``) every
    ``interval`` seconds until :meth:`stop`; keeps each figure's peak."""

    def __init__(
        self,
        measure: Callable[[], dict],
        cap_mib: float | None = None,
        interval: float = INTERVAL_SECONDS,
    ) -> None:
        self.measure = measure
        self.cap_mib = cap_mib
        self.interval = interval
        self.peak: dict[str, float] = {}
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="peak-memory", daemon=True)

    def __enter__(self) -> PeakMemory:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        with contextlib.suppress(Exception):  # an engine gone: the burst says so
            self.add(self.measure())

    def add(self, figures: dict) -> None:
        self.samples += 1
        for name, value in figures.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                self.peak[name] = max(self.peak.get(name, value), value)

    def over_cap(self) -> str | None:
        """Why to stop: the peak RSS passed the cap; None while under it."""
        rss = self.peak.get("rss_mib")
        if self.cap_mib is not None and rss is not None and rss > self.cap_mib:
            return f"its RSS passed the cap of {self.cap_mib:.0f} MiB ({rss:.0f} MiB)"
        return None

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)
        self._sample()
