"""A string assigned to a variable holds the string its JSON spells, escapes decoded."""

from __future__ import annotations

import json

import pytest

from tests.support.resources import create_state_machine
from tests.support.workflow import Workflow

pytestmark = pytest.mark.integration

QUOTE = '"'
DOCUMENT = '{"key":"value"}'
FOLDER = "C:\\temp"


def assigning(query_language: str, reader: dict) -> dict:
    """A Pass state that assigns the three strings, then ``reader`` that reads them."""
    return {
        "QueryLanguage": query_language,
        "StartAt": "Assign",
        "States": {
            "Assign": {
                "Type": "Pass",
                "Assign": {"quote": QUOTE, "document": DOCUMENT, "folder": FOLDER},
                "Next": "Read",
            },
            "Read": {"Type": "Pass", **reader, "End": True},
        },
    }


def test_jsonpath_variables_hold_the_decoded_strings(sfn):
    # GIVEN a JSONPath state machine that assigns strings with quotes and a backslash
    reader = {
        "Parameters": {
            "quote.$": "$quote",
            "parsed.$": "States.StringToJson($document)",
            "folder.$": "$folder",
        }
    }
    arn = create_state_machine(sfn, assigning("JSONPath", reader))
    # WHEN it runs
    execution = Workflow(sfn, arn).run({})
    # THEN each variable holds the string the JSON literal denotes
    assert execution.status == "SUCCEEDED", execution.cause
    assert execution.output == {"quote": QUOTE, "parsed": {"key": "value"}, "folder": FOLDER}
    assigned = execution.events("PassStateExited")[0]["stateExitedEventDetails"]
    assert json.loads(assigned["assignedVariables"]["quote"]) == QUOTE


def test_jsonata_compares_an_assigned_quote_with_a_quote(sfn):
    # GIVEN AWS's recorded case: a variable assigned '"', compared in JSONata
    reader = {
        "Output": "{% {'equal': $quote = '\"', 'length': $length($quote), 'doc': $document} %}"
    }
    arn = create_state_machine(sfn, assigning("JSONata", reader))
    # WHEN it runs
    execution = Workflow(sfn, arn).run({})
    # THEN the variable is that one character, as on AWS
    assert execution.status == "SUCCEEDED", execution.cause
    assert execution.output == {"equal": True, "length": 1, "doc": DOCUMENT}
