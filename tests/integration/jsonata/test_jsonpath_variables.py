"""A JSONPath state reading workflow variables ("x.$": "$var"): LocalStack evaluates those
references as JSONata too, so they ran into the same JVM download (AWS: "Passing data
between states with variables in Step Functions")."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_variables_read_in_a_jsonpath_state(machine):
    execution = machine("jsonpath_variables").run({"stock_price": 42})
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    assert execution.output == {"price": 42, "label": "cheap"}
