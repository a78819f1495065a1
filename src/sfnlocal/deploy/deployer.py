"""Deploy the sample: roles, functions, queues, topic and state machine, idempotently."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import boto3

from sfnlocal.clients import StackClients, default_region, make_session
from sfnlocal.sample.documents import (
    DEFAULT_STATE_MACHINE,
    Documents,
    FunctionSpec,
    find_repo_root,
    load_documents,
)
from sfnlocal.sample.errors import DocumentError, Problem
from sfnlocal.sample.layout import (
    APPROVAL_QUEUE,
    FUNCTION_PLACEHOLDERS,
    GLOBAL_PLACEHOLDERS,
    QUEUE_KEYS,
    function_values,
    placeholder_names,
    placeholder_values,
)
from sfnlocal.sample.mocks import (
    MOCKS_PATH,
    MockConfig,
    label_of,
    load_mock_config,
    mock_config_path,
)
from sfnlocal.sample.names import DEFAULT_PREFIX, Arns, Names
from sfnlocal.sample.outputs import APPROVAL_MODES, DEFAULT_APPROVAL_MODE, FunctionOutput, Outputs
from sfnlocal.sample.resolved import Symbolic, check_resolved

from .errors import DeployError
from .functions import FunctionConfig, QueueTrigger, ensure_function, ensure_queue_trigger
from .messaging import ensure_queue, ensure_topic, redrive_policy
from .packaging import build_package, check_node_modules
from .progress import Printer, Progress
from .roles import ensure_role
from .state_machine import ensure_state_machine

MAX_RECEIVE_COUNT = 3
"""Receives of an approval message before it moves to the dead-letter queue."""
DLQ_RETENTION_SECONDS = 14 * 24 * 3600
VISIBILITY_TIMEOUT_FACTOR = 6
"""AWS's advice: a queue's visibility timeout >= 6 x its consumer's timeout (+ batching window)."""
MIN_VISIBILITY_TIMEOUT = 30


@dataclass(frozen=True)
class Plan:
    """Validated inputs of a deploy: nothing in it has touched the stack."""

    documents: Documents
    names: Names
    packages: dict[str, bytes]
    """Function logical name -> its deployment package."""
    mocks: MockConfig | None = None
    """The mock configuration the stack reads (SFN_MOCK_CONFIG), checked against the ASL."""

    def placeholder_names(self) -> set[str]:
        return placeholder_names(self.documents)


def prepare(
    repo_root: Path,
    prefix: str,
    state_machine: str = DEFAULT_STATE_MACHINE,
    mock_config: Path | None = None,
    *,
    choices: Mapping[str, str] | None = None,
    every_alternative: bool = False,
) -> Plan:
    """Load and validate every document, and build every package, without any network call.

    ``state_machine`` chooses the state machine's document (``asl`` or ``jsonata``).
    ``mock_config`` is the mock configuration file to check (default:
    ``SFN_MOCK_CONFIG``, else the sample's ``statemachine/stock_trading.mocks.json``).
    ``choices``: the value of each choice variable (``{"APPROVER": "node"}``) that picks
    which of a function's alternatives is deployed; default the environment's.
    ``every_alternative``: keep every alternative (the checks look at each), and build
    no package.

    Raises:
        DocumentError: listing every problem in the documents.
        DeployError: the prefix is invalid, or a function's dependencies are not installed.
    """
    try:
        names = Names(prefix)
    except ValueError as exc:
        raise DeployError(str(exc)) from None
    documents = load_documents(repo_root, known_queues=QUEUE_KEYS, state_machine=state_machine)
    if not every_alternative:
        documents = documents.select(os.environ if choices is None else choices)
    reserved = GLOBAL_PLACEHOLDERS | FUNCTION_PLACEHOLDERS
    clashes = [
        Problem(
            spec.spec_path, f"asl_placeholder {spec.asl_placeholder!r} is a reserved placeholder"
        )
        for spec in documents.functions
        if spec.asl_placeholder in reserved
    ]
    if clashes:
        raise DocumentError(clashes)
    documents.check_placeholders(placeholder_names(documents), FUNCTION_PLACEHOLDERS)
    check_resolved(documents, prefix)  # the ASL and IAM grammar, placeholders resolved
    plan = Plan(documents, names, {}, _check_mocks(documents, names, repo_root, mock_config))
    for spec in () if every_alternative else documents.functions:
        if not spec.is_python:
            check_node_modules(spec.directory, spec.folder)
        shared = documents.shared_dir if spec.is_python else None
        plan.packages[spec.name] = build_package(spec.directory, shared)
    return plan


def _check_mocks(
    documents: Documents, names: Names, repo_root: Path, path: Path | None
) -> MockConfig | None:
    path = path or mock_config_path(repo_root)
    if path is None:
        return None
    definition = documents.state_machine.render(Symbolic(documents, names.prefix).values)
    label = label_of(path, repo_root)
    return load_mock_config(
        path,
        definition,
        names.state_machine,
        label,
        # the sample's file mocks sfnlocal-StockTrading: not a problem of another prefix's deploy
        unless_for_another_machine=label == MOCKS_PATH,
    )


def _visibility_timeout(consumers: list[FunctionSpec]) -> int:
    needed = [
        VISIBILITY_TIMEOUT_FACTOR * spec.timeout
        + (spec.event_source.maximum_batching_window_seconds if spec.event_source else 0)
        for spec in consumers
    ]
    return max([MIN_VISIBILITY_TIMEOUT, *needed])


def check_approval_mode(mode: str) -> str:
    if mode not in APPROVAL_MODES:
        raise DeployError(f"APPROVAL_MODE must be 'auto' or 'manual', got {mode!r}")
    return mode


def deploy(
    endpoint_url: str,
    prefix: str = DEFAULT_PREFIX,
    *,
    repo_root: Path | None = None,
    region: str | None = None,
    outputs_path: Path | None = None,
    session: boto3.Session | None = None,
    printer: Printer = print,
    wait_timeout: float = 300.0,
    approval_mode: str | None = None,
    state_machine: str | None = None,
    mock_config: Path | None = None,
    choices: Mapping[str, str] | None = None,
) -> Outputs:
    """Create or update every resource of the sample; return (and optionally write) the outputs.

    Every document is validated and every package built before the first call
    that changes anything. Running it again changes only what differs.

    Args:
        endpoint_url: the AWS endpoint (LocalStack's gateway).
        prefix: prepended to every resource name (``{prefix}-CheckStockPrice``...).
        repo_root: the repository holding ``lambdas/``, ``statemachine/`` and ``iam/``
            (default: found from the current directory upwards).
        region: defaults to ``AWS_DEFAULT_REGION``, else us-east-1.
        outputs_path: where to write the outputs as JSON, if anywhere.
        session: a boto3 session to use (default: the environment's credentials,
            else dummy ``test``/``test``).
        printer: receives one progress line per resource.
        wait_timeout: seconds to wait for a function to become Active/updated.
        approval_mode: ``auto`` (the approver answers every approval request) or
            ``manual`` (its queue trigger is disabled: a person answers); default
            ``APPROVAL_MODE``, else auto.
        state_machine: which document the state machine is made from: ``asl`` (the
            seed's, JSONPath) or ``jsonata`` (the same workflow in JSONata); default
            ``STATE_MACHINE``, else asl.
        mock_config: the mock configuration file the stack reads, checked before
            anything is deployed (default: ``SFN_MOCK_CONFIG``, else the sample's).
        choices: which alternative of a function to deploy, by choice variable
            (``{"APPROVER": "node"}``: the sample's own Node.js approver); default the
            environment's variables, else each choice's default.

    Raises:
        DocumentError: the documents are invalid (nothing was deployed).
        DeployError: a resource could not be deployed.
    """
    approval_mode = check_approval_mode(
        approval_mode or os.environ.get("APPROVAL_MODE") or DEFAULT_APPROVAL_MODE
    )
    state_machine = state_machine or os.environ.get("STATE_MACHINE") or DEFAULT_STATE_MACHINE
    plan = prepare(
        Path(repo_root) if repo_root else find_repo_root(),
        prefix,
        state_machine,
        mock_config,
        choices=choices,
    )
    documents, names = plan.documents, plan.names
    region = region or (session.region_name if session else None) or default_region()
    session = session or make_session(region)
    clients = StackClients(endpoint_url, region, session)
    progress = Progress(printer)

    identity = clients.sts.get_caller_identity()
    account_id = identity["Account"]
    partition = identity["Arn"].split(":")[1]
    arns = Arns(partition, region, account_id)
    progress.info(f"deploying prefix {prefix!r} to {endpoint_url} ({region}, account {account_id})")

    function_names = {spec.name: names.function(spec.name) for spec in documents.functions}

    # Messaging first: the policies name the queue and the topic.
    topic_arn = ensure_topic(clients.sns, names.report_topic, progress)
    dlq = ensure_queue(
        clients.sqs,
        names.approval_dlq,
        {"MessageRetentionPeriod": str(DLQ_RETENTION_SECONDS)},
        progress,
    )
    consumers = [
        spec
        for spec in documents.functions
        if spec.event_source and spec.event_source.queue == APPROVAL_QUEUE
    ]
    queue = ensure_queue(
        clients.sqs,
        names.approval_queue,
        {
            "VisibilityTimeout": str(_visibility_timeout(consumers)),
            "RedrivePolicy": redrive_policy(dlq.arn, MAX_RECEIVE_COUNT),
        },
        progress,
    )
    values = placeholder_values(documents, names, arns, queue.url)
    expected = {
        "ReportResultTopicArn": topic_arn,
        "RequestHumanApprovalQueueArn": queue.arn,
        "RequestHumanApprovalDeadLetterQueueArn": dlq.arn,
    }
    if mismatch := {k: v for k, v in expected.items() if values[k] != v}:
        raise DeployError(f"the stack named resources other than expected: {mismatch}")
    queue_arns = {APPROVAL_QUEUE: queue.arn}

    # Roles.
    state_machine_role = ensure_role(
        clients.iam,
        names.state_machine_role,
        documents.states_trust.render(values),
        {Path(doc.path).stem: doc.render(values) for doc in documents.state_machine_policies},
        progress,
        description=f"{names.state_machine}: invoke the functions, send to the queue, publish",
    )
    function_roles: dict[str, str] = {}
    for spec in documents.functions:
        own_values = function_values(values, names, arns, spec)
        function_roles[spec.name] = ensure_role(
            clients.iam,
            names.function_role(spec.name),
            documents.lambda_trust.render(own_values),
            {
                Path(doc.path).stem: doc.render(own_values)
                for doc in documents.function_documents(spec)
            },
            progress,
            description=f"execution role of {function_names[spec.name]}",
        )

    # Functions, then the queue triggers.
    function_arns: dict[str, str] = {}
    for spec in documents.functions:
        config = FunctionConfig(
            name=function_names[spec.name],
            role_arn=function_roles[spec.name],
            handler=spec.handler,
            runtime=spec.runtime,
            timeout=spec.timeout,
            memory_size=spec.memory_size,
            description=spec.description,
            environment=spec.environment,
        )
        function_arns[spec.name] = ensure_function(
            clients.lambda_, config, plan.packages[spec.name], progress, wait_timeout=wait_timeout
        )
        if spec.asl_placeholder:
            values[spec.asl_placeholder] = function_arns[spec.name]
    mappings: dict[str, str] = {}
    for spec in consumers:
        source = spec.event_source
        assert source is not None
        mappings[spec.name] = ensure_queue_trigger(
            clients.lambda_,
            QueueTrigger(
                function_name=function_names[spec.name],
                queue_arn=queue_arns[source.queue],
                batch_size=source.batch_size,
                maximum_batching_window_seconds=source.maximum_batching_window_seconds,
                report_batch_item_failures=source.report_batch_item_failures,
                enabled=approval_mode == "auto",
            ),
            progress,
        )

    # The state machine, last: it refers to everything else.
    state_machine_arn = ensure_state_machine(
        clients.sfn,
        names.state_machine,
        documents.state_machine.render(values),
        state_machine_role,
        progress,
    )

    outputs = Outputs(
        endpoint=endpoint_url,
        region=region,
        account_id=account_id,
        prefix=prefix,
        state_machine_name=names.state_machine,
        state_machine_arn=state_machine_arn,
        queue_name=queue.name,
        queue_url=queue.url,
        queue_arn=queue.arn,
        dlq_name=dlq.name,
        dlq_url=dlq.url,
        dlq_arn=dlq.arn,
        topic_name=names.report_topic,
        topic_arn=topic_arn,
        functions={
            spec.name: FunctionOutput(
                function_names[spec.name], function_arns[spec.name], function_roles[spec.name]
            )
            for spec in documents.functions
        },
        roles={"StateMachine": state_machine_role, **function_roles},
        event_source_mappings=mappings,
        approval_mode=approval_mode,
    )
    if outputs_path is not None:
        outputs.write(Path(outputs_path))
        progress.info(f"outputs written to {outputs_path}")
    return outputs


def deploy_state_machine(
    outputs: Outputs,
    state_machine: str,
    name: str,
    *,
    repo_root: Path | None = None,
    printer: Printer = print,
) -> str:
    """Create or update the state machine ``name`` from the document ``state_machine``
    (``asl`` or ``jsonata``), beside the sample ``outputs`` describes: its functions,
    queue, topic and state machine role. Return its ARN.

    Raises:
        DocumentError: the documents are invalid (nothing was deployed).
    """
    plan = prepare(
        Path(repo_root) if repo_root else find_repo_root(), outputs.prefix, state_machine
    )
    partition = outputs.topic_arn.split(":")[1]
    arns = Arns(partition, outputs.region, outputs.account_id)
    values = placeholder_values(plan.documents, plan.names, arns, outputs.queue_url)
    for spec in plan.documents.functions:
        if spec.asl_placeholder:
            values[spec.asl_placeholder] = outputs.functions[spec.name].arn
    return ensure_state_machine(
        outputs.clients().sfn,
        name,
        plan.documents.state_machine.render(values),
        outputs.roles["StateMachine"],
        Progress(printer),
    )
