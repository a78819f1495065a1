"""The running stack's record (.localstack/stack.json): what later commands address."""

from __future__ import annotations

import pytest

from sfnlocal.engine.readiness import Readiness
from sfnlocal.engine.record import StackMode, StackRecord
from sfnlocal.engine.settings import EngineSettings
from sfnlocal.engine.stack import StackStatus
from sfnlocal.errors import UserError

RECORD = StackRecord(StackMode.CONTAINER, "http://127.0.0.1:4620", 4620, "eu-west-1", "demo")


@pytest.fixture
def clean_environment(monkeypatch):
    for name in ("LOCALSTACK_PORT", "DEPLOY_PREFIX", "AWS_DEFAULT_REGION", "SFNLOCAL_STATE_DIR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def recorded(tmp_path, clean_environment):
    RECORD.write(tmp_path / "stack.json")
    return tmp_path


def test_a_record_reads_back_as_written(tmp_path):
    RECORD.write(tmp_path / "stack.json")
    assert StackRecord.read(tmp_path / "stack.json") == RECORD


@pytest.mark.parametrize("text", ["", "not json", '{"kind": "boat"}', "[]"])
def test_a_missing_or_broken_record_is_no_record(tmp_path, text):
    path = tmp_path / "stack.json"
    assert StackRecord.read(path) is None
    path.write_text(text)
    assert StackRecord.read(path) is None


def test_without_anything_given_the_record_names_the_stack(recorded):
    # GIVEN `LOCALSTACK_PORT=4620 make up` recorded its stack, and nothing is exported now
    settings = EngineSettings(state_dir_override=recorded)
    # THEN the settings address that stack: its port, region and prefix
    assert settings.endpoint == "http://127.0.0.1:4620"
    assert (settings.port, settings.region, settings.prefix) == (4620, "eu-west-1", "demo")
    assert settings.record == RECORD
    assert settings.recorded_elsewhere() is None


def test_an_explicit_port_wins_over_the_record(recorded, monkeypatch):
    monkeypatch.setenv("LOCALSTACK_PORT", "4700")
    settings = EngineSettings(state_dir_override=recorded)
    assert settings.endpoint == "http://127.0.0.1:4700"
    # the record describes another stack: none of its values apply
    assert (settings.region, settings.prefix) == ("us-east-1", "sfnlocal")
    assert settings.record is None
    assert settings.recorded_elsewhere() == RECORD


def test_an_explicit_port_equal_to_the_record_keeps_its_region_and_prefix(recorded, monkeypatch):
    monkeypatch.setenv("LOCALSTACK_PORT", "4620")
    settings = EngineSettings(state_dir_override=recorded)
    assert (settings.region, settings.prefix) == ("eu-west-1", "demo")


def test_an_endpoint_wins_over_the_record(recorded):
    settings = EngineSettings(state_dir_override=recorded, endpoint_url="http://localhost:9000/")
    assert settings.endpoint == "http://localhost:9000"
    assert settings.port == 9000
    assert settings.recorded_elsewhere() == RECORD


def test_no_record_means_the_defaults(tmp_path, clean_environment):
    settings = EngineSettings(state_dir_override=tmp_path)
    assert settings.endpoint == "http://127.0.0.1:4566"
    assert (settings.region, settings.prefix) == ("us-east-1", "sfnlocal")


@pytest.mark.parametrize("value", ["abc", "0", "70000", "45 66"])
def test_a_port_that_is_not_one_is_a_user_error(tmp_path, monkeypatch, value):
    monkeypatch.setenv("LOCALSTACK_PORT", value)
    with pytest.raises(UserError, match="LOCALSTACK_PORT"):
        EngineSettings(state_dir_override=tmp_path)


def test_an_endpoint_that_is_not_a_url_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="not an http"):
        EngineSettings(state_dir_override=tmp_path, endpoint_url="127.0.0.1:4566")


@pytest.mark.parametrize(
    ("status", "code", "says"),
    [
        (StackStatus(None, "http://x", None, "no stack is running at http://x"), 3, "no stack"),
        (StackStatus(StackMode.EMBEDDED, "http://x", Readiness(True, True)), 0, "ready"),
        (
            StackStatus(
                StackMode.CONTAINER,
                "http://x",
                Readiness(True, False, detail="init scripts still running: 10-deploy-sample.sh"),
            ),
            1,
            "NOT ready: still deploying (init scripts still running: 10-deploy-sample.sh)",
        ),
        (
            StackStatus(StackMode.EMBEDDED, "http://x", Readiness(True, True, ("10-x.sh",))),
            1,
            "init script(s) failed: 10-x.sh",
        ),
        (
            StackStatus(StackMode.EMBEDDED, "http://x", Readiness(False, False, detail="refused")),
            1,
            "LocalStack does not answer (refused)",
        ),
    ],
)
def test_status_exits_zero_only_when_ready_and_says_why_not(status, code, says):
    assert status.exit_code == code
    assert says in status.describe()
