"""Execution and state machine names follow AWS's rules (StartExecution, CreateStateMachine)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.support.resources import ROLE, create_state_machine, unique

pytestmark = pytest.mark.integration

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
FORBIDDEN = [
    "with space",
    "tab\tinside",
    "a/b",
    "a:b",
    "a<b",
    "a{b",
    "a[b",
    "a?b",
    "a*b",
    'a"b',
    "a#b",
    "a%b",
    "a\\b",
    "a^b",
    "a|b",
    "a~b",
    "a`b",
    "a$b",
    "a&b",
    "a,b",
    "a;b",
    "control\x01",
    "delete\x7f",
    "c1-control\x85",
]
TOO_LONG = "n" * 81
ACCEPTED = ["ünïcødé-名前-Ωmega", "n" * 80, "plain_name-1.2@x+y=z!"]


@pytest.fixture(scope="module")
def standard(sfn) -> str:
    return create_state_machine(sfn, PASS)


@pytest.fixture(scope="module")
def express(sfn) -> str:
    return create_state_machine(sfn, PASS, kind="EXPRESS")


def refusal(call, **kwargs) -> dict:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]


@pytest.mark.parametrize("name", FORBIDDEN)
def test_start_execution_refuses_a_forbidden_character(sfn, standard, name):
    error = refusal(sfn.start_execution, stateMachineArn=standard, name=name)
    assert error == {"Code": "InvalidName", "Message": f"Invalid Name: '{name}'"}


@pytest.mark.parametrize("name", ["with space", "a/b", "control\x01"])
def test_start_sync_execution_refuses_a_forbidden_character(sfn, express, name):
    error = refusal(sfn.start_sync_execution, stateMachineArn=express, name=name)
    assert error == {"Code": "InvalidName", "Message": f"Invalid Name: '{name}'"}


@pytest.mark.parametrize("name", ["with space", "a/b", "a#b", "control\x01"])
def test_create_state_machine_refuses_a_forbidden_character(sfn, name):
    error = refusal(sfn.create_state_machine, name=name, definition=json.dumps(PASS), roleArn=ROLE)
    assert error == {"Code": "InvalidName", "Message": f"Invalid Name: '{name}'"}


def test_names_longer_than_80_characters_fail_validation(sfn, standard, express):
    message = (
        f"1 validation error detected: Value '{TOO_LONG}' at 'name' failed to satisfy "
        "constraint: Member must have length less than or equal to 80"
    )
    expected = {"Code": "ValidationException", "Message": message}
    assert refusal(sfn.start_execution, stateMachineArn=standard, name=TOO_LONG) == expected
    assert refusal(sfn.start_sync_execution, stateMachineArn=express, name=TOO_LONG) == expected
    assert (
        refusal(sfn.create_state_machine, name=TOO_LONG, definition="{}", roleArn=ROLE) == expected
    )


@pytest.mark.parametrize("name", ACCEPTED)
def test_valid_names_are_accepted_non_ascii_included(sfn, standard, express, name):
    started = sfn.start_execution(stateMachineArn=standard, name=name)
    assert started["executionArn"].endswith(f":{name}")
    assert sfn.start_sync_execution(stateMachineArn=express, name=name)["status"] == "SUCCEEDED"
    machine_name = f"{name[:71]}-{unique('m')[-8:]}"
    created = sfn.create_state_machine(name=machine_name, definition=json.dumps(PASS), roleArn=ROLE)
    assert created["stateMachineArn"].endswith(f":{machine_name}")
