"""Where the engine lives and how LocalStack is configured: the one source of its settings.

LocalStack is configured through its environment, the same way for the
embedded engine (:meth:`EngineSettings.localstack_environment`) and for the
image (the Dockerfile's ``ENV``, which a unit test compares WHOLE with
:func:`container_environment`): :data:`LOCALSTACK_SETTINGS` are shared, and
the two differ only in the keys of :data:`INTENDED_DIFFERENCES`, each for a
reason given there. ``python -m sfnlocal.engine.settings`` prints the
Dockerfile's ``ENV`` instruction as this module defines it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sfnlocal.clients import DEFAULT_ENDPOINT, DEFAULT_REGION, credentials_environment
from sfnlocal.engine.record import RECORD_FILE, StackRecord
from sfnlocal.errors import UserError
from sfnlocal.sample.documents import DEFAULT_STATE_MACHINE, find_repo_root
from sfnlocal.sample.errors import DocumentError
from sfnlocal.sample.names import DEFAULT_PREFIX
from sfnlocal.sample.outputs import DEFAULT_APPROVAL_MODE

# cloudformation, s3 and kms: a user's own SAM or CloudFormation template deploys here
# (CreateStack with the SAM transform; packaged code in S3; `alias/aws/sqs` queues).
# LocalStack loads a service on its first request: the start is no slower.
SERVICES = "stepfunctions,lambda,sqs,sns,iam,sts,logs,cloudwatch,cloudformation,s3,kms"
LOCALHOST = "127.0.0.1"
GATEWAY_PORT = 4566
"""LocalStack's port: the container's, and the embedded engine's unless LOCALSTACK_PORT."""

LOCALSTACK_SETTINGS: dict[str, str] = {
    "SERVICES": SERVICES,
    "DNS_ADDRESS": "0",  # no DNS server: it would want port 53 (root)
    "SQS_ENDPOINT_STRATEGY": "path",  # queue URLs on LOCALSTACK_HOST, no DNS needed
    "LAMBDA_RUNTIME_EXECUTOR": "local-process",  # src/sfnlocal/in_localstack/executor
    "DISABLE_EVENTS": "1",  # no analytics calls home
    "SKIP_SSL_CERT_DOWNLOAD": "1",  # nothing fetched from outside
    # The dummy credentials LocalStack accepts, for the init hook's deploy.
    **credentials_environment(DEFAULT_REGION),
}
"""LocalStack's settings, alike for the embedded engine and the image."""

CONTAINER_PATH = "/opt/engine/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

CONTAINER_SETTINGS: dict[str, str] = {
    # The engine's python first: shell init hooks get it (boto3 and this project included).
    "PATH": CONTAINER_PATH,
    "LANG": "C.UTF-8",
    "PYTHONUNBUFFERED": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    # LocalStack takes its directories from the container layout (init hooks in
    # /etc/localstack/init, state in /var/lib/localstack and /tmp/localstack).
    "OVERRIDE_IN_DOCKER": "1",
    # Every interface of the container; compose publishes it on the host's loopback only.
    "GATEWAY_LISTEN": f"0.0.0.0:{GATEWAY_PORT}",
    "LOCALSTACK_HOST": f"localhost:{GATEWAY_PORT}",
    "LAMBDA_PROCESS_RUNTIMES_DIR": "/opt/lambda-runtimes",
    # What init/ready.d/10-deploy-sample.sh deploys (the app's documents, mounted
    # under /opt/app), with which Python, against which endpoint, and its outputs.
    "SFNLOCAL_APP_DIR": "/opt/app",
    "SFNLOCAL_PYTHON": "/opt/engine/bin/python",
    "SFNLOCAL_ENDPOINT": DEFAULT_ENDPOINT,
    "SFNLOCAL_OUTPUTS": "/var/lib/localstack/sfnlocal-outputs.json",
}
"""The image's own settings (docker/localstack/Dockerfile, ``ENV`` of the final stage)."""

INTENDED_DIFFERENCES = frozenset(
    {
        # The image's process environment (the embedded engine inherits the caller's).
        "PATH",
        "LANG",
        "PYTHONUNBUFFERED",
        "PYTHONDONTWRITEBYTECODE",
        # Container layout or host layout (1 / 0) and where each keeps its files.
        "OVERRIDE_IN_DOCKER",
        "FILESYSTEM_ROOT",
        "LOCALSTACK_VOLUME_DIR",
        "LAMBDA_PROCESS_RUNTIMES_DIR",
        "SFNLOCAL_APP_DIR",
        "SFNLOCAL_PYTHON",
        "SFNLOCAL_OUTPUTS",
        # Where it listens: every interface of the container; the host's loopback on
        # LOCALSTACK_PORT, with hypercorn, which binds the address given (LocalStack's
        # default twisted gateway ignores GATEWAY_LISTEN's host and binds every interface;
        # the twisted_gateway speed-up makes it bind the host, and then runs twisted).
        "GATEWAY_LISTEN",
        "GATEWAY_SERVER",
        "LOCALSTACK_HOST",
        "SFNLOCAL_ENDPOINT",
        # The caller's choice: compose passes them to the container (docker-compose.yml).
        "APPROVAL_MODE",
        "STATE_MACHINE",
        "DEPLOY_PREFIX",
        "APPROVER",
        # The mock configuration: a host path, or the compose mount /opt/mocks/<file>.
        "SFN_MOCK_CONFIG",
        "AWS_DEFAULT_REGION",
    }
)
"""The keys in which the embedded engine's and the image's LocalStack settings differ."""

MOCK_CONFIG_VARIABLE = "SFN_MOCK_CONFIG"
SAMPLE_MOCKS = "statemachine/stock_trading.mocks.json"
MOCK_CONFIG_RECORD = "mock-config"
"""In the state dir: the mock configuration file the running stack was started with."""

COMPOSE_DEFAULTS: dict[str, str] = {
    "LOCALSTACK_PORT": str(GATEWAY_PORT),
    "APPROVAL_MODE": DEFAULT_APPROVAL_MODE,
    "STATE_MACHINE": DEFAULT_STATE_MACHINE,
    "DEPLOY_PREFIX": DEFAULT_PREFIX,
    # Empty: the deploy takes the choice's default from function.json (the Python approver).
    "APPROVER": "",
    "AWS_DEFAULT_REGION": DEFAULT_REGION,
    # The sample's mock configuration: its folder (mounted), its name, and its path.
    "SFNLOCAL_MOCKS_DIR": "./" + str(Path(SAMPLE_MOCKS).parent),
    "SFNLOCAL_MOCKS_FILE": Path(SAMPLE_MOCKS).name,
    "SFNLOCAL_MOCKS_SOURCE": SAMPLE_MOCKS,
}
"""The defaults docker-compose.yml gives the caller's variables (``${NAME:-default}``)."""


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


def container_environment() -> dict[str, str]:
    """The environment the image gives LocalStack: the Dockerfile's ``ENV``, whole."""
    return {**LOCALSTACK_SETTINGS, **CONTAINER_SETTINGS}


def dockerfile_env_instruction() -> str:
    """The Dockerfile's ``ENV`` instruction for :func:`container_environment`."""
    pairs = [f"{name}={value}" for name, value in container_environment().items()]
    return "ENV " + " \\\n    ".join(pairs)


def default_repo_root() -> Path:
    """The folder with the sample's documents (sample.documents.find_repo_root), else here."""
    try:
        return find_repo_root()
    except DocumentError:
        return Path.cwd()


def clean_environment() -> dict[str, str]:
    """The caller's environment without what must not leak into the engine's processes:
    a virtual environment of its own, and an AWS endpoint or profile other than the stack's."""
    env = dict(os.environ)
    for name in ("VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH", "AWS_ENDPOINT_URL", "AWS_PROFILE"):
        env.pop(name, None)
    return env


@dataclass(frozen=True)
class EngineSettings:
    """Where the stack is and how it is configured.

    ``port``, ``prefix`` and ``region`` come from what is given (the arguments,
    else ``LOCALSTACK_PORT``, ``DEPLOY_PREFIX``, ``AWS_DEFAULT_REGION``), else
    from the running stack's record (``.localstack/stack.json``, written by
    ``make up``) when these settings address that stack, else the defaults.
    ``endpoint_url`` (``--endpoint``) names a stack by URL instead of by port.
    """

    repo_root: Path = field(default_factory=default_repo_root)
    port: int | None = field(default_factory=_port_from_environment)
    approval_mode: str = field(
        default_factory=lambda: os.environ.get("APPROVAL_MODE", DEFAULT_APPROVAL_MODE)
    )
    prefix: str | None = field(default_factory=lambda: os.environ.get("DEPLOY_PREFIX") or None)
    region: str | None = field(default_factory=lambda: os.environ.get("AWS_DEFAULT_REGION") or None)
    endpoint_url: str | None = None
    # Which state machine document the deploy uses: asl (the seed's) or jsonata.
    state_machine: str = field(
        default_factory=lambda: os.environ.get("STATE_MACHINE", DEFAULT_STATE_MACHINE)
    )
    # Which approver the deploy wires to the queue (function.json "choice"): empty is the
    # default (Python); "node" is the sample's own Node.js code.
    approver: str = field(default_factory=lambda: os.environ.get("APPROVER", ""))

    # Engine state, logs and the pid file; tests give each engine a folder of its own.
    state_dir_override: Path | None = field(
        default_factory=lambda: Path(d) if (d := os.environ.get("SFNLOCAL_STATE_DIR")) else None
    )
    # The user's mock configuration file (SFN_MOCK_CONFIG, a host path).
    mock_config_override: Path | None = field(
        default_factory=lambda: (
            Path(m).expanduser().resolve() if (m := os.environ.get(MOCK_CONFIG_VARIABLE)) else None
        )
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
        for name, default in (("port", GATEWAY_PORT), ("prefix", DEFAULT_PREFIX)):
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
    def outputs_file(self) -> Path:
        """The deploy's outputs (names, ARNs): the embedded engine's init hook and
        `make deploy` write them here."""
        return self.state_dir / "outputs.json"

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
    def mock_config_record(self) -> Path:
        return self.state_dir / MOCK_CONFIG_RECORD

    def recorded_mock_config(self) -> Path | None:
        """The mock configuration file the running stack was started with, if recorded."""
        try:
            recorded = self.mock_config_record.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return Path(recorded) if recorded else None

    @property
    def mock_config(self) -> Path | None:
        """The mock configuration file the stack reads (and the deploy checks).

        ``SFN_MOCK_CONFIG`` when set; else the one the running stack was started
        with (``make deploy`` checks the file the stack really reads); else the
        sample's ``statemachine/stock_trading.mocks.json`` when it is there.
        """
        return self.mock_config_override or self.recorded_mock_config() or self.sample_mocks()

    def mock_config_at_start(self) -> Path | None:
        """The file a stack started now reads: ``SFN_MOCK_CONFIG``, else the sample's."""
        return self.mock_config_override or self.sample_mocks()

    def sample_mocks(self) -> Path | None:
        default = self.repo_root / SAMPLE_MOCKS
        return default.resolve() if default.is_file() else None

    @property
    def engine_python(self) -> Path:
        return self.repo_root / ".engine" / "venv" / "bin" / "python"

    @property
    def runtimes_dir(self) -> Path:
        return self.repo_root / ".engine" / "runtimes"

    def localstack_environment(self) -> dict[str, str]:
        """LocalStack's configuration for the embedded engine."""
        return {
            **LOCALSTACK_SETTINGS,
            # Host mode even where /.dockerenv exists (LocalStack would otherwise take
            # its directories, init hooks included, from the container layout).
            "OVERRIDE_IN_DOCKER": "0",
            "GATEWAY_LISTEN": f"{LOCALHOST}:{self.port}",
            "GATEWAY_SERVER": "hypercorn",  # see INTENDED_DIFFERENCES
            "LOCALSTACK_HOST": f"{LOCALHOST}:{self.port}",
            "FILESYSTEM_ROOT": str(self.filesystem_root),
            "LOCALSTACK_VOLUME_DIR": str(self.state_dir / "volume"),
            "LAMBDA_PROCESS_RUNTIMES_DIR": str(self.runtimes_dir),
            # What the init hook (init/ready.d) deploys, and with which Python.
            "SFNLOCAL_APP_DIR": str(self.repo_root),
            "SFNLOCAL_PYTHON": str(self.engine_python),
            "SFNLOCAL_OUTPUTS": str(self.outputs_file),
            "SFNLOCAL_ENDPOINT": self.endpoint,
            "APPROVAL_MODE": self.approval_mode,
            "DEPLOY_PREFIX": self.prefix,
            "APPROVER": self.approver,
            "STATE_MACHINE": self.state_machine,
            "AWS_DEFAULT_REGION": self.region,
            # Mocked test cases (<stateMachineArn>#<TestCase>); "" is none.
            MOCK_CONFIG_VARIABLE: str(self.mock_config or ""),
        }


if __name__ == "__main__":  # python -m sfnlocal.engine.settings: the Dockerfile's ENV
    print(dockerfile_env_instruction())
