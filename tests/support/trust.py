"""Helpers of the trust tests: the stack's processes and sockets (Linux /proc), test
functions and state machines of their own, the dead-letter queue, polling with deadlines.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sfnlocal.engine import processes
from sfnlocal.waiting import wait_for
from tests.support.resources import zip_source
from tests.support.workflow import ReportCollector

TEST_ROLE = "arn:aws:iam::000000000000:role/sfnlocal-trust-tests"
"""LocalStack does not check that a role exists: the test functions and state machines
use this one."""


# -- processes and sockets ----------------------------------------------------------


@dataclass(frozen=True)
class Listener:
    address: str
    port: int
    inode: int

    @property
    def loopback(self) -> bool:
        return ipaddress.ip_address(self.address).is_loopback

    def __str__(self) -> str:
        return f"{self.address}:{self.port}"


TCP_LISTEN = "0A"


def _decode_address(hex_address: str) -> str:
    raw = bytes.fromhex(hex_address)
    if len(raw) == 4:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    # /proc prints an IPv6 address as four host-order 32-bit words.
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    address = ipaddress.IPv6Address(words)
    return str(address.ipv4_mapped or address)


def listeners(proc_net: Path = Path("/proc/net")) -> list[Listener]:
    """Every listening TCP socket of a network namespace (default: this process's)."""
    found = []
    for table in ("tcp", "tcp6"):
        try:
            lines = (proc_net / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], int(fields[9])
            if state != TCP_LISTEN:
                continue
            address, port = local.split(":")
            found.append(Listener(_decode_address(address), int(port, 16), inode))
    return found


def socket_inodes(pid: int) -> set[int]:
    inodes = set()
    try:
        entries = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return inodes
    for entry in entries:
        try:
            target = entry.readlink().as_posix()
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[len("socket:[") : -1]))
    return inodes


def pid_listening_on(port: int) -> int | None:
    """The process of this namespace that listens on ``port`` (None: none visible)."""
    inodes = {item.inode for item in listeners() if item.port == port}
    if not inodes:
        return None
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and socket_inodes(int(entry.name)) & inodes:
            return int(entry.name)
    return None


def command_line(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def environment(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    pairs = (part.decode(errors="replace").partition("=") for part in raw.split(b"\0") if part)
    return {name: value for name, _, value in pairs}


def start_time(pid: int) -> str | None:
    """When the process started (clock ticks since boot, /proc/<pid>/stat field 22): with the
    pid, it names one process, where a pid alone may be reused by a later one."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def identities(pids: Iterable[int]) -> dict[int, str | None]:
    return {pid: start_time(pid) for pid in pids}


def still_running(processes_seen: dict[int, str | None]) -> list[int]:
    """Those of the processes seen earlier (``identities``) that run now: not a newer
    process that was given a pid of theirs."""
    return [
        pid
        for pid, started in processes_seen.items()
        if processes.is_alive(pid) and start_time(pid) == started
    ]


def status_field(pid: int, name: str) -> str | None:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        key, _, value = line.partition(":")
        if key == name:
            return value.strip()
    return None


def rss_mb(pid: int) -> float:
    value = status_field(pid, "VmRSS")
    return int(value.split()[0]) / 1024 if value else 0.0


def runtime_pids(function_name: str, among: Iterable[int] | None = None) -> list[int]:
    """The runtime processes (execution environments) of one function."""
    candidates = among if among is not None else _all_pids()
    return [
        pid
        for pid in candidates
        if is_runtime(command_line(pid))
        and environment(pid).get("AWS_LAMBDA_FUNCTION_NAME") == function_name
    ]


def _all_pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


@dataclass(frozen=True)
class EngineProcesses:
    """The processes of a running stack, seen from this machine's /proc."""

    kind: str
    """``embedded`` (LocalStack on this host) or ``container``."""
    root: int
    """The engine's process (embedded) or the container's first process (container)."""
    container: object | None = None
    """The docker SDK's Container, for a container stack."""

    def pids(self) -> list[int]:
        return [self.root, *processes.descendants(self.root)]

    def engine_pid(self) -> int:
        """The LocalStack process itself."""
        for pid in self.pids():
            argv = command_line(pid)
            # (in a container, docker-init's command line names it too)
            if "localstack.runtime.main" in argv and Path(argv[0]).name.startswith("python"):
                return pid
        raise AssertionError(f"no LocalStack process under pid {self.root}")

    def memory(self) -> dict[str, float | int]:
        """Resident memory (MB) of LocalStack and of its Lambda runtime processes."""
        engine = self.engine_pid()
        runtimes = [p for p in self.pids() if is_runtime(command_line(p))]
        others = [p for p in self.pids() if p != engine and p not in runtimes]
        return {
            "engine_rss_mb": round(rss_mb(engine), 1),
            "runtime_processes": len(runtimes),
            "runtimes_rss_mb": round(sum(rss_mb(p) for p in runtimes), 1),
            "other_rss_mb": round(sum(rss_mb(p) for p in others), 1),
        }


def is_runtime(argv: list[str] | str) -> bool:
    """A Lambda runtime process: Python's awslambdaric or the Node.js runtime's bootstrap."""
    text = " ".join(argv) if isinstance(argv, list) else argv
    return "awslambdaric" in text or "bootstrap.mjs" in text


def port_of(endpoint: str) -> int:
    return int(endpoint.rsplit(":", 1)[1].split("/")[0])


def container_publishing(port: int):
    """The running container that publishes host ``port`` (None without Docker)."""
    try:
        import docker
    except ImportError:
        return None
    try:
        client = docker.from_env()
        containers = client.containers.list()
    except docker.errors.DockerException:
        return None
    for container in containers:
        for bindings in (container.attrs["NetworkSettings"]["Ports"] or {}).values():
            if any(int(b["HostPort"]) == port for b in bindings or []):
                return container
    return None


def engine_processes(endpoint: str) -> EngineProcesses | None:
    """The processes of the stack at ``endpoint``, if this machine can see them."""
    port = port_of(endpoint)
    if container := container_publishing(port):
        return EngineProcesses("container", int(container.attrs["State"]["Pid"]), container)
    pid = pid_listening_on(port)
    if pid and "localstack.runtime.main" in command_line(pid):
        return EngineProcesses("embedded", pid)
    return None


# -- test functions and state machines ----------------------------------------------


SLOW_FUNCTION = """
import pathlib, time

def handler(event, context):
    if event.get("marker"):
        # Tells the test the invocation is in the handler (not in the runtime's start).
        pathlib.Path(event["marker"]).write_text(context.aws_request_id)
    time.sleep(event.get("sleep", 0))
    return {"slept": event.get("sleep", 0)}
"""


def marker_path() -> str:
    """A file the slow function writes once its handler runs (in its own /tmp)."""
    return f"/tmp/sfnlocal-trust-{uuid.uuid4().hex}"


def in_handler(pid: int, marker: str) -> bool:
    """Whether process ``pid`` wrote ``marker``: seen through its root (host or container)."""
    return Path(f"/proc/{pid}/root{marker}").exists()


@dataclass
class ExtraResources:
    """Functions and state machines a test deploys beside the sample; removed at the end."""

    lambda_client: object
    sfn_client: object
    functions: list[str] = field(default_factory=list)
    state_machines: list[str] = field(default_factory=list)

    def function(self, source: str, timeout: int, runtime: str = "python3.13") -> str:
        name = f"trust-{uuid.uuid4().hex[:8]}"
        filename = "app.js" if runtime.startswith("nodejs") else "app.py"
        self.lambda_client.create_function(
            FunctionName=name,
            Runtime=runtime,
            Role=TEST_ROLE,
            Handler="app.handler",
            Code={"ZipFile": zip_source(source, filename)},
            Timeout=timeout,
        )
        self.functions.append(name)
        self.lambda_client.get_waiter("function_active_v2").wait(
            FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 300}
        )
        return name

    def state_machine(self, function_name: str) -> str:
        """One Task state on the function, shaped as the sample's Lambda states are."""
        arn = self.lambda_client.get_function(FunctionName=function_name)["Configuration"][
            "FunctionArn"
        ]
        definition = {
            "StartAt": "Slow",
            "States": {"Slow": {"Type": "Task", "Resource": arn, "End": True}},
        }
        state_machine_arn = self.sfn_client.create_state_machine(
            name=f"trust-{uuid.uuid4().hex[:8]}",
            roleArn=TEST_ROLE,
            definition=json.dumps(definition),
        )["stateMachineArn"]
        self.state_machines.append(state_machine_arn)
        return state_machine_arn

    def close(self) -> None:
        for arn in self.state_machines:
            self.sfn_client.delete_state_machine(stateMachineArn=arn)
        for name in self.functions:
            self.lambda_client.delete_function(FunctionName=name)


# -- the dead-letter queue ----------------------------------------------------------


class DeadLetters:
    """Reads the approval dead-letter queue, keeping what it read by SQS MessageId.

    Only the messages a test looks for are deleted; any other (a user's, on a running
    stack) is made visible again at once.
    """

    def __init__(self, sqs, dlq_url: str) -> None:
        self.sqs, self.dlq_url = sqs, dlq_url
        self._seen: dict[str, dict] = {}
        self._lock = threading.Lock()

    def _drain(self, wanted: set[str]) -> None:
        response = self.sqs.receive_message(
            QueueUrl=self.dlq_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            MessageSystemAttributeNames=["All"],
        )
        for message in response.get("Messages", []):
            if message["MessageId"] in wanted:
                with self._lock:
                    self._seen[message["MessageId"]] = message
                self.sqs.delete_message(
                    QueueUrl=self.dlq_url, ReceiptHandle=message["ReceiptHandle"]
                )
            else:
                self.sqs.change_message_visibility(
                    QueueUrl=self.dlq_url,
                    ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=0,
                )

    def wait_for(self, message_ids: Iterable[str], timeout: float) -> dict[str, dict]:
        """The dead letters with these ids, once all of them arrived."""
        wanted = set(message_ids)

        def missing() -> set[str]:
            with self._lock:
                return wanted - set(self._seen)

        def arrived() -> bool:
            if missing():
                self._drain(wanted)
            return not missing()

        wait_for(
            arrived,
            timeout,
            f"{len(wanted)} message(s) to reach the dead-letter queue",
            interval=0,
            describe=lambda _: f"missing: {sorted(missing())}",
        )
        with self._lock:
            return {message_id: self._seen[message_id] for message_id in wanted}


def log_lines(logs_client, group: str, since_ms: int) -> list[str]:
    """Every log line of a log group since a moment (epoch ms); none while the group
    does not exist yet (Lambda creates it with a function's first shipped log)."""
    lines: list[str] = []
    kwargs = {"logGroupName": group, "startTime": since_ms}
    while True:
        try:
            page = logs_client.filter_log_events(**kwargs)
        except logs_client.exceptions.ResourceNotFoundException:
            return lines
        lines += [event["message"] for event in page["events"]]
        if not page.get("nextToken"):
            return lines
        kwargs["nextToken"] = page["nextToken"]


def execution_end(sfn, execution_arn: str, timeout: float) -> dict:
    """DescribeExecution once the execution is no longer RUNNING."""

    def ended() -> dict | None:
        description = sfn.describe_execution(executionArn=execution_arn)
        return description if description["status"] != "RUNNING" else None

    return wait_for(ended, timeout, f"the end of {execution_arn}", interval=0.1)


def assert_queue_empty(sqs, queue_url: str, timeout: float = 30) -> None:
    """Waits until a queue holds no message, visible or in flight."""

    def counts() -> dict[str, str]:
        return sqs.get_queue_attributes(
            QueueUrl=queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]

    wait_for(
        counts,
        timeout,
        f"{queue_url} to be empty",
        0.2,
        done=lambda attributes: set(attributes.values()) == {"0"},
        describe=str,
    )


class BulkReports(ReportCollector):
    """A ReportCollector that waits for many reports at once (one drain for all of them)."""

    def messages(self, sns_message_ids: Iterable[str], timeout: float) -> dict[str, dict]:
        wanted = set(sns_message_ids)

        def missing() -> set[str]:
            return wanted - set(self._received)

        def all_arrived() -> bool:
            if missing():
                self._drain()
            return not missing()

        wait_for(
            all_arrived,
            timeout,
            f"{len(wanted)} SNS reports",
            interval=0,
            describe=lambda _: f"{len(missing())} missing",
        )
        return {i: self._received[i] for i in wanted}
