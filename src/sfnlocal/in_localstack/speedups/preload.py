"""Import the sample's heavy LocalStack services while the engine waits anyway.

LocalStack loads a service at its first request. Step Functions imports about
340 modules (its ANTLR grammars among them): 2.2 s in the middle of the
deploy, when the init hook creates the state machine; Lambda about 1 s at the
first function. Once the gateway answers, the engine mostly waits: for the
init hook's Python to start, for the deploy's first requests. This imports
those services' modules then, in one background thread, so the deploy finds
them loaded. (Only the imports: each service still starts at its first
request, as LocalStack does it. ``EAGER_SERVICE_LOADING`` would start every
service before the gateway answers instead.)
"""

from __future__ import annotations

import importlib
import logging
import threading

LOG = logging.getLogger(__name__)
READY_TIMEOUT_SECONDS = 300
MODULES = (
    "localstack.services.lambda_.provider",
    "localstack.services.stepfunctions.provider",
)


def _preload() -> None:
    from localstack import config
    from localstack.utils import net, sync

    # Once the gateway answers (LocalStack's own test for it): the init hooks,
    # which deploy the sample, start then, and the ready event only follows them.
    port = config.GATEWAY_LISTEN[0].port
    if not sync.poll_condition(
        lambda: net.is_port_open(port), timeout=READY_TIMEOUT_SECONDS, interval=0.1
    ):
        return
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception as error:  # LocalStack imports it itself later, and says why not
            LOG.debug("could not preload %s: %s", name, error)


def install() -> None:
    threading.Thread(target=_preload, name="sfnlocal-preload", daemon=True).start()
