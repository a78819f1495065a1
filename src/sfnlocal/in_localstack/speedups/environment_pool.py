"""Bound how many execution environments one function version starts at once.

LocalStack gives every concurrent invocation that finds no idle environment a
new one, as AWS does. Here an environment is a local Python process (16 to 50
MiB, 100 to 700 ms of CPU to start), and all of them share the machine's few
cores with the engine: 50 executions started at once made about 50 processes
per function, so the burst spent its time starting processes and ended with
more than 1 GiB of RSS, while each invocation itself takes a few ms.

This lets at most ``SFNLOCAL_MAX_ENVIRONMENTS`` invocations of one version
(default: as many as the CPUs the engine may run on, at least 2) hold an
environment at once; the next waits for one to be free, so the pool stays that
size. An invocation that has waited ``SFNLOCAL_ENVIRONMENT_WAIT_SECONDS``
(default 2) gets a new environment anyway, as before, so a function that
invokes itself cannot deadlock. ``SFNLOCAL_MAX_ENVIRONMENTS=0`` turns the
bound off.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading

from sfnlocal.in_localstack.patching import Target

LOG = logging.getLogger(__name__)

GET_ENVIRONMENT = Target(
    "localstack.services.lambda_.invocation.assignment",
    "AssignmentService.get_environment",
    "(self, version_manager_id: str, "
    "function_version: localstack.services.lambda_.invocation.lambda_models.FunctionVersion, "
    "provisioning_type: localstack.services.lambda_.invocation.lambda_models.InitializationType)"
    " -> collections.abc.Iterator["
    "localstack.services.lambda_.invocation.execution_environment.ExecutionEnvironment]",
    hot_path=True,
    kind="contextmanager",
)
"""Every invocation takes its execution environment here (prewarm.py patches it too)."""

DEFAULT_WAIT_SECONDS = 2.0

ON_DEMAND = "on-demand"
"""``InitializationType.on_demand`` (a StrEnum): compared by value, so that installing
this does not import LocalStack's Lambda service before its first use."""


def max_environments() -> int:
    value = os.environ.get("SFNLOCAL_MAX_ENVIRONMENTS")
    if value is not None and value.strip():
        return max(0, int(value))
    return max(2, len(os.sched_getaffinity(0)))


def wait_seconds() -> float:
    return float(os.environ.get("SFNLOCAL_ENVIRONMENT_WAIT_SECONDS") or DEFAULT_WAIT_SECONDS)


def bounded_get_environment(limit: int, wait: float):
    """The wrapper of ``get_environment``: at most ``limit`` on-demand environments in use."""
    lock = threading.Lock()
    slots: dict[str, threading.BoundedSemaphore] = {}

    def slot_of(version_manager_id: str) -> threading.BoundedSemaphore:
        with lock:
            if version_manager_id not in slots:
                slots[version_manager_id] = threading.BoundedSemaphore(limit)
            return slots[version_manager_id]

    @contextlib.contextmanager
    def get_environment(original, self, version_manager_id, function_version, provisioning_type):
        if provisioning_type != ON_DEMAND:
            with original(self, version_manager_id, function_version, provisioning_type) as env:
                yield env
            return
        slot = slot_of(version_manager_id)
        acquired = slot.acquire(timeout=wait)
        if not acquired:
            LOG.debug("%s: all %d environments busy for %.0f s", version_manager_id, limit, wait)
        try:
            with original(self, version_manager_id, function_version, provisioning_type) as env:
                yield env
        finally:
            if acquired:
                slot.release()

    return get_environment


def install() -> None:
    limit, wait = max_environments(), wait_seconds()
    if limit > 0:
        GET_ENVIRONMENT.patch(bounded_get_environment(limit, wait))
