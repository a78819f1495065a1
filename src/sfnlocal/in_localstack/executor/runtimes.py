"""Which Lambda runtimes this executor can run, and where each one lives.

Each supported runtime is a folder named after it under
``LAMBDA_PROCESS_RUNTIMES_DIR``, holding what a Lambda execution environment
holds for it:

- ``python3.13/``: a virtual environment (``bin/python``) with the runtime
  interface client (awslambdaric) and the SDK (boto3);
- ``nodejs22.x/``: ``bin/node`` (that Node.js) and ``node_modules/`` with the
  runtime interface client (aws-lambda-ric) and AWS SDK v3 clients.

``scripts/setup-envs`` (host) and the Dockerfile (image) create them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

RUNTIMES_DIR_VARIABLE = "LAMBDA_PROCESS_RUNTIMES_DIR"

LANGUAGES = {"python": "python", "nodejs": "node"}
"""Runtime name prefix -> the executable its folder holds under ``bin/``."""


class UnsupportedRuntimeError(Exception):
    pass


@dataclass(frozen=True)
class Runtime:
    name: str
    """The Lambda runtime identifier, e.g. ``nodejs22.x``."""
    language: str
    """``python`` or ``nodejs``."""
    directory: Path

    @property
    def executable(self) -> Path:
        return self.directory / "bin" / LANGUAGES[self.language]


def runtimes_dir() -> Path:
    value = os.environ.get(RUNTIMES_DIR_VARIABLE)
    if not value:
        raise UnsupportedRuntimeError(
            f"{RUNTIMES_DIR_VARIABLE} is not set: the local process executor does not know "
            "where the Lambda runtime environments are (run 'make up', which sets it)"
        )
    return Path(value)


def language_of(runtime: str) -> str | None:
    for language in LANGUAGES:
        if runtime.startswith(language):
            return language
    return None


def available_runtimes() -> list[str]:
    """The runtimes whose folder holds the executable of its language, sorted."""
    try:
        root = runtimes_dir()
    except UnsupportedRuntimeError:
        return []
    if not root.is_dir():
        return []
    found = []
    for folder in root.iterdir():
        language = language_of(folder.name)
        if language and Runtime(folder.name, language, folder).executable.exists():
            found.append(folder.name)
    return sorted(found)


def installing_note(runtime: str | None) -> str:
    """A note when ``runtime``'s language is being installed in the background (the
    marker ``<language>.installing`` that scripts/setup-envs leaves meanwhile), or ""."""
    language = language_of(runtime or "")
    try:
        marker = runtimes_dir() / f"{language}.installing"
    except UnsupportedRuntimeError:
        return ""
    if not language or not marker.is_file():
        return ""
    return (
        f" The {language} runtimes are being installed in the background (log: "
        f"{marker.read_text().strip()}): 'make envs' waits for them; then try again."
    )


def unsupported_message(runtime: str | None) -> str:
    available = available_runtimes()
    return (
        f"Runtime {runtime or '(none: container image)'!s} is not supported by the local "
        f"process executor; supported runtimes here: {', '.join(available) or 'none'}"
    ) + installing_note(runtime)


def find_runtime(runtime: str | None) -> Runtime:
    """The runtime's folder, or an error that names it and the runtimes that run here."""
    if runtime and runtime in available_runtimes():
        language = language_of(runtime)
        assert language is not None
        return Runtime(runtime, language, runtimes_dir() / runtime)
    raise UnsupportedRuntimeError(unsupported_message(runtime))
