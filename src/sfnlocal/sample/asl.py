"""The state machine definition against the Amazon States Language.

:func:`asl_problems` is a focused structural validator, stdlib only, so that
the deploy can run it wherever it runs (LocalStack's virtual environment has
only LocalStack's dependencies). It checks what the States Language requires:

- the top level: ``StartAt`` naming a state, ``States``, the known fields;
- each state: a known ``Type``, the fields that Type allows and requires
  (``Resource`` for a Task, ``Choices`` for a Choice, exactly one of the four
  waits of a Wait...), ``Next`` xor ``End``, and no ``Next``/``End`` where the
  Type forbids them;
- every transition (``Next``, ``Default``, a Choice rule's or a Catcher's
  ``Next``) names a state of the same scope, every state is reachable from
  ``StartAt`` and there is a terminal state; state names are unique across the
  whole machine (Parallel branches and Map processors included);
- Choice rules: a ``Variable`` with exactly one comparison of the right type,
  or ``And``/``Or``/``Not``; ``Next`` on the top-level rules only;
- paths: ``InputPath``/``OutputPath``/``ItemsPath`` are JSONPaths,
  ``ResultPath`` and every ``Variable`` and ``...Path`` field a reference path,
  ``.$`` fields of payload templates a path or an intrinsic function;
- Retry and Catch: ``ErrorEquals``, ``States.ALL`` alone and last, the numbers.

A string holding a deploy placeholder (``${Name}``) is not checked for its
format here (``Resource: ${BuyStockFunctionArn}``): the deploy validates the
definition again with the placeholders resolved (:mod:`.resolved`).

:func:`statelint_problems` runs the ``statelint`` linter (a port of
awslabs/statelint), when it is installed, as a second opinion: the check
command uses it, the deploy does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

STATE_TYPES = ("Choice", "Fail", "Map", "Parallel", "Pass", "Succeed", "Task", "Wait")
QUERY_LANGUAGES = ("JSONPath", "JSONata")
MAX_STATE_NAME = 80

_PLACEHOLDER = re.compile(r"\$\{[A-Za-z][A-Za-z0-9_]*\}")
# JSONPath names as statelint has them: a letter first, then letters, digits, '_'.
_NAME = r"[^\W\d]\w*"
_REFERENCE_STEP = rf"(?:\.{_NAME}|\['[^']+'\]|\[\d+\])"
_REFERENCE_PATH = re.compile(rf"\${_REFERENCE_STEP}*")
_VARIABLE_PATH = re.compile(rf"\$(?:\$|{_NAME})?{_REFERENCE_STEP}*")
_PATH_STEP = (
    rf"(?:\.\.?(?:{_NAME}|\*)|\['[^']+'\]|\[\d+(?:,\s*\d+)*\]|\[\*\]"
    r"|\[-?\d*:-?\d*\]|\[\?\(.+?\)\])"
)
_PATH = re.compile(rf"\$(?:\$|{_NAME})?{_PATH_STEP}*")
_INTRINSIC = re.compile(
    r"States\.(?:JsonToString|Format|StringToJson|Array|ArrayPartition|ArrayContains"
    r"|ArrayRange|ArrayGetItem|ArrayLength|ArrayUnique|Base64Encode|Base64Decode"
    r"|Hash|JsonMerge|MathRandom|MathAdd|StringSplit|UUID)\(.*\)",
    re.DOTALL,
)
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")
_ARN = re.compile(r"arn:[a-z0-9-]+:[a-z0-9-]+:[a-z0-9-]*:(?:\d{12})?:.+")
_JSONATA = re.compile(r"\{%.*%\}", re.DOTALL)

_MACHINE_FIELDS = {"StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"}
_SCOPE_FIELDS = {"StartAt", "States", "Comment", "QueryLanguage"}
_PROCESSOR_FIELDS = _SCOPE_FIELDS | {"ProcessorConfig"}

_COMMON = {"Type", "Comment", "QueryLanguage"}
_IO = {"InputPath", "OutputPath"}
_RESULT = {"ResultPath", "ResultSelector"}
_ERRORS = {"Retry", "Catch"}
_FLOW = {"Next", "End"}
# Fields whose value must be a reference path (JSONPath mode only).
_REFERENCE_PATH_FIELDS = (
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "SecondsPath",
    "TimestampPath",
    "ErrorPath",
    "CausePath",
    "MaxConcurrencyPath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
)
_JSONPATH_ONLY = {
    "InputPath",
    "OutputPath",
    "ResultPath",
    "ResultSelector",
    "Parameters",
    "ItemsPath",
} | set(_REFERENCE_PATH_FIELDS)
_FIELDS: dict[str, set[str]] = {
    "Pass": _COMMON | _IO | _FLOW | {"ResultPath", "Parameters", "Result", "Assign", "Output"},
    "Task": _COMMON
    | _IO
    | _FLOW
    | _RESULT
    | _ERRORS
    | {
        "Resource",
        "Parameters",
        "Arguments",
        "Output",
        "Assign",
        "Credentials",
        "TimeoutSeconds",
        "TimeoutSecondsPath",
        "HeartbeatSeconds",
        "HeartbeatSecondsPath",
    },
    "Choice": _COMMON | _IO | {"Choices", "Default", "Assign", "Output"},
    "Wait": _COMMON
    | _IO
    | _FLOW
    | {"Seconds", "Timestamp", "SecondsPath", "TimestampPath", "Assign", "Output"},
    "Succeed": _COMMON | _IO | {"Output"},
    "Fail": _COMMON | {"Error", "Cause", "ErrorPath", "CausePath"},
    "Parallel": _COMMON
    | _IO
    | _FLOW
    | _RESULT
    | _ERRORS
    | {"Branches", "Parameters", "Arguments", "Output", "Assign"},
    "Map": _COMMON
    | _IO
    | _FLOW
    | _RESULT
    | _ERRORS
    | {
        "Iterator",
        "ItemProcessor",
        "ItemsPath",
        "Items",
        "ItemSelector",
        "Parameters",
        "ItemReader",
        "ResultWriter",
        "ItemBatcher",
        "MaxConcurrency",
        "MaxConcurrencyPath",
        "ToleratedFailurePercentage",
        "ToleratedFailurePercentagePath",
        "ToleratedFailureCount",
        "ToleratedFailureCountPath",
        "Label",
        "Arguments",
        "Output",
        "Assign",
    },
}
_JSONATA_ONLY = {"Arguments", "Output", "Items"}
_ALL_STATE_FIELDS = set().union(*_FIELDS.values())
_NEEDS_NEXT_OR_END = {"Task", "Pass", "Wait", "Parallel", "Map"}
_WAITS = ("Seconds", "Timestamp", "SecondsPath", "TimestampPath")

_COMPARISONS: dict[str, str] = {
    **{
        f"String{op}": "string"
        for op in ("Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals")
    },
    "StringMatches": "string",
    **{
        f"Numeric{op}": "number"
        for op in ("Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals")
    },
    "BooleanEquals": "boolean",
    **{
        f"Timestamp{op}": "timestamp"
        for op in ("Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals")
    },
    **{
        f"{kind}{op}Path": "path"
        for kind in ("String", "Numeric", "Timestamp")
        for op in ("Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals")
    },
    "BooleanEqualsPath": "path",
    **{
        test: "boolean"
        for test in ("IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp")
    },
}


def has_placeholder(value: Any) -> bool:
    """Whether a string holds a deploy placeholder ``${Name}``."""
    return isinstance(value, str) and _PLACEHOLDER.search(value) is not None


def is_reference_path(value: Any) -> bool:
    return isinstance(value, str) and _REFERENCE_PATH.fullmatch(value) is not None


def is_path(value: Any) -> bool:
    return isinstance(value, str) and _PATH.fullmatch(value) is not None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _type_name(value: Any) -> str:
    return {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


class _Validator:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.defined: dict[str, str] = {}
        """State name -> the scope defining it (names are unique across the machine)."""

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    # --- scopes: the machine, a Parallel branch, a Map processor -------------------------

    def scope(
        self, content: Any, where: str, allowed: set[str], query_language: str, top: bool = False
    ) -> None:
        if not isinstance(content, dict):
            self.add(where, f"must be an object, got {_type_name(content)}")
            return
        for key in sorted(set(content) - allowed):
            self.add(where, f"unknown field {key!r}; allowed: {', '.join(sorted(allowed))}")
        query_language = self.query_language(content, where, query_language)
        if "Comment" in content and not isinstance(content["Comment"], str):
            self.add(where, '"Comment" must be a string')
        if top:
            if "Version" in content and not isinstance(content["Version"], str):
                self.add(where, '"Version" must be a string')
            if "TimeoutSeconds" in content:
                self.positive_int(content["TimeoutSeconds"], where, "TimeoutSeconds")
        states = content.get("States")
        if not isinstance(states, dict) or not states:
            self.add(where, '"States" must be a non-empty object')
            return
        start_at = content.get("StartAt")
        if not isinstance(start_at, str):
            self.add(where, f'"StartAt" must be the name of a state, got {start_at!r}')
        elif start_at not in states:
            self.add(where, f'"StartAt" {start_at!r} is not a state')
        for name, state in states.items():
            if name in self.defined:
                self.add(
                    f"state {name!r}", f"is defined twice: in {self.defined[name]} and {where}"
                )
            else:
                self.defined[name] = where
            if not name or len(name) > MAX_STATE_NAME:
                self.add(
                    f"state {name!r}", f"a state name must be 1 to {MAX_STATE_NAME} characters"
                )
            self.state(name, state, states, query_language)
        self.reachability(content, states, where)

    def query_language(self, content: dict[str, Any], where: str, inherited: str) -> str:
        value = content.get("QueryLanguage", inherited)
        if value not in QUERY_LANGUAGES:
            self.add(where, f'"QueryLanguage" must be one of {", ".join(QUERY_LANGUAGES)}')
            return inherited
        if inherited == "JSONata" and value == "JSONPath":
            self.add(where, '"QueryLanguage" JSONPath is not allowed inside a JSONata machine')
        return value

    def reachability(self, content: dict[str, Any], states: dict[str, Any], where: str) -> None:
        start_at = content.get("StartAt")
        if start_at not in states:
            return
        seen: set[str] = set()
        todo = [start_at]
        terminal = False
        while todo:
            name = todo.pop()
            if name in seen or name not in states:
                continue
            seen.add(name)
            state = states[name]
            if not isinstance(state, dict):
                continue
            if state.get("End") is True or state.get("Type") in ("Succeed", "Fail"):
                terminal = True
            todo.extend(target for _, target in transitions(state) if isinstance(target, str))
        for name in states:
            if name not in seen:
                self.add(f"state {name!r}", f"is not reachable from StartAt {start_at!r}")
        if not terminal:
            self.add(where, "no terminal state (End: true, a Succeed or a Fail state) is reachable")

    # --- one state ------------------------------------------------------------------------

    def state(self, name: str, state: Any, states: dict[str, Any], inherited: str) -> None:
        where = f"state {name!r}"
        if not isinstance(state, dict):
            self.add(where, f"must be an object, got {_type_name(state)}")
            return
        kind = state.get("Type")
        if kind not in STATE_TYPES:
            self.add(
                where,
                f'"Type" must be one of {", ".join(STATE_TYPES)}, got {kind!r}'
                if "Type" in state
                else '"Type" is required',
            )
            return
        query_language = self.query_language(state, where, inherited)
        allowed = _FIELDS[kind] - (_JSONPATH_ONLY if query_language == "JSONata" else _JSONATA_ONLY)
        for key in state:
            if key in allowed:
                continue
            if key in _ALL_STATE_FIELDS:
                if key in _JSONPATH_ONLY and query_language == "JSONata":
                    reason = "a JSONata state"
                elif key in _JSONATA_ONLY and query_language == "JSONPath":
                    reason = "a JSONPath state"
                else:
                    reason = f"a {kind} state"
                self.add(where, f"field {key!r} is not allowed in {reason}")
            else:
                self.add(where, f"unknown field {key!r}")
        if "Comment" in state and not isinstance(state["Comment"], str):
            self.add(where, '"Comment" must be a string')
        self.flow(where, kind, state, states)
        if query_language == "JSONPath":
            self.paths(where, state)
        getattr(self, f"state_{kind.lower()}")(where, state, states, query_language)
        for field_name in ("Retry", "Catch"):
            if field_name in state:
                self.errors(where, field_name, state[field_name], states)

    def flow(self, where: str, kind: str, state: dict[str, Any], states: dict[str, Any]) -> None:
        if kind in _NEEDS_NEXT_OR_END:
            has_next, has_end = "Next" in state, "End" in state
            if has_next and has_end:
                self.add(where, 'has both "Next" and "End"; a state has exactly one')
            elif not has_next and not has_end:
                self.add(where, 'needs "Next" (the state that follows) or "End": true')
            if has_end and state["End"] is not True:
                self.add(where, f'"End" must be true, got {state["End"]!r}')
        for label, target in transitions(state):
            if not isinstance(target, str):
                self.add(where, f'"{label}" must be the name of a state, got {target!r}')
            elif target not in states:
                self.problems.append(f"{where} goes to {target!r} ({label}), which is not a state")

    def paths(self, where: str, state: dict[str, Any]) -> None:
        for key in ("InputPath", "OutputPath"):
            if key in state and state[key] is not None and not is_path(state[key]):
                self.add(
                    where, f'"{key}" must be null or a JSONPath such as "$.x", got {state[key]!r}'
                )
        if "ResultPath" in state:
            value = state["ResultPath"]
            if value is not None and not is_reference_path(value):
                self.add(
                    where,
                    f'"ResultPath" must be null or a reference path such as "$.result", '
                    f"got {value!r}",
                )
        for key in ("Parameters", "ResultSelector", "ItemSelector"):
            if key in state:
                if key != "Parameters" and not isinstance(state[key], dict):
                    self.add(where, f'"{key}" must be an object')
                self.template(where, key, state[key])
        for key in _REFERENCE_PATH_FIELDS:
            if key in state and not self.is_reference(state[key]):
                self.add(where, f'"{key}" must be a reference path, got {state[key]!r}')

    def is_reference(self, value: Any) -> bool:
        return isinstance(value, str) and _VARIABLE_PATH.fullmatch(value) is not None

    def template(self, where: str, location: str, node: Any) -> None:
        """A payload template: every ``"key.$"`` holds a path or an intrinsic function."""
        if isinstance(node, dict):
            for key, value in node.items():
                here = f"{location}.{key}"
                if isinstance(key, str) and key.endswith(".$"):
                    if not isinstance(value, str) or not (
                        is_path(value) or _INTRINSIC.fullmatch(value) or has_placeholder(value)
                    ):
                        self.add(
                            where,
                            f'{here} must be a JSONPath (such as "$.x" or "$$.Task.Token") '
                            f"or an intrinsic function (States.Format(...)), got {value!r}",
                        )
                else:
                    self.template(where, here, value)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                self.template(where, f"{location}[{index}]", value)

    # --- per Type -------------------------------------------------------------------------

    def state_task(self, where: str, state: dict[str, Any], states: Any, ql: str) -> None:
        resource = state.get("Resource")
        if "Resource" not in state:
            self.add(where, '"Resource" is required in a Task state')
        elif not isinstance(resource, str):
            self.add(where, f'"Resource" must be a string (an ARN), got {_type_name(resource)}')
        elif not has_placeholder(resource) and not _ARN.fullmatch(resource):
            self.add(
                where, f'"Resource" must be an ARN (arn:partition:service:...), got {resource!r}'
            )
        for key in ("TimeoutSeconds", "HeartbeatSeconds"):
            if key in state and not (ql == "JSONata" and isinstance(state[key], str)):
                self.positive_int(state[key], where, key)
            if key in state and f"{key}Path" in state:
                self.add(where, f'"{key}" and "{key}Path" are exclusive')
        timeout, heartbeat = state.get("TimeoutSeconds"), state.get("HeartbeatSeconds")
        if _is_int(timeout) and _is_int(heartbeat) and heartbeat >= timeout:
            self.add(where, '"HeartbeatSeconds" must be smaller than "TimeoutSeconds"')
        if "Credentials" in state and not isinstance(state["Credentials"], dict):
            self.add(where, '"Credentials" must be an object')

    def state_pass(self, where: str, state: dict[str, Any], states: Any, ql: str) -> None:
        pass

    def state_succeed(self, where: str, state: dict[str, Any], states: Any, ql: str) -> None:
        pass

    def state_fail(self, where: str, state: dict[str, Any], states: Any, ql: str) -> None:
        for key in ("Error", "Cause"):
            if key in state and f"{key}Path" in state:
                self.add(where, f'"{key}" and "{key}Path" are exclusive')
            if key in state and not isinstance(state[key], str):
                self.add(where, f'"{key}" must be a string')

    def state_wait(self, where: str, state: dict[str, Any], states: Any, ql: str) -> None:
        present = [key for key in _WAITS if key in state]
        if len(present) != 1:
            self.add(
                where,
                f"a Wait state needs exactly one of {', '.join(_WAITS)}"
                + (f", has {', '.join(present)}" if present else ""),
            )
        if "Seconds" in state and not (ql == "JSONata" and isinstance(state["Seconds"], str)):
            seconds = state["Seconds"]
            if not _is_int(seconds) or seconds < 0:
                self.add(where, f'"Seconds" must be an integer >= 0, got {seconds!r}')
        if "Timestamp" in state:
            value = state["Timestamp"]
            if not isinstance(value, str) or not (
                _TIMESTAMP.fullmatch(value) or (ql == "JSONata" and _JSONATA.fullmatch(value))
            ):
                self.add(where, f'"Timestamp" must be an RFC 3339 timestamp, got {value!r}')

    def state_choice(self, where: str, state: dict[str, Any], states: Any, ql: str) -> None:
        choices = state.get("Choices")
        if not isinstance(choices, list) or not choices:
            self.add(where, '"Choices" must be a non-empty array of rules')
            return
        for index, rule in enumerate(choices):
            self.rule(where, f"Choices[{index}]", rule, ql, top=True)

    def rule(self, where: str, location: str, rule: Any, ql: str, top: bool) -> None:
        if not isinstance(rule, dict):
            self.add(where, f"{location} must be an object")
            return
        if top and "Next" not in rule:
            self.add(where, f'{location} needs "Next"')
        if not top and "Next" in rule:
            self.add(where, f'{location}: "Next" is allowed only on a top-level Choice rule')
        extra = {"Comment", "Next"} | ({"Assign", "Output"} if top else set())
        if ql == "JSONata":
            if "Condition" not in rule:
                self.add(where, f'{location} needs "Condition" (a JSONata expression)')
            elif not (
                isinstance(rule["Condition"], bool) or _JSONATA.fullmatch(str(rule["Condition"]))
            ):
                self.add(where, f'{location}: "Condition" must be a JSONata expression {{% ... %}}')
            for key in sorted(set(rule) - extra - {"Condition"}):
                self.add(where, f"{location}: field {key!r} is not allowed in a JSONata rule")
            return
        combinators = [key for key in ("And", "Or", "Not") if key in rule]
        comparisons = [key for key in rule if key in _COMPARISONS]
        known = extra | {"Variable", "And", "Or", "Not"} | set(_COMPARISONS)
        for key in sorted(set(rule) - known):
            self.add(where, f"{location}: unknown field {key!r}")
        if combinators:
            if len(combinators) > 1 or comparisons or "Variable" in rule:
                self.add(
                    where,
                    f"{location} must be either one of And, Or, Not, or a Variable "
                    "with one comparison",
                )
            for key in combinators:
                value = rule[key]
                if key == "Not":
                    self.rule(where, f"{location}.Not", value, ql, top=False)
                elif not isinstance(value, list) or not value:
                    self.add(where, f'{location}: "{key}" must be a non-empty array of rules')
                else:
                    for index, nested in enumerate(value):
                        self.rule(where, f"{location}.{key}[{index}]", nested, ql, top=False)
            return
        variable = rule.get("Variable")
        if "Variable" not in rule:
            self.add(where, f'{location} needs "Variable" (or And, Or, Not)')
        elif not self.is_reference(variable):
            self.add(where, f'{location}: "Variable" must be a reference path, got {variable!r}')
        if len(comparisons) != 1:
            self.add(
                where,
                f"{location} needs exactly one comparison (StringEquals, NumericEquals, "
                f"IsPresent...), has {', '.join(comparisons) or 'none'}",
            )
        for key in comparisons:
            self.comparison(where, f"{location}.{key}", _COMPARISONS[key], rule[key])

    def comparison(self, where: str, location: str, expected: str, value: Any) -> None:
        ok = {
            "string": isinstance(value, str),
            "number": _is_number(value),
            "boolean": isinstance(value, bool),
            "timestamp": isinstance(value, str) and _TIMESTAMP.fullmatch(value) is not None,
            "path": self.is_reference(value),
        }[expected]
        if not ok:
            wanted = {
                "string": "a string",
                "number": "a number",
                "boolean": "true or false",
                "timestamp": "an RFC 3339 timestamp",
                "path": "a reference path",
            }[expected]
            self.add(where, f"{location} must be {wanted}, got {value!r}")

    def state_parallel(self, where: str, state: dict[str, Any], states: Any, ql: str) -> None:
        branches = state.get("Branches")
        if not isinstance(branches, list) or not branches:
            self.add(where, '"Branches" must be a non-empty array of state machines')
            return
        for index, branch in enumerate(branches):
            self.scope(branch, f"{where} Branches[{index}]", _SCOPE_FIELDS, ql)

    def state_map(self, where: str, state: dict[str, Any], states: Any, ql: str) -> None:
        processors = [key for key in ("ItemProcessor", "Iterator") if key in state]
        if len(processors) != 1:
            self.add(where, 'a Map state needs exactly one of "ItemProcessor" and "Iterator"')
        for key in processors:
            self.scope(state[key], f"{where} {key}", _PROCESSOR_FIELDS, ql)
        if "ItemsPath" in state and not is_path(state["ItemsPath"]):
            self.add(where, f'"ItemsPath" must be a JSONPath, got {state["ItemsPath"]!r}')
        if "MaxConcurrency" in state:
            value = state["MaxConcurrency"]
            if not _is_int(value) or value < 0:
                self.add(where, f'"MaxConcurrency" must be an integer >= 0, got {value!r}')
        if "ToleratedFailurePercentage" in state:
            value = state["ToleratedFailurePercentage"]
            if not _is_number(value) or not 0 <= value <= 100:
                self.add(where, '"ToleratedFailurePercentage" must be a number from 0 to 100')
        if "ToleratedFailureCount" in state:
            value = state["ToleratedFailureCount"]
            if not _is_int(value) or value < 0:
                self.add(where, '"ToleratedFailureCount" must be an integer >= 0')

    # --- Retry and Catch ------------------------------------------------------------------

    def errors(self, where: str, field_name: str, value: Any, states: dict[str, Any]) -> None:
        if not isinstance(value, list):
            self.add(where, f'"{field_name}" must be an array')
            return
        allowed = (
            {"ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds",
             "JitterStrategy", "Comment"}
            if field_name == "Retry"
            else {"ErrorEquals", "Next", "ResultPath", "Comment", "Assign", "Output"}
        )  # fmt: skip
        for index, item in enumerate(value):
            location = f"{field_name}[{index}]"
            if not isinstance(item, dict):
                self.add(where, f"{location} must be an object")
                continue
            for key in sorted(set(item) - allowed):
                self.add(where, f"{location}: unknown field {key!r}")
            errors = item.get("ErrorEquals")
            if (
                not isinstance(errors, list)
                or not errors
                or not all(isinstance(e, str) for e in errors)
            ):
                self.add(where, f'{location}: "ErrorEquals" must be a non-empty array of strings')
            elif "States.ALL" in errors:
                if len(errors) > 1:
                    self.add(where, f'{location}: "States.ALL" must be alone in "ErrorEquals"')
                if index != len(value) - 1:
                    self.add(where, f'{location}: the one with "States.ALL" must come last')
            if field_name == "Retry":
                self.retrier(where, location, item)
            else:
                if "Next" not in item:  # a target that is not a state: see flow()
                    self.add(where, f'{location} needs "Next" (the name of a state)')
                result_path = item.get("ResultPath")
                if result_path is not None and not is_reference_path(result_path):
                    self.add(where, f'{location}: "ResultPath" must be null or a reference path')

    def retrier(self, where: str, location: str, item: dict[str, Any]) -> None:
        if "IntervalSeconds" in item:
            self.positive_int(item["IntervalSeconds"], where, f"{location}.IntervalSeconds")
        if "MaxDelaySeconds" in item:
            self.positive_int(item["MaxDelaySeconds"], where, f"{location}.MaxDelaySeconds")
        if "MaxAttempts" in item:
            value = item["MaxAttempts"]
            if not _is_int(value) or value < 0:
                self.add(where, f"{location}.MaxAttempts must be an integer >= 0, got {value!r}")
        if "BackoffRate" in item:
            value = item["BackoffRate"]
            if not _is_number(value) or value < 1:
                self.add(where, f"{location}.BackoffRate must be a number >= 1.0, got {value!r}")
        if "JitterStrategy" in item and item["JitterStrategy"] not in ("FULL", "NONE"):
            self.add(where, f'{location}.JitterStrategy must be "FULL" or "NONE"')

    def positive_int(self, value: Any, where: str, name: str) -> None:
        if not _is_int(value) or value < 1:
            self.add(where, f'"{name}" must be a positive integer, got {value!r}')


def transitions(state: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """``(label, target)`` for each transition out of one state (not into nested scopes)."""
    if "Next" in state:
        yield "Next", state["Next"]
    if "Default" in state:
        yield "Default", state["Default"]
    choices = state.get("Choices")
    if isinstance(choices, list):
        for index, rule in enumerate(choices):
            if isinstance(rule, dict) and "Next" in rule:
                yield f"Choices[{index}].Next", rule["Next"]
    catchers = state.get("Catch")
    if isinstance(catchers, list):
        for index, catcher in enumerate(catchers):
            if isinstance(catcher, dict) and "Next" in catcher:
                yield f"Catch[{index}].Next", catcher["Next"]


def asl_problems(definition: Any) -> list[str]:
    """Every problem of a state machine definition, each naming its state or field."""
    validator = _Validator()
    validator.scope(definition, "the state machine", _MACHINE_FIELDS, "JSONPath", top=True)
    return validator.problems


def iter_states(definition: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every state ``(name, state)`` of a definition, nested ones (branches, processors) too."""
    if not isinstance(definition, dict) or not isinstance(definition.get("States"), dict):
        return
    for name, state in definition["States"].items():
        if not isinstance(state, dict):
            continue
        yield name, state
        for branch in state.get("Branches") or []:
            yield from iter_states(branch)
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                yield from iter_states(state[key])


def statelint_problems(definition: Any) -> list[str] | None:
    """The problems that ``statelint`` finds, or None when it is not installed.

    Pass the definition with its placeholders resolved: statelint wants every
    Task ``Resource`` to be a URI.
    """
    try:
        from statelint.linter import Linter
    except ImportError:
        return None
    return list(Linter.validate(definition))
