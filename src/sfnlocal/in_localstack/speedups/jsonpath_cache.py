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
import threading

from sfnlocal.in_localstack.patching import Target

CACHE_SIZE = 4096
PARSE = (
    # jsonpath_ng.ext.parse, as LocalStack imported it
    Target(
        "localstack.services.stepfunctions.asl.utils.json_path",
        "parse",
        "(path, debug=False)",
        hot_path=True,
    ),
    # jsonpath_ng.parse, as LocalStack imported it
    Target(
        "localstack.services.stepfunctions.asl.component.common.path.result_path",
        "parse",
        "(string)",
        hot_path=True,
    ),
)


def caching_parse(maxsize: int = CACHE_SIZE):
    """A wrapper of one ``parse``: each distinct path parsed once (LRU, ``maxsize`` paths).

    The cache is keyed by the path alone: the wrapper is handed its original
    anew at each call (see patching.py), so the miss calls the one it was given.
    """
    calling = threading.local()

    @functools.lru_cache(maxsize=maxsize)
    def parsed(*args, **kwargs):
        return calling.original(*args, **kwargs)

    def parse(original, *args, **kwargs):
        calling.original = original
        return parsed(*args, **kwargs)

    parse.cache_info = parsed.cache_info
    return parse


def install() -> None:
    for target in PARSE:
        target.patch(caching_parse())
