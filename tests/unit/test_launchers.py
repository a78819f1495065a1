"""Which runtimes the local process executor finds, and how it starts each language's process."""

from __future__ import annotations

from pathlib import Path

import pytest

from sfnlocal.in_localstack.executor.launchers import NODE_BOOTSTRAP, NODE_PRELOAD, launch_for
from sfnlocal.in_localstack.executor.runtimes import (
    UnsupportedRuntimeError,
    available_runtimes,
    find_runtime,
)


@pytest.fixture
def runtimes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A runtimes folder as scripts/setup-envs lays it out."""
    for name, executable in [
        ("python3.13", "python"),
        ("nodejs20.x", "node"),
        ("nodejs22.x", "node"),
        ("nodejs18.x", None),  # a folder without its executable runs nothing
        ("nodejs", None),  # the shared node_modules of the Node.js runtimes
    ]:
        (tmp_path / name / "bin").mkdir(parents=True)
        if executable:
            (tmp_path / name / "bin" / executable).touch()
    monkeypatch.setenv("LAMBDA_PROCESS_RUNTIMES_DIR", str(tmp_path))
    return tmp_path


def test_the_runtimes_with_their_executable_are_available(runtimes: Path):
    assert available_runtimes() == ["nodejs20.x", "nodejs22.x", "python3.13"]


def test_a_missing_runtime_is_named_with_those_that_run(runtimes: Path):
    with pytest.raises(UnsupportedRuntimeError) as raised:
        find_runtime("nodejs18.x")
    assert str(raised.value) == (
        "Runtime nodejs18.x is not supported by the local process executor; "
        "supported runtimes here: nodejs20.x, nodejs22.x, python3.13"
    )


def test_a_runtime_being_installed_in_the_background_says_so(runtimes: Path):
    # GIVEN the Node.js runtimes being built in the background (scripts/setup-envs' marker)
    (runtimes / "nodejs20.x" / "bin" / "node").unlink()
    (runtimes / "nodejs.installing").write_text(".engine/logs/node-setup.log\n")
    # WHEN a function asks for one THEN the refusal says to wait for them, and where to look
    with pytest.raises(UnsupportedRuntimeError) as raised:
        find_runtime("nodejs20.x")
    assert str(raised.value).endswith(
        " The nodejs runtimes are being installed in the background "
        "(log: .engine/logs/node-setup.log): 'make envs' waits for them; then try again."
    )
    # AND a Python runtime's refusal does not mention them
    with pytest.raises(UnsupportedRuntimeError) as raised:
        find_runtime("python3.9")
    assert "background" not in str(raised.value)


def test_python_runs_awslambdaric_on_the_handler(runtimes: Path, tmp_path: Path):
    launch = launch_for(find_runtime("python3.13"), "app.handler", tmp_path / "code", {})
    assert launch.command == [
        str(runtimes / "python3.13" / "bin" / "python"),
        "-m",
        "awslambdaric",
        "app.handler",
    ]
    assert launch.env["PYTHONPATH"] == str(tmp_path / "code")


def test_nodejs_runs_the_bootstrap_with_the_sdk_v2_preload(runtimes: Path, tmp_path: Path):
    code = tmp_path / "code"
    launch = launch_for(find_runtime("nodejs22.x"), "app.lambdaHandler", code, {})
    assert launch.command == [
        str(runtimes / "nodejs22.x" / "bin" / "node"),
        str(NODE_BOOTSTRAP),
        "app.lambdaHandler",
    ]
    # the runtime's modules (the SDK) resolve from the function's code, as on AWS
    assert launch.env["NODE_PATH"] == f"{runtimes / 'nodejs22.x' / 'node_modules'}:{code}"
    assert launch.env["NODE_OPTIONS"] == f'--require="{NODE_PRELOAD}"'
    assert launch.env["LAMBDA_RUNTIME_DIR"] == str(runtimes / "nodejs22.x")
    assert launch.env["AWS_EXECUTION_ENV"] == "AWS_Lambda_nodejs22.x"
    assert NODE_BOOTSTRAP.is_file() and NODE_PRELOAD.is_file()


def test_a_functions_own_node_options_are_kept(runtimes: Path, tmp_path: Path):
    env = {"NODE_OPTIONS": "--enable-source-maps"}
    launch = launch_for(find_runtime("nodejs20.x"), "app.handler", tmp_path, env)
    assert launch.env["NODE_OPTIONS"] == f'--require="{NODE_PRELOAD}" --enable-source-maps'
