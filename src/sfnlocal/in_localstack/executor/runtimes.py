"""Which Lambda runtimes this executor can run, and with which interpreter.

Each supported runtime is a virtual environment named after it (for example
``python3.13/``) under ``LAMBDA_PROCESS_RUNTIMES_DIR``, holding the runtime
interface client and the SDK, as a Lambda execution environment does.
"""

from __future__ import annotations

import os
from pathlib import Path

RUNTIMES_DIR_VARIABLE = "LAMBDA_PROCESS_RUNTIMES_DIR"


class UnsupportedRuntimeError(Exception):
    pass


def runtimes_dir() -> Path:
    value = os.environ.get(RUNTIMES_DIR_VARIABLE)
    if not value:
        raise UnsupportedRuntimeError(
            f"{RUNTIMES_DIR_VARIABLE} is not set: the local process executor does not know "
            "where the Lambda runtime environments are (run 'make up', which sets it)"
        )
    return Path(value)


def available_runtimes() -> list[str]:
    try:
        root = runtimes_dir()
    except UnsupportedRuntimeError:
        return []
    return sorted(p.parent.parent.name for p in root.glob("*/bin/python"))


def interpreter_for(runtime: str | None) -> Path:
    """The Python interpreter for ``runtime``, or an error that names it."""
    available = available_runtimes()
    if runtime and runtime in available:
        return runtimes_dir() / runtime / "bin" / "python"
    raise UnsupportedRuntimeError(
        f"Runtime {runtime or '(none: container image)'!s} is not supported by the local "
        f"process executor; supported runtimes here: {', '.join(available) or 'none'}"
    )
