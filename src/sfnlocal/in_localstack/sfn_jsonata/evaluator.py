"""Evaluate one Step Functions JSONata expression with jsonatapy (Rust; no JVM, no download).

The evaluator was chosen by measurement (BENCHMARKS.md, "JSONata evaluator"):
of the official JSONata test suite it passes 1676 of 1686 cases, more than
``jsonata-rs`` and ``jsonata-python``, and it is the fastest of the three.

Each call compiles the expression anew: a compiled jsonatapy expression
belongs to the thread that made it (using it from another thread panics),
LocalStack runs each execution, and each Map iteration, in threads of its own,
and compiling takes microseconds.

The expression is evaluated inside a block that also gives its ``$type``, so
that one evaluation tells what Step Functions must tell apart: a value (JSON
``null`` included), nothing (JSONata's undefined: AWS fails the state) and a
function (AWS: "an unsupported result type").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

import jsonatapy

from .functions import ADDED, REPLACED

_VALUE = "__sfnlocal_value"
_TYPED = '( ${value} := ({expression}\n); {{"type": $type(${value}), "value": ${value}}} )'

# jsonatapy's wording around JSONata's own "CODE: message".
_PREFIXES = re.compile(r"^(?:Parse error: |Invalid syntax: |host function raised \w+: )+")
_NON_FUNCTION = re.compile(r"^(T1006: Attempted to invoke a non-function): \S+$")


class JSONataError(Exception):
    """The expression does not compile, or failed while evaluating; ``str()`` is JSONata's
    ``CODE: message`` where JSONata has one."""


@dataclass(frozen=True)
class Result:
    kind: Literal["value", "undefined", "function"]
    value: Any = None


def _message(error: BaseException) -> str:
    message = _PREFIXES.sub("", str(error).strip())
    return _NON_FUNCTION.sub(r"\1", message)


def _functions(expression: str) -> list[tuple[str, Any, bool]]:
    """The Step Functions functions the expression may call: (name, function, replaces)."""
    return [
        (name, function, name in REPLACED)
        for name, function in (*ADDED.items(), *REPLACED.items())
        if re.search(rf"\${name}\b", expression)
    ]


def _as_doubles(value: Any) -> Any:
    """``value`` with each integer jsonatapy cannot take (beyond 64 bits) as a float."""
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
        return float(value)
    if isinstance(value, dict):
        return {key: _as_doubles(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_doubles(item) for item in value]
    return value


def _compile(expression: str) -> Any:
    try:
        return jsonatapy.compile(_TYPED.format(value=_VALUE, expression=expression))
    except ValueError:
        jsonatapy.compile(expression)  # raises the error as the expression alone has it
        raise


def evaluate(expression: str, bindings: dict[str, Any]) -> Result:
    """Evaluate ``expression`` (the text inside ``{% %}``) with ``$name`` bound to
    ``bindings[name]``; no input document (``$`` is undefined, as in Step Functions)."""
    # A compiled expression belongs to this thread, and pyo3 leaks one that another
    # thread's garbage collection frees ("unsendable, but is being dropped on another
    # thread"). So none may outlive this call in an error's traceback: the error is
    # raised after the handler (no context), and with this frame's reference dropped.
    compiled = failure = None
    try:
        compiled = _compile(expression)
        for name, function, replaces in _functions(expression):
            if replaces:
                compiled.register_override(name, function)
            else:
                compiled.register(name, function)
        try:
            typed = compiled.evaluate_json_or_none(None, bindings)
        except OverflowError:  # an integer beyond 64 bits: JSONata's numbers are doubles
            typed = compiled.evaluate_json_or_none(None, _as_doubles(bindings))
    except Exception as error:
        failure = _message(error)
    except BaseException as error:  # a panic in the Rust evaluator (pyo3's PanicException)
        if type(error).__name__ != "PanicException":
            raise
        failure = f"the JSONata evaluator failed: {_message(error)}"
    finally:
        compiled = None
    if failure is not None:
        raise JSONataError(failure)
    result = json.loads(typed) if typed is not None else {}
    kind = result.get("type")
    if kind is None:
        return Result("undefined")
    if kind == "function":
        return Result("function")
    return Result("value", result["value"])
