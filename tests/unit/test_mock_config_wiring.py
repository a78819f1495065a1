"""Which mock configuration file each stack reads, and how it gets there."""

from __future__ import annotations

from pathlib import Path

import pytest

from sfnlocal.engine.compose import mock_mount
from sfnlocal.engine.settings import SAMPLE_MOCKS, EngineSettings
from sfnlocal.engine.stack import Stack
from sfnlocal.errors import UserError
from tests.conftest import REPO_ROOT


def settings(tmp_path: Path, **kwargs) -> EngineSettings:
    return EngineSettings(port=4599, state_dir_override=tmp_path / "state", **kwargs)


def test_by_default_the_embedded_engine_reads_the_samples_mock_file(tmp_path):
    environment = settings(tmp_path).localstack_environment()
    assert environment["SFN_MOCK_CONFIG"] == str((REPO_ROOT / SAMPLE_MOCKS).resolve())


def test_sfn_mock_config_names_the_users_file_as_an_absolute_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SFN_MOCK_CONFIG", "mine.json")
    environment = settings(tmp_path).localstack_environment()
    assert environment["SFN_MOCK_CONFIG"] == str(tmp_path / "mine.json")


def test_without_any_mock_file_the_engine_reads_none(tmp_path):
    bare = settings(tmp_path, repo_root=tmp_path)
    assert bare.mock_config is None
    assert bare.localstack_environment()["SFN_MOCK_CONFIG"] == ""


def test_the_container_mounts_the_files_folder_read_only(tmp_path):
    mine = tmp_path / "mocks" / "mine.json"
    mounts = mock_mount(settings(tmp_path, mock_config_override=mine))
    assert mounts == {
        "SFNLOCAL_MOCKS_DIR": str(tmp_path / "mocks"),
        "SFNLOCAL_MOCKS_FILE": "mine.json",
        "SFNLOCAL_MOCKS_SOURCE": str(mine),
    }
    compose = (REPO_ROOT / "docker-compose.yml").read_text()
    assert "- ${SFNLOCAL_MOCKS_DIR:-./statemachine}:/opt/mocks:ro\n" in compose
    assert (
        "SFN_MOCK_CONFIG: /opt/mocks/${SFNLOCAL_MOCKS_FILE:-stock_trading.mocks.json}\n" in compose
    )


def test_the_samples_file_is_named_relative_to_the_repository_in_messages(tmp_path):
    assert mock_mount(settings(tmp_path))["SFNLOCAL_MOCKS_SOURCE"] == SAMPLE_MOCKS


def test_a_file_directly_in_the_home_folder_is_refused(tmp_path):
    with pytest.raises(UserError) as raised:
        mock_mount(settings(tmp_path, mock_config_override=Path.home() / "mocks.json"))
    assert "folder of its own" in raised.value.fix


def test_the_stack_remembers_its_file_so_a_later_deploy_checks_that_one(tmp_path, monkeypatch):
    # GIVEN a stack started with the user's file
    mine = tmp_path / "mine.json"
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(mine))
    Stack(settings(tmp_path))._record_mock_config(running=False)
    # WHEN a later command runs without SFN_MOCK_CONFIG
    monkeypatch.delenv("SFN_MOCK_CONFIG")
    later = settings(tmp_path)
    # THEN it checks the file the stack reads, and a new start reads the sample's again
    assert later.mock_config == mine
    assert later.mock_config_at_start() == (REPO_ROOT / SAMPLE_MOCKS).resolve()


def test_another_file_than_the_running_stack_reads_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(tmp_path / "first.json"))
    Stack(settings(tmp_path))._record_mock_config(running=False)
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(tmp_path / "second.json"))
    with pytest.raises(UserError) as raised:
        Stack(settings(tmp_path)).check_mock_config()
    assert "first.json" in raised.value.problem and "second.json" in raised.value.problem
    assert "make down" in raised.value.fix


def test_up_refuses_a_bad_mock_file_before_starting_anything(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from sfnlocal.cli.main import app

    # GIVEN a mock file naming a state the state machine does not have
    mine = tmp_path / "mine.json"
    mine.write_text(
        '{"StateMachines": {"sfnlocal-StockTrading": {"TestCases": {"Mine": {"Buy Stok": "B"}}}},'
        ' "MockedResponses": {"B": {"0": {"Return": {"StatusCode": 200, "Payload": {}}}}}}'
    )
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(mine))
    monkeypatch.setenv("SFNLOCAL_STATE_DIR", str(tmp_path / "state"))
    # WHEN the stack is started  THEN it refuses, naming the file, the test case and the state
    result = CliRunner().invoke(app, ["up", "--stack", "embedded"])
    assert result.exit_code == 2, result.output
    assert f"{mine}: test case 'Mine', state 'Buy Stok'" in result.output
    assert not (tmp_path / "state").exists()  # nothing was started


def test_a_file_the_containers_user_cannot_read_is_refused(tmp_path):
    folder = tmp_path / "private"
    folder.mkdir(mode=0o700)
    (folder / "mine.json").write_text("{}")
    with pytest.raises(UserError) as raised:
        mock_mount(settings(tmp_path, mock_config_override=folder / "mine.json"))
    assert "cannot read" in raised.value.problem
    assert f"chmod o+rx {folder}" in raised.value.fix
