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

Three kinds of target:

- ``function`` (a module function, a method, a staticmethod):
  ``TARGET.patch(wrapper)`` with ``wrapper(original, *args, **kwargs)``;
- ``contextmanager`` (a ``@contextlib.contextmanager`` function or method):
  the same, and ``wrapper`` returns a context manager (a generator one, say)
  that enters ``original(...)`` itself; the fallback then covers entering and
  leaving it (see :class:`_GuardedContext`);
- ``value`` (a module constant; ``signature`` is then its type's qualified
  name): ``TARGET.patch(replace)`` sets it to ``replace(current)``.

Patches are applied through LocalStack's own ``localstack.utils.patch.Patch``
(its bookkeeping, ``undo``; a value through ``value_patch.ValuePatch``, which
also takes a falsy one), never by plain assignment, on the owner the
target names: the module, or the class inside it. (Not ``Patch.function``,
which finds the owner from the function itself: a name LocalStack imported
into a module, such as ``json_path.parse`` from jsonpath-ng, would be patched
in jsonpath-ng instead of where LocalStack looks it up.)

Each module declares its targets at import time, so that
``python -m sfnlocal.in_localstack.patching`` (run in the engine's
environment) checks every one of them without applying any: it prints a JSON
object, target -> problem (null when none), and exits 1 on any problem.
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

KINDS = ("function", "contextmanager", "value")

TARGETS: list[Target] = []
"""Every target declared so far (importing a patch module declares its own)."""


def localstack_version() -> str | None:
    try:
        return version("localstack-core")
    except PackageNotFoundError:
        return None


def qualified_type_name(value: Any) -> str:
    return f"{type(value).__module__}.{type(value).__qualname__}"


@dataclass(frozen=True)
class Target:
    """One LocalStack symbol a patch replaces: ``module`` + dotted ``name`` inside it.

    ``signature`` is ``str(inspect.signature(symbol))`` as the patch was written
    for (for a ``value``: its type's qualified name); ``hot_path`` wrappers
    fall back to the original when they raise.
    """

    module: str
    name: str
    signature: str
    hot_path: bool = True
    kind: str = "function"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self}: kind {self.kind!r} is not one of {KINDS}")
        TARGETS.append(self)

    def __str__(self) -> str:
        return f"{self.module}.{self.name}"

    def owner_and_attribute(self, module: Any) -> tuple[Any, str]:
        """The module or class that holds the symbol, and the symbol's name in it."""
        path, _, attribute = self.name.rpartition(".")
        owner = module
        for part in path.split(".") if path else ():
            owner = getattr(owner, part)
        return owner, attribute

    def resolve(self, module: Any) -> Any:
        owner, attribute = self.owner_and_attribute(module)
        return getattr(owner, attribute)

    def problem(self, module: Any | None = None) -> str | None:
        """Why this target cannot be patched here, or None."""
        running = localstack_version()
        if running != PINNED_LOCALSTACK:
            return f"LocalStack {running} is not the pinned {PINNED_LOCALSTACK}"
        try:
            module = module or importlib.import_module(self.module)
            owner, attribute = self.owner_and_attribute(module)
            symbol = getattr(owner, attribute)
        except (ImportError, AttributeError) as error:
            return f"{self} does not exist ({error})"
        if self.kind == "value":
            actual = qualified_type_name(symbol)
            if actual != self.signature:
                return f"{self} is a {actual}, the patch expects a {self.signature}"
            return None
        if isinstance(inspect.getattr_static(owner, attribute), classmethod):
            return f"{self} is a classmethod: Target patches functions and staticmethods only"
        try:
            actual = str(inspect.signature(symbol))
        except (TypeError, ValueError) as error:
            return f"{self} has no signature ({error})"
        if actual != self.signature:
            return f"{self} has signature {actual}, the patch expects {self.signature}"
        return None

    def patch(self, wrapper: Callable[..., Any]) -> None:
        """Replace the symbol (see the module's docstring), once its module is imported."""
        after_import(self.module, lambda module: self._apply(module, wrapper))

    def replacement(self, original: Any, wrapper: Callable[..., Any]) -> Any:
        """What the symbol becomes: ``wrapper`` around ``original``, guarded as ``hot_path`` says.

        A function or a staticmethod's function; the caller binds it where the
        original was (as a method, it receives ``self`` among ``args``).
        """
        if self.kind == "value":
            return wrapper(original)
        guarded = self._guarded(wrapper)

        @functools.wraps(original)
        def patched(*args: Any, **kwargs: Any) -> Any:
            return guarded(original, *args, **kwargs)

        patched.__subject__ = wrapper  # as LocalStack's own patch proxies say what they run
        return patched

    def _guarded(self, wrapper: Callable[..., Any]) -> Callable[..., Any]:
        if not self.hot_path:
            return wrapper
        if self.kind == "contextmanager":
            return functools.partial(_GuardedContext, self, wrapper)
        return _falling_back(self, wrapper)

    def _apply(self, module: Any, wrapper: Callable[..., Any]) -> None:
        from localstack.utils.patch import Patch

        if problem := self.problem(module):
            LOG.warning("sfnlocal: not patching %s: %s", self, problem)
            return
        owner, attribute = self.owner_and_attribute(module)
        new = self.replacement(getattr(owner, attribute), wrapper)
        if isinstance(inspect.getattr_static(owner, attribute), staticmethod):
            new = staticmethod(new)
        if self.kind == "value":
            from sfnlocal.in_localstack.value_patch import ValuePatch

            ValuePatch(owner, attribute, new).apply()
        else:
            Patch(owner, attribute, new).apply()
        LOG.debug("sfnlocal: patched %s", self)


def problems(*targets: Target) -> list[str]:
    """Why any of ``targets`` cannot be patched here (for patches applied all or none)."""
    return [problem for target in targets if (problem := target.problem())]


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


class _Tracked:
    """The original's context manager, remembering whether it was entered, left, and how."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.entered = self.left = self.suppressed = False
        self.exit_error: BaseException | None = None

    def __enter__(self) -> Any:
        self.entered = True  # an error entering it is the original's own
        return self.context.__enter__()

    def __exit__(self, *exc_info: Any) -> bool:
        self.left = True
        try:
            self.suppressed = bool(self.context.__exit__(*exc_info))
        except BaseException as error:
            self.exit_error = error
            raise
        return self.suppressed


class _GuardedContext:
    """The context manager a guarded ``contextmanager`` target returns.

    Entering: the wrapper's context is entered; if that raises before the
    original's context was entered, the original's is entered instead (and
    left on exit), as if there were no patch. Leaving: an error of the
    ``with`` body, or one the original raised on leaving, passes through;
    any other error is the wrapper's own cleanup failing: it is logged, the
    original's context is left if the wrapper had not, and the body's
    outcome stands as the original decided it.
    """

    def __init__(
        self,
        target: Target,
        wrapper: Callable[..., Any],
        original: Callable[..., Any],
        /,
        *args: Any,
        **kw: Any,
    ) -> None:
        self._target, self._wrapper, self._original = target, wrapper, original
        self._args, self._kwargs = args, kw
        self._tracked: list[_Tracked] = []
        self._outer: Any = None
        self._fallback: Any = None

    def _call_original(self, *args: Any, **kwargs: Any) -> _Tracked:
        tracked = _Tracked(self._original(*args, **kwargs))
        self._tracked.append(tracked)
        return tracked

    def __enter__(self) -> Any:
        try:
            self._outer = self._wrapper(self._call_original, *self._args, **self._kwargs)
            return self._outer.__enter__()
        except Exception:
            if any(tracked.entered for tracked in self._tracked):
                raise
            LOG.exception("sfnlocal: patch of %s failed; LocalStack's original runs", self._target)
            self._fallback = self._original(*self._args, **self._kwargs)
            return self._fallback.__enter__()

    def __exit__(self, exc_type: Any, exc: BaseException | None, traceback: Any) -> bool:
        if self._fallback is not None:
            return bool(self._fallback.__exit__(exc_type, exc, traceback))
        try:
            return bool(self._outer.__exit__(exc_type, exc, traceback))
        except Exception as error:
            if error is exc or any(tracked.exit_error is error for tracked in self._tracked):
                raise
            LOG.exception("sfnlocal: patch of %s failed on leaving", self._target)
        suppressed = False
        for tracked in self._tracked:
            if tracked.entered and not tracked.left:
                tracked.__exit__(exc_type, exc, traceback)
            suppressed = suppressed or tracked.suppressed
        return suppressed and exc is not None


def check_all(modules: list[str]) -> dict[str, str | None]:
    """Import the patch ``modules`` (declaring their targets) and check every target."""
    for name in modules:
        importlib.import_module(name)
    # The targets the modules declared: in this module as imported by name, which is not
    # this one when it runs as ``python -m`` (``__main__``).
    declared = importlib.import_module(__spec__.name).TARGETS if __spec__ else TARGETS
    return {str(target): target.problem() for target in declared}


def main() -> int:
    from sfnlocal.in_localstack import patching  # not __main__: the one TARGETS patches fill
    from sfnlocal.in_localstack.hooks import patch_modules

    results = patching.check_all(patch_modules())
    json.dump(results, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 1 if any(results.values()) else 0


if __name__ == "__main__":
    # The patch modules declare their targets in the imported module, not in __main__.
    from sfnlocal.in_localstack.patching import main as check_main

    sys.exit(check_main())
