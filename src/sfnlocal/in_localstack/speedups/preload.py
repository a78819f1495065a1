"""Import the sample's LocalStack services while the engine waits anyway.

LocalStack loads a service at its first request. Step Functions imports about
340 modules (its ANTLR grammars among them): 2.2 s in the middle of the
deploy, when the init hook creates the state machine; Lambda about 1 s at the
first function; SNS, SQS and IAM 0.4 to 0.6 s each, one after the other at the
deploy's first calls. Once the gateway answers, the engine mostly waits: for
the init hook's Python to start, for the deploy's first requests. This imports
those services' modules then, in one background thread, in the order the
deploy needs them, so the deploy finds them loaded (SNS, SQS and IAM too: the
deploy 10.3 s -> 8.9 s, `make up` 15.8 s -> 13.5 s, means of three interleaved
runs of ``python -m bench --engines sfnlocal``). Only the imports: each
service still starts at its first request, as LocalStack does it.
(``EAGER_SERVICE_LOADING`` would start every service before the gateway
answers instead.)
"""

from __future__ import annotations

import importlib
import logging
import threading

LOG = logging.getLogger(__name__)
READY_TIMEOUT_SECONDS = 300
MODULES = (  # in the order the deploy first calls them
    "localstack.services.sns.provider",
    "localstack.services.sqs.provider",
    "localstack.services.iam.provider",
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
