"""Fixtures shared by the unit tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A private copy of the repository's documents that a test may break."""
    for folder in ("lambdas", "statemachine", "iam"):
        shutil.copytree(
            REPO_ROOT / folder,
            tmp_path / folder,
            ignore=shutil.ignore_patterns("__pycache__", "node_modules"),
        )
    return tmp_path


@pytest.fixture(autouse=True)
def _no_mock_config_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks read SFN_MOCK_CONFIG; a developer's own must not leak into the unit tests."""
    monkeypatch.delenv("SFN_MOCK_CONFIG", raising=False)
