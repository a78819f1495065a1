"""The reports published on the topic since the console started, collected by
a background thread through a queue of its own subscribed to the topic."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sfnlocal.workflow.connection import Connection
from sfnlocal.workflow.reports import ReportSubscription

log = logging.getLogger(__name__)
KEPT = 100
RETRY_SECONDS = 3.0


class ReportFeed:
    def __init__(self, connect: Callable[[], Connection]) -> None:
        self._connect = connect
        self._reports: deque[dict[str, Any]] = deque(maxlen=KEPT)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="report-feed", daemon=True)
        self.since = datetime.now(UTC)
        self.problem: str | None = "not subscribed yet"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def latest(self) -> list[dict[str, Any]]:
        """Newest first."""
        with self._lock:
            return list(reversed(self._reports))

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with ReportSubscription(self._connect()) as subscription:
                    self.problem = None
                    while not self._stop.is_set():
                        for report in subscription.receive(wait_seconds=1):
                            with self._lock:
                                self._reports.append(
                                    {
                                        "message_id": report.message_id,
                                        "timestamp": report.timestamp,
                                        "message": report.message,
                                    }
                                )
            except Exception as error:  # the stack went away or is not deployed yet
                self.problem = f"{type(error).__name__}: {error}"
                log.info("report feed: %s; retrying in %.0f s", self.problem, RETRY_SECONDS)
                self._stop.wait(RETRY_SECONDS)
