"""The in-memory clients speed-up turns LocalStack's IN_MEMORY_CLIENT on, with the
endpoint patch it needs, in the engine's own LocalStack (a falsy setting included)."""

from __future__ import annotations

import json
import subprocess

CHECK_TIMEOUT = 120

INSTALL_THEN_UNDO = """
import json
import localstack.aws.client as client
import localstack.config as config
from localstack.utils.patch import Patch
from sfnlocal.in_localstack.speedups import in_memory_clients

seen = {"before": [config.IN_MEMORY_CLIENT, client.botocore_in_memory_endpoint_patch.is_applied]}
in_memory_clients.install()
seen["installed"] = [config.IN_MEMORY_CLIENT, client.botocore_in_memory_endpoint_patch.is_applied]
for patch in reversed(list(Patch.applied_patches)):
    patch.undo()
seen["undone"] = [getattr(config, "IN_MEMORY_CLIENT", "deleted")]
print(json.dumps(seen))
"""


def test_installing_turns_the_setting_and_its_endpoint_patch_on_and_undo_restores_false(
    engine_python: str,
):
    # GIVEN the engine's environment, with LocalStack's IN_MEMORY_CLIENT off (its default)

    # WHEN the speed-up is installed there, then every patch undone
    result = subprocess.run(
        [engine_python, "-c", INSTALL_THEN_UNDO],
        capture_output=True,
        text=True,
        timeout=CHECK_TIMEOUT,
        check=False,
        env={"IN_MEMORY_CLIENT": "0", "PATH": ""},
    )

    # THEN the setting and the endpoint patch were on, and undo gave back False, not nothing
    assert result.returncode == 0, result.stdout + result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {
        "before": [False, False],
        "installed": [True, True],
        "undone": [False],
    }
