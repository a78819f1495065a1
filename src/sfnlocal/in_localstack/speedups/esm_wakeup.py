"""Wake SQS event source mappings when a message becomes visible on their queue.

LocalStack's event source mapping worker (``esm_worker.EsmWorker.poller_loop``)
polls its queue, and after an empty poll sleeps with an exponential backoff
that starts at a hard-coded 1 s and grows to
``LAMBDA_EVENT_SOURCE_MAPPING_MAX_BACKOFF_ON_EMPTY_POLL_SEC`` (10 s); after a
non-empty one it sleeps ``LAMBDA_EVENT_SOURCE_MAPPING_POLL_INTERVAL_SEC`` (1 s).
So a message sent to an idle queue waits 0.5 to 15 s before its function runs:
the sample's approval step took about 1 s warm and up to 9 s after idling.

The worker sleeps on its ``_shutdown_event``. This module gives each SQS
worker an event whose ``wait`` also returns when the worker is woken, and wakes
the workers of a queue whenever a message becomes visible there (sent, its
delay over, its visibility timeout over or ended). The worker then polls at
once; its own backoff still applies when nothing arrives. A wake that comes
while the worker is busy makes its next wait return at once, so none is lost.
"""

from __future__ import annotations

import logging
import threading
import weakref

from sfnlocal.in_localstack.patching import Target

LOG = logging.getLogger(__name__)

ESM_WORKER_INIT = Target(
    "localstack.services.lambda_.event_source_mapping.esm_worker",
    "EsmWorker.__init__",
    "(self, esm_config: localstack.aws.api.lambda_.EventSourceMappingConfiguration, "
    "poller: localstack.services.lambda_.event_source_mapping.pollers.poller.Poller, "
    "enabled: bool = True, "
    "user_state_reason: localstack.services.lambda_.event_source_mapping.esm_worker.EsmStateReason"
    " = <EsmStateReason.USER_ACTION: 'User action'>)",
    hot_path=False,  # the original runs first; registering the worker has its own guard
)
PUT_MESSAGE = tuple(
    Target(
        "localstack.services.sqs.models",
        f"{queue}._put_message",
        "(self, message: localstack.services.sqs.models.SqsMessage)",
        hot_path=True,
    )
    for queue in ("StandardQueue", "FifoQueue")
)

_lock = threading.Lock()
_workers_by_queue: dict[str, weakref.WeakSet] = {}


class WakeableEvent(threading.Event):
    """A ``threading.Event`` whose ``wait`` also ends on :meth:`wake`."""

    def __init__(self) -> None:
        super().__init__()
        self._woken = False

    def wake(self) -> None:
        with self._cond:
            self._woken = True
            self._cond.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        with self._cond:
            if not self._flag and not self._woken:
                self._cond.wait(timeout)
            self._woken = False
            return self._flag


def wake_queue(queue_arn: str) -> None:
    with _lock:
        workers = list(_workers_by_queue.get(queue_arn, ()))
    for worker in workers:
        event = getattr(worker, "_shutdown_event", None)
        if isinstance(event, WakeableEvent):
            event.wake()


def _register(worker) -> None:
    source = (worker.esm_config or {}).get("EventSourceArn") or ""
    if ":sqs:" not in source:
        return
    worker._shutdown_event = WakeableEvent()
    with _lock:
        _workers_by_queue.setdefault(source, weakref.WeakSet()).add(worker)


def esm_worker_init(original, self, *args, **kwargs):
    original(self, *args, **kwargs)
    try:
        _register(self)
    except Exception:  # never break LocalStack over a speed-up
        LOG.exception("could not make event source mapping %s wakeable", self)


def put_message(original, self, message):
    result = original(self, message)
    try:
        wake_queue(self.arn)
    except Exception:
        LOG.exception("could not wake the event source mappings of %s", self.arn)
    return result


def install() -> None:
    ESM_WORKER_INIT.patch(esm_worker_init)
    for target in PUT_MESSAGE:
        target.patch(put_message)
