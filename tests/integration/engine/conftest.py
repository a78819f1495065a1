"""An embedded engine of the tests' own, on a free port with its own state folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from sfnlocal.clients import DEFAULT_REGION, StackClients
from sfnlocal.engine.embedded import EmbeddedEngine
from sfnlocal.engine.ports import free_port
from sfnlocal.engine.settings import EngineSettings
from tests.support.resources import create_function


@pytest.fixture(scope="session")
def engine_python() -> str:
    """The engine environment's Python (what runs LocalStack), for checks run inside it."""
    python = EngineSettings().engine_python
    assert python.exists(), f"{python} is missing: run 'make envs'"
    return str(python)


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


@pytest.fixture(scope="session")
def make_function(lambda_client) -> Callable[..., str]:
    """Creates a function from one source file (app.py, or app.js for Node.js) and waits
    until it is Active."""

    def make(source: str, **options) -> str:
        return create_function(lambda_client, source, **options)

    return make
