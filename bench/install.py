"""MiniStack's virtual environment: made from requirements/bench.txt (hash-locked),
rebuilt only when that lock changes, with the same tools as scripts/setup-envs."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from bench.errors import BenchmarkError

INSTALL_TIMEOUT = 600


def ministack_venv(repo_root: Path) -> Path:
    return repo_root / ".engine" / "bench" / "ministack"


def ensure_ministack(repo_root: Path, log=print) -> Path:
    """The venv holding MiniStack, created or refreshed from the lock."""
    lock = repo_root / "requirements" / "bench.txt"
    venv = ministack_venv(repo_root)
    stamp = hashlib.sha256(lock.read_bytes()).hexdigest()
    stamp_file = venv / ".lock-stamp"
    if stamp_file.is_file() and stamp_file.read_text().strip() == stamp:
        return venv
    python = _python313(repo_root)
    uv = repo_root / ".venv" / "bin" / "uv"
    if not uv.exists():
        raise BenchmarkError(f"{uv} is missing: run 'make envs' first")
    log(f"==> MiniStack environment ({venv.relative_to(repo_root)}, from {lock.name})")
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    _run([python, "-m", "venv", str(venv)], "create MiniStack's virtual environment")
    _run(
        [
            str(uv),
            "pip",
            "sync",
            "--quiet",
            "--python",
            str(venv / "bin" / "python"),
            "--require-hashes",
            str(lock),
        ],
        f"install {lock.name} into {venv}",
    )
    stamp_file.write_text(stamp + "\n")
    return venv


def _python313(repo_root: Path) -> str:
    result = subprocess.run(
        [str(repo_root / "scripts" / "find-python"), "3.13", "--exact"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0 or not result.stdout.strip():
        # MiniStack supports 3.10+; the same 3.12 fallback as scripts/setup-envs.
        result = subprocess.run(
            [str(repo_root / "scripts" / "find-python"), "3.12"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    if result.returncode != 0 or not result.stdout.strip():
        raise BenchmarkError("no Python >= 3.12 found for MiniStack (set PYTHON=...)")
    return result.stdout.strip()


def _run(command: list[str], what: str) -> None:
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise BenchmarkError(f"waited {INSTALL_TIMEOUT} s to {what}") from None
    if result.returncode != 0:
        raise BenchmarkError(f"could not {what}:\n{result.stdout}{result.stderr}")
