"""Let an SQS event source mapping process several batches at once.

LocalStack's SQS poller receives a batch, invokes the function and waits for
it, deletes the batch, and only then receives again: one batch at a time. On
AWS, Lambda polls a standard queue with several concurrent batches (five at
first, more as the queue grows). With the sample's approver that one-at-a-time
loop was the whole of a burst's latency: 50 executions started at once waited
up to 6 s for their approvals, one SendTaskSuccess after the other, while the
engine sat mostly idle.

For standard queues this hands each received batch to a small pool
(``SFNLOCAL_ESM_CONCURRENCY`` batches at once, default 5, as AWS starts with)
and polls again at once; when all are busy, the poller waits for one to finish
before it receives more. FIFO queues keep LocalStack's one-batch-at-a-time
order. ``SFNLOCAL_ESM_CONCURRENCY=1`` restores the sequential loop.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from sfnlocal.in_localstack.patching import Target
from sfnlocal.in_localstack.speedups.esm_wakeup import wake_queue

LOG = logging.getLogger(__name__)

HANDLE_MESSAGES = Target(
    "localstack.services.lambda_.event_source_mapping.pollers.sqs_poller",
    "SqsPoller.handle_messages",
    "(self, messages)",
    hot_path=True,
)


def concurrency() -> int:
    return max(1, int(os.environ.get("SFNLOCAL_ESM_CONCURRENCY") or 5))


class _BatchPool:
    def __init__(self, size: int) -> None:
        self.slots = threading.BoundedSemaphore(size)
        self.executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="sfnlocal-esm")


def concurrent_handle_messages(size: int):
    """The wrapper of ``SqsPoller.handle_messages``: up to ``size`` batches at once."""
    lock = threading.Lock()

    def pool_of(poller) -> _BatchPool:
        with lock:
            pool = getattr(poller, "_sfnlocal_batch_pool", None)
            if pool is None:
                pool = poller._sfnlocal_batch_pool = _BatchPool(size)
            return pool

    def handle_messages(original, self, messages):
        if self.is_fifo_queue:
            return original(self, messages)
        pool = pool_of(self)
        pool.slots.acquire()  # all batches busy: wait before receiving more

        def run() -> None:
            try:
                original(self, messages)
            except Exception as error:  # as LocalStack's poll_events logs it
                LOG.warning(
                    "Polling or batch processing failed: %s",
                    error,
                    exc_info=LOG.isEnabledFor(logging.DEBUG),
                )
            finally:
                pool.slots.release()

        try:
            pool.executor.submit(run)
        except RuntimeError:  # the pool is shut down: process it here
            pool.slots.release()
            return original(self, messages)
        try:
            wake_queue(self.source_arn)  # more may be waiting: poll again at once
        except Exception:  # the batch is handed over: never let the fallback process it again
            LOG.exception("could not wake the event source mappings of %s", self.source_arn)

    return handle_messages


def install() -> None:
    size = concurrency()
    if size > 1:
        HANDLE_MESSAGES.patch(concurrent_handle_messages(size))
