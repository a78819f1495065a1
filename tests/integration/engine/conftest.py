"""An embedded engine of the tests' own, on a free port with its own state folder."""

from __future__ import annotations

import io
import textwrap
import uuid
import zipfile
from collections.abc import Callable, Iterator

import pytest

from sfnlocal.clients import DEFAULT_REGION, StackClients
from sfnlocal.engine.embedded import EmbeddedEngine
from sfnlocal.engine.ports import free_port
from sfnlocal.engine.settings import EngineSettings

ROLE = "arn:aws:iam::000000000000:role/test-function"


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedEngine]:
    settings = EngineSettings(
        port=free_port(), state_dir_override=tmp_path_factory.mktemp("engine-state")
    )
    engine = EmbeddedEngine(settings)
    engine.start()
    yield engine
    engine.stop()


def client(engine: EmbeddedEngine, service: str):
    return StackClients(engine.settings.endpoint, DEFAULT_REGION).client(service)


@pytest.fixture(scope="session")
def lambda_client(engine: EmbeddedEngine):
    return client(engine, "lambda")


def zip_source(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", textwrap.dedent(source))
    return buffer.getvalue()


@pytest.fixture(scope="session")
def make_function(lambda_client) -> Callable[..., str]:
    """Creates a function from Python source and waits until it is Active."""

    def make(source: str, timeout: int = 10, runtime: str = "python3.13", **config) -> str:
        name = f"test-{uuid.uuid4().hex[:8]}"
        lambda_client.create_function(
            FunctionName=name,
            Runtime=runtime,
            Role=ROLE,
            Handler="app.handler",
            Code={"ZipFile": zip_source(source)},
            Timeout=timeout,
            **config,
        )
        lambda_client.get_waiter("function_active_v2").wait(
            FunctionName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 300}
        )
        return name

    return make
