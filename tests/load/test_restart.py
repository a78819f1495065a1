"""The stack stopped in the middle of executions and started again.

The engine keeps no state across a restart (LocalStack without persistence):
the init hook deploys the sample again from the repository's documents, so
every resource of the documents is back, with the same names and ARNs; what
was only in the engine is gone: executions (finished or in flight), messages
on the queues, and anything created by hand.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from sfnlocal.clients import DEFAULT_REGION, StackClients
from sfnlocal.engine import processes
from sfnlocal.engine.compose import docker_available
from sfnlocal.engine.embedded import EmbeddedEngine
from sfnlocal.engine.health import wait_until_ready
from sfnlocal.engine.ports import free_port
from sfnlocal.engine.settings import EngineSettings
from sfnlocal.sample.outputs import Outputs
from sfnlocal.waiting import wait_for
from sfnlocal.workflow.connection import Connection
from tests.support.stacks import container_stack
from tests.support.trust import BulkReports, engine_processes, identities, still_running
from tests.support.workflow import Workflow

pytestmark = pytest.mark.integration

READY_TIMEOUT = 300
PARKED_PRICES = (10, 90, 40)


def _approver_mapping(lambda_, outputs: dict) -> dict:
    mappings = lambda_.list_event_source_mappings(
        FunctionName=outputs.functions["ApproveRequest"].name
    )["EventSourceMappings"]
    assert len(mappings) == 1, mappings
    return mappings[0]


def _park_executions(clients: StackClients, outputs: dict) -> dict[str, object]:
    """Executions in flight: some waiting at the approval step, some just started.

    The approver's queue trigger is disabled, so the approval requests wait on the queue.
    """
    lambda_, sqs = clients.lambda_, clients.sqs
    mapping = _approver_mapping(lambda_, outputs)
    lambda_.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)
    wait_for(
        lambda: _approver_mapping(lambda_, outputs)["State"] == "Disabled",
        60,
        "the approver's trigger disabled",
    )
    workflow = Workflow(Connection(outputs))
    parked = [workflow.start({"stock_price": price}) for price in PARKED_PRICES]

    def waiting_for_approval() -> bool:
        attributes = sqs.get_queue_attributes(
            QueueUrl=outputs.queue_url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) == len(PARKED_PRICES)

    wait_for(waiting_for_approval, 60, "the parked executions' approval requests")
    just_started = [workflow.start({"stock_price": 60}) for _ in range(5)]
    return {"parked": parked, "just started": just_started}


def _assert_redeployed_and_forgetful(
    clients: StackClients, before: Outputs, in_flight: dict
) -> Outputs:
    """After the restart: the documents' resources are back, the engine's state is gone."""
    lambda_, sfn, sqs = clients.lambda_, clients.sfn, clients.sqs
    after = Outputs.from_stack(clients.endpoint, before.prefix)
    # The init hook deployed every resource of the documents again, under the same ARNs.
    for key in ("state_machine_arn", "queue_arn", "dlq_arn", "topic_arn"):
        assert getattr(after, key) == getattr(before, key), key
    assert after.functions == before.functions
    assert _approver_mapping(lambda_, after)["State"] == "Enabled"
    # The executions in flight are lost: they no longer exist, and nothing ran them on.
    for arns in in_flight.values():
        for arn in arns:
            with pytest.raises(ClientError) as raised:
                sfn.describe_execution(executionArn=arn)
            assert raised.value.response["Error"]["Code"] == "ExecutionDoesNotExist"
    assert sfn.list_executions(stateMachineArn=after.state_machine_arn)["executions"] == []
    # So are the messages that were waiting on the approval queue.
    counts = sqs.get_queue_attributes(
        QueueUrl=after.queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert set(counts.values()) == {"0"}, counts
    return after


def _assert_serves(outputs: Outputs) -> None:
    """A new execution runs end to end and reports its trade."""
    reports = BulkReports.subscribe(Connection(outputs))
    try:
        execution = Workflow(Connection(outputs)).run({"stock_price": 77})
        assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
        message_id = execution.output["MessageId"]
        trade = reports.messages([message_id], timeout=30)[message_id]["Input"]
        assert (trade["price"], trade["type"]) == ("77", "sell")
    finally:
        reports.close()


@pytest.fixture
def engine(tmp_path) -> Iterator[EmbeddedEngine]:
    """An embedded engine of the test's own: it is stopped and started again."""
    engine = EmbeddedEngine(EngineSettings(port=free_port(), state_dir_override=tmp_path))
    engine.start(READY_TIMEOUT)
    yield engine
    engine.stop()


def test_an_embedded_stack_restarted_mid_execution_comes_back_deployed_without_its_state(
    engine, measurements
):
    settings = engine.settings
    clients = StackClients(settings.endpoint, DEFAULT_REGION)
    before = Outputs.from_stack(settings.endpoint, settings.prefix)
    # GIVEN executions in flight, and a queue created by hand
    in_flight = _park_executions(clients, before)
    clients.client("sqs").create_queue(QueueName=f"by-hand-{uuid.uuid4().hex[:8]}")
    tree = identities([engine.pid(), *processes.descendants(engine.pid())])
    log_size = settings.log_file.stat().st_size
    # WHEN the engine is stopped in the middle of them
    started = time.monotonic()
    assert engine.stop()
    stop_seconds = time.monotonic() - started
    # THEN it and every process it started (Lambda runtimes included) are gone
    assert still_running(tree) == []
    # WHEN it is started again
    started = time.monotonic()
    engine.start(READY_TIMEOUT)
    start_seconds = time.monotonic() - started
    # THEN the documents' resources are back, the executions and messages are not
    outputs = _assert_redeployed_and_forgetful(clients, before, in_flight)
    queues = clients.client("sqs").list_queues().get("QueueUrls", [])
    assert not [url for url in queues if "/by-hand-" in url]
    # AND what lives outside the engine survived: its log (appended to), the outputs file
    assert settings.log_file.stat().st_size > log_size
    assert json.loads(settings.outputs_file.read_text())["state_machine_arn"] == (
        outputs.state_machine_arn
    )
    # AND the stack serves again
    _assert_serves(outputs)
    measurements(
        "embedded restart",
        {"stop_s": round(stop_seconds, 1), "start_and_redeploy_s": round(start_seconds, 1)},
    )


@pytest.fixture
def container_endpoint(tmp_path) -> Iterator[str]:
    """A container stack of the test's own (a Compose project of its own, on a free port)."""
    if not docker_available():
        pytest.skip("no Docker engine with Compose v2 answers")
    for endpoint, _ in container_stack(tmp_path):
        yield endpoint


def test_a_container_stack_restarted_mid_execution_comes_back_deployed_without_its_state(
    container_endpoint, measurements
):
    found = engine_processes(container_endpoint)
    assert found is not None and found.kind == "container", found
    clients = StackClients(container_endpoint, DEFAULT_REGION)
    before = Outputs.from_stack(container_endpoint, EngineSettings().prefix)
    # GIVEN executions in flight on the container stack
    in_flight = _park_executions(clients, before)
    # WHEN its container is stopped and started again (docker stop / docker start)
    started = time.monotonic()
    found.container.stop(timeout=30)
    stop_seconds = time.monotonic() - started
    found.container.reload()
    assert found.container.status == "exited"
    started = time.monotonic()
    found.container.start()
    wait_until_ready(container_endpoint, READY_TIMEOUT)
    start_seconds = time.monotonic() - started
    # THEN the documents' resources are back, the executions and messages are not
    outputs = _assert_redeployed_and_forgetful(clients, before, in_flight)
    # AND the stack serves again
    _assert_serves(outputs)
    measurements(
        "container restart",
        {"stop_s": round(stop_seconds, 1), "start_and_redeploy_s": round(start_seconds, 1)},
    )
