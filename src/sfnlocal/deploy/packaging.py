"""Deterministic deployment packages: a function folder plus the shared package.

The zip holds the function folder's files at its root (so ``app.py`` is
top-level) and ``lambdas/shared/`` as ``shared/``. Entries are sorted, with a
fixed timestamp and mode, and stored uncompressed (deflate output can differ
between zlib builds): the same files give the same bytes on every machine, so
comparing SHA-256 with Lambda's CodeSha256 tells whether the code changed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from sfnlocal.sample.documents import FUNCTION_SPEC

FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # regular file, rw-r--r--
SHARED_PACKAGE = "shared"

_SKIP_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
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


def package_entries(function_dir: Path, shared_dir: Path) -> list[tuple[str, Path]]:
    """The zip's entries ``(name in the zip, file)``, sorted by name."""
    entries = dict(_files(function_dir, skip_top={FUNCTION_SPEC, SHARED_PACKAGE}))
    for relative, path in _files(shared_dir, skip_top=set()):
        entries[f"{SHARED_PACKAGE}/{relative}"] = path
    return sorted(entries.items())


def build_package(function_dir: Path, shared_dir: Path) -> bytes:
    """The function's deployment package (zip) as bytes; the same files give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, path in package_entries(function_dir, shared_dir):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.create_system = 3  # Unix, so that external_attr means a mode
            info.external_attr = FILE_MODE << 16
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def code_sha256(package: bytes) -> str:
    """The package's SHA-256 as Lambda reports it in CodeSha256 (base64)."""
    return base64.b64encode(hashlib.sha256(package).digest()).decode("ascii")
