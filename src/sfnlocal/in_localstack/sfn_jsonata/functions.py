"""The JSONata functions Step Functions adds, as AWS documents them.

AWS, "Transforming data with JSONata in Step Functions", section "JSONata
functions provided by Step Functions" (states using ``"QueryLanguage":
"JSONata"``): ``$partition(array, chunkSize)``, ``$range(start, end, step)``,
``$hash(value, algorithm)`` (MD5, SHA-1, SHA-256, SHA-384 or SHA-512),
``$random([seed])`` (0 <= n < 1, the same for the same integer seed),
``$uuid()`` (a version 4 UUID) and ``$parse(jsonString)``; and ``$eval`` is
not available ("use $parse instead").

Where AWS recorded results (LocalStack's AWS-validated snapshots), they are
followed: ``$partition`` keeps a last, shorter chunk and returns one chunk as
``[[...]]``; ``$range`` includes ``end`` when the steps land on it, and a range of
one number is that number (JSONata's singleton sequence), ``$range(1, 9, 9)``
is ``1``. An argument of the wrong type fails with JSONata's T0410, as a
function with a signature does; what AWS answers there is not recorded.
"""

from __future__ import annotations

import hashlib
import json
import math
import random as _random
import uuid as _uuid
from collections.abc import Callable
from typing import Any

MAX_RANGE = 10_000_000
"""JSONata's own limit on a range's size (error D2014)."""

HASH_ALGORITHMS = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}


class FunctionError(ValueError):
    """A Step Functions function refused its arguments; the message is JSONata-style."""


def _signature_error(argument: int, function: str) -> FunctionError:
    return FunctionError(
        f"T0410: Argument {argument} of function ${function} does not match function signature"
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _integer(value: Any) -> int | None:
    if _is_number(value) and float(value).is_integer():
        return int(value)
    return None


def partition(array: Any, chunk_size: Any) -> list[Any]:
    if not isinstance(array, list):
        raise _signature_error(1, "partition")
    size = _integer(chunk_size)
    if size is None or size < 1:
        raise FunctionError(
            f"$partition: the chunk size must be a positive integer, got {chunk_size!r}"
        )
    return [array[start : start + size] for start in range(0, len(array), size)]


def range_(start: Any, end: Any, step: Any) -> Any:
    for index, value in enumerate((start, end, step), 1):
        if not _is_number(value):
            raise _signature_error(index, "range")
    if step == 0:
        raise FunctionError("$range: the step must not be 0")
    count = math.floor((end - start) / step) + 1
    if count > MAX_RANGE:
        raise FunctionError(
            f"D2014: The size of the sequence allocated by the range operator (..) must not "
            f"exceed 1e7.  Attempted to allocate {count}."
        )
    values = [start + index * step for index in range(max(count, 0))]
    return values[0] if len(values) == 1 else values


def hash_(value: Any, algorithm: Any) -> str:
    if not isinstance(value, str):
        raise _signature_error(1, "hash")
    if algorithm not in HASH_ALGORITHMS:
        raise FunctionError(
            f"$hash: the algorithm must be one of {', '.join(HASH_ALGORITHMS)}, got {algorithm!r}"
        )
    return hashlib.new(HASH_ALGORITHMS[algorithm], value.encode("utf-8")).hexdigest()


def random(seed: Any = None) -> float:
    if seed is None:
        return _random.random()
    integer = _integer(seed)
    if integer is None:
        raise _signature_error(1, "random")
    return _random.Random(integer).random()


def uuid() -> str:
    return str(_uuid.uuid4())


def parse(text: Any) -> Any:
    if not isinstance(text, str):
        raise _signature_error(1, "parse")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FunctionError(f"$parse: the argument is not JSON ({error})") from None


def not_available(*_: Any) -> Any:
    """``$eval``: Step Functions does not have it; calling it is calling an unbound name."""
    raise FunctionError("T1006: Attempted to invoke a non-function")


ADDED: dict[str, Callable[..., Any]] = {
    "partition": partition,
    "range": range_,
    "hash": hash_,
    "uuid": uuid,
    "parse": parse,
}
"""Functions JSONata does not have, by name (called as ``$name``)."""

REPLACED: dict[str, Callable[..., Any]] = {"random": random, "eval": not_available}
"""JSONata's own functions that behave otherwise in Step Functions."""
