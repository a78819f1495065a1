"""The LocalStack hook that installs the speed-ups (entry point group
``localstack.hooks.on_infra_start``, declared in pyproject.toml)."""

from __future__ import annotations

import importlib
import logging
import os

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)

# In order: settings first; patches of modules LocalStack has not imported yet
# wait for their import (see lazy.py).
SPEEDUPS = (
    "switch_interval",
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
    "metrics_batching",
    "preload",
    "gc_freeze",
)


@hooks.on_infra_start()
def sfnlocal_speedups() -> None:
    if os.environ.get("SFNLOCAL_SPEEDUPS", "1").strip().lower() in ("0", "false", "no"):
        LOG.info("sfnlocal speed-ups disabled (SFNLOCAL_SPEEDUPS=0)")
        return
    off = {name.strip() for name in os.environ.get("SFNLOCAL_SPEEDUPS_OFF", "").split(",")}
    for name in SPEEDUPS:
        if name in off:
            LOG.info("sfnlocal speed-up %s disabled (SFNLOCAL_SPEEDUPS_OFF)", name)
            continue
        try:
            importlib.import_module(f"sfnlocal.engine.speedups.{name}").install()
        except Exception:  # a speed-up must never stop the engine from starting
            LOG.exception("sfnlocal speed-up %s not installed", name)
