"""An embedded engine of the tests' own, on a free port with its own state folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import boto3
import pytest

from sfnlocal.engine.embedded import EmbeddedEngine
from sfnlocal.engine.settings import EngineSettings
from tests.conftest import free_port
from tests.support.resources import create_function


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
    return boto3.client(
        service,
        endpoint_url=engine.settings.endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


@pytest.fixture(scope="session")
def lambda_client(engine: EmbeddedEngine):
    return client(engine, "lambda")


@pytest.fixture(scope="session")
def make_function(lambda_client) -> Callable[..., str]:
    """Creates a function from Python source and waits until it is Active."""

    def make(source: str, timeout: int = 10, runtime: str = "python3.13", **config) -> str:
        return create_function(lambda_client, source, timeout=timeout, runtime=runtime, **config)

    return make
