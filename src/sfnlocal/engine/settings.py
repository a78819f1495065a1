"""Where the engine lives and how it is configured, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sfnlocal.engine.record import RECORD_FILE, StackRecord
from sfnlocal.errors import UserError

SERVICES = "stepfunctions,lambda,sqs,sns,iam,sts,logs,cloudwatch"
LOCALHOST = "127.0.0.1"
DEFAULT_PORT = 4566
DEFAULT_PREFIX = "sfnlocal"
DEFAULT_REGION = "us-east-1"


def _port_from_environment() -> int | None:
    value = os.environ.get("LOCALSTACK_PORT", "").strip()
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise UserError(
            f"LOCALSTACK_PORT={value!r} is not a port number", fix="give a number from 1 to 65535"
        )
    return int(value)


def _port_of(endpoint: str) -> int:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(
            f"--endpoint {endpoint!r} is not an http(s) URL",
            fix="e.g. --endpoint http://127.0.0.1:4566",
        )
    return parts.port or (443 if parts.scheme == "https" else 80)


def find_repo_root() -> Path:
    """The checkout this package was installed from (editable), else the working dir."""
    if root := os.environ.get("SFNLOCAL_ROOT"):
        return Path(root).resolve()
    for candidate in (Path(__file__).resolve().parents[3], Path.cwd(), *Path.cwd().parents):
        if (candidate / "statemachine").is_dir() and (candidate / "pyproject.toml").is_file():
            return candidate
    return Path.cwd()


@dataclass(frozen=True)
class EngineSettings:
    """Where the stack is and how it is configured.

    ``port``, ``prefix`` and ``region`` come from what is given (the arguments,
    else ``LOCALSTACK_PORT``, ``DEPLOY_PREFIX``, ``AWS_DEFAULT_REGION``), else
    from the running stack's record (``.localstack/stack.json``, written by
    ``make up``) when these settings address that stack, else the defaults.
    ``endpoint_url`` (``--endpoint``) names a stack by URL instead of by port.
    """

    repo_root: Path = field(default_factory=find_repo_root)
    port: int | None = field(default_factory=_port_from_environment)
    approval_mode: str = field(default_factory=lambda: os.environ.get("APPROVAL_MODE", "auto"))
    prefix: str | None = field(default_factory=lambda: os.environ.get("DEPLOY_PREFIX") or None)
    region: str | None = field(default_factory=lambda: os.environ.get("AWS_DEFAULT_REGION") or None)
    endpoint_url: str | None = None

    # Engine state, logs and the pid file; tests give each engine a folder of its own.
    state_dir_override: Path | None = field(
        default_factory=lambda: Path(d) if (d := os.environ.get("SFNLOCAL_STATE_DIR")) else None
    )

    record: StackRecord | None = field(init=False, compare=False, repr=False)
    """The running stack's record, when these settings address that stack."""

    def __post_init__(self) -> None:
        if self.endpoint_url:
            object.__setattr__(self, "endpoint_url", self.endpoint_url.rstrip("/"))
            object.__setattr__(self, "port", _port_of(self.endpoint_url))
        record = StackRecord.read(self.record_file)
        if record and self.endpoint_url and record.endpoint != self.endpoint_url:
            record = None
        if record and self.port is not None and record.port != self.port:
            record = None
        object.__setattr__(self, "record", record)
        for name, default in (("port", DEFAULT_PORT), ("prefix", DEFAULT_PREFIX)):
            if getattr(self, name) is None:
                object.__setattr__(self, name, getattr(record, name) if record else default)
        if self.region is None:
            object.__setattr__(self, "region", record.region if record else DEFAULT_REGION)

    @property
    def endpoint(self) -> str:
        return self.endpoint_url or f"http://{LOCALHOST}:{self.port}"

    @property
    def record_file(self) -> Path:
        return self.state_dir / RECORD_FILE

    def recorded_elsewhere(self) -> StackRecord | None:
        """This checkout's running stack, when these settings address another endpoint."""
        if self.record:
            return None
        return StackRecord.read(self.record_file)

    @property
    def state_dir(self) -> Path:
        return (self.state_dir_override or self.repo_root / ".localstack").resolve()

    @property
    def log_file(self) -> Path:
        return self.state_dir / "logs" / "localstack.log"

    @property
    def pid_file(self) -> Path:
        return self.state_dir / "localstack.pid"

    @property
    def filesystem_root(self) -> Path:
        return self.state_dir / "filesystem"

    @property
    def init_hooks_dir(self) -> Path:
        return self.filesystem_root / "etc" / "localstack" / "init" / "ready.d"

    @property
    def engine_python(self) -> Path:
        return self.repo_root / ".engine" / "venv" / "bin" / "python"

    @property
    def runtimes_dir(self) -> Path:
        return self.repo_root / ".engine" / "runtimes"

    def localstack_environment(self) -> dict[str, str]:
        """LocalStack's configuration for the embedded engine."""
        return {
            # Host mode even where /.dockerenv exists (LocalStack would otherwise take
            # its directories, init hooks included, from the container layout).
            "OVERRIDE_IN_DOCKER": "0",
            "GATEWAY_LISTEN": f"{LOCALHOST}:{self.port}",
            # LocalStack's default (twisted) gateway ignores GATEWAY_LISTEN's host and
            # listens on every interface; hypercorn binds the loopback address given.
            "GATEWAY_SERVER": "hypercorn",
            "LOCALSTACK_HOST": f"{LOCALHOST}:{self.port}",
            "SERVICES": SERVICES,
            "DNS_ADDRESS": "0",  # no DNS server: it would want port 53
            "SQS_ENDPOINT_STRATEGY": "path",  # queue URLs on LOCALSTACK_HOST, no DNS needed
            "FILESYSTEM_ROOT": str(self.filesystem_root),
            "LOCALSTACK_VOLUME_DIR": str(self.state_dir / "volume"),
            "LAMBDA_RUNTIME_EXECUTOR": "local-process",
            "LAMBDA_PROCESS_RUNTIMES_DIR": str(self.runtimes_dir),
            "DISABLE_EVENTS": "1",  # no analytics calls home
            "SKIP_SSL_CERT_DOWNLOAD": "1",
            # What the init hook (init/ready.d) deploys, and with which Python.
            "SFNLOCAL_APP_DIR": str(self.repo_root),
            "SFNLOCAL_PYTHON": str(self.engine_python),
            "SFNLOCAL_OUTPUTS": str(self.state_dir / "outputs.json"),
            "SFNLOCAL_ENDPOINT": self.endpoint,
            "APPROVAL_MODE": self.approval_mode,
            "DEPLOY_PREFIX": self.prefix,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": self.region,
        }
