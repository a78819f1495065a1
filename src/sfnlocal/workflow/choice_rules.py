"""Which rule of a Choice state an input takes: the JSONPath comparison operators, evaluated.

Path coverage needs to tell *which* rule sent an execution on, and the next
state alone does not tell it when two rules (or a rule and ``Default``) go to
the same state. This evaluates the rules of the States Language's JSONPath
Choice state on the state's input, as Step Functions does: the first rule
that matches wins.

Hand-written because it is small and has no library: the JSONPath needed is
the reference paths of ``Variable`` and of the ``...Path`` operators
(``$.a.b``, ``$['a']``, ``$[0]``). What cannot be told here, and raises
:class:`Undecidable` for the caller to fall back on the next state: a JSONata
``Condition``, a path into the context object (``$$``) or into a variable
(``$name``), a ``Variable`` the input does not have.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

_STEP = re.compile(r"\.([^.\[\]]+)|\['([^']*)'\]|\[(\d+)\]")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
NO_MATCH = -1
"""What :func:`matching_rule` returns when no rule matches."""


class Undecidable(Exception):
    """The rule cannot be evaluated here."""


def value_at(data: Any, path: str) -> Any:
    """The value at a reference path; Undecidable when it is not there or not simple."""
    if path == "$":
        return data
    if not path.startswith("$") or path.startswith("$$") or path[1:2] not in (".", "["):
        raise Undecidable(f"path {path!r} is not into the state's input")
    position, value = 1, data
    while position < len(path):
        step = _STEP.match(path, position)
        if not step:
            raise Undecidable(f"path {path!r} is not a simple reference path")
        key, quoted, index = step.groups()
        if index is not None:
            if not isinstance(value, list) or int(index) >= len(value):
                raise Undecidable(f"{path!r} is not in the input")
            value = value[int(index)]
        else:
            name = key if key is not None else quoted
            if not isinstance(value, dict) or name not in value:
                raise Undecidable(f"{path!r} is not in the input")
            value = value[name]
        position = step.end()
    return value


def matching_rule(choices: list[dict[str, Any]], data: Any) -> int:
    """The index of the first rule that ``data`` matches, or NO_MATCH."""
    for index, rule in enumerate(choices):
        if matches(rule, data):
            return index
    return NO_MATCH


def matches(rule: dict[str, Any], data: Any) -> bool:
    if "Condition" in rule:
        raise Undecidable("a JSONata Condition")
    if "And" in rule:
        return all(matches(inner, data) for inner in rule["And"])
    if "Or" in rule:
        return any(matches(inner, data) for inner in rule["Or"])
    if "Not" in rule:
        return not matches(rule["Not"], data)
    variable = rule.get("Variable")
    if not isinstance(variable, str):
        raise Undecidable("a rule without a Variable")
    operator = next((key for key in rule if key not in ("Variable", "Next", "Comment")), None)
    if operator is None:
        raise Undecidable("a rule without a comparison")
    expected = rule[operator]
    if operator == "IsPresent":
        try:
            value_at(data, variable)
        except Undecidable:
            return expected is False
        return expected is True
    value = value_at(data, variable)
    if operator.endswith("Path"):
        operator, expected = operator.removesuffix("Path"), value_at(data, expected)
    return _compare(operator, value, expected)


def _compare(operator: str, value: Any, expected: Any) -> bool:
    tests = {
        "IsNull": lambda: (value is None) == expected,
        "IsNumeric": lambda: _is_number(value) == expected,
        "IsString": lambda: isinstance(value, str) == expected,
        "IsBoolean": lambda: isinstance(value, bool) == expected,
        "IsTimestamp": lambda: (_timestamp(value) is not None) == expected,
    }
    if operator in tests:
        return tests[operator]()
    if operator == "BooleanEquals":
        return isinstance(value, bool) and value == expected
    if operator == "StringMatches":
        return isinstance(value, str) and _wildcard(expected).fullmatch(value) is not None
    for kind, convert in (("String", _string), ("Numeric", _number), ("Timestamp", _timestamp)):
        if operator.startswith(kind):
            left, right = convert(value), convert(expected)
            if left is None or right is None:
                return False
            return _order(operator.removeprefix(kind), left, right)
    raise Undecidable(f"operator {operator!r}")


def _order(relation: str, left: Any, right: Any) -> bool:
    return {
        "Equals": left == right,
        "LessThan": left < right,
        "GreaterThan": left > right,
        "LessThanEquals": left <= right,
        "GreaterThanEquals": left >= right,
    }[relation]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    return value if _is_number(value) else None


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str) or not _TIMESTAMP.fullmatch(value):
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _wildcard(pattern: str) -> re.Pattern[str]:
    """StringMatches: ``*`` is any run of characters; ``\\*`` and ``\\\\`` are literal."""
    parts, position = [], 0
    while position < len(pattern):
        char = pattern[position]
        if char == "\\" and position + 1 < len(pattern):
            parts.append(re.escape(pattern[position + 1]))
            position += 2
            continue
        parts.append(".*" if char == "*" else re.escape(char))
        position += 1
    return re.compile("".join(parts), re.DOTALL)
