"""AWS's rule for the names of Step Functions executions, for the console's
Start execution dialog and for the fix that lets LocalStack accept them.

StartExecution, "name" (AWS Step Functions API Reference,
https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html):
1 to 80 characters; no white space, brackets ``< > { } [ ]``, wildcards ``? *``,
special characters ``" # % \\ ^ | ~ ` $ & , ; : /``, control characters
(U+0000-001F, U+007F-009F, U+FFFE-FFFF) or surrogates. Other non-ASCII
characters are allowed.
"""

from __future__ import annotations

NAME_MAX = 80
FORBIDDEN = frozenset(' <>{}[]?*"#%\\^|~`$&,;:/')


def forbidden(char: str) -> bool:
    code = ord(char)
    return (
        char in FORBIDDEN
        or char.isspace()
        or code <= 0x1F
        or 0x7F <= code <= 0x9F
        or 0xD800 <= code <= 0xDFFF
        or code in (0xFFFE, 0xFFFF)
    )


def name_problem(name: str) -> str | None:
    """What is wrong with ``name`` as an execution name, or None."""
    if not name:
        return "the name is empty"
    if len(name) > NAME_MAX:
        return f"the name has {len(name)} characters; at most {NAME_MAX} are allowed"
    if bad := sorted({char for char in name if forbidden(char)}):
        return "the name must not contain " + " ".join(repr(char) for char in bad)
    return None
