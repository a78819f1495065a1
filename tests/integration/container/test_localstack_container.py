"""The image as testcontainers users use it: `LocalStackContainer(image=...)`,
nothing mounted, a region of the container's own."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from sfnlocal.engine.compose import IMAGE, ComposeStack, docker_available
from sfnlocal.sample.outputs import Outputs
from sfnlocal.workflow.connection import Connection
from tests.support.stacks import REPO_ROOT
from tests.support.workflow import ReportCollector, Workflow

pytestmark = [pytest.mark.integration, pytest.mark.docker]

REGION = "us-west-1"
"""testcontainers' default region, given explicitly: not the project's us-east-1."""
START_TIMEOUT = 180


@pytest.fixture(scope="module")
def image() -> str:
    if not docker_available():
        pytest.skip("needs a Docker engine; none answers")
    ComposeStack().build()  # this checkout's image (cached when unchanged)
    return IMAGE


@pytest.fixture
def no_reaper(monkeypatch) -> None:
    """testcontainers' reaper image cannot be pulled offline; `with` removes the container."""
    from testcontainers.core.config import testcontainers_config

    monkeypatch.setattr(testcontainers_config, "ryuk_disabled", True)


def localstack_container(image: str):
    from testcontainers.community.localstack import LocalStackContainer

    return LocalStackContainer(image=image, region_name=REGION)


@contextmanager
def running(container) -> Iterator:
    """`with container:` as users write it, with a start deadline for a loaded machine."""
    container.start(timeout=START_TIMEOUT)
    try:
        yield container
    finally:
        container.stop()


@pytest.fixture
def started(image, no_reaper) -> Iterator:
    with running(localstack_container(image)) as localstack:
        yield localstack


def test_the_image_alone_deploys_the_sample_and_runs_a_buy(started):
    # GIVEN LocalStackContainer(image=...) started, nothing mounted, in us-west-1
    localstack = started
    # THEN the sample is deployed once start() returned, its ARNs in the container's region
    outputs = Outputs.from_stack(localstack.get_url(), "sfnlocal", region=REGION)
    assert outputs.state_machine_arn == (
        f"arn:aws:states:{REGION}:000000000000:stateMachine:sfnlocal-StockTrading"
    )
    assert all(f":{REGION}:" in function.arn for function in outputs.functions.values())
    # WHEN a buy execution runs through the container's own clients
    reports = ReportCollector.subscribe(Connection(outputs))
    try:
        workflow = Workflow(localstack.get_client("stepfunctions"), outputs.state_machine_arn)
        execution = workflow.run({"stock_price": 20})
        # THEN it buys, approved by the approver Lambda, and reports the trade on the topic
        assert execution.status == "SUCCEEDED", execution.cause
        assert "Buy Stock" in execution.states_entered()
        assert "Sell Stock" not in execution.states_entered()
        report = reports.message(execution.output["MessageId"])
        assert report["Input"]["type"] == "buy" and report["Input"]["price"] == "20"
    finally:
        reports.close()


def test_the_image_carries_the_service_catalog_index(image):
    # GIVEN the image, WHEN its engine's Python looks for LocalStack's service catalog index
    script = (
        "from localstack.aws.spec import _get_catalog_filename; "
        "from sfnlocal.in_localstack.speedups.service_catalog import shared_cache_dir; "
        "print((shared_cache_dir() / _get_catalog_filename()).is_file())"
    )
    result = subprocess.run(
        ["docker", "run", "--rm", image, "/opt/engine/bin/python", "-c", script],
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
    )
    # THEN it was built with the image: no container start builds it again (8 s each)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_mounted_documents_override_the_built_in_ones(image, no_reaper, tmp_path):
    # GIVEN a developer's edited copy of the state machine, mounted over the image's
    mounted = tmp_path / "statemachine"
    shutil.copytree(REPO_ROOT / "statemachine", mounted)
    mounted.chmod(0o755)
    asl = mounted / "stock_trading.asl.json"
    definition = json.loads(asl.read_text())
    asl.write_text(json.dumps({"Comment": "edited in the checkout", **definition}, indent=2))
    container = localstack_container(image).with_volume_mapping(
        str(mounted), "/opt/app/statemachine", "ro"
    )
    # WHEN the container starts
    with running(container) as localstack:
        outputs = Outputs.from_stack(localstack.get_url(), "sfnlocal", region=REGION)
        deployed = localstack.get_client("stepfunctions").describe_state_machine(
            stateMachineArn=outputs.state_machine_arn
        )
    # THEN the mounted document is the one deployed
    assert json.loads(deployed["definition"])["Comment"] == "edited in the checkout"
