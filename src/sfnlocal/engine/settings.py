"""Where the engine lives and how it is configured, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

SERVICES = "stepfunctions,lambda,sqs,sns,iam,sts,logs,cloudwatch"
LOCALHOST = "127.0.0.1"
MOCK_CONFIG_VARIABLE = "SFN_MOCK_CONFIG"
SAMPLE_MOCKS = "statemachine/stock_trading.mocks.json"
MOCK_CONFIG_RECORD = "mock-config"
"""In the state dir: the mock configuration file the running stack was started with."""


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
    repo_root: Path = field(default_factory=find_repo_root)
    port: int = field(default_factory=lambda: int(os.environ.get("LOCALSTACK_PORT", "4566")))
    approval_mode: str = field(default_factory=lambda: os.environ.get("APPROVAL_MODE", "auto"))
    prefix: str = field(default_factory=lambda: os.environ.get("DEPLOY_PREFIX", "sfnlocal"))

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

    @property
    def endpoint(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"

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
            # Mocked test cases (<stateMachineArn>#<TestCase>); "" is none.
            MOCK_CONFIG_VARIABLE: str(self.mock_config or ""),
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        }
