"""Run a patch when a module is first imported, not before.

LocalStack imports a service's modules when the service is first used; a patch
that imported them at start would add seconds to the engine's start.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import logging
import sys
import threading
from collections.abc import Callable
from types import ModuleType

LOG = logging.getLogger(__name__)

_lock = threading.Lock()
_pending: dict[str, list[Callable[[ModuleType], None]]] = {}


def _run(callbacks: list[Callable[[ModuleType], None]], module: ModuleType) -> None:
    for callback in callbacks:
        try:
            callback(module)
        except Exception:  # a speed-up must never break the engine
            LOG.exception("patch of %s failed", module.__name__)


class _Loader(importlib.abc.Loader):
    def __init__(self, wrapped: importlib.abc.Loader) -> None:
        self._wrapped = wrapped

    def create_module(self, spec):
        return self._wrapped.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._wrapped.exec_module(module)
        with _lock:
            callbacks = _pending.pop(module.__name__, [])
        _run(callbacks, module)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname not in _pending:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _Loader(spec.loader)
                return spec
        return None


_finder = _Finder()


def after_import(module_name: str, callback: Callable[[ModuleType], None]) -> None:
    """Calls ``callback(module)`` once ``module_name`` is imported (now, if it is)."""
    with _lock:
        module = sys.modules.get(module_name)
        if module is None:
            _pending.setdefault(module_name, []).append(callback)
            if _finder not in sys.meta_path:
                sys.meta_path.insert(0, _finder)
            return
    _run([callback], module)
