"""Every fix and speed-up finds the LocalStack symbol it was written for."""

from __future__ import annotations

import json
import subprocess

from sfnlocal.engine.settings import EngineSettings


def test_every_patch_target_has_the_signature_its_patch_expects():
    # GIVEN the engine's environment  WHEN the patch targets are checked (nothing is patched)
    result = subprocess.run(
        [str(EngineSettings().engine_python), "-m", "sfnlocal.in_localstack.patching"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # THEN none is missing or changed, the mocked-error fix's among them
    targets = json.loads(result.stdout)
    assert result.returncode == 0, {name: why for name, why in targets.items() if why}
    assert any(
        name.endswith("local_mock_eval_utils._eval_mocked_response_throw") for name in targets
    )
