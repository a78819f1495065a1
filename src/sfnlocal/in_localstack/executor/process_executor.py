"""A LocalStack runtime executor that runs each execution environment as a
local process: the function's runtime (Python or Node.js), driven by AWS's own
runtime interface client for that language (awslambdaric, aws-lambda-ric)
against a Runtime API served here. ``launchers.py`` holds what differs by language.

It replaces LocalStack's Docker executor, which needs a Docker socket, runtime
images from a registry and a runtime binary from the internet.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import UTC, datetime
from pathlib import Path

from localstack import config
from localstack.services.lambda_.invocation.lambda_models import FunctionVersion, InvocationResult
from localstack.services.lambda_.invocation.runtime_executor import RuntimeExecutor

from sfnlocal.in_localstack.executor.launchers import launch_for
from sfnlocal.in_localstack.executor.output_capture import OutputCapture
from sfnlocal.in_localstack.executor.runtime_api import Invocation, RuntimeApiServer
from sfnlocal.in_localstack.executor.runtimes import UnsupportedRuntimeError, find_runtime
from sfnlocal.in_localstack.executor.task_root import TaskRoot

LOG = logging.getLogger(__name__)

LOCALHOST = "127.0.0.1"
# Variables of the engine's own environment that a runtime process inherits.
INHERITED_VARIABLES = ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR")
STOP_GRACE_SECONDS = 2.0
INIT_LIMIT_SECONDS = 10.0
"""AWS's limit on a function's Init phase (the runtime's first GET /next ends it),
which does not count against the function's timeout.
https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html"""


class LocalProcessRuntimeExecutor(RuntimeExecutor):
    def __init__(self, id: str, function_version: FunctionVersion) -> None:
        super().__init__(id, function_version)
        self._lock = threading.Lock()
        self._env: dict[str, str] = {}
        self._api: RuntimeApiServer | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._output: OutputCapture | None = None
        # Set by the watcher thread; Popen.poll() can't tell while that thread waits.
        self._exited = threading.Event()
        self._unsupported: str | None = None
        self._init_duration_ms: float | None = None
        self._stopped = False

    # -- lifecycle ------------------------------------------------------------

    def start(self, env_vars: dict[str, str]) -> None:
        self._env = {key: str(value) for key, value in env_vars.items()}
        try:
            find_runtime(self.function_version.config.runtime)
        except UnsupportedRuntimeError as error:
            # On AWS an unusable runtime surfaces at invoke; keep that shape.
            self._unsupported = str(error)
            return
        self._launch()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            self._terminate()

    def _launch(self) -> None:
        """Starts a fresh runtime process and waits until it is ready (or failed)."""
        self._terminate()
        code_dir = Path(self.function_version.config.code.get_unzipped_code_location())
        task_root = TaskRoot(code_dir)
        self._api = RuntimeApiServer(task_root)
        env = {name: os.environ[name] for name in INHERITED_VARIABLES if name in os.environ}
        env.update(self._env)
        env.update(
            {
                "AWS_LAMBDA_RUNTIME_API": self._api.address,
                # The real folder, not /var/task: see task_root.py.
                "LAMBDA_TASK_ROOT": str(code_dir),
            }
        )
        runtime = find_runtime(self.function_version.config.runtime)
        launch = launch_for(runtime, self.function_version.config.handler, code_dir, env)
        env.update(launch.env)
        started = time.perf_counter()
        self._process = subprocess.Popen(
            launch.command,
            cwd=code_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._output = OutputCapture(os.dup(self._process.stdout.fileno()), task_root.text)
        self._process.stdout.close()
        self._exited = threading.Event()
        threading.Thread(
            target=self._watch,
            args=(self._process, self._api, self._exited),
            name="lambda-watch",
            daemon=True,
        ).start()
        deadline = time.monotonic() + INIT_LIMIT_SECONDS
        while not (self._api.ready.is_set() or self._api.init_failed.is_set()):
            if self._exited.is_set() or time.monotonic() > deadline:
                break
            self._api.ready.wait(0.01)
        self._init_duration_ms = (time.perf_counter() - started) * 1000
        LOG.debug("runtime %s ready in %.1f ms", self.id, self._init_duration_ms)

    @staticmethod
    def _watch(
        process: subprocess.Popen[bytes], api: RuntimeApiServer, exited: threading.Event
    ) -> None:
        """Fails the in-flight invocation when the runtime process dies under it."""
        code = process.wait()
        exited.set()
        if code < 0:
            reason = f"signal: {signal.Signals(-code).name.lower().removeprefix('sig')}"
        else:
            reason = f"exit status {code}"
        api.fail_in_flight(
            json.dumps(
                {
                    "errorType": "Runtime.ExitError",
                    "errorMessage": f"Error: Runtime exited with error: {reason}",
                }
            ).encode()
        )

    def _terminate(self) -> None:
        process, api = self._process, self._api
        self._process = self._api = None
        if process and not self._exited.is_set():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if api:
            api.close()

    # -- invoke ---------------------------------------------------------------

    def invoke(self, payload: dict[str, str]) -> InvocationResult:
        request_id = payload["invoke-id"]
        if self._unsupported:
            body = {"errorType": "Runtime.InvalidRuntime", "errorMessage": self._unsupported}
            return InvocationResult(request_id, json.dumps(body).encode(), True, self._unsupported)
        with self._lock:
            if self._stopped:
                raise RuntimeError(f"execution environment {self.id} is stopped")
            if self._process is None or self._exited.is_set():
                self._launch()  # a crashed, killed or timed-out runtime starts cold again
            init_duration = self._init_duration_ms
            self._init_duration_ms = None
            return self._invoke_started(payload, request_id, init_duration)

    def _invoke_started(
        self, payload: dict[str, str], request_id: str, init_duration: float | None
    ) -> InvocationResult:
        api, output, process, exited = self._api, self._output, self._process, self._exited
        assert api and output and process
        # A runtime still in its init past the limit gets the invocation anyway and
        # the function's timeout to take it (AWS runs such an init again at the
        # first invocation, under the function's timeout).
        if api.init_failed.is_set() or (exited.is_set() and not api.ready.is_set()):
            body = (
                api.init_error
                or json.dumps(
                    {
                        "errorType": "Runtime.Unknown",
                        "errorMessage": "Runtime failed to start: see the function's logs",
                    }
                ).encode()
            )
            logs = output.text()
            self._terminate()
            return InvocationResult(request_id, body, True, logs)

        timeout = float(self.function_version.config.timeout)
        position = output.mark() if init_duration is None else 0
        invocation = Invocation(
            request_id=request_id,
            function_arn=payload.get("invoked-function-arn", self.function_version.qualified_arn),
            payload=payload.get("payload", "").encode(),
            timeout_seconds=timeout,
            trace_id=payload.get("trace-id", ""),
        )
        started = time.perf_counter()
        api.submit(invocation)
        try:
            is_error, body = invocation.outcome()
            status = None
        except FutureTimeout:
            is_error, status = True, "timeout"
            message = f"Task timed out after {timeout:.2f} seconds"
            body = json.dumps(
                {
                    "errorType": "Sandbox.Timedout",
                    "errorMessage": f"RequestId: {request_id} Error: {message}",
                }
            ).encode()
        duration_ms = (time.perf_counter() - started) * 1000
        handler_lines = output.since(position)
        if status == "timeout":
            handler_lines.append(f"{_timestamp()} {request_id} {message}")
            self._terminate()
        elif exited.is_set():
            status = "error"
        logs = self._report(request_id, handler_lines, duration_ms, init_duration, process, status)
        return InvocationResult(request_id, body, is_error, logs)

    def _report(
        self,
        request_id: str,
        handler_lines: list[str],
        duration_ms: float,
        init_duration: float | None,
        process: subprocess.Popen[bytes],
        status: str | None,
    ) -> str:
        """The invocation's log text, framed as Lambda frames it in CloudWatch Logs."""
        memory = self.function_version.config.memory_size
        report = (
            f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\t"
            f"Billed Duration: {max(1, round(duration_ms + 0.5))} ms\t"
            f"Memory Size: {memory} MB\tMax Memory Used: {_peak_memory_mb(process.pid)} MB"
        )
        if init_duration is not None:
            report += f"\tInit Duration: {init_duration:.2f} ms"
        if status:
            report += f"\tStatus: {status}"
        version = self.function_version.id.qualifier
        lines = []
        if init_duration is not None:
            lines.append(f"INIT_START Runtime Version: {self.function_version.config.runtime}")
        lines += [f"START RequestId: {request_id} Version: {version}", *handler_lines]
        lines += [f"END RequestId: {request_id}", report]
        return "\n".join(lines) + "\n"

    # -- what LocalStack asks of every executor -------------------------------

    def get_address(self) -> str:
        return LOCALHOST

    def get_endpoint_from_executor(self) -> str:
        return LOCALHOST

    def get_runtime_endpoint(self) -> str:
        port = config.GATEWAY_LISTEN[0].port
        return f"http://{LOCALHOST}:{port}/_localstack_lambda/{self.id}"

    def get_logs(self) -> str:
        return self._output.text() if self._output else ""

    @classmethod
    def prepare_version(cls, function_version: FunctionVersion) -> None:
        if function_version.config.code:
            function_version.config.code.prepare_for_execution()

    @classmethod
    def cleanup_version(cls, function_version: FunctionVersion) -> None:
        # Nothing to undo: a configuration update makes a new version that shares
        # the old one's unzipped code, so deleting it here would break the new one
        # (LocalStack's Docker executor keeps the code too).
        pass


def _peak_memory_mb(pid: int) -> int:
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return 0


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
