"""up, down, status, logs, deploy: the stack's lifecycle."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import typer

from sfnlocal.cli import console_commands, target
from sfnlocal.cli.console import console, fail, user_errors
from sfnlocal.engine.embedded import START_TIMEOUT
from sfnlocal.engine.reach import require_stack
from sfnlocal.engine.settings import SAMPLE_MOCKS, EngineSettings
from sfnlocal.engine.stack import Stack, StackMode, choose_mode
from sfnlocal.errors import UserError
from sfnlocal.sample.documents import state_machine_path
from sfnlocal.sample.outputs import Outputs


@user_errors
def up(
    stack: str = typer.Option(
        os.environ.get("STACK", "auto"), help="auto, embedded or container", show_default=True
    ),
    timeout: float = typer.Option(START_TIMEOUT, help="seconds to wait until ready"),
) -> None:
    """Start the stack and wait until every resource is deployed."""
    if target.explicit_endpoint():
        raise UserError(
            "'up' starts a stack on this machine: it takes no --endpoint",
            fix="choose its port with LOCALSTACK_PORT=<port> make up",
        )
    settings = target.settings()
    asl_path = state_machine_path(settings.state_machine)  # a wrong STATE_MACHINE, before starting
    mode, why = choose_mode(stack)
    _check_documents(settings, mode)
    console.print(f"Starting the [bold]{mode}[/] stack ({why}) on {settings.endpoint} ...")
    started = time.perf_counter()
    Stack(settings).up(mode, timeout)
    elapsed = time.perf_counter() - started
    console.print(f"[green]Ready[/] in {elapsed:.1f} s: {mode} stack at {settings.endpoint}")
    # The embedded engine's deploy has just written its outputs on this machine.
    written = settings.outputs_file if mode is StackMode.EMBEDDED else None
    _print_usage(settings, asl_path, written)
    console_commands.start_with_stack(settings)  # the web console (src/sfnlocal/console)


def _check_documents(settings: EngineSettings, mode: StackMode) -> None:
    """The deploy's checks, mock configuration included, before anything starts."""
    from sfnlocal.deploy.deployer import prepare

    mocks = settings.mock_config_at_start()
    if mocks is None and mode is StackMode.CONTAINER:
        raise UserError(
            f"the container stack reads its mocked test cases from {SAMPLE_MOCKS}, "
            "which is missing",
            fix=f"restore it ('git checkout {SAMPLE_MOCKS}') or name yours: "
            "'SFN_MOCK_CONFIG=FILE make up'",
        )
    plan = prepare(settings.repo_root, settings.prefix, settings.state_machine, mocks)
    if plan.mocks:
        console.print(f"Mocked test cases from {mocks} (<stateMachineArn>#<TestCase>)")


def usage_lines(
    outputs: Outputs, approval_mode: str, asl_path: object = None, approver: str | None = None
) -> list[str]:
    """What 'make up' prints last: the state machine and commands that work pasted."""
    execution_input = """'{"stock_price": 20}'"""
    return [
        f"State machine: {outputs.state_machine_arn}" + (f" (from {asl_path})" if asl_path else ""),
        f"Approval mode: {approval_mode}",
        *([approver] if approver else []),
        "Start an execution and follow it:",
        "  make run PRICE=20",
        "or with the AWS CLI (or .venv/bin/awslocal), from this folder:",
        '  eval "$(make -s env)"',
        f"  .venv/bin/aws stepfunctions start-execution --state-machine-arn "
        f"{outputs.state_machine_arn} --input {execution_input}",
    ]


def _print_usage(
    settings: EngineSettings, asl_path: str | None = None, written: Path | None = None
) -> None:
    """The usage lines; from the outputs file ``written`` when it reads (half a second
    fewer than asking the stack again), else from the stack."""
    try:
        outputs = _read_outputs(written) or Outputs.from_stack(
            settings.endpoint, settings.prefix, region=settings.region
        )
    except UserError as error:
        fail(error.problem, "read the deploy's output in 'make logs', fix it, then 'make deploy'")
    approver = _approver_line(outputs)
    for line in usage_lines(outputs, settings.approval_mode, asl_path, approver):
        console.print(line, soft_wrap=True, markup=False)


def _read_outputs(path: Path | None) -> Outputs | None:
    try:
        return Outputs.read(path) if path else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _approver_line(outputs: Outputs) -> str | None:
    """Which approver answers the queue, and how to pick the other one."""
    approver = outputs.functions.get("ApproveRequest")
    if approver is None:
        return None
    runtime = outputs.clients().lambda_.get_function_configuration(FunctionName=approver.name)[
        "Runtime"
    ]
    other = "" if runtime.startswith("nodejs") else "; APPROVER=node: the seed's Node.js one"
    return f"Approver: {approver.name} ({runtime}{other})"


@user_errors
def down() -> None:
    """Stop the stack and every process it started."""
    console_stopped = console_commands.stop_with_stack()
    stack = Stack()
    mode = stack.down()
    if mode is None and console_stopped:
        return
    if mode is None:
        fail("no stack of this checkout is running", "nothing to stop ('make status' shows it)")
    console.print(f"Stopped the {mode} stack.")


@user_errors
def status() -> None:
    """Say whether the stack runs, where, and whether it is ready (exit 0 only when ready)."""
    report = Stack(target.settings()).status()
    console.print(report.describe(), soft_wrap=True, markup=False)
    console_commands.print_status()
    raise typer.Exit(report.exit_code)


@user_errors
def logs(follow: bool = typer.Option(False, "--follow", "-f", help="keep printing")) -> None:
    """Print the engine's log."""
    stack = Stack(target.settings())
    mode = stack.running_mode()
    if mode is StackMode.CONTAINER:
        stack.container.logs(follow)
        return
    log_file = stack.settings.log_file
    if not log_file.exists():
        fail(f"no log at {log_file}", "start the stack with 'make up'")
    subprocess.run(["tail", *(["-F"] if follow else ["-n", "200"]), str(log_file)], check=False)


@user_errors
def deploy() -> None:
    """Deploy (again) to the running stack: create what is missing, update what changed."""
    settings = target.settings()
    require_stack(settings, ready=False)
    Stack(settings).check_mock_config()
    from sfnlocal.deploy import deploy as run_deploy

    outputs_path = settings.outputs_file
    run_deploy(
        endpoint_url=settings.endpoint,
        prefix=settings.prefix,
        region=settings.region,
        repo_root=settings.repo_root,
        outputs_path=outputs_path,
        state_machine=settings.state_machine,
        mock_config=settings.mock_config,
    )
    console.print(f"[green]Deployed[/]; outputs in {outputs_path}")
