"""A string assigned to a variable holds the string the definition's JSON spells.

AWS: the values of a state's ``Assign`` field are JSON; a string value (not a
``{% ... %}`` expression) is assigned as the string that JSON literal denotes,
its escape sequences decoded: ``"Assign": {"quote": "\\"", "doc":
"{\\"key\\":\\"value\\"}"}`` assigns a one-character ``"`` and the text
``{"key":"value"}`` (which ``States.StringToJson($doc)`` parses). Documented
at https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
(Assign: "literal values" in JSON) and recorded in LocalStack's AWS-validated
snapshots (``test_escape_sequence_parsing[ESCAPE_SEQUENCES_JSONATA_COMPARISON_ASSIGN]``:
``$var = '"'`` is ``true``; ``test_reference_assign[BASE_REFERENCE_IN_INTRINSIC_FUNCTION]``).

LocalStack 2026.3.0 keeps such a string as its raw source text, backslashes
included (``Preprocessor.visitAssign_template_value_terminal_string_literal``
strips the quotes only, where every other string literal of a definition is
decoded): the variable holds ``\\"`` (two characters), a JSON text with
escaped quotes no longer parses, and a comparison with the intended string is
false. This decodes the literal as JSON, in JSONPath and JSONata states alike.

The state's exited event lists each assigned variable as JSON text
(``assignedVariables``; for the one-character string ``"`` AWS records
``"\\""``). LocalStack writes a string variable there between quotes without
escaping it (``VariableStore.get_assigned_variables``), which only looked right
while the raw source text was kept: the decoded ``"`` would give three
quotes, not JSON. Here a string is written as JSON (non-ASCII letters as they are, as
LocalStack writes them).
"""

from __future__ import annotations

import json

from sfnlocal.in_localstack.patching import Target

TARGET = Target(
    "localstack.services.stepfunctions.asl.parse.preprocessor",
    "Preprocessor.visitAssign_template_value_terminal_string_literal",
    "(self, ctx: localstack.services.stepfunctions.asl.antlr.runtime.ASLParser.ASLParser"
    ".Assign_template_value_terminal_string_literalContext) -> "
    "localstack.services.stepfunctions.asl.component.common.assign"
    ".assign_template_value_terminal.AssignTemplateValueTerminal",
)

ASSIGNED_VARIABLES = Target(
    "localstack.services.stepfunctions.asl.eval.variable_store",
    "VariableStore.get_assigned_variables",
    "(self) -> 'dict[str, str]'",
)


def decoded(source: str) -> str | None:
    """The string a JSON string literal's source text denotes, or None if it is not one."""
    try:
        value = json.loads(source)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _visit(original, self, ctx):
    terminal = original(self, ctx)
    value = decoded(ctx.string_literal().getText())
    if value is not None:
        terminal.value = value
    return terminal


def _assigned_variables(original, self) -> dict[str, str]:
    assigned = original(self)
    for name in assigned:
        value = self.get(name)
        if isinstance(value, str):
            assigned[name] = json.dumps(value, ensure_ascii=False)
    return assigned


def install() -> None:
    TARGET.patch(_visit)
    ASSIGNED_VARIABLES.patch(_assigned_variables)
