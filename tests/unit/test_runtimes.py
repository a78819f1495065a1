"""Which Lambda runtimes the local process executor runs, and with which executable.

How each language's process starts, and the runtimes found beside each other,
are in test_launchers.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from sfnlocal.in_localstack.executor.runtimes import (
    RUNTIMES_DIR_VARIABLE,
    UnsupportedRuntimeError,
    find_runtime,
)


@pytest.fixture
def runtimes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A runtimes folder holding python3.12 and python3.13 environments."""
    for runtime in ("python3.12", "python3.13"):
        python = tmp_path / runtime / "bin" / "python"
        python.parent.mkdir(parents=True)
        python.touch()
    (tmp_path / "nodejs20.x").mkdir()  # no bin/node: not a runtime this executor runs
    monkeypatch.setenv(RUNTIMES_DIR_VARIABLE, str(tmp_path))
    return tmp_path


def test_a_supported_runtime_runs_with_its_own_environments_python(runtimes):
    assert find_runtime("python3.13").executable == runtimes / "python3.13" / "bin" / "python"


def test_a_runtime_folder_without_its_executable_is_not_supported(runtimes):
    with pytest.raises(UnsupportedRuntimeError) as error:
        find_runtime("nodejs20.x")

    assert "Runtime nodejs20.x is not supported" in str(error.value)
    assert "supported runtimes here: python3.12, python3.13" in str(error.value)


def test_a_container_image_function_is_named_as_such(runtimes):
    with pytest.raises(UnsupportedRuntimeError, match=r"\(none: container image\)"):
        find_runtime(None)


def test_without_a_runtimes_folder_nothing_is_supported(monkeypatch):
    monkeypatch.delenv(RUNTIMES_DIR_VARIABLE, raising=False)

    with pytest.raises(UnsupportedRuntimeError, match="supported runtimes here: none"):
        find_runtime("python3.13")
