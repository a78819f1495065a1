"""What AWS calls a function's code makes, read from its source with ``ast``.

Starting from the handler's module, the modules it imports from its own
folder and from ``lambdas/shared/`` are followed (only those: the standard
library and installed packages make no calls of the function's own). In each:

- boto3 clients are found where they are made: ``boto3.client("sqs")``,
  ``boto3.Session(...).client("sqs")``, ``from boto3 import client``, and then
  followed through the names, attributes (``self.sqs = ...``) and functions
  (``def sfn_client(): return boto3.client("stepfunctions")``) that hold them;
- a method called on a client is an API call: ``sfn_client().send_task_success``
  is the Step Functions operation ``SendTaskSuccess``; ``get_paginator("x")`` and
  ``get_waiter("x")`` call the operation they page or wait with;
- a method named like an operation of a service whose client the function
  makes, called on something not traced to that client (a client passed as an
  argument, say), still counts, so that a call is not missed.

Each call is mapped to its IAM action: the operation's name under the
service's signing name (``states:SendTaskSuccess``), with the few exceptions
where IAM names it otherwise (``lambda:Invoke`` is ``lambda:InvokeFunction``;
SQS authorizes ``...Batch`` calls with the single-message action).

What cannot be told statically (``boto3.client(name)`` with a computed name,
``boto3.resource(...)``) is reported as unresolved, not guessed.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalog import Catalog

SHARED_PACKAGE = "shared"
_CLIENT_HELPERS = frozenset(
    {"can_paginate", "close", "exceptions", "meta", "generate_presigned_post", "get_waiter"}
)
_IAM_NAMES = {
    ("lambda", "Invoke"): "InvokeFunction",
    ("lambda", "InvokeWithResponseStream"): "InvokeFunction",
    ("s3", "ListObjectsV2"): "ListBucket",
    ("s3", "ListObjects"): "ListBucket",
    ("s3", "HeadObject"): "GetObject",
    ("s3", "HeadBucket"): "ListBucket",
}
"""Operations that IAM authorizes with an action of another name."""


@dataclass(frozen=True)
class Call:
    """One API call in the code."""

    service: str
    """boto3's service name, e.g. ``stepfunctions``."""
    method: str
    """The client method, e.g. ``send_task_success``."""
    path: str
    line: int
    traced: bool = True
    """False when matched by method name on something not traced to a client."""

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Unresolved:
    """Something that makes AWS calls that cannot be told statically."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class CodeCalls:
    """The AWS calls of one function's code."""

    modules: list[str] = field(default_factory=list)
    """The source files read, relative to the repository root."""
    calls: list[Call] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    services: set[str] = field(default_factory=set)
    """The services whose clients the code makes."""


@dataclass(frozen=True)
class Action:
    """A call's IAM action, or why it has none."""

    call: Call
    action: str | None
    problem: str | None = None


class _ModuleResolver:
    """Module name -> source file, for a function folder and the shared package."""

    def __init__(self, function_dir: Path, shared_dir: Path) -> None:
        self.function_dir = function_dir
        self.shared_dir = shared_dir

    def path(self, module: str) -> Path | None:
        parts = module.split(".")
        if parts[0] == SHARED_PACKAGE:
            base, parts = self.shared_dir, parts[1:]
        else:
            base = self.function_dir
        if not parts:
            candidate = base / "__init__.py"
            return candidate if candidate.is_file() else None
        for candidate in (
            base.joinpath(*parts).with_suffix(".py"),
            base.joinpath(*parts, "__init__.py"),
        ):
            if candidate.is_file():
                return candidate
        return None

    def module_name(self, path: Path) -> str:
        if path.is_relative_to(self.shared_dir):
            parts = [SHARED_PACKAGE, *path.relative_to(self.shared_dir).with_suffix("").parts]
        else:
            parts = list(path.relative_to(self.function_dir).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)


def _imported_modules(tree: ast.Module, module: str, is_package: bool) -> Iterator[str]:
    """The absolute names of the modules a module imports (and their parent packages)."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                yield from (".".join(parts[: n + 1]) for n in range(len(parts)))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".") if package else []
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            if base:
                yield base
            for alias in node.names:
                yield f"{base}.{alias.name}" if base else alias.name


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _argument(call: ast.Call, position: int, keyword: str) -> ast.AST | None:
    if len(call.args) > position:
        return call.args[position]
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return None


class _ModuleCalls:
    """The boto3 clients and calls of one module."""

    def __init__(self, tree: ast.Module, path: str, result: CodeCalls) -> None:
        self.tree = tree
        self.path = path
        self.result = result
        self.boto3_names: set[str] = set()
        """Names bound to the boto3 module."""
        self.factories: dict[str, str] = {}
        """Names bound to boto3.client / boto3.resource / boto3.Session: name -> which."""
        self.sessions: set[str] = set()
        self.names: dict[str, str] = {}
        """Variable name -> service of the client it holds."""
        self.attributes: dict[str, str] = {}
        """Attribute name (``self.<name>``) -> service."""
        self.functions: dict[str, str] = {}
        """Function name -> service of the client it returns."""

    def run(self) -> None:
        self.imports()
        self.holders()
        self.calls()

    def imports(self) -> None:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "boto3" or alias.name.startswith("boto3."):
                        self.boto3_names.add(alias.asname or "boto3")
            elif isinstance(node, ast.ImportFrom) and node.module in ("boto3", "boto3.session"):
                for alias in node.names:
                    if alias.name in ("client", "resource", "Session"):
                        self.factories[alias.asname or alias.name] = alias.name

    def is_session(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.sessions
        if not isinstance(node, ast.Call):
            return False
        func = node.func
        if isinstance(func, ast.Name):
            return self.factories.get(func.id) == "Session"
        if isinstance(func, ast.Attribute) and func.attr == "Session":
            value = func.value
            if isinstance(value, ast.Name) and value.id in self.boto3_names:
                return True
            return (
                isinstance(value, ast.Attribute)
                and value.attr == "session"
                and isinstance(value.value, ast.Name)
                and value.value.id in self.boto3_names
            )
        return False

    def creation(self, node: ast.AST) -> tuple[str, ast.Call] | None:
        """``("client"|"resource", call)`` if the node makes a boto3 client or resource."""
        if not isinstance(node, ast.Call):
            return None
        func = node.func
        if isinstance(func, ast.Name) and self.factories.get(func.id) in ("client", "resource"):
            return self.factories[func.id], node
        if isinstance(func, ast.Attribute) and func.attr in ("client", "resource"):
            value = func.value
            if (isinstance(value, ast.Name) and value.id in self.boto3_names) or self.is_session(
                value
            ):
                return func.attr, node
        return None

    def service_of(self, node: ast.AST) -> str | None:
        """The service of the client that an expression evaluates to, if it is one."""
        made = self.creation(node)
        if made:
            kind, call = made
            return _literal(_argument(call, 0, "service_name")) if kind == "client" else None
        if isinstance(node, ast.Name):
            return self.names.get(node.id)
        if isinstance(node, ast.Attribute):
            return self.attributes.get(node.attr)
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                return self.functions.get(func.id)
            if isinstance(func, ast.Attribute):
                return self.functions.get(func.attr)
        return None

    def holders(self) -> None:
        """Names, attributes and functions that hold clients, to a fixed point."""
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Assign) and self.is_session(node.value):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.sessions.add(target.id)
        changed = True
        while changed:
            changed = False
            for node in ast.walk(self.tree):
                if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                    service = self.service_of(node.value)
                    if service is None:
                        continue
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        if isinstance(target, ast.Name) and self.names.get(target.id) != service:
                            self.names[target.id] = service
                            changed = True
                        elif (
                            isinstance(target, ast.Attribute)
                            and self.attributes.get(target.attr) != service
                        ):
                            self.attributes[target.attr] = service
                            changed = True
                elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    for inner in ast.walk(node):
                        if isinstance(inner, ast.Return) and inner.value is not None:
                            service = self.service_of(inner.value)
                            if service and self.functions.get(node.name) != service:
                                self.functions[node.name] = service
                                changed = True

    def calls(self) -> None:
        for node in ast.walk(self.tree):
            made = self.creation(node)
            if made:
                kind, call = made
                if kind == "resource":
                    self.unresolved(call, "boto3 resource objects are not analysed: use a client")
                elif (service := _literal(_argument(call, 0, "service_name"))) is None:
                    self.unresolved(
                        call, "boto3.client(...) with a service name that is not a literal"
                    )
                else:
                    self.result.services.add(service)
                continue
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            service = self.service_of(node.func.value)
            if service is None:
                continue
            method = node.func.attr
            if method in ("get_paginator", "get_waiter", "generate_presigned_url"):
                keyword = {
                    "get_paginator": "operation_name",
                    "get_waiter": "waiter_name",
                    "generate_presigned_url": "ClientMethod",
                }[method]
                name = _literal(_argument(node, 0, keyword))
                if name is None:
                    self.unresolved(node, f"{method}(...) with a name that is not a literal")
                    continue
                if method == "get_waiter":
                    operation = waiter_method(service, name)
                    if operation is None:
                        self.unresolved(node, f"{service} has no waiter {name!r}")
                        continue
                    name = operation
                self.add(service, name, node)
            elif method not in _CLIENT_HELPERS:
                self.add(service, method, node)

    def untraced_calls(self, services: set[str]) -> None:
        """Calls of another service's operations on receivers not traced to a client."""
        operations = {service: client_methods(service) for service in services}
        traced = {(c.line, c.method) for c in self.result.calls if c.path == self.path}
        for node in ast.walk(self.tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if (node.lineno, node.func.attr) in traced:
                continue
            for service, methods in operations.items():
                if node.func.attr in methods:
                    self.add(service, node.func.attr, node, traced=False)
                    break

    def add(self, service: str, method: str, node: ast.AST, traced: bool = True) -> None:
        self.result.calls.append(Call(service, method, self.path, node.lineno, traced))

    def unresolved(self, node: ast.AST, message: str) -> None:
        self.result.unresolved.append(Unresolved(self.path, node.lineno, message))


@functools.cache
def _botocore_session() -> Any:
    import botocore.session

    return botocore.session.get_session()


@functools.cache
def _service_model(service: str) -> Any | None:
    from botocore.exceptions import UnknownServiceError

    try:
        return _botocore_session().get_service_model(service)
    except UnknownServiceError:
        return None


@functools.cache
def client_methods(service: str) -> dict[str, str]:
    """The client methods of a boto3 service: ``send_task_success`` -> ``SendTaskSuccess``."""
    from botocore import xform_name

    model = _service_model(service)
    return {xform_name(op): op for op in model.operation_names} if model else {}


def waiter_method(service: str, waiter: str) -> str | None:
    """The client method that a waiter calls (``function_active`` -> get_function_configuration)."""
    from botocore import xform_name
    from botocore.exceptions import DataNotFoundError

    try:
        model = _botocore_session().get_waiter_model(service)
    except DataNotFoundError:
        return None
    for name in model.waiter_names:
        if xform_name(name) == waiter or name == waiter:
            return xform_name(model.get_waiter(name).operation)
    return None


def iam_action(call: Call, catalog: Catalog) -> Action:
    """The IAM action that authorizes a call."""
    model = _service_model(call.service)
    if model is None:
        return Action(call, None, f"boto3 has no service {call.service!r}")
    operation = client_methods(call.service).get(call.method)
    if operation is None:
        return Action(call, None, f"the {call.service} client has no method {call.method!r}")
    prefix = model.signing_name
    name = _IAM_NAMES.get((prefix, operation), operation)
    for candidate in (name, name.removesuffix("Batch")):
        canonical = catalog.canonical(f"{prefix}:{candidate}")
        if canonical:
            return Action(call, canonical)
    return Action(
        call,
        None,
        f"no IAM action authorizes {prefix}:{operation} in the catalogue: map it in "
        "sfnlocal/checks/calls.py (_IAM_NAMES)",
    )


def function_calls(
    function_dir: Path, handler: str, shared_dir: Path, repo_root: Path
) -> CodeCalls:
    """The AWS calls that a function makes, from its handler's module on."""
    resolver = _ModuleResolver(function_dir, shared_dir)
    result = CodeCalls()
    start = handler.rpartition(".")[0]
    todo = [start]
    seen: set[Path] = set()
    analysed: list[_ModuleCalls] = []
    while todo:
        module = todo.pop(0)
        path = resolver.path(module)
        if path is None or path in seen:
            continue
        seen.add(path)
        rel = (
            path.relative_to(repo_root).as_posix() if path.is_relative_to(repo_root) else str(path)
        )
        result.modules.append(rel)
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError as exc:
            result.unresolved.append(Unresolved(rel, exc.lineno or 0, f"syntax error: {exc.msg}"))
            continue
        module_calls = _ModuleCalls(tree, rel, result)
        module_calls.run()
        analysed.append(module_calls)
        name = resolver.module_name(path)
        todo.extend(_imported_modules(tree, name, path.name == "__init__.py"))
    for module_calls in analysed:
        module_calls.untraced_calls(result.services)
    result.calls.sort(key=lambda c: (c.path, c.line, c.method))
    return result
