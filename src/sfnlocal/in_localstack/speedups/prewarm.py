"""Start one execution environment of each function as soon as it is Active.

LocalStack starts a function's first execution environment at its first
invocation: for the local process executor a Python process that imports the
runtime interface client and the handler (100 to 700 ms here; the approver
imports boto3). The sample's first execution after a deploy paid that five
times, about 1.5 s. This starts one environment per new function version in
the background once the version is Active, and leaves it idle (ready) for the
first invocation, as the next invocations find it. An invocation that arrives
while that environment is still starting waits for it rather than starting a
second one. LocalStack's keep-alive (``LAMBDA_KEEPALIVE_MS``) still stops it
when unused. ``SFNLOCAL_PREWARM=0`` turns it off.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading

from sfnlocal.in_localstack.patching import Target
from sfnlocal.in_localstack.speedups.environment_pool import GET_ENVIRONMENT

LOG = logging.getLogger(__name__)
VERSION_MANAGER_START = Target(
    "localstack.services.lambda_.invocation.version_manager",
    "LambdaVersionManager.start",
    "(self) -> localstack.services.lambda_.invocation.lambda_models.VersionState",
    hot_path=False,  # the original runs first; starting the warming thread is all that follows
)
THREAD_NAME = "sfnlocal-prewarm"
WAIT_SECONDS = 30.0

_lock = threading.Lock()
_warming: dict[str, threading.Event] = {}


def enabled() -> bool:
    return os.environ.get("SFNLOCAL_PREWARM", "1").strip().lower() not in ("0", "false", "no")


def _warm(version_manager, done: threading.Event) -> None:
    from localstack.services.lambda_.invocation.lambda_models import InitializationType

    try:
        with version_manager.assignment_service.get_environment(
            version_manager.id, version_manager.function_version, InitializationType.on_demand
        ):
            pass  # started, then released as ready: the first invocation finds it warm
    except Exception as error:  # the first invocation then starts one, as without this
        LOG.debug("could not pre-start %s: %s", version_manager.function_arn, error)
    finally:
        done.set()
        with _lock:
            if _warming.get(version_manager.id) is done:
                del _warming[version_manager.id]


def start(original, self):
    from localstack.aws.api.lambda_ import State

    state = original(self)
    config = self.function_version.config
    if enabled() and state.state == State.Active and not config.capacity_provider_config:
        done = threading.Event()
        with _lock:
            _warming[self.id] = done
        threading.Thread(target=_warm, args=(self, done), name=THREAD_NAME, daemon=True).start()
    return state


@contextlib.contextmanager
def get_environment(original, self, version_manager_id, function_version, provisioning_type):
    if threading.current_thread().name != THREAD_NAME:
        with _lock:
            warming = _warming.get(version_manager_id)
        if warming is not None:
            warming.wait(WAIT_SECONDS)  # its environment is about to be ready: use it
    with original(self, version_manager_id, function_version, provisioning_type) as env:
        yield env


def install() -> None:
    VERSION_MANAGER_START.patch(start)
    GET_ENVIRONMENT.patch(get_environment)
