"""Starting, stopping and misusing the embedded engine."""

from __future__ import annotations

import json
import socket

import pytest

from sfnlocal.engine import processes
from sfnlocal.engine.embedded import EmbeddedEngine
from sfnlocal.engine.ports import free_port
from sfnlocal.engine.settings import EngineSettings
from sfnlocal.errors import UserError
from tests.integration.engine.conftest import client
from tests.support.resources import ROLE, zip_source
from tests.support.trust import identities, still_running

pytestmark = pytest.mark.integration


def fresh_engine(tmp_path) -> EmbeddedEngine:
    return EmbeddedEngine(EngineSettings(port=free_port(), state_dir_override=tmp_path))


def test_stop_leaves_no_engine_or_lambda_process(tmp_path):
    # GIVEN a started engine with warm Lambda environments
    engine = fresh_engine(tmp_path)
    engine.start()
    pid = engine.pid()
    lam = client(engine, "lambda")
    lam.create_function(
        FunctionName="warm",
        Runtime="python3.13",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": zip_source("def handler(e, c):\n    return 1\n")},
    )
    lam.get_waiter("function_active_v2").wait(FunctionName="warm")
    assert json.loads(lam.invoke(FunctionName="warm")["Payload"].read()) == 1
    tree = processes.descendants(pid)
    assert tree, "the warm environment should be a child process of the engine"
    seen = identities([pid, *tree])
    # WHEN it is stopped
    assert engine.stop() is True
    # THEN neither the engine nor any process it started is left
    assert still_running(seen) == []
    assert engine.status().running is False


def test_start_on_a_port_in_use_names_the_port_and_the_fix(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        engine = EmbeddedEngine(EngineSettings(port=port, state_dir_override=tmp_path))
        with pytest.raises(UserError) as raised:
            engine.start()
    assert f"port {port}" in raised.value.problem
    assert "LOCALSTACK_PORT" in raised.value.fix


def test_stop_when_not_running_says_so(tmp_path):
    assert fresh_engine(tmp_path).stop() is False


def test_engine_that_exits_during_start_shows_its_log(tmp_path, monkeypatch):
    # GIVEN a configuration LocalStack refuses (an unparseable listen address)
    engine = fresh_engine(tmp_path)
    monkeypatch.setattr(
        EngineSettings,
        "localstack_environment",
        lambda self: {"GATEWAY_LISTEN": "not-an-address:x", "FILESYSTEM_ROOT": str(tmp_path)},
    )
    # WHEN it is started  THEN the error says it exited and shows the log's tail
    with pytest.raises(UserError) as raised:
        engine.start(timeout=60)
    assert "exited while starting" in raised.value.problem
    assert "last lines of" in raised.value.details
