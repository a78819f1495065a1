"""Ship the Lambda logs waiting for the same log stream in one PutLogEvents request.

LocalStack's ``LogHandler`` (one per function version) takes each invocation's
log from a queue and sends it with PutLogEvents: one whole request through
botocore and the gateway per invocation. In a burst the queue backs up, and
shipping the logs took a fifth of the engine's GIL time in a burst of 300
executions (py-spy, BENCHMARKS.md, fourth round).

This gives the handler a queue whose ``get`` waits ``LINGER_SECONDS`` after
the first log arrives, then returns it merged with the items waiting for the
same log group and stream, in their order, within PutLogEvents' limits; the
handler's loop sends them as one request. Without the wait there is seldom a
second one to merge (a burst invokes each function a few times a second), and
a log reaching CloudWatch Logs half a second later is within what AWS takes to
deliver Lambda's logs. A handler's first log goes out at once, as before: it
creates the log group and loads the Logs service at the usual moment, not at a
stop that comes right after (a stop waits 2 s for the handler, and loading the
service takes about as long). Stopping the handler (its shutdown pill) ends
the wait at once. Lines are kept as they are; lines of merged items share one
timestamp, as the lines of one invocation already do.
"""

from __future__ import annotations

import dataclasses
import queue
import time

from sfnlocal.in_localstack.patching import Target

QUEUE = Target("localstack.services.lambda_.invocation.logs", "Queue", "(maxsize=0)", hot_path=True)

LINGER_SECONDS = 0.5
# PutLogEvents' limits: 10,000 events, 1,048,576 bytes (each message's UTF-8 bytes
# plus 26) per request. https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
MAX_EVENTS = 10_000
MAX_BYTES = 1_048_576
EVENT_OVERHEAD_BYTES = 26


def size(logs: str) -> tuple[int, int]:
    """(events, bytes) of one item's log as the handler sends it: a non-empty line each."""
    lines = [line for line in logs.split("\n") if line]
    return len(lines), sum(len(line.encode()) + 1 + EVENT_OVERHEAD_BYTES for line in lines)


def _stream(item) -> tuple[str, str] | None:
    """The item's (log group, log stream), or None for what is not a log (the shutdown pill)."""
    group, stream = getattr(item, "log_group", None), getattr(item, "log_stream", None)
    return (group, stream) if isinstance(group, str) and isinstance(stream, str) else None


class MergingLogQueue(queue.Queue):
    """A ``Queue`` whose ``get`` merges the waiting logs of the first item's stream."""

    def __init__(self, maxsize: int = 0, linger: float = LINGER_SECONDS) -> None:
        super().__init__(maxsize)
        self.linger = linger
        self._first_given = False

    def get(self, block=True, timeout=None):
        if block and timeout is None and self.linger > 0 and self._first_given:
            self._linger()
        item = super().get(block, timeout)
        self._first_given = True  # only the handler's thread gets: no race
        return item

    def _linger(self) -> None:
        """Wait for a first item, then ``linger`` seconds more (or until the pill)."""
        with self.not_empty:
            while not self._qsize():
                self.not_empty.wait()
            deadline = time.monotonic() + self.linger
            while not any(_stream(item) is None for item in self.queue):
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self.not_empty.wait(left)  # each put wakes it: the pill ends it early

    def _get(self):  # called with the queue's lock held, the queue not empty
        first = self.queue.popleft()
        key = _stream(first)
        if key is None or not self.queue:
            return first
        events, size_bytes = size(first.logs)
        parts, kept = [first.logs], []
        while self.queue:
            item = self.queue[0]
            stream = _stream(item)
            if stream is None:
                break  # the shutdown pill: what follows it stays behind it
            self.queue.popleft()
            if stream != key:
                kept.append(item)
                continue
            more_events, more_bytes = size(item.logs)
            if events + more_events > MAX_EVENTS or size_bytes + more_bytes > MAX_BYTES:
                kept.append(item)
                break
            events, size_bytes = events + more_events, size_bytes + more_bytes
            parts.append(item.logs)
        self.queue.extendleft(reversed(kept))
        if len(parts) == 1:
            return first
        return dataclasses.replace(first, logs="\n".join(parts))


def merging_queue(original, maxsize=0) -> MergingLogQueue:
    return MergingLogQueue(maxsize)


def install() -> None:
    QUEUE.patch(merging_queue)
