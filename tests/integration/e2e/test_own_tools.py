"""The tools users bring, pointed at the stack by `sfnlocal env`: the AWS CLI,
awslocal, localstack-client, boto3; and the hint `make up` prints, pasted."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sfnlocal.cli import stack_commands
from sfnlocal.cli.console import console
from sfnlocal.engine.settings import EngineSettings
from sfnlocal.sample.outputs import Outputs
from tests.support.stacks import REPO_ROOT

pytestmark = pytest.mark.integration

VENV_BIN = REPO_ROOT / ".venv" / "bin"


def user_shell_environment(stack) -> dict[str, str]:
    """The test's environment as a user's shell has it: the venv not activated."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SFNLOCAL_"))}
    env.pop("VIRTUAL_ENV", None)
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != str(VENV_BIN)]
    return {**env, "PATH": os.pathsep.join(path), **stack.env}


def bash(script: str, stack, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=REPO_ROOT,
        env=user_shell_environment(stack),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def env_lines(stack) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, "-m", "sfnlocal.cli.main", "env"],
        env=user_shell_environment(stack),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    exports = [line for line in result.stdout.splitlines() if line.startswith("export ")]
    return dict(line.removeprefix("export ").split("=", 1) for line in exports)


def test_env_exports_the_stack_its_region_and_the_test_credentials(stack):
    exported = env_lines(stack)
    assert exported["AWS_ENDPOINT_URL"] == stack.endpoint
    assert exported["AWS_DEFAULT_REGION"] == exported["AWS_REGION"] == stack.outputs.region
    assert (exported["AWS_ACCESS_KEY_ID"], exported["AWS_SECRET_ACCESS_KEY"]) == ("test", "test")
    assert exported["AWS_DISABLE_HOST_PREFIX_INJECTION"] == "true"


def test_after_make_env_the_aws_cli_and_awslocal_reach_the_stack(stack):
    # GIVEN a shell that evaluated `make -s env`
    # WHEN the AWS CLI and awslocal are used with no endpoint of their own
    result = bash(
        f"""eval "$(make -s env)"
        .venv/bin/aws stepfunctions describe-state-machine \\
            --state-machine-arn {stack.outputs.state_machine_arn} --query name --output text
        .venv/bin/awslocal sns list-topics --query 'Topics[].TopicArn' --output text
        .venv/bin/aws stepfunctions test-state --role-arn {stack.outputs.roles["StateMachine"]} \\
            --definition '{{"Type": "Pass", "Result": {{"ok": 1}}, "End": true}}' \\
            --query status --output text
        """,
        stack,
    )
    # THEN they reach this stack: its state machine, its topic, and TestState
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split()
    assert lines[0] == stack.outputs.state_machine_name
    assert stack.outputs.topic_arn in lines
    assert lines[-1] == "SUCCEEDED"


def test_localstack_client_and_boto3_reach_the_stack_from_the_environment(stack):
    script = f"""eval "$(make -s env)"
    .venv/bin/python - <<'EOF'
import boto3
from localstack_client.session import Session

sfn = Session().client("stepfunctions")
print(sfn.meta.endpoint_url)
print(" ".join(m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]))
print(boto3.client("sqs").get_queue_url(QueueName="{stack.outputs.queue_name}")["QueueUrl"])
EOF
    """
    result = bash(script, stack)
    assert result.returncode == 0, result.stderr
    endpoint, machines, queue_url = result.stdout.splitlines()
    assert endpoint == stack.endpoint
    assert stack.outputs.state_machine_arn in machines.split()
    assert queue_url.endswith(stack.outputs.queue_name)


def test_the_hint_make_up_prints_works_pasted(stack, workflow):
    # GIVEN what `make up` prints for this stack
    lines = stack_commands.usage_lines(stack.outputs, "auto")
    pasted = lines[lines.index("or with the AWS CLI (or .venv/bin/awslocal), from this folder:") :]
    # WHEN a user pastes its commands, as they are, into a shell in the checkout
    result = bash(
        "\n".join(line.strip() for line in pasted[1:]) + " --query executionArn --output text",
        stack,
    )
    # THEN an execution starts, and it succeeds
    assert result.returncode == 0, result.stderr
    assert workflow.wait(result.stdout.strip()).status == "SUCCEEDED"


def test_the_hint_keeps_each_line_whole_in_a_narrow_terminal(stack, monkeypatch):
    settings = EngineSettings(endpoint_url=stack.endpoint, region=stack.outputs.region)
    monkeypatch.setattr(console, "width", 40)
    with console.capture() as captured:
        stack_commands._print_usage(settings)
    printed = captured.get().splitlines()
    assert f"State machine: {stack.outputs.state_machine_arn}" in printed
    assert any(line.endswith("""--input '{"stock_price": 20}'""") for line in printed)


def test_make_up_prints_the_outputs_its_deploy_wrote(stack, tmp_path):
    # GIVEN the outputs file a deploy wrote (the embedded engine's init hook writes one)
    settings = EngineSettings(endpoint_url=stack.endpoint, region=stack.outputs.region)
    written = tmp_path / "outputs.json"
    from_the_file = stack.outputs.state_machine_arn + "-as-written"
    outputs = {**stack.outputs.to_json(), "state_machine_arn": from_the_file}
    Outputs.from_json(outputs).write(written)
    # WHEN 'make up' prints its usage lines from it
    with console.capture() as captured:
        stack_commands._print_usage(settings, written=written)
    # THEN they name what the file says, and the approver the stack runs
    printed = captured.get().splitlines()
    assert f"State machine: {from_the_file}" in printed
    assert any(line.startswith("Approver: ") for line in printed)


def test_an_unreadable_outputs_file_is_read_back_from_the_stack(stack, tmp_path):
    settings = EngineSettings(endpoint_url=stack.endpoint, region=stack.outputs.region)
    written = tmp_path / "outputs.json"
    written.write_text("{not json", encoding="utf-8")
    with console.capture() as captured:
        stack_commands._print_usage(settings, written=written)
    assert f"State machine: {stack.outputs.state_machine_arn}" in captured.get().splitlines()


def test_a_localstack_without_the_sample_is_not_taken_for_it(stack):
    result = subprocess.run(
        [sys.executable, "-m", "sfnlocal.cli.main", "executions"],
        env={**user_shell_environment(stack), "DEPLOY_PREFIX": "nosuchprefix"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"the sample is not deployed at {stack.endpoint} with prefix 'nosuchprefix'" in (
        result.stderr
    )
    assert "fix: " in result.stderr
