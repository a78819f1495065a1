"""``${Placeholder}`` substitution in JSON documents.

A placeholder is ``${Name}`` with ``Name`` an identifier (letters, digits and
``_``, starting with a letter). It may be a whole string or a part of one
(``arn:${Partition}:logs:...``). Substitution works on the parsed JSON, string
by string (keys and values), so a value can never break the JSON.

IAM policy variables such as ``${aws:username}`` and the special ``${*}``,
``${?}`` and ``${$}`` are left as they are. Anything else between ``${`` and
``}``, or a ``${`` without its ``}``, is malformed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_BRACED = re.compile(r"\$\{([^}]*)\}")
_UNTERMINATED = re.compile(r"\$\{[^}]*$")
_IAM_SPECIALS = frozenset({"*", "?", "$"})


class PlaceholderError(ValueError):
    """A placeholder is malformed or has no value."""


def _is_iam_variable(inner: str) -> bool:
    return inner in _IAM_SPECIALS or re.fullmatch(r"[A-Za-z0-9_-]+:[^\s${}]+", inner) is not None


def iter_strings(document: Any, location: str = "$") -> Iterator[tuple[str, str]]:
    """Yield ``(location, string)`` for every key and string value of a JSON document."""
    if isinstance(document, str):
        yield location, document
    elif isinstance(document, dict):
        for key, value in document.items():
            yield f"{location} key {key!r}", key
            yield from iter_strings(value, f"{location}.{key}")
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from iter_strings(value, f"{location}[{index}]")


def placeholders_in(text: str) -> list[str]:
    """The placeholder names in one string; raise PlaceholderError if one is malformed."""
    names = []
    for match in _BRACED.finditer(text):
        inner = match.group(1)
        if NAME.fullmatch(inner):
            names.append(inner)
        elif not _is_iam_variable(inner):
            raise PlaceholderError(f"malformed placeholder {match.group(0)!r} in {text!r}")
    if _UNTERMINATED.search(text):
        raise PlaceholderError(f"'${{' without a closing '}}' in {text!r}")
    return names


def find_placeholders(document: Any) -> dict[str, list[str]]:
    """Map each placeholder name in a JSON document to where it occurs.

    Raises:
        PlaceholderError: a malformed placeholder (the message says where).
    """
    found: dict[str, list[str]] = {}
    for location, text in iter_strings(document):
        try:
            names = placeholders_in(text)
        except PlaceholderError as exc:
            raise PlaceholderError(f"{exc} at {location}") from None
        for name in names:
            found.setdefault(name, []).append(location)
    return found


def substitute(document: Any, values: Mapping[str, str]) -> Any:
    """Return a copy of a JSON document with every placeholder replaced by its value.

    Raises:
        PlaceholderError: a placeholder has no value, or is malformed.
    """
    missing = sorted(set(find_placeholders(document)) - set(values))
    if missing:
        raise PlaceholderError(
            "unresolved placeholder"
            + ("s " if len(missing) > 1 else " ")
            + ", ".join(f"${{{name}}}" for name in missing)
        )

    def replace(text: str) -> str:
        return _BRACED.sub(
            lambda m: str(values[m.group(1)]) if NAME.fullmatch(m.group(1)) else m.group(0), text
        )

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            return replace(node)
        if isinstance(node, dict):
            return {replace(key): walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(value) for value in node]
        return node

    return walk(document)
