"""The LocalStack hook that installs the fixes and the speed-ups (entry point group
``localstack.hooks.on_infra_start``, declared in pyproject.toml)."""

from __future__ import annotations

import importlib
import logging
import os

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)

FIXES: tuple[str, ...] = (
    "choice_no_match",
    "branch_states_errors",
    "sfn_names",
    "execution_names",
    "sfn_metrics",
    "lambda_start_limit",
    "jsonata",
    "mocked_states_errors",
    "unsupported_runtime",
    "sdk_metadata",
    "redrive_fields",
    "assign_string_literals",
    "executions_snapshot",
    "keep_alive",
    "metric_statistics_snapshot",
)
"""Modules of ``fixes/``, in order: AWS behaviour LocalStack 2026.3.0 gets wrong."""

# In order: settings first; patches of modules LocalStack has not imported yet
# wait for their import (see lazy.py).
SPEEDUPS = (
    "switch_interval",
    "in_memory_clients",
    "twisted_gateway",
    "service_catalog",
    "esm_wakeup",
    "esm_concurrency",
    "jsonpath_cache",
    "sfn_clients",
    "sfn_events",
    "sfn_programs",
    "lambda_active",
    "prewarm",
    "environment_pool",
    "lambda_timers",
    "lambda_logs",
    "metrics_batching",
    "preload",
    "gc_freeze",
)

GROUPS = {"fixes": FIXES, "speedups": SPEEDUPS}


def _off(variable: str) -> bool:
    return os.environ.get(variable, "1").strip().lower() in ("0", "false", "no")


def patch_modules() -> list[str]:
    """Every patch module's import name (what the signature check imports)."""
    return [
        f"sfnlocal.in_localstack.{group}.{name}"
        for group, names in GROUPS.items()
        for name in names
    ]


def install(group: str) -> None:
    switch = f"SFNLOCAL_{group.upper()}"
    if _off(switch):
        LOG.info("sfnlocal %s disabled (%s=0)", group, switch)
        return
    off = {name.strip() for name in os.environ.get(f"{switch}_OFF", "").split(",")}
    for name in GROUPS[group]:
        if name in off:
            LOG.info("sfnlocal %s %s disabled (%s_OFF)", group, name, switch)
            continue
        try:
            importlib.import_module(f"sfnlocal.in_localstack.{group}.{name}").install()
        except Exception:  # a patch must never stop the engine from starting
            LOG.exception("sfnlocal %s %s not installed", group, name)


@hooks.on_infra_start()
def sfnlocal_patches() -> None:
    install("fixes")
    install("speedups")
