"""Keep the engine's start-up objects out of the garbage collector's full passes,
and give freed heap memory back to the system.

Once the sample is deployed the engine holds about half a million container
objects that live as long as it does (modules, service models, parsers). Every
full collection walks all of them: 200 to 400 ms with the GIL held, which
lands on whatever execution is running (the benchmark saw single executions
of 0.5 s among 0.09 s ones). When the engine is ready (its init hooks, the
deploy among them, are done), this collects once and freezes what is left
(``gc.freeze``), so later full passes walk only newer objects.

glibc keeps the pages of freed memory (start-up, the deploy, a burst) in the
process; ``malloc_trim`` returns them: about 50 MiB of the engine's RSS once
ready. It runs then, and every ``TRIM_SECONDS`` after (it releases the GIL).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import threading
import time

LOG = logging.getLogger(__name__)
READY_TIMEOUT_SECONDS = 600
TRIM_SECONDS = 10.0


def _trim_heap() -> bool:
    """Gives the heap's free pages back to the system; False where that is not glibc."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        return True
    return False


def _freeze_when_ready() -> None:
    from localstack.runtime import events

    if not events.infra_ready.wait(READY_TIMEOUT_SECONDS):
        return
    gc.collect()
    gc.freeze()
    LOG.debug("garbage collector: %d start-up objects frozen", gc.get_freeze_count())
    while _trim_heap() and not events.infra_stopping.is_set():
        time.sleep(TRIM_SECONDS)


def install() -> None:
    threading.Thread(target=_freeze_when_ready, name="sfnlocal-gc-freeze", daemon=True).start()
