"""Deterministic deployment packages: a function folder plus the shared package.

The zip holds the function folder's files at its root (so ``app.py`` is
top-level) and, for a Python function, ``lambdas/shared/`` as ``shared/``.
Entries are sorted, with a fixed timestamp and mode, and stored uncompressed
(deflate output can differ between zlib builds): the same files give the same
bytes on every machine, so comparing SHA-256 with Lambda's CodeSha256 tells
whether the code changed.

A Node.js function's ``node_modules/`` (installed by ``make envs`` from its
lock) comes along, as on AWS, and is the one part deflated: dependency trees
are large (the AWS SDK for JavaScript v2 is over 100 MB, above the 50 MB a
zipped upload may have). Its bytes are stable on one machine; another zlib may
give other bytes, and then a redeploy from there uploads the same code again.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from sfnlocal.sample.documents import FUNCTION_SPEC

from .errors import DeployError

FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # regular file, rw-r--r--
SHARED_PACKAGE = "shared"

_SKIP_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
NODE_MODULES = "node_modules"
DEFLATE_LEVEL = 6
_SKIP_SUFFIXES = {".pyc", ".pyo"}


def _files(root: Path, skip_top: set[str]) -> Iterator[tuple[str, Path]]:
    """``(path relative to root, file)`` for the files to pack, in a stable order."""
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        parts = relative.parts
        if any(part in _SKIP_DIRS or part.startswith(".") for part in parts):
            continue
        if len(parts) == 1 and parts[0] in skip_top:
            continue
        if path.is_file() and path.suffix not in _SKIP_SUFFIXES:
            yield relative.as_posix(), path


def package_entries(function_dir: Path, shared_dir: Path | None) -> list[tuple[str, Path]]:
    """The zip's entries ``(name in the zip, file)``, sorted by name.

    ``shared_dir``: the shared Python package, for a Python function; None for another.
    """
    entries = dict(_files(function_dir, skip_top={FUNCTION_SPEC, SHARED_PACKAGE}))
    for relative, path in _files(shared_dir, skip_top=set()) if shared_dir else ():
        entries[f"{SHARED_PACKAGE}/{relative}"] = path
    return sorted(entries.items())


def build_package(function_dir: Path, shared_dir: Path | None) -> bytes:
    """The function's deployment package (zip) as bytes; the same files give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, path in package_entries(function_dir, shared_dir):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.create_system = 3  # Unix, so that external_attr means a mode
            info.external_attr = FILE_MODE << 16
            deflate = name.startswith(f"{NODE_MODULES}/")
            info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
            archive.writestr(
                info, path.read_bytes(), compresslevel=DEFLATE_LEVEL if deflate else None
            )
    return buffer.getvalue()


def code_sha256(package: bytes) -> str:
    """The package's SHA-256 as Lambda reports it in CodeSha256 (base64)."""
    return base64.b64encode(hashlib.sha256(package).digest()).decode("ascii")


NODE_LOCK = "package-lock.json"
NODE_STAMP = ".lock-stamp"
"""Written into node_modules/ by scripts/setup-envs: the SHA-256 of package.json + its lock."""


def check_node_modules(function_dir: Path, label: str) -> None:
    """A Node.js function with a lock must have its node_modules, installed from that lock.

    Raises:
        DeployError: they are missing or were installed from another lock.
    """
    lock = function_dir / NODE_LOCK
    if not lock.is_file():
        return
    wanted = hashlib.sha256((function_dir / "package.json").read_bytes() + lock.read_bytes())
    stamp = function_dir / NODE_MODULES / NODE_STAMP
    try:
        installed = stamp.read_text().strip()
    except OSError:
        installed = None
    if installed != wanted.hexdigest():
        state = "has no node_modules" if installed is None else "has node_modules of another lock"
        raise DeployError(
            f"{label} {state}: its package would lack its dependencies",
            fix="run 'make envs' (it installs them with npm ci from the lock), then deploy again",
        )
