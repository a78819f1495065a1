"""The engines under test, each started on a free loopback port with state of
its own, timed while starting, and stopped with every process it started.

- ``sfnlocal``: the project's embedded stack, started the way a user starts it
  (``make up`` with ``STACK=embedded``); its init hook deploys the sample.
- ``container``: the project's container stack (docker-compose.yml, the image
  ``make up`` would use, already built), brought up with the project's own
  compose code (:class:`sfnlocal.engine.compose.ComposeStack`) under a Compose
  project name of its own; its init hook deploys the sample.
- ``ministack``: MiniStack (pinned in requirements/bench.txt, in a virtual
  environment of the benchmark's own), started on the host; the benchmark then
  deploys the same sample to it with the project's deploy code.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import procs
from bench.cgroup import cgroup_memory
from bench.errors import BenchmarkError
from sfnlocal.clients import credentials_environment
from sfnlocal.console.process import ConsoleProcess
from sfnlocal.console.settings import ConsoleSettings
from sfnlocal.deploy import deploy
from sfnlocal.engine import compose, processes
from sfnlocal.engine.embedded import EmbeddedEngine
from sfnlocal.engine.ports import free_port
from sfnlocal.engine.readiness import probe
from sfnlocal.engine.settings import EngineSettings, clean_environment
from sfnlocal.errors import UserError
from sfnlocal.waiting import wait_for

LOCALHOST = "127.0.0.1"
PREFIX = "sfnlocal"
START_TIMEOUT = 300.0
DEPLOY_TIMEOUT = 300.0
ENVS_TIMEOUT = 900.0
POLL_SECONDS = 0.01  # the start figures are timed to this


def answers(url: str, timeout: float = 0.5) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback)
            response.read()
            return 200 <= response.status < 300
    except (OSError, ValueError):
        return False


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join([f"--- last lines of {path}", *text[-lines:]])


def _base_environment() -> dict[str, str]:
    return {**clean_environment(), **credentials_environment()}


def _wait_starting(probe: Callable[[], bool], what: str, log: Path) -> None:
    """Polls ``probe`` as often as the start figures are timed; the log's tail if it fails."""
    wait_for(
        probe,
        START_TIMEOUT,
        what,
        POLL_SECONDS,
        describe=lambda _: _tail(log),
        error=BenchmarkError,
    )


@dataclass
class StartFigures:
    launch_to_healthy_s: float
    deploy_s: float
    up_to_ready_s: float
    notes: dict[str, Any] = field(default_factory=dict)


class Sfnlocal:
    """The embedded stack, brought up by ``make up`` as a user would."""

    name = "sfnlocal"
    label = "sfnlocal (embedded)"

    def __init__(self, repo_root: Path, work_dir: Path) -> None:
        self.repo_root = repo_root
        self.port = free_port()
        # `make up` starts the console too: on a port of its own, stopped with the stack
        self.console = ConsoleSettings(port=free_port())
        self.state_dir = work_dir / "sfnlocal-state"
        self.log = work_dir / "sfnlocal-make-up.log"
        self.settings = EngineSettings(
            repo_root=repo_root, port=self.port, state_dir_override=self.state_dir, prefix=PREFIX
        )
        self.endpoint = self.settings.endpoint
        self._make: subprocess.Popen[bytes] | None = None

    def _environment(self) -> dict[str, str]:
        env = _base_environment()
        env.update(
            {
                "STACK": "embedded",
                "LOCALSTACK_PORT": str(self.port),
                "CONSOLE_PORT": str(self.console.port),
                "SFNLOCAL_STATE_DIR": str(self.state_dir),
                "DEPLOY_PREFIX": PREFIX,
                "APPROVAL_MODE": "auto",
                "READY_TIMEOUT": str(int(START_TIMEOUT)),
            }
        )
        return env

    def prepare(self) -> None:
        """``make envs``, untimed: the figure is `make up` with the environments installed."""
        try:
            result = subprocess.run(
                ["make", "--no-print-directory", "envs"],
                cwd=self.repo_root,
                env=self._environment(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=ENVS_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise BenchmarkError(f"waited {ENVS_TIMEOUT:.0f} s for 'make envs'") from None
        if result.returncode != 0:
            raise BenchmarkError(f"'make envs' failed:\n{result.stdout}{result.stderr}")
        # Part of installing the engine: LocalStack's service index, built once per
        # engine environment (src/sfnlocal/in_localstack/speedups/service_catalog.py).
        try:
            subprocess.run(
                [
                    str(self.settings.engine_python),
                    "-m",
                    "sfnlocal.in_localstack.speedups.service_catalog",
                ],
                cwd=self.repo_root,
                env=self._environment(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=ENVS_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise BenchmarkError(
                f"waited {ENVS_TIMEOUT:.0f} s for LocalStack's service index to build"
            ) from None

    def start(self) -> StartFigures:
        """Runs ``make up``; times launch, health, init deploy and the command's exit."""
        self.prepare()
        pid_file = self.settings.pid_file
        with self.log.open("wb") as log:
            started = time.perf_counter()
            self._make = subprocess.Popen(
                ["make", "--no-print-directory", "up"],
                cwd=self.repo_root,
                env=self._environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        launched = healthy = ready = None

        def make_up_exited() -> bool:
            nonlocal launched, healthy, ready
            now = time.perf_counter()
            if launched is None and pid_file.is_file() and pid_file.read_text().strip():
                launched = now
            if launched is not None and healthy is None and answers(self._health_url()):
                healthy = time.perf_counter()
            if healthy is not None and ready is None and probe(self.endpoint).ready:
                ready = time.perf_counter()
            return self._make.poll() is not None

        what = f"'make up' (embedded) to finish on {self.endpoint}"
        _wait_starting(make_up_exited, what, self.log)
        exited = time.perf_counter()
        if self._make.returncode != 0:
            raise BenchmarkError(
                f"'make up' (embedded) failed with exit status {self._make.returncode}\n"
                + _tail(self.log)
                + "\n"
                + _tail(self.settings.log_file)
            )
        if launched is None or healthy is None:
            raise BenchmarkError(
                "'make up' finished before the benchmark saw the engine launch and answer "
                f"(pid file {pid_file}, {self._health_url()})"
            )
        ready = ready or exited
        return StartFigures(
            launch_to_healthy_s=healthy - launched,
            deploy_s=ready - healthy,
            up_to_ready_s=exited - started,
            notes={
                "make_to_engine_launch_s": round(launched - started, 3),
                "deploy_is": "the init hook's deploy, from health answering to init ready",
                "ready_to_make_exit_s": round(exited - ready, 3),
            },
        )

    def _health_url(self) -> str:
        return f"{self.endpoint}/_localstack/health"

    def root_pid(self) -> int | None:
        return EmbeddedEngine(self.settings).pid()

    def memory(self) -> dict:
        return _tree_memory(self)

    def stop(self) -> None:
        if self._make is not None and self._make.poll() is None:
            procs.end_tree(self._make.pid)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._make.wait(5)
        ConsoleProcess(self.settings, self.console).stop()
        EmbeddedEngine(self.settings).stop()

    def log_tail(self) -> str:
        return _tail(self.settings.log_file)


class MiniStack:
    """MiniStack on the host, from the benchmark's own virtual environment."""

    name = "ministack"
    label = "MiniStack"

    def __init__(self, repo_root: Path, work_dir: Path, venv: Path) -> None:
        self.repo_root = repo_root
        self.venv = venv
        self.port = free_port()
        self.endpoint = f"http://{LOCALHOST}:{self.port}"
        self.tmp = work_dir / "ministack-tmp"
        self.log = work_dir / "ministack.log"
        self.deploy_log = work_dir / "ministack-deploy.log"
        self._process: subprocess.Popen[bytes] | None = None

    def _environment(self) -> dict[str, str]:
        env = _base_environment()
        env.update(
            {
                "GATEWAY_PORT": str(self.port),
                "BIND_HOST": LOCALHOST,
                "MINISTACK_HOST": LOCALHOST,
                "LOG_LEVEL": "WARNING",
                # Its pid file, Lambda code and data go under the benchmark's folder.
                "TMPDIR": str(self.tmp),
                "S3_DATA_DIR": str(self.tmp / "s3"),
            }
        )
        return env

    def start(self) -> StartFigures:
        executable = self.venv / "bin" / "ministack"
        self.tmp.mkdir(parents=True, exist_ok=True)
        if not executable.exists():
            raise BenchmarkError(f"MiniStack is not installed ({executable} is missing)")
        with self.log.open("wb") as log:
            started = time.perf_counter()
            self._process = subprocess.Popen(
                [str(executable)],
                cwd=self.tmp,
                env=self._environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        def answering() -> bool:
            if self._process.poll() is not None:
                raise BenchmarkError(
                    f"MiniStack exited while starting (status {self._process.returncode})\n"
                    + _tail(self.log)
                )
            return answers(f"{self.endpoint}/_ministack/health")

        _wait_starting(answering, f"MiniStack's /_ministack/health on {self.endpoint}", self.log)
        healthy = time.perf_counter()
        with self.deploy_log.open("w") as log:
            deploy(
                self.endpoint,
                PREFIX,
                repo_root=self.repo_root,
                region="us-east-1",
                printer=lambda line: print(line, file=log, flush=True),
                wait_timeout=DEPLOY_TIMEOUT,
            )
        deployed = time.perf_counter()
        return StartFigures(
            launch_to_healthy_s=healthy - started,
            deploy_s=deployed - healthy,
            up_to_ready_s=deployed - started,
            notes={
                "deploy_is": "sfnlocal.deploy.deploy() from the benchmark, right after health",
                "up_to_ready_is": "launch to healthy + deploy",
            },
        )

    def root_pid(self) -> int | None:
        if self._process is None or self._process.poll() is not None:
            return None
        return self._process.pid

    def memory(self) -> dict:
        return _tree_memory(self)

    def stop(self) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            procs.end_tree(self._process.pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(5)

    def log_tail(self) -> str:
        return _tail(self.log)


def _tree_memory(engine) -> dict:
    root = engine.root_pid()
    if root is None:
        raise BenchmarkError(f"{engine.label}: its process is gone")
    return procs.tree_memory(root).as_dict()


class Container:
    """The container stack: ``docker compose up`` (the image built) to healthy and deployed."""

    name = "container"
    label = "sfnlocal (container)"

    def __init__(self, repo_root: Path, work_dir: Path) -> None:
        self.repo_root = repo_root
        self.port = free_port()
        self.project = f"sfnlocal-bench-{uuid.uuid4().hex[:8]}"
        self.image = compose.IMAGE
        self.settings = EngineSettings(
            repo_root=repo_root,
            port=self.port,
            state_dir_override=work_dir / "container-state",
            prefix=PREFIX,
            approval_mode="auto",
        )
        self.endpoint = self.settings.endpoint
        self.stack = compose.ComposeStack(self.settings, project=self.project)
        self.log = work_dir / "container.log"
        self._started = False
        self._removed = False
        self._pid: int | None = None

    def prepare(self) -> float:
        """The image, built if it is not current (untimed, as ``make envs`` for the embedded
        stack): the seconds it took."""
        started = time.perf_counter()
        try:
            self.stack.build()
        except UserError as error:
            raise BenchmarkError(f"{error.problem}: {error.fix}") from None
        return time.perf_counter() - started

    def start(self) -> StartFigures:
        """``docker compose up --wait`` (what ``make up`` runs once the image is built);
        times the container's launch, health, the init hook's deploy, and ``up``'s return."""
        build_check_s = self.prepare()
        failure: list[BaseException] = []

        def up() -> None:
            try:
                self.stack.up(START_TIMEOUT)
            except BaseException as error:  # noqa: BLE001 (re-raised in the caller)
                failure.append(error)

        self._started = True
        started_wall = time.time()
        started = time.perf_counter()
        thread = threading.Thread(target=up, name="compose-up", daemon=True)
        thread.start()
        healthy = ready = None
        health_url = f"{self.endpoint}/_localstack/health"

        def up_returned() -> bool:
            nonlocal healthy, ready
            if healthy is None and answers(health_url):
                healthy = time.perf_counter()
            if healthy is not None and ready is None and probe(self.endpoint).ready:
                ready = time.perf_counter()
            return not thread.is_alive()

        _wait_starting(up_returned, f"'docker compose up' to return ({self.project})", self.log)
        exited = time.perf_counter()
        if failure:
            error = failure[0]
            detail = error.problem if isinstance(error, UserError) else repr(error)
            raise BenchmarkError(f"'docker compose up' failed: {detail}\n{self.log_tail()}")
        if healthy is None:
            raise BenchmarkError(f"'docker compose up' returned before {health_url} answered")
        launched_wall = self._container_started_at()
        launched = started + (launched_wall - started_wall) if launched_wall else started
        ready = ready or exited
        return StartFigures(
            launch_to_healthy_s=healthy - launched,
            deploy_s=ready - healthy,
            up_to_ready_s=exited - started,
            notes={
                "image": self.image,
                "image_build_check_s": round(build_check_s, 3),
                "up_is": "'docker compose up --detach --wait' (ComposeStack.up), image built",
                "compose_to_container_start_s": round(launched - started, 3),
                "deploy_is": "the init hook's deploy, from health answering to init ready",
                "ready_to_up_return_s": round(exited - ready, 3),
                "launch_is": "the container's State.StartedAt",
            },
        )

    def _docker(self, *args: str) -> str:
        try:
            result = subprocess.run(
                ["docker", *args], capture_output=True, text=True, timeout=60, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return result.stdout.strip() if result.returncode == 0 else ""

    def _container_started_at(self) -> float | None:
        container = self.stack.container_id()
        stamp = container and self._docker("inspect", "-f", "{{.State.StartedAt}}", container)
        return parse_docker_time(stamp) if stamp else None

    def root_pid(self) -> int | None:
        """The container's first process (Docker's init), as the host sees it."""
        if self._pid is not None and processes.is_alive(self._pid):
            return self._pid
        container = self.stack.container_id()
        pid = container and self._docker("inspect", "-f", "{{.State.Pid}}", container)
        self._pid = int(pid) if pid and pid.isdigit() and int(pid) > 0 else None
        return self._pid

    def memory(self) -> dict:
        """The container's processes as the host sees them (the same sum of VmRSS as for
        the other engines), and its cgroup's memory as ``docker stats`` shows it."""
        figures = _tree_memory(self)
        # The root is Docker's init (compose's ``init: true``); the engine is its largest child.
        figures["engine_process_rss_mib"] = round(
            procs.largest_rss_bytes(self.root_pid() or 0) / procs.MIB, 1
        )
        cgroup = cgroup_memory(self.root_pid() or 0)
        if cgroup is not None:
            figures.update(cgroup.as_dict())
        return figures

    def stop(self) -> None:
        """``docker compose down --volumes --remove-orphans``, then whatever is left of the
        project (containers, networks) removed by its label; says what it had to remove."""
        if not self._started or self._removed:
            return
        with self.log.open("a") as log:
            logs = self._docker("logs", self.stack.container_id() or "none")
            if logs:
                print(logs, file=log)
        with contextlib.suppress(UserError):
            self.stack.remove()
        label = f"label=com.docker.compose.project={self.project}"
        left = self._docker("ps", "--all", "--quiet", "--filter", label).split()
        if left:
            print(f"    removing containers left by compose: {left}", flush=True)
            self._docker("rm", "--force", "--volumes", *left)
        networks = self._docker("network", "ls", "--quiet", "--filter", label).split()
        if networks:
            print(f"    removing networks left by compose: {networks}", flush=True)
            self._docker("network", "rm", *networks)
        self._removed = True

    def log_tail(self) -> str:
        container = self.stack.container_id()
        if not container:
            return "(the container is gone: no log)"
        lines = self._docker("logs", "--tail", "30", container)
        return f"--- last lines of the container's log\n{lines}"


def parse_docker_time(stamp: str) -> float | None:
    """Seconds since the epoch of a Docker timestamp (RFC 3339, nanoseconds, Z)."""
    from datetime import datetime

    text = stamp.strip().replace("Z", "+00:00")
    main, dot, rest = text.partition(".")
    if dot:
        digits = "".join(c for c in rest if c.isdigit())
        zone = rest[len(digits) :]
        text = f"{main}.{digits[:6].ljust(6, '0')}{zone}"
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None


def python_version(python: Path) -> str:
    result = subprocess.run(
        [str(python), "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return result.stdout.strip() or "?"


def this_python() -> str:
    return sys.version.split()[0]
