"""Load and validate the sample's documents: the ASL, the IAM documents, the functions.

Everything is read and checked up front, and every problem is collected, so
that a deploy either starts with documents known to be good or reports all
that is wrong (each problem naming its file) without touching the stack.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sfnlocal.sample.asl import asl_problems
from sfnlocal.sample.iam_grammar import policy_problems

from .errors import DocumentError, Problem
from .placeholders import NAME, PlaceholderError, find_placeholders, substitute

# Where the documents live, relative to the repository root.
ASL_PATH = "statemachine/stock_trading.asl.json"
JSONATA_ASL_PATH = "statemachine/stock_trading.jsonata.asl.json"
STATE_MACHINES = {"asl": ASL_PATH, "jsonata": JSONATA_ASL_PATH}
"""The sample's state machine, written twice: the seed's (JSONPath) and in JSONata. One of
them is deployed, chosen by ``STATE_MACHINE`` (default ``asl``)."""
DEFAULT_STATE_MACHINE = "asl"
IAM_DIR = "iam"
STATES_TRUST_PATH = "iam/trust/states.json"
LAMBDA_TRUST_PATH = "iam/trust/lambda.json"
LAMBDA_LOGGING_PATH = "iam/lambda/logging.json"
STATE_MACHINE_POLICIES_DIR = "iam/state-machine"
LAMBDAS_DIR = "lambdas"
SHARED_DIR = "lambdas/shared"
FUNCTION_SPEC = "function.json"

IAM_VERSION = "2012-10-17"
_FUNCTION_NAME = re.compile(r"[A-Za-z0-9_-]{1,38}")
_HANDLER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+")
_RUNTIME = re.compile(r"python3\.\d+|nodejs\d+\.x")
_CHOICE_VARIABLE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")
NODE_EXTENSIONS = (".js", ".mjs", ".cjs")
"""The files a Node.js handler's module may be (as the Node.js runtime looks for them)."""


@dataclass(frozen=True)
class Document:
    """A parsed JSON document with ``${Placeholder}``s."""

    path: str
    """Relative to the repository root, for messages."""
    content: Any
    placeholders: Mapping[str, list[str]] = field(default_factory=dict)
    """Placeholder name -> where it occurs in the document."""

    def render(self, values: Mapping[str, str]) -> Any:
        """The document with its placeholders substituted.

        Raises:
            DocumentError: a placeholder has no value (naming this file).
        """
        try:
            return substitute(self.content, values)
        except PlaceholderError as exc:
            raise DocumentError([Problem(self.path, str(exc))]) from None


@dataclass(frozen=True)
class EventSource:
    """``event_source`` in function.json: the queue that triggers the function."""

    queue: str
    """A queue the deploy knows by this key: ``approval`` is the human-approval queue."""
    batch_size: int = 10
    report_batch_item_failures: bool = False
    maximum_batching_window_seconds: int = 0


@dataclass(frozen=True)
class Choice:
    """``choice`` in function.json: this folder is one of several implementations of a
    function (same ``name``), deployed when the variable has this value."""

    variable: str
    """An environment variable, e.g. ``APPROVER`` (``APPROVER=node make up``)."""
    value: str
    default: bool = False
    """Deployed when the variable is unset or empty."""


@dataclass(frozen=True)
class FunctionSpec:
    """A function folder ``lambdas/<key>/`` and its function.json."""

    key: str
    """The folder's name, e.g. ``check_stock_price``."""
    directory: Path
    spec_path: str
    name: str
    """The logical name, e.g. ``CheckStockPrice``; deployed as ``{prefix}-{name}``."""
    handler: str
    runtime: str
    timeout: int
    memory_size: int
    description: str = ""
    asl_placeholder: str | None = None
    policies: tuple[Document, ...] = ()
    environment: Mapping[str, str] = field(default_factory=dict)
    event_source: EventSource | None = None
    choice: Choice | None = None

    @property
    def is_python(self) -> bool:
        return self.runtime.startswith("python")

    @property
    def folder(self) -> str:
        """The function's folder as messages name it, e.g. ``lambdas/approve_request``."""
        return self.spec_path.removesuffix("/function.json")


@dataclass(frozen=True)
class Documents:
    """Everything that the deploy reads from the repository."""

    repo_root: Path
    state_machine: Document
    state_machine_policies: tuple[Document, ...]
    """``iam/state-machine/*.json``, in name order; inline policies of the state machine role."""
    states_trust: Document
    lambda_trust: Document
    lambda_logging: Document
    functions: tuple[FunctionSpec, ...]
    shared_dir: Path

    def function(self, name: str) -> FunctionSpec:
        """The function of that logical name; of several alternatives, the default one."""
        found = [spec for spec in self.functions if spec.name == name]
        if not found:
            raise KeyError(name)
        return next((s for s in found if s.choice and s.choice.default), found[0])

    def choices(self) -> dict[str, tuple[list[str], str | None]]:
        """Each choice variable -> (its values, in folder order; its default value)."""
        result: dict[str, tuple[list[str], str | None]] = {}
        for spec in self.functions:
            if spec.choice:
                values, default = result.get(spec.choice.variable, ([], None))
                values.append(spec.choice.value)
                if spec.choice.default:
                    default = spec.choice.value
                result[spec.choice.variable] = (values, default)
        return result

    def select(self, environment: Mapping[str, str]) -> Documents:
        """These documents with only the chosen alternative of each function.

        A choice variable unset or empty in ``environment`` takes its default.

        Raises:
            DocumentError: a variable names a value that no function folder offers.
        """
        chosen: dict[str, str | None] = {}
        problems = []
        for variable, (values, default) in self.choices().items():
            value = environment.get(variable) or default
            if value not in values:
                problems.append(
                    Problem(
                        LAMBDAS_DIR,
                        f"{variable}={value or ''} is not a choice: choose one of "
                        f"{', '.join(sorted(values))} (unset: {default or 'none'})",
                    )
                )
            chosen[variable] = value
        if problems:
            raise DocumentError(problems)
        functions = tuple(
            spec
            for spec in self.functions
            if spec.choice is None or chosen[spec.choice.variable] == spec.choice.value
        )
        return dataclasses.replace(self, functions=functions)

    def global_documents(self) -> list[Document]:
        """Documents whose placeholders are the stack-wide ones."""
        return [
            self.state_machine,
            *self.state_machine_policies,
            self.states_trust,
            self.lambda_trust,
        ]

    def function_documents(self, spec: FunctionSpec) -> list[Document]:
        """The policies of a function's role; they may also use the function's own placeholders."""
        return [self.lambda_logging, *spec.policies]

    def check_placeholders(
        self, global_names: Iterable[str], function_names: Iterable[str]
    ) -> None:
        """Check that every placeholder can be resolved.

        ``global_names`` are the placeholders the deploy resolves everywhere;
        ``function_names`` are those it also resolves in a function role's policies.

        Raises:
            DocumentError: listing each unknown placeholder with its file.
        """
        known = set(global_names)
        known_in_function = known | set(function_names)
        problems: list[Problem] = []

        def check(document: Document, allowed: set[str]) -> None:
            for name, locations in sorted(document.placeholders.items()):
                if name not in allowed:
                    problems.append(
                        Problem(
                            document.path,
                            f"unknown placeholder ${{{name}}} at {', '.join(locations)}; "
                            f"known: {', '.join(sorted(allowed))}",
                        )
                    )

        for document in self.global_documents():
            check(document, known)
        checked: set[str] = set()
        for spec in self.functions:
            for document in self.function_documents(spec):
                if document.path not in checked:
                    checked.add(document.path)
                    check(document, known_in_function)
        used_by_asl = set(self.state_machine.placeholders)
        for spec in self.functions:
            if spec.asl_placeholder and spec.asl_placeholder not in used_by_asl:
                problems.append(
                    Problem(
                        spec.spec_path,
                        f"asl_placeholder ${{{spec.asl_placeholder}}} is not used by "
                        f"{self.state_machine.path}",
                    )
                )
        if problems:
            raise DocumentError(problems)


class _Collector:
    """Gathers problems while loading, so that all of them are reported at once."""

    def __init__(self, repo_root: Path) -> None:
        self.repo_root = repo_root
        self.problems: list[Problem] = []

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.repo_root).as_posix()
        except ValueError:
            return str(path)

    def add(self, path: Path | str, message: str) -> None:
        self.problems.append(Problem(path if isinstance(path, str) else self.rel(path), message))

    def load_json(self, path: Path) -> Any | None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.add(path, "file not found")
            return None
        except (OSError, UnicodeDecodeError) as exc:
            self.add(path, f"cannot read: {exc}")
            return None
        try:
            return json.loads(text, object_pairs_hook=_no_duplicate_keys)
        except json.JSONDecodeError as exc:
            self.add(path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")
        except _DuplicateKeyError as exc:
            self.add(path, f"invalid JSON: duplicate key {exc.args[0]!r}")
        return None

    def load_document(
        self, path: Path, validate: Callable[[Any], list[str]] | None = None
    ) -> Document | None:
        content = self.load_json(path)
        if content is None:
            return None
        rel = self.rel(path)
        ok = True
        for message in validate(content) if validate else []:
            self.add(rel, message)
            ok = False
        try:
            placeholders = find_placeholders(content)
        except PlaceholderError as exc:
            self.add(rel, str(exc))
            return None
        return Document(rel, content, placeholders) if ok else None


class _DuplicateKeyError(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def validate_policy(content: Any) -> list[str]:
    """The problems of an IAM identity policy against the policy grammar."""
    return policy_problems(content, "identity")


def validate_trust_policy(content: Any) -> list[str]:
    """The problems of a role's trust policy against the policy grammar."""
    return policy_problems(content, "trust")


def validate_asl(content: Any) -> list[str]:
    """The problems of a state machine definition against the States Language."""
    return asl_problems(content)


def _handler_problem(directory: Path, handler: str, runtime: str) -> str | None:
    if runtime.startswith("nodejs"):
        return _node_handler_problem(directory, handler)
    return _python_handler_problem(directory, handler)


def _node_handler_problem(directory: Path, handler: str) -> str | None:
    """Check that ``file.export`` names a JavaScript file of the folder that mentions the export.

    JavaScript is not parsed here: the name must occur in the file, as an export
    (``exports.name =``, ``export const name``...) would have it.
    """
    module, _, export = handler.partition(".")
    export = export.rpartition(".")[2]
    sources = [directory / f"{module}{ext}" for ext in NODE_EXTENSIONS]
    source = next((path for path in sources if path.is_file()), None)
    if source is None:
        return f"handler {handler!r}: none of {', '.join(p.name for p in sources)} found"
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return f"handler {handler!r}: cannot read {source.name}: {exc}"
    if not re.search(rf"(?<![\w$]){re.escape(export)}(?![\w$])", text):
        return f"handler {handler!r}: {source.name} does not mention {export!r}"
    return None


def _python_handler_problem(directory: Path, handler: str) -> str | None:
    """Check that ``module.function`` names a top-level function of a file in the folder."""
    *module, function = handler.split(".")
    source = directory.joinpath(*module[:-1], f"{module[-1]}.py")
    if not source.is_file():
        return f"handler {handler!r}: {source.relative_to(directory).as_posix()} not found"
    try:
        tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    except SyntaxError as exc:
        return f"handler {handler!r}: {source.name} line {exc.lineno}: {exc.msg}"
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    return None if function in defined else f"handler {handler!r}: no function {function!r}"


_FUNCTION_KEYS = {
    "name",
    "description",
    "handler",
    "runtime",
    "timeout",
    "memory_size",
    "asl_placeholder",
    "policies",
    "environment",
    "event_source",
    "choice",
}
_EVENT_SOURCE_KEYS = {
    "queue",
    "batch_size",
    "report_batch_item_failures",
    "maximum_batching_window_seconds",
}


def _int_in(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _parse_event_source(raw: Any, problem: Callable[[str], None]) -> EventSource | None:
    """Parse function.json's ``event_source`` (null or an object), reporting each problem."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problem("'event_source' must be null or an object")
        return None
    problems: list[str] = []
    for key in sorted(set(raw) - _EVENT_SOURCE_KEYS):
        problems.append(f"unknown key {key!r}; known: {', '.join(sorted(_EVENT_SOURCE_KEYS))}")
    queue = raw.get("queue")
    batch_size = raw.get("batch_size", 10)
    window = raw.get("maximum_batching_window_seconds", 0)
    report = raw.get("report_batch_item_failures", False)
    if not isinstance(queue, str) or not queue:
        problems.append("'queue' (the queue's key, e.g. 'approval') is required")
    if not _int_in(batch_size, 1, 10000):
        problems.append(f"'batch_size' must be 1 to 10000, got {batch_size!r}")
    if not _int_in(window, 0, 300):
        problems.append(f"'maximum_batching_window_seconds' must be 0 to 300, got {window!r}")
    elif _int_in(batch_size, 11, 10000) and window < 1:
        problems.append("a 'batch_size' above 10 needs 'maximum_batching_window_seconds' >= 1")
    if not isinstance(report, bool):
        problems.append("'report_batch_item_failures' must be true or false")
    for message in problems:
        problem(f"event_source: {message}")
    return None if problems else EventSource(queue, batch_size, report, window)


def _parse_choice(raw: Any, problem: Callable[[str], None]) -> Choice | None:
    """Parse function.json's ``choice`` (absent, or ``{"variable", "value", "default"?}``)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problem('\'choice\' must be an object: {"variable": ..., "value": ...}')
        return None
    problems: list[str] = []
    known = {"variable", "value", "default"}
    for key in sorted(set(raw) - known):
        problems.append(f"unknown key {key!r}; known: {', '.join(sorted(known))}")
    variable, value, default = raw.get("variable"), raw.get("value"), raw.get("default", False)
    if not (isinstance(variable, str) and _CHOICE_VARIABLE.fullmatch(variable)):
        problems.append(f"'variable' must be an environment variable name, got {variable!r}")
    if not (isinstance(value, str) and re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,31}", value)):
        problems.append(f"'value' must be a short lower-case word, got {value!r}")
    if not isinstance(default, bool):
        problems.append("'default' must be true or false")
    for message in problems:
        problem(f"choice: {message}")
    return None if problems else Choice(variable, value, default)


def _alternatives_problems(specs: list[FunctionSpec]) -> list[str]:
    """What is wrong with several function folders sharing one name (alternatives)."""
    choices = [spec.choice for spec in specs]
    if any(choice is None for choice in choices):
        return ["is also used by another function folder without a 'choice' that tells them apart"]
    problems = []
    if len({c.variable for c in choices}) > 1:
        problems.append("its alternatives must share one choice 'variable'")
    values = [c.value for c in choices]
    if len(set(values)) != len(values):
        problems.append("its alternatives must have distinct choice values")
    if sum(c.default for c in choices) != 1:
        problems.append("exactly one of its alternatives must be the choice's 'default'")
    return problems


def _load_function(
    collector: _Collector, directory: Path, policy_documents: dict[str, Document | None]
) -> FunctionSpec | None:
    spec_file = directory / FUNCTION_SPEC
    rel = collector.rel(spec_file)
    raw = collector.load_json(spec_file)
    if raw is None:
        return None
    if not isinstance(raw, dict):
        collector.add(rel, "must be a JSON object")
        return None
    before = len(collector.problems)

    def problem(message: str) -> None:
        collector.add(rel, message)

    for key in sorted(set(raw) - _FUNCTION_KEYS):
        problem(f"unknown key {key!r}; known: {', '.join(sorted(_FUNCTION_KEYS))}")
    for key in ("name", "handler", "runtime", "timeout", "memory_size"):
        if key not in raw:
            problem(f"{key!r} is required")
    name = raw.get("name")
    if "name" in raw and not (isinstance(name, str) and _FUNCTION_NAME.fullmatch(name)):
        problem(f"'name' must be 1-38 letters, digits, '-' or '_', got {name!r}")
    runtime = raw.get("runtime")
    runtime_ok = isinstance(runtime, str) and _RUNTIME.fullmatch(runtime) is not None
    if "runtime" in raw and not runtime_ok:
        problem(
            "'runtime' must be a Python or Node.js runtime such as 'python3.13' or "
            f"'nodejs20.x', got {runtime!r}"
        )
    handler = raw.get("handler")
    if "handler" in raw:
        if not (isinstance(handler, str) and _HANDLER.fullmatch(handler)):
            problem(f"'handler' must look like 'module.function', got {handler!r}")
        elif runtime_ok and (message := _handler_problem(directory, handler, runtime)):
            problem(message)
    timeout = raw.get("timeout")
    if "timeout" in raw and not _int_in(timeout, 1, 900):
        problem(f"'timeout' must be an integer from 1 to 900 (seconds), got {timeout!r}")
    memory_size = raw.get("memory_size")
    if "memory_size" in raw and not _int_in(memory_size, 128, 10240):
        problem(f"'memory_size' must be an integer from 128 to 10240 (MB), got {memory_size!r}")
    description = raw.get("description", "")
    if not isinstance(description, str) or len(description) > 256:
        problem("'description' must be a string of at most 256 characters")
    placeholder = raw.get("asl_placeholder")
    if placeholder is not None and not (
        isinstance(placeholder, str) and NAME.fullmatch(placeholder)
    ):
        problem(f"'asl_placeholder' must be null or a placeholder name, got {placeholder!r}")
    environment = raw.get("environment", {})
    if not (
        isinstance(environment, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in environment.items())
    ):
        problem("'environment' must be an object of strings")

    policies: list[Document] = []
    raw_policies = raw.get("policies", [])
    if not (isinstance(raw_policies, list) and all(isinstance(p, str) for p in raw_policies)):
        problem(f"'policies' must be a list of paths relative to {IAM_DIR}/")
        raw_policies = []
    iam_dir = (collector.repo_root / IAM_DIR).resolve()
    for relative in raw_policies:
        policy_path = (iam_dir / relative).resolve()
        if not policy_path.is_relative_to(iam_dir):
            problem(f"policy {relative!r} is outside {IAM_DIR}/")
            continue
        if not policy_path.is_file():
            problem(f"policy {relative!r}: {IAM_DIR}/{relative} not found")
            continue
        key = collector.rel(policy_path)
        if key not in policy_documents:
            policy_documents[key] = collector.load_document(policy_path, validate_policy)
        if document := policy_documents[key]:
            policies.append(document)

    event_source = _parse_event_source(raw.get("event_source"), problem)
    choice = _parse_choice(raw.get("choice"), problem)

    if len(collector.problems) != before:
        return None
    return FunctionSpec(
        key=directory.name,
        directory=directory,
        spec_path=rel,
        name=name,
        handler=handler,
        runtime=runtime,
        timeout=timeout,
        memory_size=memory_size,
        description=description,
        asl_placeholder=placeholder,
        policies=tuple(policies),
        environment=dict(environment),
        event_source=event_source,
        choice=choice,
    )


ROOT_VARIABLE = "SFNLOCAL_ROOT"
"""Names the folder with the documents, wherever the tooling runs from."""


def _holds_documents(folder: Path) -> bool:
    return (folder / ASL_PATH).is_file() and (folder / LAMBDAS_DIR).is_dir()


def find_repo_root(start: Path | None = None) -> Path:
    """The folder with the sample's documents (lambdas/, statemachine/, iam/).

    The nearest from ``start`` upwards when it is given. Else ``$SFNLOCAL_ROOT``
    when set, else the checkout this package was installed from (editable),
    else the nearest from the current folder upwards.

    Raises:
        DocumentError: no such folder.
    """
    if start is None:
        if root := os.environ.get(ROOT_VARIABLE):
            return Path(root).resolve()
        checkout = Path(__file__).resolve().parents[3]  # src/sfnlocal/sample/documents.py
        if _holds_documents(checkout):
            return checkout
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if _holds_documents(folder):
            return folder
    raise DocumentError([Problem(str(start), f"no {ASL_PATH} here or in a parent folder")])


def state_machine_path(choice: str) -> str:
    """The document of ``STATE_MACHINE=choice``.

    Raises:
        DocumentError: no such choice.
    """
    if choice not in STATE_MACHINES:
        raise DocumentError(
            [
                Problem(
                    "STATE_MACHINE",
                    f"must be one of {', '.join(STATE_MACHINES)} "
                    f"({', '.join(STATE_MACHINES.values())}), got {choice!r}",
                )
            ]
        )
    return STATE_MACHINES[choice]


def load_documents(
    repo_root: Path,
    known_queues: Iterable[str] = ("approval",),
    state_machine: str = DEFAULT_STATE_MACHINE,
) -> Documents:
    """Load and validate every document under ``repo_root``, with the state machine
    ``state_machine`` names (a key of :data:`STATE_MACHINES`).

    Raises:
        DocumentError: listing every problem found, each with its file.
    """
    repo_root = repo_root.resolve()
    asl_path = state_machine_path(state_machine)
    collector = _Collector(repo_root)
    machine = collector.load_document(repo_root / asl_path, validate_asl)
    states_trust = collector.load_document(repo_root / STATES_TRUST_PATH, validate_trust_policy)
    lambda_trust = collector.load_document(repo_root / LAMBDA_TRUST_PATH, validate_trust_policy)
    lambda_logging = collector.load_document(repo_root / LAMBDA_LOGGING_PATH, validate_policy)

    policies_dir = repo_root / STATE_MACHINE_POLICIES_DIR
    policy_files = sorted(policies_dir.glob("*.json")) if policies_dir.is_dir() else []
    if not policy_files:
        collector.add(STATE_MACHINE_POLICIES_DIR, "no policy documents (*.json) found")
    state_machine_policies = [collector.load_document(p, validate_policy) for p in policy_files]

    shared_dir = repo_root / SHARED_DIR
    if not (shared_dir / "__init__.py").is_file():
        collector.add(SHARED_DIR, "the shared package (__init__.py) is missing")
    lambdas_dir = repo_root / LAMBDAS_DIR
    function_dirs = (
        sorted(p for p in lambdas_dir.iterdir() if p.is_dir() and (p / FUNCTION_SPEC).is_file())
        if lambdas_dir.is_dir()
        else []
    )
    if not function_dirs:
        collector.add(LAMBDAS_DIR, f"no function folders (with a {FUNCTION_SPEC}) found")
    policy_documents: dict[str, Document | None] = {}
    functions = [_load_function(collector, d, policy_documents) for d in function_dirs]

    loaded = [f for f in functions if f is not None]
    known_queues = set(known_queues)
    by_name: dict[str, list[FunctionSpec]] = {}
    for spec in loaded:
        by_name.setdefault(spec.name, []).append(spec)
    for name, specs in by_name.items():
        if len(specs) > 1:
            paths = ", ".join(s.spec_path for s in specs)
            for message in _alternatives_problems(specs):
                collector.add(specs[-1].spec_path, f"name {name!r} ({paths}): {message}")
    seen: dict[str, FunctionSpec] = {}
    for spec in loaded:
        placeholder = spec.asl_placeholder
        if placeholder is None:
            continue
        other = seen.get(placeholder)
        if other is not None and other.name != spec.name:
            collector.add(
                spec.spec_path, f"asl_placeholder {placeholder!r} is also used by {other.spec_path}"
            )
        seen[placeholder] = spec
    defaults: dict[str, list[str]] = {}
    for spec in loaded:
        if spec.choice:
            defaults.setdefault(spec.choice.variable, [])
            if spec.choice.default:
                defaults[spec.choice.variable].append(spec.spec_path)
    for variable, paths in defaults.items():
        if not paths:
            collector.add(LAMBDAS_DIR, f"choice {variable}: no function folder is its 'default'")
    for spec in loaded:
        if spec.event_source and spec.event_source.queue not in known_queues:
            collector.add(
                spec.spec_path,
                f"event_source: unknown queue {spec.event_source.queue!r}; "
                f"known: {', '.join(sorted(known_queues))}",
            )

    if collector.problems:
        raise DocumentError(collector.problems)
    assert machine and states_trust and lambda_trust and lambda_logging  # no problems
    return Documents(
        repo_root=repo_root,
        state_machine=machine,
        state_machine_policies=tuple(p for p in state_machine_policies if p),
        states_trust=states_trust,
        lambda_trust=lambda_trust,
        lambda_logging=lambda_logging,
        functions=tuple(loaded),
        shared_dir=shared_dir,
    )
