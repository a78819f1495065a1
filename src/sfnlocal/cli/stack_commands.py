"""up, down, status, logs, deploy: the stack's lifecycle."""

from __future__ import annotations

import os
import subprocess
import time

import typer

from sfnlocal.cli.console import console, fail, user_errors
from sfnlocal.engine.embedded import START_TIMEOUT
from sfnlocal.engine.settings import SAMPLE_MOCKS, EngineSettings
from sfnlocal.engine.stack import Stack, StackMode, choose_mode
from sfnlocal.errors import UserError
from sfnlocal.sample.outputs import Outputs


@user_errors
def up(
    stack: str = typer.Option(
        os.environ.get("STACK", "auto"), help="auto, embedded or container", show_default=True
    ),
    timeout: float = typer.Option(START_TIMEOUT, help="seconds to wait until ready"),
) -> None:
    """Start the stack and wait until every resource is deployed."""
    settings = EngineSettings()
    mode, why = choose_mode(stack)
    _check_documents(settings, mode)
    console.print(f"Starting the [bold]{mode}[/] stack ({why}) on {settings.endpoint} ...")
    started = time.perf_counter()
    Stack(settings).up(mode, timeout)
    elapsed = time.perf_counter() - started
    console.print(f"[green]Ready[/] in {elapsed:.1f} s: {mode} stack at {settings.endpoint}")
    _print_usage(settings)


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
    plan = prepare(settings.repo_root, settings.prefix, mocks)
    if plan.mocks:
        console.print(f"Mocked test cases from {mocks} (<stateMachineArn>#<TestCase>)")


def _print_usage(settings: EngineSettings) -> None:
    try:
        outputs = Outputs.from_stack(settings.endpoint, settings.prefix)
    except UserError as error:
        fail(error.problem, "read the deploy's output in 'make logs', fix it, then 'make deploy'")
    arn = outputs.state_machine_arn
    console.print(f"State machine: {arn}")
    console.print(f"Approval mode: {settings.approval_mode}")
    console.print("Start an execution:")
    console.print("  make run PRICE=20        # or, with the AWS CLI (credentials test/test):")
    console.print(
        f"  aws --endpoint-url {settings.endpoint} --region {outputs.region} "
        f"stepfunctions start-execution --state-machine-arn {arn} "
        """--input '{"stock_price": 20}'""",
        soft_wrap=True,
    )


@user_errors
def down() -> None:
    """Stop the stack and every process it started."""
    stack = Stack()
    mode = stack.down()
    if mode is None:
        fail("no stack of this checkout is running", "nothing to stop ('make status' shows it)")
    console.print(f"Stopped the {mode} stack.")


@user_errors
def status() -> None:
    """Say whether the stack runs, where, and whether it is ready."""
    stack = Stack()
    console.print(stack.describe())
    if stack.running_mode() is None:
        raise typer.Exit(3)


@user_errors
def logs(follow: bool = typer.Option(False, "--follow", "-f", help="keep printing")) -> None:
    """Print the engine's log."""
    stack = Stack()
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
    settings = EngineSettings()
    stack = Stack(settings)
    stack.require_running()
    stack.check_mock_config()
    from sfnlocal.deploy import deploy as run_deploy

    outputs_path = settings.state_dir / "outputs.json"
    run_deploy(
        endpoint_url=settings.endpoint,
        prefix=settings.prefix,
        repo_root=settings.repo_root,
        outputs_path=outputs_path,
        mock_config=settings.mock_config,
    )
    console.print(f"[green]Deployed[/]; outputs in {outputs_path}")
