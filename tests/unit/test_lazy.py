"""A patch waits for its module's first import, and never breaks that import."""

from __future__ import annotations

import importlib
import sys
import uuid
from pathlib import Path

import pytest

from sfnlocal.in_localstack.lazy import after_import


@pytest.fixture
def module_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A module nobody has imported yet."""
    name = f"sfnlocal_lazy_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{name}.py").write_text("VALUE = 'original'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


def test_the_callback_runs_when_the_module_is_first_imported(module_name):
    seen = []
    after_import(module_name, lambda module: seen.append(module.VALUE))
    assert seen == []

    importlib.import_module(module_name)

    assert seen == ["original"]


def test_the_patch_is_in_place_before_the_importer_reads_the_module(module_name):
    def patch(module):
        module.VALUE = "patched"

    after_import(module_name, patch)

    assert importlib.import_module(module_name).VALUE == "patched"


def test_a_module_imported_already_is_patched_at_once(module_name):
    module = importlib.import_module(module_name)
    seen = []

    after_import(module_name, seen.append)

    assert seen == [module]


def test_a_failing_callback_neither_breaks_the_import_nor_the_others(module_name, caplog):
    seen = []

    def broken(module):
        raise RuntimeError("a bug in the speed-up")

    after_import(module_name, broken)
    after_import(module_name, lambda module: seen.append("second"))

    assert importlib.import_module(module_name).VALUE == "original"
    assert seen == ["second"]
    assert f"patch of {module_name} failed" in caplog.text


def test_each_callback_runs_once(module_name):
    seen = []
    after_import(module_name, lambda module: seen.append("once"))
    importlib.import_module(module_name)

    sys.modules.pop(module_name)
    importlib.import_module(module_name)

    assert seen == ["once"]
