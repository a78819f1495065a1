"""Every symbol the fixes and speed-ups patch exists in the engine's LocalStack with the
signature its patch was written for (else the patch would be skipped at start)."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess

from sfnlocal.in_localstack import fixes, patching, speedups

CHECK_TIMEOUT = 300


def declared_targets() -> set[str]:
    """The targets the patch modules declare, seen from the tooling's side (no LocalStack)."""
    for package in (fixes, speedups):
        for module in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)
    return {str(target) for target in patching.TARGETS}


def test_every_patch_target_exists_in_the_engine_with_its_expected_signature(engine_python: str):
    # GIVEN the engine's environment, with LocalStack as requirements/engine.txt pins it

    # WHEN the patch check runs there (it imports every patch module, applies none)
    result = subprocess.run(
        [engine_python, "-m", "sfnlocal.in_localstack.patching"],
        capture_output=True,
        text=True,
        timeout=CHECK_TIMEOUT,
        check=False,
    )

    # THEN it names no problem, and it checked every target the modules declare
    assert result.returncode == 0, result.stdout + result.stderr
    checked = json.loads(result.stdout)
    assert {target: problem for target, problem in checked.items() if problem} == {}
    assert set(checked) == declared_targets()
