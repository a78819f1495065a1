"""Parse each Step Functions JSONPath once, not at every state.

LocalStack's Step Functions interpreter calls ``jsonpath_ng.parse`` (and
``jsonpath_ng.ext.parse``) for every path it evaluates: InputPath, ResultPath,
a Choice rule's Variable, each ``.$`` parameter. jsonpath-ng builds a new PLY
parser, LALR tables included, for every call: 1 to 5 ms of CPU each, under
the GIL, several times per state. A parsed path is an immutable expression
tree (``find`` and ``update_or_create`` change the data, not the tree), so
parsing each distinct path string once is safe.
"""

from __future__ import annotations

import functools

from sfnlocal.in_localstack.lazy import after_import

CACHE_SIZE = 4096
MODULES = (
    "localstack.services.stepfunctions.asl.utils.json_path",
    "localstack.services.stepfunctions.asl.component.common.path.result_path",
)


def _cache_parse(module) -> None:
    parse = getattr(module, "parse", None)
    if parse is None or hasattr(parse, "cache_info"):
        return
    module.parse = functools.lru_cache(maxsize=CACHE_SIZE)(parse)


def install() -> None:
    for name in MODULES:
        after_import(name, _cache_parse)
