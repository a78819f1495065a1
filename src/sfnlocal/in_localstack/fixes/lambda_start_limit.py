"""Start a bounded number of Lambda execution environments at once; the other
invocations wait for the next free environment or start slot.

AWS: each execution environment has its own CPU and memory, and its Init phase
(limited to 10 s) is not part of the function's timeout: however many
environments start at once, none slows another invocation down. Documented at
https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html

Here every environment is a process on the machine's few cores. LocalStack
2026.3.0 starts up to 16 at once (a semaphore sized for Docker containers):
100 concurrent invocations of a cold function on 2 cores started 16 Python
processes at a time, each init took about 10 s, and the handlers already
running shared the CPU with them until 20 of them ran past a 2 s timeout
(``Sandbox.Timedout``) that AWS would not give.

Here at most ``SFNLOCAL_MAX_STARTING_ENVIRONMENTS`` environments (default: the
CPUs this process may use) start at once. An on-demand invocation that finds no
idle environment waits, before any environment's start (and LocalStack's
startup timer) begins, until either a start slot is free (it then starts one) or
an environment of its function version turns idle (it then takes that one), so
a burst reuses the environments that finish first instead of each invocation
starting its own. The executor keeps init apart from the function's timeout
(``executor/process_executor.py``). The speed-up ``environment_pool`` bounds the
environments of one version (an invocation waits a moment for one of those
first); this bounds starts machine-wide; neither changes the other.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable

from sfnlocal.in_localstack.patching import Target

LOG = logging.getLogger(__name__)
ASSIGNMENT = "localstack.services.lambda_.invocation.assignment"
INIT = Target(ASSIGNMENT, "AssignmentService.__init__", "(self)")
GET_ENVIRONMENT = Target(
    ASSIGNMENT,
    "AssignmentService.get_environment",
    "(self, version_manager_id: str, "
    "function_version: localstack.services.lambda_.invocation.lambda_models.FunctionVersion, "
    "provisioning_type: localstack.services.lambda_.invocation.lambda_models.InitializationType)"
    " -> collections.abc.Iterator[localstack.services.lambda_.invocation.execution_environment."
    "ExecutionEnvironment]",
)
VARIABLE = "SFNLOCAL_MAX_STARTING_ENVIRONMENTS"
RECHECK_SECONDS = 0.5  # a waiter looks again this often, should a wake-up be missed


def max_starting() -> int:
    cpus = max(1, len(os.sched_getaffinity(0)))
    value = os.environ.get(VARIABLE, "").strip()
    if not value:
        return cpus
    try:
        return max(1, int(value))
    except ValueError:
        LOG.warning("sfnlocal: %s=%r is not a number; using %d", VARIABLE, value, cpus)
        return cpus


class StartGate:
    """At most ``limit`` environment starts at once, and a queue per function version
    that also ends when an environment of that version turns idle.

    It stands in for LocalStack's ``on_demand_start_semaphore`` (``with gate:``
    around each start): a thread that took a slot in :meth:`take_turn` starts
    with that slot; any other thread (one that saw an idle environment but lost
    it to another invocation) waits for a slot there.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._free = limit
        self._lock = threading.Lock()
        self._queues: dict[str, threading.Condition] = {}  # one per function version
        self._local = threading.local()

    @property
    def free(self) -> int:
        return self._free

    def _queue_locked(self, version: str) -> threading.Condition:
        if version not in self._queues:
            self._queues[version] = threading.Condition(self._lock)
        return self._queues[version]

    def _take_locked(self) -> None:
        self._free -= 1
        self._local.held = True

    def take_turn(self, version: str, idle: Callable[[], bool]) -> bool:
        """Waits until ``idle()`` or a free slot; True when it took a slot."""
        self._local.version = version
        with self._lock:
            queue = self._queue_locked(version)
            while True:
                if idle():
                    return False
                if self._free > 0:
                    self._take_locked()
                    return True
                queue.wait(RECHECK_SECONDS)

    def give_back(self) -> None:
        """Frees this thread's slot, if it holds one (its start is over)."""
        if getattr(self._local, "held", False):
            self._local.held = False
            with self._lock:
                self._free += 1
                for queue in self._queues.values():  # the first version to wake takes it
                    queue.notify()

    def environment_freed(self, version: str) -> None:
        with self._lock:
            self._queue_locked(version).notify()

    def __enter__(self) -> StartGate:
        if getattr(self._local, "held", False):
            self._local.borrowed = False  # starts with the slot take_turn took
            return self
        with self._lock:
            queue = self._queue_locked(getattr(self._local, "version", ""))
            while self._free <= 0:
                queue.wait(RECHECK_SECONDS)
            self._take_locked()
        self._local.borrowed = True
        return self

    def __exit__(self, *exc_info) -> None:
        if getattr(self._local, "borrowed", False):
            self._local.borrowed = False
            self.give_back()


def _idle(service, version_manager_id: str) -> Callable[[], bool]:
    from localstack.services.lambda_.invocation.execution_environment import RuntimeStatus
    from localstack.services.lambda_.invocation.lambda_models import InitializationType

    def idle() -> bool:
        environments = list(service.environments[version_manager_id].values())
        return any(
            env.status == RuntimeStatus.READY
            and env.initialization_type == InitializationType.on_demand
            for env in environments
        )

    return idle


def _init(original, self) -> None:
    original(self)
    limit = max_starting()
    self.on_demand_start_semaphore = StartGate(limit)
    LOG.debug("sfnlocal: at most %d Lambda environments start at once", limit)


@contextlib.contextmanager
def _get_environment(original, self, version_manager_id, function_version, provisioning_type):
    from localstack.services.lambda_.invocation.lambda_models import InitializationType

    gate = self.on_demand_start_semaphore
    if provisioning_type != InitializationType.on_demand or not isinstance(gate, StartGate):
        with original(self, version_manager_id, function_version, provisioning_type) as env:
            yield env
        return
    gate.take_turn(version_manager_id, _idle(self, version_manager_id))
    try:
        with contextlib.ExitStack() as stack:
            try:
                environment = stack.enter_context(
                    original(self, version_manager_id, function_version, provisioning_type)
                )
            finally:
                gate.give_back()
            yield environment
    finally:
        gate.environment_freed(
            version_manager_id
        )  # released (or stopped): the next waiter may take it


def install() -> None:
    INIT.patch(_init)
    GET_ENVIRONMENT.patch(_get_environment)
