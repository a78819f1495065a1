"""Every command that cannot reach the stack, or reaches something that is not
it, says so in one line with a fix and a non-zero exit, never a traceback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import typer
from botocore.exceptions import ClientError, EndpointConnectionError

from sfnlocal.cli.console import user_errors
from sfnlocal.engine.ports import free_port
from sfnlocal.engine.settings import SERVICES

COMMANDS = [
    ["run", "--price", "20"],
    ["executions"],
    ["history", "run-1"],
    ["graph", "run-1"],
    ["results", "--timeout", "1"],
    ["approvals", "list"],
    ["approvals", "approve", "run-1"],
    ["approvals", "mode", "manual"],
    ["deploy"],
    ["env"],
]


def sfnlocal(*args: str, port: int, state_dir, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SFNLOCAL_")}
    environment.update(
        {"LOCALSTACK_PORT": str(port), "SFNLOCAL_STATE_DIR": str(state_dir), "COLUMNS": "200"}
    )
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "sfnlocal.cli.main", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_one_line_and_a_fix(result: subprocess.CompletedProcess, problem: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith("error: ") and problem in lines[0], result.stderr
    assert lines[1].startswith("fix: "), result.stderr
    assert result.stdout == ""


class Serving:
    """An HTTP server on a free loopback port, in a thread, for one test."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Serving:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class NotFound(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_error(404)

    def log_message(self, *args: object) -> None:
        pass


class StartingLocalStack(BaseHTTPRequestHandler):
    """Answers like LocalStack whose init hook is still deploying."""

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/_localstack/health":
            body = {"services": dict.fromkeys(SERVICES.split(","), "running"), "version": "x"}
        elif self.path == "/_localstack/init/ready":
            script = {"stage": "READY", "name": "10-deploy-sample.sh", "state": "RUNNING"}
            body = {"completed": False, "scripts": [script]}
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def not_http() -> Iterator[int]:
    """A TCP server that answers every connection with a line that is not HTTP."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.sendall(b"SSH-2.0-OpenSSH_9.9\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    listener.close()


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_nothing_on_the_port_is_one_line_and_a_fix(command, tmp_path):
    port = free_port()
    result = sfnlocal(*command, port=port, state_dir=tmp_path)
    assert_one_line_and_a_fix(result, f"no stack is running at http://127.0.0.1:{port}")
    assert "make up" in result.stderr


@pytest.mark.parametrize("command", [["executions"], ["run"], ["env"]], ids=" ".join)
def test_a_server_that_is_not_localstack_is_named(command, tmp_path):
    with Serving(NotFound) as server:
        result = sfnlocal(*command, port=server.port, state_dir=tmp_path)
    assert_one_line_and_a_fix(result, "but it is not LocalStack (GET /_localstack/health answers")
    assert "LOCALSTACK_PORT=<port> make up" in result.stderr


def test_a_port_that_does_not_speak_http_is_named(tmp_path, not_http):
    result = sfnlocal("executions", port=not_http, state_dir=tmp_path)
    assert_one_line_and_a_fix(result, "it does not speak HTTP")


def test_a_stack_still_deploying_is_not_used_yet(tmp_path):
    with Serving(StartingLocalStack) as server:
        result = sfnlocal("executions", port=server.port, state_dir=tmp_path)
    assert_one_line_and_a_fix(result, "is still starting (init scripts still running")
    assert "make status" in result.stderr


def test_status_of_a_stack_not_ready_exits_non_zero_and_says_why(tmp_path):
    # GIVEN this checkout's embedded engine runs (a live pid) but is still deploying
    (tmp_path / "localstack.pid").write_text(str(os.getpid()))
    with Serving(StartingLocalStack) as server:
        result = sfnlocal("status", port=server.port, state_dir=tmp_path)
    assert result.returncode == 1
    assert "NOT ready: still deploying (init scripts still running: 10-deploy-sample.sh)" in (
        result.stdout
    )


def test_status_without_a_stack_exits_3(tmp_path):
    result = sfnlocal("status", port=free_port(), state_dir=tmp_path)
    assert result.returncode == 3
    assert "no stack is running" in result.stdout


def test_debug_shows_the_traceback_then_the_line(tmp_path):
    result = sfnlocal("--debug", "executions", port=free_port(), state_dir=tmp_path)
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert "error: no stack is running" in result.stderr


def test_debug_from_the_environment_for_make(tmp_path):
    result = sfnlocal("executions", port=free_port(), state_dir=tmp_path, SFNLOCAL_DEBUG="1")
    assert "Traceback" in result.stderr


def test_up_takes_no_endpoint(tmp_path):
    endpoint = "http://127.0.0.1:1"
    result = sfnlocal("--endpoint", endpoint, "up", port=free_port(), state_dir=tmp_path)
    assert_one_line_and_a_fix(result, "takes no --endpoint")


def test_a_connection_lost_during_a_command_is_one_line(capsys):
    # GIVEN a command that loses the stack half-way (botocore cannot connect any more)
    @user_errors
    def command() -> None:
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:4566/")

    # WHEN it runs  THEN it exits 1 with one line and a fix
    with pytest.raises(typer.Exit) as exited:
        command()
    assert exited.value.exit_code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: lost the connection to the stack")
    assert "fix: is it still running? 'make status'" in err
    assert "Traceback" not in err


def test_an_unexpected_aws_error_is_one_line(capsys):
    @user_errors
    def command() -> None:
        raise ClientError({"Error": {"Code": "Throttling", "Message": "slow down"}}, "ListThings")

    with pytest.raises(typer.Exit):
        command()
    err = capsys.readouterr().err
    assert "refused ListThings: Throttling: slow down" in err
    assert "--debug" in err
