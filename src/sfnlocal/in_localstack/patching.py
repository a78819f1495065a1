"""The one way this project patches LocalStack, guarded three ways.

LocalStack's repository is archived at 2026.3.0: the patched internals will
not change under us, but a different LocalStack, or a symbol that is not what
a patch was written for, must leave LocalStack as it is rather than break it.
So a :class:`Target` is patched only when

1. the running LocalStack is :data:`PINNED_LOCALSTACK`;
2. the symbol exists and its signature is the one the patch was written for;

else the patch is logged and skipped. And 3., a wrapper on a hot path falls
back to the original when the wrapper itself raises (an error the original
raised is the caller's, and passes through unchanged).

Patches go through LocalStack's own ``localstack.utils.patch.Patch`` (which
binds methods, staticmethods and module functions alike), never by plain
assignment. Each module declares its targets at import time, so that
``python -m sfnlocal.in_localstack.patching`` (run in the engine's
environment) can check every one of them without applying any.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from sfnlocal.in_localstack.lazy import after_import

LOG = logging.getLogger(__name__)

PINNED_LOCALSTACK = "2026.3.0"
"""The LocalStack (``localstack-core``) every patch was written for and tested against."""

TARGETS: list[Target] = []
"""Every target declared so far (importing a patch module declares its own)."""


def localstack_version() -> str | None:
    try:
        return version("localstack-core")
    except PackageNotFoundError:
        return None


@dataclass(frozen=True)
class Target:
    """One LocalStack symbol a patch replaces: ``module`` + dotted ``name`` inside it.

    ``signature`` is ``str(inspect.signature(symbol))`` as the patch was written
    for; ``hot_path`` wrappers fall back to the original when they raise.
    """

    module: str
    name: str
    signature: str
    hot_path: bool = True

    def __post_init__(self) -> None:
        TARGETS.append(self)

    def __str__(self) -> str:
        return f"{self.module}.{self.name}"

    def resolve(self, module: Any) -> Any:
        owner = module
        for part in self.name.split("."):
            owner = getattr(owner, part)
        return owner

    def problem(self, module: Any | None = None) -> str | None:
        """Why this target cannot be patched here, or None."""
        running = localstack_version()
        if running != PINNED_LOCALSTACK:
            return f"LocalStack {running} is not the pinned {PINNED_LOCALSTACK}"
        try:
            module = module or importlib.import_module(self.module)
            symbol = self.resolve(module)
        except (ImportError, AttributeError) as error:
            return f"{self} does not exist ({error})"
        try:
            actual = str(inspect.signature(symbol))
        except (TypeError, ValueError) as error:
            return f"{self} has no signature ({error})"
        if actual != self.signature:
            return f"{self} has signature {actual}, the patch expects {self.signature}"
        return None

    def patch(self, wrapper: Callable[..., Any]) -> None:
        """Replace the symbol by ``wrapper(original, *args, **kwargs)``, when its module loads."""
        after_import(self.module, lambda module: self._apply(module, wrapper))

    def _apply(self, module: Any, wrapper: Callable[..., Any]) -> None:
        from localstack.utils.patch import Patch

        if problem := self.problem(module):
            LOG.warning("sfnlocal: not patching %s: %s", self, problem)
            return
        guarded = _falling_back(self, wrapper) if self.hot_path else wrapper
        Patch.function(self.resolve(module), guarded).apply()
        LOG.debug("sfnlocal: patched %s", self)


def _falling_back(target: Target, wrapper: Callable[..., Any]) -> Callable[..., Any]:
    """``wrapper``, but when it raises before the original ran, the original's result."""

    @functools.wraps(wrapper)
    def guarded(original: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        ran = False

        def call_original(*a: Any, **kw: Any) -> Any:
            nonlocal ran
            ran = True
            return original(*a, **kw)

        try:
            return wrapper(call_original, *args, **kwargs)
        except Exception:
            if ran:  # the original's own error, or one after it ran: not ours to repeat
                raise
            LOG.exception("sfnlocal: patch of %s failed; LocalStack's original runs", target)
            return original(*args, **kwargs)

    return guarded


def check_all(modules: list[str]) -> dict[str, str | None]:
    """Import the patch ``modules`` (declaring their targets) and check every target."""
    for name in modules:
        importlib.import_module(name)
    return {str(target): target.problem() for target in TARGETS}


def main() -> int:
    from sfnlocal.in_localstack import patching  # run as __main__, this module is another copy
    from sfnlocal.in_localstack.hooks import patch_modules

    results = patching.check_all(patch_modules())
    json.dump(results, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 1 if any(results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
