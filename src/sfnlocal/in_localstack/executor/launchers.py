"""How each language's runtime process is started: its command line and environment.

The executor adds what every runtime gets (the Runtime API's address, the
function's variables, LAMBDA_TASK_ROOT); this module adds what one language
needs on top, as that language's Lambda runtime sets it up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import sfnlocal.in_lambda
from sfnlocal.in_localstack.executor.runtimes import Runtime

NODE_SUPPORT_DIR = Path(sfnlocal.in_lambda.__file__).parent / "nodejs"
NODE_BOOTSTRAP = NODE_SUPPORT_DIR / "bootstrap.mjs"
"""Starts aws-lambda-ric on the handler, as the Node.js runtime's own bootstrap does."""
NODE_PRELOAD = NODE_SUPPORT_DIR / "sdk-v2-endpoint.cjs"
"""Points AWS SDK for JavaScript v2 at AWS_ENDPOINT_URL (SDK v3 reads it itself)."""


@dataclass(frozen=True)
class Launch:
    command: list[str]
    env: dict[str, str]
    """Set on top of the executor's environment for the process."""


def python(runtime: Runtime, handler: str, code_dir: Path, env: Mapping[str, str]) -> Launch:
    return Launch(
        [str(runtime.executable), "-m", "awslambdaric", handler],
        {
            "PYTHONPATH": str(code_dir),
            "PYTHONUNBUFFERED": "1",
            # Nothing written into the code folder (as /var/task is read-only on
            # AWS); the runtime environments hold bytecode from their setup.
            "PYTHONDONTWRITEBYTECODE": "1",
        },
    )


def nodejs(runtime: Runtime, handler: str, code_dir: Path, env: Mapping[str, str]) -> Launch:
    # Lambda's NODE_PATH: the runtime's modules (the SDK), then the function's folder.
    node_path = [str(runtime.directory / "node_modules"), str(code_dir)]
    # A function may set NODE_OPTIONS of its own (as on AWS): the preload goes first.
    node_options = " ".join(filter(None, [f'--require="{NODE_PRELOAD}"', env.get("NODE_OPTIONS")]))
    return Launch(
        [str(runtime.executable), str(NODE_BOOTSTRAP), handler],
        {
            "NODE_PATH": ":".join(node_path),
            "NODE_OPTIONS": node_options,
            "LAMBDA_RUNTIME_DIR": str(runtime.directory),
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{runtime.name}",
        },
    )


LAUNCHERS = {"python": python, "nodejs": nodejs}


def launch_for(runtime: Runtime, handler: str, code_dir: Path, env: Mapping[str, str]) -> Launch:
    """The command line and extra environment of a runtime process for ``handler``.

    ``env`` is the function's environment so far (LocalStack's and the user's variables).
    """
    return LAUNCHERS[runtime.language](runtime, handler, code_dir, env)
