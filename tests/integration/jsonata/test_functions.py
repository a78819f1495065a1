"""Step Functions' own JSONata functions, variables and Conditions, evaluated offline.

AWS: "Transforming data with JSONata in Step Functions" (JSONata functions
provided by Step Functions; $states; Assign). The expected values of
$partition and $range are those AWS recorded (LocalStack's AWS-validated
snapshots); the others follow from the documented definitions.
"""

from __future__ import annotations

import hashlib
import re

import pytest

pytestmark = pytest.mark.integration

INPUT = {
    "items": [1, 2, 3, 4, 5],
    "content": "hello",
    "seed": 42,
    "json": '{"a": [1, 2], "b": null}',
    "quote": 'say "hi"',
}


@pytest.fixture(scope="module")
def functions_run(machine):
    return machine("functions").run(INPUT)


def test_the_functions_step_functions_adds_give_their_documented_values(functions_run):
    # GIVEN a JSONata state machine that assigns each function's result to a variable
    # WHEN it runs (offline: no JVM, nothing downloaded)
    assert functions_run.status == "SUCCEEDED", (functions_run.error, functions_run.cause)
    output = functions_run.output
    # THEN $partition chunks the array, keeping the shorter last chunk
    assert output["chunks"] == [[1, 2], [3, 4], [5]]
    # AND $range includes its end, and a range of one number is that number
    assert output["evens"] == [0, 2, 4, 6, 8, 10]
    assert output["single"] == 1
    # AND $hash is the hex digest with the named algorithm
    assert output["sha256"] == hashlib.sha256(b"hello").hexdigest()
    assert output["md5"] == hashlib.md5(b"hello").hexdigest()
    # AND $random is in [0, 1), the same for the same seed
    assert 0 <= output["unseeded"] < 1
    assert 0 <= output["seeded"] < 1
    assert output["seeded"] == output["seededAgain"]
    # AND $uuid is a version 4 UUID
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", output["id"]
    )
    # AND $parse reads JSON text
    assert output["parsed"] == {"a": [1, 2], "b": None}


def test_states_and_variables_reach_later_states_unchanged(functions_run):
    output = functions_run.output
    # GIVEN variables assigned from $states.input and $states.context in the first state
    # THEN a later state reads them, a string with quotes in it included
    assert output["quote"] == 'say "hi"!'
    assert output["execution"] == functions_run.arn.rsplit(":", 1)[1]
    # AND $states.input there is that state's input
    assert output["input"] == INPUT


@pytest.mark.parametrize(
    ("items", "size", "path"), [([1, 2, 3, 4, 5], "many", []), ([1], "few", ["Few"])]
)
def test_a_choice_follows_its_condition_and_assigns_on_the_way(machine, items, size, path):
    # GIVEN a Choice whose rule's Condition counts the chunks, assigning "many" or (Default) "few"
    execution = machine("functions").run({**INPUT, "items": items})
    # THEN the execution took the branch the Condition chose, with that rule's Assign
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    assert execution.states_entered() == ["Compute", "How many chunks?", *path, "Report"]
    assert execution.output["size"] == size
