"""Least privilege: what each role needs against what its policies allow.

Roles and what they need:

- the state machine's role: each Task state's ``Resource`` (the ASL rendered
  with symbolic values, :mod:`.resolved`): a Lambda function ARN needs
  ``lambda:InvokeFunction`` on that function; the service integrations need
  their API on the resource their parameters name
  (``arn:aws:states:::sqs:sendMessage.waitForTaskToken`` -> ``sqs:SendMessage`` on
  the queue of ``QueueUrl``; ``...:sns:publish`` -> ``sns:Publish`` on
  ``TopicArn``; lambda:invoke, states:startExecution (.sync), dynamodb item
  calls, events:putEvents and aws-sdk integrations likewise); activities need
  nothing;
- each function's role: the calls its code makes (:mod:`.calls`), plus what the
  platform does for it: CloudWatch Logs (its own log group and streams) for
  every function, and ``sqs:ReceiveMessage``, ``DeleteMessage``,
  ``GetQueueAttributes`` and ``ChangeMessageVisibility`` on the queue of an
  ``event_source`` in its function.json. Only Python code is read: for a
  function in another language (the Node.js approver) the platform's needs are
  checked, and what its policies grant beyond them is listed as *not verified*
  (its code's calls are not known), which is no problem of the check.

Conditions are not evaluated: a conditional grant counts as a grant. A need
is an action on a resource pattern. An action that supports no
resource-level permissions (the catalogue says so: ``states:SendTaskSuccess``)
needs ``Resource: "*"``. A code call whose resource cannot be told statically
(a queue URL from the event, say) is satisfied by the action on any named
resource.

The comparison is wildcard-aware both ways. A need is *missing* when no Allow
statement grants its action (``sqs:SendMessage*`` grants ``sqs:SendMessage``) on
a resource pattern that contains the needed one, or a Deny statement takes it
away. A grant is *excess* when an action it grants (a wildcard is expanded
with the IAM catalogue) on a resource pattern is not needed there: an unused
action, a resource that nothing uses, a ``*`` or wildcard resource broader than
the resources used, ``NotAction``/``NotResource`` in an Allow statement.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from sfnlocal.sample.asl import iter_states
from sfnlocal.sample.documents import ASL_PATH, Documents, FunctionSpec
from sfnlocal.sample.iam_grammar import as_list, statements
from sfnlocal.sample.resolved import Symbolic

from .calls import function_calls, iam_action
from .catalog import Catalog, pattern_regex

LOGS_GROUP = "arn:{partition}:logs:{region}:{account}:log-group:/aws/lambda/{function}:*"
LOGS_STREAMS = (
    "arn:{partition}:logs:{region}:{account}:log-group:/aws/lambda/{function}:log-stream:*"
)
EVENT_SOURCE_ACTIONS = (
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ChangeMessageVisibility",
)
SYNC_RULE = "StepFunctionsGetEventsForStepFunctionsExecutionRule"
_EXAMPLES = 6
"""How many actions of a long list a message shows."""


@dataclass(frozen=True)
class Need:
    """An action on a resource that a role must be allowed."""

    action: str
    resource: str | None
    """An ARN (pattern); ``*`` for an action without resource-level permissions; None when
    the code's call names a resource that cannot be told statically."""
    why: str
    """Who needs it: a Task state, a line of code, the platform."""


@dataclass(frozen=True)
class Missing:
    need: Need
    detail: str


@dataclass(frozen=True)
class Excess:
    path: str
    statement: str
    actions: tuple[str, ...]
    resource: str
    detail: str


@dataclass
class RoleCheck:
    """One role: what it needs, and what its policies lack or allow beyond that."""

    role: str
    documents: list[str]
    needs: list[Need] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    excess: list[Excess] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    """What the check could not tell (an unknown integration, a dynamic parameter...)."""
    granted_by: dict[Need, list[str]] = field(default_factory=dict)
    """Each need -> the statements that grant it."""
    code_not_read: str | None = None
    """Why the function's code was not read (its language), when it was not."""
    unverified: list[Excess] = field(default_factory=list)
    """Grants beyond the known needs of a function whose code was not read."""
    show: Callable[[str], str] = str
    """Symbolic value -> text for messages (``${Placeholder}``)."""

    @property
    def ok(self) -> bool:
        return not (self.missing or self.excess or self.unresolved)

    @property
    def problem_count(self) -> int:
        return len(self.missing) + len(self.excess) + len(self.unresolved)


@dataclass(frozen=True)
class _Statement:
    path: str
    label: str
    effect: str
    actions: tuple[str, ...]
    not_actions: tuple[str, ...]
    resources: tuple[str, ...]
    not_resources: tuple[str, ...]

    @property
    def where(self) -> str:
        return f"{self.path} {self.label}"

    def action_matches(self, action: str) -> bool:
        if self.actions:
            return any(action_matches(pattern, action) for pattern in self.actions)
        return not any(action_matches(pattern, action) for pattern in self.not_actions)

    def resource_covers(self, resource: str | None) -> bool:
        if self.resources:
            return any(resource_covers(pattern, resource) for pattern in self.resources)
        return resource is not None and not any(
            resource_overlaps(pattern, resource) for pattern in self.not_resources
        )

    def resource_overlaps(self, resource: str | None) -> bool:
        if resource is None:
            return True
        if self.resources:
            return any(resource_overlaps(pattern, resource) for pattern in self.resources)
        return not any(resource_covers(pattern, resource) for pattern in self.not_resources)


def action_matches(pattern: str, action: str) -> bool:
    """Whether an Action pattern grants an action (case-insensitive, ``*``/``?`` wildcards)."""
    return pattern_regex(pattern).fullmatch(action) is not None


def pattern_within(inner: str, outer: str) -> bool:
    """Whether every ARN that pattern ``inner`` matches is matched by pattern ``outer``."""
    body = "".join(
        ".*" if char == "*" else "[^*]" if char == "?" else re.escape(char) for char in outer
    )
    return re.fullmatch(body, inner) is not None


def resource_covers(pattern: str, resource: str | None) -> bool:
    """Whether a Resource pattern grants a needed resource."""
    if resource is None:
        return True
    if resource == "*":
        return pattern == "*"
    return pattern_within(resource, pattern)


def resource_overlaps(pattern: str, resource: str) -> bool:
    return pattern_within(resource, pattern) or pattern_within(pattern, resource)


def _parse_statements(documents: Iterable[tuple[str, Any]]) -> list[_Statement]:
    parsed = []
    for path, content in documents:
        for label, statement in statements(content):
            parsed.append(
                _Statement(
                    path=path,
                    label=label,
                    effect=str(statement.get("Effect")),
                    actions=tuple(as_list(statement.get("Action"))),
                    not_actions=tuple(as_list(statement.get("NotAction"))),
                    resources=tuple(as_list(statement.get("Resource"))),
                    not_resources=tuple(as_list(statement.get("NotResource"))),
                )
            )
    return parsed


def listing(actions: list[str]) -> str:
    shown = ", ".join(actions[:_EXAMPLES])
    return shown + (f" and {len(actions) - _EXAMPLES} more" if len(actions) > _EXAMPLES else "")


def evaluate(
    role: str,
    documents: list[tuple[str, Any]],
    needs: list[Need],
    catalog: Catalog,
    show: Any = str,
) -> RoleCheck:
    """Compare a role's needs with its (rendered) policy documents.

    ``show`` turns a symbolic value into the text of a message (``${Placeholder}``).
    """
    result = RoleCheck(role, [path for path, _ in documents], list(needs), show=show)
    parsed = _parse_statements(documents)
    allows = [s for s in parsed if s.effect == "Allow"]
    denies = [s for s in parsed if s.effect == "Deny"]
    for need in needs:
        denied = [
            s
            for s in denies
            if s.action_matches(need.action) and s.resource_overlaps(need.resource)
        ]
        granted = [
            s for s in allows if s.action_matches(need.action) and s.resource_covers(need.resource)
        ]
        result.granted_by[need] = [s.where for s in granted]
        if denied:
            result.missing.append(Missing(need, f"denied by {', '.join(s.where for s in denied)}"))
        elif not granted:
            result.missing.append(Missing(need, _missing_detail(need, allows, catalog, show)))
    for statement in allows:
        result.excess.extend(_excess(statement, needs, catalog, show))
    return result


def _missing_detail(need: Need, allows: list[_Statement], catalog: Catalog, show: Any) -> str:
    elsewhere = [s for s in allows if s.action_matches(need.action)]
    if need.resource == "*" and elsewhere:
        named = sorted({show(r) for s in elsewhere for r in s.resources})
        return (
            f'{need.action} supports no resource-level permissions, so only Resource "*" '
            f"grants it; {', '.join(s.where for s in elsewhere)} names {', '.join(named)}, "
            "which never matches"
        )
    if elsewhere:
        named = sorted({show(r) for s in elsewhere for r in s.resources} - {"*"})
        return f"allowed only on {', '.join(named)} ({', '.join(s.where for s in elsewhere)})"
    return "no statement allows it"


def _justified(action: str, resource: str, needs: list[Need], catalog: Catalog) -> bool:
    for need in needs:
        if need.action.lower() != action.lower():
            continue
        if need.resource == "*":
            if resource == "*":
                return True
        elif need.resource is None:
            if resource != "*" or not catalog.resource_level(action):
                return True
        elif pattern_within(resource, need.resource):
            return True
    return False


def _excess(
    statement: _Statement, needs: list[Need], catalog: Catalog, show: Any
) -> Iterable[Excess]:
    if statement.not_actions:
        yield Excess(
            statement.path,
            statement.label,
            tuple(statement.not_actions),
            ", ".join(statement.resources or statement.not_resources),
            "NotAction in an Allow statement grants every action but those listed",
        )
        return
    if statement.not_resources:
        yield Excess(
            statement.path,
            statement.label,
            tuple(statement.actions),
            ", ".join(statement.not_resources),
            "NotResource in an Allow statement grants every resource but those listed",
        )
        return
    for resource in statement.resources:
        groups: dict[str, list[str]] = {}
        for pattern in statement.actions:
            if pattern == "*":
                groups.setdefault('Action "*" grants every action of every service', []).append("*")
                continue
            granted = catalog.expand(pattern) or [pattern]
            for action in granted:
                if _justified(action, resource, needs, catalog):
                    continue
                reason = _excess_reason(action, resource, needs, show)
                if action.lower() != pattern.lower():
                    reason += f" (granted by the wildcard {pattern})"
                groups.setdefault(reason, []).append(action)
        for reason, actions in groups.items():
            yield Excess(
                statement.path,
                statement.label,
                tuple(dict.fromkeys(actions)),
                resource,
                reason,
            )


def _excess_reason(action: str, resource: str, needs: list[Need], show: Any) -> str:
    uses = [n for n in needs if n.action.lower() == action.lower()]
    if not uses:
        return "nothing needs it"
    if all(n.resource == "*" for n in uses):
        return (
            "it supports no resource-level permissions: naming a resource grants nothing "
            '(it needs Resource "*")'
        )
    named = [n.resource for n in uses if n.resource not in (None, "*")]
    used_on = ", ".join(sorted({show(r) for r in named}))
    if resource == "*":
        if not named:
            return 'Resource "*" is broader than needed: name the resources the code acts on'
        return f'Resource "*" is broader than what is used: {used_on}'
    if any(pattern_within(r, resource) for r in named):
        return f"{show(resource)} is broader than what is used: {used_on}"
    return f"it is needed only on {used_on}" if used_on else "nothing needs it on this resource"


# --- what the state machine needs ---------------------------------------------------------


def _arn_parts(arn: str) -> list[str] | None:
    parts = arn.split(":", 5)
    return parts if len(parts) == 6 and parts[0] == "arn" else None


def queue_arn_from_url(url: str, symbolic: Symbolic) -> str | None:
    """``https://sqs.<region>.amazonaws.com/<account>/<name>`` -> the queue's ARN."""
    parsed = urlparse(url)
    segments = [s for s in parsed.path.split("/") if s]
    if len(segments) != 2:
        return None
    host = parsed.hostname or ""
    match = re.match(r"sqs\.([a-z0-9-]+)\.", host)
    region = match.group(1) if match else symbolic.arns.region
    return f"arn:{symbolic.arns.partition}:sqs:{region}:{segments[0]}:{segments[1]}"


def _function_arn(value: str, symbolic: Symbolic) -> str:
    """A Lambda FunctionName parameter (a name, a partial or a full ARN) as an ARN."""
    if value.startswith("arn:"):
        return value
    if re.match(r"\d{12}:function:", value):  # a partial ARN: account:function:name
        return f"arn:{symbolic.arns.partition}:lambda:{symbolic.arns.region}:{value}"
    return symbolic.arns.function(value)  # a name, perhaps with :alias or :version


class _TaskNeeds:
    """The needs of one Task state."""

    def __init__(
        self,
        name: str,
        state: dict[str, Any],
        symbolic: Symbolic,
        catalog: Catalog,
        source: str = ASL_PATH,
    ):
        self.name = name
        self.state = state
        self.symbolic = symbolic
        self.catalog = catalog
        self.why = f"Task state {name!r} ({source})"
        self.needs: list[Need] = []
        self.problems: list[str] = []
        self.parameters = state.get("Parameters") or state.get("Arguments") or {}

    def need(self, action: str, resource: str) -> None:
        self.needs.append(Need(action, resource, self.why))

    def problem(self, message: str) -> None:
        self.problems.append(f"Task state {self.name!r}: {message}")

    def parameter(self, key: str) -> str | None:
        """A static parameter's value; reports a dynamic or missing one."""
        params = self.parameters if isinstance(self.parameters, dict) else {}
        value = params.get(key)
        if isinstance(value, str) and value and not value.startswith("{%"):
            return value
        if f"{key}.$" in params or isinstance(value, str):
            self.problem(
                f"{key} is computed at run time, so the resource it needs cannot be told: "
                "name it statically"
            )
        else:
            self.problem(f"Parameters has no {key}")
        return None

    def run(self) -> None:
        resource = self.state.get("Resource")
        parts = _arn_parts(resource) if isinstance(resource, str) else None
        if parts is None:
            self.problem(f"Resource {resource!r} is not an ARN")
            return
        _, partition, service, region, account, rest = parts
        if service == "lambda" and rest.startswith("function:"):
            self.need("lambda:InvokeFunction", resource)
        elif service == "states" and rest.startswith("activity:"):
            pass  # an activity's worker polls for its tasks: the role needs nothing
        elif service == "states" and not region and not account:
            self.integration(rest)
        else:
            self.problem(f"Resource {self.symbolic.unrender(resource)!r} is not a known kind")

    def integration(self, rest: str) -> None:
        target, _, pattern = rest.partition(".")
        api_service, _, api = target.partition(":")
        if pattern not in ("", "sync", "sync:2", "waitForTaskToken"):
            self.problem(f"unknown integration pattern .{pattern}")
            return
        arns = self.symbolic.arns
        if api_service == "aws-sdk":
            self.sdk_integration(api)
        elif (api_service, api) == ("lambda", "invoke") and pattern != "sync":
            name = self.parameter("FunctionName")
            if name:
                self.need("lambda:InvokeFunction", _function_arn(name, self.symbolic))
        elif (api_service, api) == ("sqs", "sendMessage") and pattern != "sync":
            url = self.parameter("QueueUrl")
            arn = queue_arn_from_url(url, self.symbolic) if url else None
            if url and arn is None:
                self.problem(f"QueueUrl {url!r} is not a queue URL")
            elif arn:
                self.need("sqs:SendMessage", arn)
        elif (api_service, api) == ("sns", "publish") and pattern != "sync":
            params = self.parameters if isinstance(self.parameters, dict) else {}
            if "PhoneNumber" in params or "PhoneNumber.$" in params:
                self.need("sns:Publish", "*")
            else:
                key = (
                    "TargetArn" if "TargetArn" in params or "TargetArn.$" in params else "TopicArn"
                )
                topic = self.parameter(key)
                if topic:
                    self.need("sns:Publish", topic)
        elif (api_service, api) == ("states", "startExecution"):
            machine = self.parameter("StateMachineArn")
            if machine:
                self.need("states:StartExecution", machine)
                if pattern.startswith("sync"):
                    machine_name = machine.rpartition(":")[2]
                    executions = (
                        f"arn:{arns.partition}:states:{arns.region}:{arns.account_id}:"
                        f"execution:{machine_name}:*"
                    )
                    self.need("states:DescribeExecution", executions)
                    self.need("states:StopExecution", executions)
                    rule = (
                        f"arn:{arns.partition}:events:{arns.region}:{arns.account_id}:"
                        f"rule/{SYNC_RULE}"
                    )
                    for action in ("events:PutTargets", "events:PutRule", "events:DescribeRule"):
                        self.need(action, rule)
        elif api_service == "dynamodb" and api in (
            "getItem",
            "putItem",
            "updateItem",
            "deleteItem",
        ):
            table = self.parameter("TableName")
            if table:
                arn = (
                    table
                    if table.startswith("arn:")
                    else (
                        f"arn:{arns.partition}:dynamodb:{arns.region}:{arns.account_id}:table/{table}"
                    )
                )
                self.need(f"dynamodb:{api[0].upper()}{api[1:]}", arn)
        elif (api_service, api) == ("events", "putEvents") and pattern != "sync":
            params = self.parameters if isinstance(self.parameters, dict) else {}
            entries = params.get("Entries")
            if not isinstance(entries, list):
                self.problem("Entries is computed at run time: name the event buses statically")
                return
            for entry in entries:
                bus = entry.get("EventBusName", "default") if isinstance(entry, dict) else None
                if not isinstance(bus, str):
                    self.problem("an entry's EventBusName is computed at run time")
                    continue
                arn = (
                    bus
                    if bus.startswith("arn:")
                    else (
                        f"arn:{arns.partition}:events:{arns.region}:{arns.account_id}:event-bus/{bus}"
                    )
                )
                self.need("events:PutEvents", arn)
        else:
            self.problem(
                f"the integration {rest!r} is not known to this check: add what it needs to "
                "sfnlocal/checks/least_privilege.py"
            )

    def sdk_integration(self, api: str) -> None:
        service, _, operation = api.partition(":")
        action = self.catalog.canonical(f"{service}:{operation[:1].upper()}{operation[1:]}")
        if action is None:
            self.problem(f"aws-sdk:{api}: no IAM action {service}:{operation} in the catalogue")
        elif self.catalog.resource_level(action):
            self.problem(
                f"aws-sdk:{api}: which resource {action} acts on is not known to this check"
            )
            self.needs.append(Need(action, None, self.why))
        else:
            self.need(action, "*")


def state_machine_needs(
    definition: Any, symbolic: Symbolic, catalog: Catalog, source: str = ASL_PATH
) -> tuple[list[Need], list[str]]:
    """What the state machine's role needs for each Task state of a rendered definition
    (read from the document ``source``)."""
    needs: list[Need] = []
    problems: list[str] = []
    for name, state in iter_states(definition):
        if state.get("Type") != "Task":
            continue
        task = _TaskNeeds(name, state, symbolic, catalog, source)
        task.run()
        needs.extend(task.needs)
        problems.extend(task.problems)
    return needs, problems


# --- what a function needs ------------------------------------------------------------------


def function_needs(
    spec: FunctionSpec, documents: Documents, symbolic: Symbolic, catalog: Catalog
) -> tuple[list[Need], list[str]]:
    """What a function's role needs: its code's calls, its logs, its event source."""
    values = symbolic.function_values(spec)
    fields = {
        "partition": values["Partition"],
        "region": values["Region"],
        "account": values["AccountId"],
        "function": values["FunctionName"],
    }
    logs = "CloudWatch Logs (every function writes its log)"
    needs = [
        Need("logs:CreateLogGroup", LOGS_GROUP.format(**fields), logs),
        Need("logs:CreateLogStream", LOGS_STREAMS.format(**fields), logs),
        Need("logs:PutLogEvents", LOGS_STREAMS.format(**fields), logs),
    ]
    problems: list[str] = []
    if spec.event_source:
        queue = symbolic.queue_arn(spec.event_source.queue)
        if queue is None:
            problems.append(
                f"{spec.spec_path}: event_source queue {spec.event_source.queue!r} is not a "
                "queue this check knows"
            )
        else:
            why = f"its SQS event source {spec.event_source.queue!r} ({spec.spec_path})"
            needs.extend(Need(action, queue, why) for action in EVENT_SOURCE_ACTIONS)
    if not spec.is_python:
        return _merge(needs), problems
    code = function_calls(spec.directory, spec.handler, documents.shared_dir, documents.repo_root)
    problems.extend(str(u) for u in code.unresolved)
    for call in code.calls:
        mapped = iam_action(call, catalog)
        if mapped.action is None:
            problems.append(f"{call.where}: {call.method}(): {mapped.problem}")
            continue
        resource = None if catalog.resource_level(mapped.action) else "*"
        note = "" if call.traced else ", on an object not traced to a client"
        needs.append(Need(mapped.action, resource, f"{call.where} {call.method}(){note}"))
    return _merge(needs), problems


def _merge(needs: list[Need]) -> list[Need]:
    """One need per action and resource; the reasons joined."""
    merged: dict[tuple[str, str | None], list[str]] = {}
    for need in needs:
        merged.setdefault((need.action, need.resource), [])
        if need.why not in merged[(need.action, need.resource)]:
            merged[(need.action, need.resource)].append(need.why)
    return [Need(action, resource, "; ".join(whys)) for (action, resource), whys in merged.items()]


# --- every role -----------------------------------------------------------------------------


def role_label(spec: FunctionSpec) -> str:
    """``ApproveRequest role``; an alternative but the default adds its choice."""
    label = f"{spec.name} role"
    if spec.choice and not spec.choice.default:
        label += f" ({spec.choice.variable}={spec.choice.value})"
    return label


def check_roles(
    documents: Documents, catalog: Catalog, prefix: str = "sfnlocal"
) -> list[RoleCheck]:
    """The least-privilege check of the state machine's role and of each function's role."""
    symbolic = Symbolic(documents, prefix)
    results: list[RoleCheck] = []

    definition = documents.state_machine.render(symbolic.values)
    needs, problems = state_machine_needs(
        definition, symbolic, catalog, documents.state_machine.path
    )
    rendered = [(doc.path, doc.render(symbolic.values)) for doc in documents.state_machine_policies]
    check = evaluate("state machine role", rendered, _merge(needs), catalog, show=symbolic.unrender)
    check.unresolved.extend(problems)
    results.append(check)

    for spec in documents.functions:
        values = symbolic.function_values(spec)
        needs, problems = function_needs(spec, documents, symbolic, catalog)
        rendered = [(doc.path, doc.render(values)) for doc in documents.function_documents(spec)]

        def show(text: str, values: Mapping[str, str] = values) -> str:
            return symbolic.unrender(text, values)

        check = evaluate(role_label(spec), rendered, needs, catalog, show=show)
        check.unresolved.extend(problems)
        if not spec.is_python:
            check.code_not_read = (
                f"{spec.runtime} code ({spec.folder}) is not "
                "read by this check: only the platform's needs are checked"
            )
            check.unverified, check.excess = check.excess, []
        results.append(check)
    return results
