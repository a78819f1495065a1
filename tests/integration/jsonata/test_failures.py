"""A JSONata expression that fails, returns nothing or calls $eval fails its state with
States.QueryEvaluationError, as AWS does ("Transforming data with JSONata in Step
Functions"; the causes' wording as AWS recorded it in LocalStack's snapshots)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_eval_is_not_available(machine):
    # GIVEN a state calling $eval, which Step Functions does not have
    execution = machine("failures").run({"case": "eval"})
    # THEN the execution fails as calling an unbound function does
    assert execution.status == "FAILED"
    assert execution.error == "States.QueryEvaluationError"
    assert execution.cause == (
        "An error occurred while executing the state 'Uses $eval' (entered at the event id #4). "
        "The JSONata expression '$eval('1 + 1')' "
        "threw an error during evaluation. T1006: Attempted to invoke a non-function"
    )
    # AND the history has the EvaluationFailed event for that state
    [failed] = execution.events("EvaluationFailed")
    assert failed["evaluationFailedEventDetails"]["state"] == "Uses $eval"
    assert failed["evaluationFailedEventDetails"]["error"] == "States.QueryEvaluationError"


def test_an_expression_that_returns_nothing_fails_the_state(machine):
    execution = machine("failures").run({"case": "undefined"})
    assert execution.status == "FAILED"
    assert execution.error == "States.QueryEvaluationError"
    assert execution.cause.endswith(
        "The JSONata expression '$states.input.missing' returned nothing (undefined)."
    )


def test_a_catcher_for_the_query_evaluation_error_handles_it(machine):
    # GIVEN a Task whose Arguments fail to evaluate, caught by States.QueryEvaluationError
    execution = machine("failures").run({"case": "caught"})
    # THEN the catcher's state ran, with the error and its cause as $states.errorOutput
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    assert execution.states_entered()[-1] == "Handled"
    assert execution.output["Error"] == "States.QueryEvaluationError"
    assert "D3030" in execution.output["Cause"]
