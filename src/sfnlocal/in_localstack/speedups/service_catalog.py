"""Build LocalStack's service catalog index once per engine install, outside the engine.

At its first request LocalStack's gateway needs the index of every AWS service
and operation (to route requests). Without a cached index file in its state
folder it builds one from all of botocore's ~400 service models, inside the
engine process: seconds on the first request, and the engine keeps ~380 MiB of
heap it never gives back (RSS 120 -> 500 MiB before any service is used).
Each new state folder (every test engine, every `make clean`) pays it again.

This builds the index (a few hundred KiB) in a separate process, once per
engine environment (LocalStack and botocore versions name the file), keeps it
beside that environment, and copies it into the engine's cache folder before
the gateway serves. The engine then loads the small index instead. An install
step can build it ahead: ``<engine python> -m sfnlocal.in_localstack.speedups.service_catalog``.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

LOG = logging.getLogger(__name__)

BUILD_TIMEOUT_SECONDS = 120
BUILD_SCRIPT = (
    "import sys; from localstack.aws.spec import build_service_index_cache as b; b(sys.argv[1])"
)


def shared_cache_dir() -> Path:
    """Beside the engine's environment: made again with it, shared by its engines."""
    return Path(sys.prefix) / "var" / "sfnlocal-cache"


def install() -> None:
    from localstack import config
    from localstack.aws.spec import _get_catalog_filename

    name = _get_catalog_filename()
    static = Path(config.dirs.static_libs) / name
    target_dir = Path(config.dirs.cache)
    target = target_dir / name
    if static.exists() or target.exists():
        return  # LocalStack loads it (the image's, or this state folder's)
    shared = shared_cache_dir() / name
    if shared.exists() or _build(shared):
        target_dir.mkdir(parents=True, exist_ok=True)
        _copy_atomically(shared, target)
        LOG.debug("service catalog index copied from %s", shared)
    elif _build(target):  # a read-only engine environment (an image): this state folder's
        LOG.debug("service catalog index built in %s", target)
    # else LocalStack builds it itself, as without this module


def _build(path: Path) -> bool:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
            built = Path(scratch) / path.name
            subprocess.run(
                [sys.executable, "-c", BUILD_SCRIPT, str(built)],
                check=True,
                capture_output=True,
                timeout=BUILD_TIMEOUT_SECONDS,
                env={**os.environ, "LOCALSTACK_CLI": "0"},
            )
            _copy_atomically(built, path)
        return True
    except (OSError, subprocess.SubprocessError) as error:
        LOG.debug("could not build LocalStack's service catalog index in %s: %s", path, error)
        return False


def _copy_atomically(source: Path, target: Path) -> None:
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def prebuild() -> Path | None:
    """Builds the shared index now (as an install step would); its path, or None."""
    from localstack.aws.spec import _get_catalog_filename

    shared = shared_cache_dir() / _get_catalog_filename()
    return shared if shared.exists() or _build(shared) else None


if __name__ == "__main__":  # the engine's python -m sfnlocal.in_localstack.speedups.service_catalog
    built = prebuild()
    print(f"LocalStack service catalog index: {built or 'not built (see the warning above)'}")
    sys.exit(0 if built else 1)
