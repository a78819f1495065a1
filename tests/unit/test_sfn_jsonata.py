"""JSONata as Step Functions evaluates it (the glue the engine's fix uses): Step Functions'
own functions, and what one evaluation tells apart (AWS: "Transforming data with JSONata
in Step Functions")."""

from __future__ import annotations

import hashlib
import threading

import pytest

from sfnlocal.in_localstack.sfn_jsonata import functions
from sfnlocal.in_localstack.sfn_jsonata.evaluator import JSONataError, Result, evaluate

# --- the functions, as AWS recorded or documents them ------------------------------------------


@pytest.mark.parametrize(
    ("array", "size", "chunks"),
    [
        ([0], 1, [[0]]),
        ([0], 5, [[0]]),
        ([0, 1, 2], 2, [[0, 1], [2]]),
        ([0, 1, 2, 3], 3, [[0, 1, 2], [3]]),
        ([0, 1, 2, 3], 4, [[0, 1, 2, 3]]),
    ],
)
def test_partition_keeps_a_shorter_last_chunk(array, size, chunks):
    assert functions.partition(array, size) == chunks


@pytest.mark.parametrize(
    ("start", "end", "step", "values"),
    [(0, 9, 3, [0, 3, 6, 9]), (0, 10, 3, [0, 3, 6, 9]), (1, 9, 2, [1, 3, 5, 7, 9]), (1, 9, 9, 1)],
)
def test_range_as_aws_recorded_it(start, end, step, values):
    assert functions.range_(start, end, step) == values


def test_range_counts_down_with_a_negative_step_and_refuses_a_zero_one():
    assert functions.range_(10, 0, -5) == [10, 5, 0]
    assert functions.range_(0, 10, -1) == []
    with pytest.raises(functions.FunctionError, match="step must not be 0"):
        functions.range_(0, 10, 0)


@pytest.mark.parametrize("algorithm", sorted(functions.HASH_ALGORITHMS))
def test_hash_is_the_hex_digest_with_each_documented_algorithm(algorithm):
    expected = hashlib.new(functions.HASH_ALGORITHMS[algorithm], "ü".encode()).hexdigest()
    assert functions.hash_("ü", algorithm) == expected


def test_hash_refuses_another_algorithm_and_a_value_that_is_not_text():
    with pytest.raises(functions.FunctionError, match="MD5, SHA-1, SHA-256, SHA-384, SHA-512"):
        functions.hash_("x", "SHA3-256")
    with pytest.raises(functions.FunctionError, match="T0410: Argument 1 of function \\$hash"):
        functions.hash_(1, "MD5")


def test_random_with_a_seed_repeats_and_stays_below_one():
    assert functions.random(7) == functions.random(7.0)
    assert functions.random(7) != functions.random(8)
    assert all(0 <= functions.random() < 1 for _ in range(100))
    with pytest.raises(functions.FunctionError, match="T0410"):
        functions.random(1.5)


def test_uuid_is_version_4_and_parse_reads_json():
    assert functions.uuid()[14] == "4"
    assert functions.parse('{"a": [1, 2.5, "x"], "b": null}') == {"a": [1, 2.5, "x"], "b": None}
    assert functions.parse("-0") == 0
    with pytest.raises(functions.FunctionError, match="not JSON"):
        functions.parse("{a: 1}")


# --- one evaluation ---------------------------------------------------------------------------


def test_a_value_null_nothing_and_a_function_are_told_apart():
    assert evaluate("$states.input.a", {"states": {"input": {"a": None}}}) == Result("value")
    assert evaluate("$states.input.b", {"states": {"input": {"a": None}}}) == Result("undefined")
    assert evaluate("$sum", {}) == Result("function")
    assert evaluate("$x := 1; $x + 1", {}) == Result("value", 2)


def test_the_step_functions_functions_are_callable_and_a_variable_shadows_one():
    assert evaluate("$partition([1, 2, 3], 2)", {}) == Result("value", [[1, 2], [3]])
    assert evaluate("$random(3) = $random(3)", {}) == Result("value", True)
    assert evaluate("$hash", {"hash": "a variable"}) == Result("value", "a variable")


def test_bindings_are_values_whatever_their_text():
    # LocalStack wrote bindings into the expression as literals: a quote broke it
    assert evaluate("$v & '!'", {"v": 'say "hi"'}) == Result("value", 'say "hi"!')
    assert evaluate("$n", {"n": 10**20}) == Result("value", 1e20)  # JSONata numbers: doubles


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("$eval('1')", "T1006: Attempted to invoke a non-function"),
        ("$randomSeeded(1)", "T1006: Attempted to invoke a non-function"),
        ("1 +", "S0207: Unexpected end of expression"),
        ("$number('x')", "D3030: Cannot convert 'x' to number"),
        (
            "$hash(1, 'MD5')",
            "T0410: Argument 1 of function $hash does not match function signature",
        ),
    ],
)
def test_an_error_is_jsonatas_code_and_message(expression, message):
    with pytest.raises(JSONataError) as raised:
        evaluate(expression, {})
    assert str(raised.value) == message


def test_evaluations_run_in_many_threads_at_once():
    # LocalStack runs each execution in a thread of its own
    results: list[Result] = []
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for _ in range(50):
                results.append(evaluate("$n * 2", {"n": n}))
        except BaseException as error:  # a panic is a BaseException
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(r.value for r in results) == sorted(2 * n for n in range(8) for _ in range(50))


def _objects_reachable_from(error: BaseException) -> list[object]:
    """Every local of every frame in the tracebacks of ``error`` and of its context."""
    found: list[object] = []
    while error is not None:
        traceback = error.__traceback__
        while traceback is not None:
            found.extend(traceback.tb_frame.f_locals.values())
            traceback = traceback.tb_next
        error = error.__context__
    return found


def test_a_failed_evaluation_keeps_no_compiled_expression_alive():
    # A compiled jsonatapy expression belongs to its thread; one kept alive by an error's
    # traceback is freed later by whichever thread collects it, and then leaked (pyo3:
    # "unsendable, but is being dropped on another thread").
    # GIVEN an expression that compiles and fails while evaluating
    with pytest.raises(JSONataError) as raised:
        evaluate("$x.y()", {"x": {"y": 1}})
    # THEN no frame of the error's tracebacks holds the compiled expression
    kinds = {type(value).__name__ for value in _objects_reachable_from(raised.value)}
    assert "JsonataExpression" not in kinds
