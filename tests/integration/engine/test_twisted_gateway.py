"""The twisted gateway speed-up, in the engine's own LocalStack: twisted listens on the
address GATEWAY_LISTEN names (not every interface), and only then replaces hypercorn."""

from __future__ import annotations

import json
import subprocess

import pytest

from sfnlocal.engine.ports import free_port
from sfnlocal.waiting import wait_for
from tests.support.trust import listeners

CHECK_TIMEOUT = 120

REGISTER_THEN_LIST = """
import json, sys
import localstack.config as config
from localstack.runtime.server.twisted import TwistedRuntimeServer
from localstack.utils.patch import Patch
from rolo.gateway import Gateway
from sfnlocal.in_localstack.speedups import twisted_gateway

seen = {"before": config.GATEWAY_SERVER}
twisted_gateway.install()
seen["installed"] = config.GATEWAY_SERVER
listen = [config.HostAndPort(host="127.0.0.1", port=int(sys.argv[1]))]
TwistedRuntimeServer().register(Gateway(), listen)
print(json.dumps(seen), flush=True)
sys.stdin.readline()  # listening until the test has looked
for patch in reversed(list(Patch.applied_patches)):
    patch.undo()
print(json.dumps({"undone": config.GATEWAY_SERVER}), flush=True)
"""


def test_twisted_listens_on_the_listen_address_only_and_replaces_hypercorn(engine_python: str):
    # GIVEN the engine's environment set up as the embedded engine is: hypercorn on loopback
    port = free_port()
    with subprocess.Popen(
        [engine_python, "-c", REGISTER_THEN_LIST, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"GATEWAY_SERVER": "hypercorn", "PATH": ""},
    ) as engine:
        try:
            # WHEN the speed-up is installed and twisted's server registers the gateway
            bound = wait_for(
                lambda: [str(item) for item in listeners() if item.port == port],
                CHECK_TIMEOUT,
                f"the engine's Python to listen on port {port}",
                done=lambda found: bool(found) or engine.poll() is not None,
            )
            out, err = engine.communicate("\n", timeout=CHECK_TIMEOUT)
        finally:
            engine.kill()
    assert engine.returncode == 0, out + err
    seen, undone = (json.loads(line) for line in out.strip().splitlines()[-2:])

    # THEN twisted replaced hypercorn, it listened on 127.0.0.1 alone, and undo restored hypercorn
    assert (seen["before"], seen["installed"]) == ("hypercorn", "twisted")
    assert bound == [f"127.0.0.1:{port}"]
    assert undone == {"undone": "hypercorn"}


@pytest.mark.parametrize("configured", ["twisted", "werkzeug"])
def test_a_gateway_server_other_than_hypercorn_is_left_as_configured(
    configured: str, engine_python: str
):
    # GIVEN the engine's environment with another gateway server configured
    script = (
        "import localstack.config as config\n"
        "from sfnlocal.in_localstack.speedups import twisted_gateway\n"
        "twisted_gateway.install()\n"
        "print(config.GATEWAY_SERVER)\n"
    )

    # WHEN the speed-up is installed
    result = subprocess.run(
        [engine_python, "-c", script],
        capture_output=True,
        text=True,
        timeout=CHECK_TIMEOUT,
        check=False,
        env={"GATEWAY_SERVER": configured, "PATH": ""},
    )

    # THEN that server stays
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == configured
