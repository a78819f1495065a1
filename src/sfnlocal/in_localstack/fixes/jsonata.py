"""JSONata evaluated in the engine itself, offline, as Step Functions does it.

AWS behaviour: a state with ``"QueryLanguage": "JSONata"`` evaluates every
``{% ... %}`` (in ``Arguments``, ``Output``, ``Assign``, a Choice rule's
``Condition``, ``Items``, ``TimeoutSeconds``...) with ``$states.input``,
``$states.context``, ``$states.result`` and ``$states.errorOutput`` and the
workflow's variables bound, and offers Step Functions' own functions
``$partition``, ``$range``, ``$hash``, ``$random``, ``$uuid`` and ``$parse``
(``$eval`` is not available). An expression that fails, returns nothing
(undefined) or returns a function fails the state with
``States.QueryEvaluationError``, an ``EvaluationFailed`` event and a cause
naming the expression and the field. AWS documents it in "Transforming data
with JSONata in Step Functions"
(https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html).

LocalStack 2026.3.0 evaluates JSONata in a JVM (JPype with dashjoin's
jsonata-java) that it installs at first use, Java 21 included: offline, every
JSONata execution fails after about 9 s with ``States.Runtime``
``PackageException(Installation of java 21 failed.)``. Its JSONPath states that
read variables (``"x.$": "$var"``) go through the same JVM. It also builds one
text per evaluation out of the expression and every binding serialised as a
JSONata literal (a variable holding a string with ``"`` in it breaks that),
and it has no ``$hash`` nor ``$uuid`` (placeholders that return a message).

This module replaces those two evaluations (``StringJSONata._eval_body`` and
``StringVariableSample._eval_body``) with :mod:`sfnlocal.in_localstack.sfn_jsonata`:
jsonatapy with the bindings passed as values. Neither patch falls back to
LocalStack's original: the original is the JVM download this fixes, and a
JSONata error is the workflow's, to report as Step Functions does.

Left as LocalStack has it: its own Choice, Map and timeout checks of the value
an expression gave. Not as AWS: a cause names the field (``specified for the
field 'Output/result'``) only for the fields LocalStack still knows by then
(``Condition``, ``Items``, ``TimeoutSeconds``...).
"""

from __future__ import annotations

from typing import Any

from sfnlocal.in_localstack.patching import Target

MODULE = "localstack.services.stepfunctions.asl.component.common.string.string_expression"
_SIGNATURE = (
    "(self, env: localstack.services.stepfunctions.asl.eval.environment.Environment) -> None"
)

JSONATA = Target(MODULE, "StringJSONata._eval_body", _SIGNATURE, hot_path=False)
"""``{% ... %}`` of a JSONata state."""
VARIABLE_SAMPLE = Target(MODULE, "StringVariableSample._eval_body", _SIGNATURE, hot_path=False)
"""A variable read in a JSONPath state (``"x.$": "$var.field"``)."""

# LocalStack names the field being evaluated after the class of its component; these
# are the fields AWS names in a cause (the others are a key of Output, Arguments or
# Assign, whose name LocalStack has lost by then: the cause leaves the field out).
_FIELDS = {
    "ConditionStringJSONata": "Condition",
    "ItemsJSONata": "Items",
    "SecondsJSONata": "Seconds",
    "TimeoutSecondsJSONata": "TimeoutSeconds",
    "HeartbeatSecondsJSONata": "HeartbeatSeconds",
    "MaxConcurrencyJSONata": "MaxConcurrency",
    "MaxItemsStringJSONata": "MaxItems",
    "ToleratedFailureCountStringJSONata": "ToleratedFailureCount",
    "ToleratedFailurePercentageStringJSONata": "ToleratedFailurePercentage",
}

_STATES_GETTERS = {
    "input": "get_input",
    "context": "get_context",
    "result": "get_result",
    "errorOutput": "get_error_output",
}


def _states(env: Any, references: set[str]) -> dict[str, Any]:
    """``$states``: what the expression reads of it (all of it for a bare ``$states``)."""
    if "$states" in references:
        wanted = set(_STATES_GETTERS)
    else:
        wanted = {ref.split(".")[1] for ref in references if ref.startswith("$states.")}
    states: dict[str, Any] = {}
    for key in wanted & set(_STATES_GETTERS):
        try:
            states[key] = getattr(env.states, _STATES_GETTERS[key])()
        except RuntimeError:  # $states.result / errorOutput where the state has none
            continue
    return states


def bindings(env: Any, references: set[str], with_states: bool) -> dict[str, Any]:
    """The values of the ``$names`` an expression references: ``$states`` and variables.

    A variable shadows a Step Functions function of the same name, as in LocalStack.
    """
    from localstack.services.stepfunctions.asl.eval.variable_store import NoSuchVariable

    names = {reference[1:].split(".", 1)[0] for reference in references}
    bound: dict[str, Any] = {}
    if with_states and "states" in names:
        bound["states"] = _states(env, references)
    for name in names:
        try:
            bound[name] = env.variable_store.get(name)
        except NoSuchVariable:
            continue
    return bound


def _failure(env: Any, cause: str) -> Exception:
    """States.QueryEvaluationError for the state, its event added, as LocalStack's
    validations of a JSONata result do it."""
    from localstack.aws.api.stepfunctions import EvaluationFailedEventDetails, HistoryEventType
    from localstack.services.stepfunctions.asl.component.common.error_name import (
        failure_event,
        states_error_name,
        states_error_name_type,
    )
    from localstack.services.stepfunctions.asl.eval.event.event_detail import EventDetails

    error_name = states_error_name.StatesErrorName(
        typ=states_error_name_type.StatesErrorNameType.StatesQueryEvaluationError
    )
    details = EvaluationFailedEventDetails(error=error_name.error_name, cause=cause)
    if field := _FIELDS.get(env.next_field_name):
        details["location"] = field
    failure = failure_event.FailureEventException(
        failure_event=failure_event.FailureEvent(
            env=env,
            error_name=error_name,
            event_type=HistoryEventType.EvaluationFailed,
            event_details=EventDetails(evaluationFailedEventDetails=details),
        )
    )
    env.event_manager.add_event(
        context=env.event_history_context,
        event_type=HistoryEventType.EvaluationFailed,
        event_details=EventDetails(
            evaluationFailedEventDetails=failure.get_evaluation_failed_event_details()
        ),
    )
    return failure


def _eval_jsonata(original, self, env) -> None:
    from localstack.services.stepfunctions.asl.jsonata.jsonata import (
        extract_jsonata_variable_references,
    )

    from sfnlocal.in_localstack.sfn_jsonata.evaluator import JSONataError, evaluate

    expression = self.expression
    references = extract_jsonata_variable_references(expression)
    about = f"The JSONata expression '{expression}'"
    if field := _FIELDS.get(env.next_field_name):
        about += f" specified for the field '{field}'"
    try:
        result = evaluate(expression, bindings(env, references, with_states=True))
    except JSONataError as error:
        raise _failure(env, f"{about} threw an error during evaluation. {error}") from None
    if result.kind == "undefined":
        raise _failure(env, f"{about} returned nothing (undefined).")
    if result.kind == "function":
        raise _failure(env, f"{about} returned an unsupported result type.")
    env.stack.append(result.value)


def _eval_variable_sample(original, self, env) -> None:
    from localstack.services.stepfunctions.asl.component.common.query_language import (
        QueryLanguageMode,
    )
    from localstack.services.stepfunctions.asl.jsonata.jsonata import (
        JSONataException,
        extract_jsonata_variable_references,
    )

    from sfnlocal.in_localstack.sfn_jsonata.evaluator import JSONataError, evaluate

    references = extract_jsonata_variable_references(self.expression)
    with_states = self.query_language_mode == QueryLanguageMode.JSONata
    try:
        result = evaluate(self.expression, bindings(env, references, with_states))
    except JSONataError as error:  # what LocalStack's evaluation raises
        raise JSONataException("UNKNOWN", str(error)) from None
    env.stack.append(result.value)  # undefined reads as null, as from LocalStack's JVM


def install() -> None:
    JSONATA.patch(_eval_jsonata)
    VARIABLE_SAMPLE.patch(_eval_variable_sample)
