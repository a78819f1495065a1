"""What the deploy created, as the console's Deploy resources page lists it:
each resource's type, logical id, name, ARN and its state on the stack now."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from botocore.exceptions import ClientError

from sfnlocal.clients import StackClients
from sfnlocal.sample.outputs import Outputs


@dataclass(frozen=True)
class Resource:
    type: str
    """The CloudFormation type the seed's stack would list, e.g. ``AWS::SQS::Queue``."""
    logical_id: str
    name: str
    arn: str
    state: str
    """A word: ACTIVE, Available, Active, Enabled, Created, or missing."""
    detail: str
    ok: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


State = tuple[str, str, bool]


def _probe(read: Callable[[], State]) -> State:
    try:
        return read()
    except ClientError as error:
        return "Missing", error.response["Error"]["Code"], False


def _queue_state(clients: StackClients, url: str) -> State:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = clients.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    waiting, in_flight = (attributes.get(n, "0") for n in names)
    return "Available", f"{waiting} waiting, {in_flight} in flight", True


def _function_state(clients: StackClients, name: str) -> State:
    config = clients.lambda_.get_function_configuration(FunctionName=name)
    state, update = config.get("State", "Active"), config.get("LastUpdateStatus", "Successful")
    return state, f"{config.get('Runtime', '')}, update {update}", state == "Active"


def _mapping_state(clients: StackClients, uuid: str) -> State:
    state = clients.lambda_.get_event_source_mapping(UUID=uuid)["State"]
    modes = {"Enabled": "approval mode auto", "Disabled": "approval mode manual"}
    return state, modes.get(state, "switching"), True


def _topic_state(clients: StackClients, arn: str) -> State:
    clients.sns.get_topic_attributes(TopicArn=arn)
    subscribed = clients.sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    return "Available", f"{len(subscribed)} subscription(s)", True


def _role_state(clients: StackClients, name: str) -> State:
    role = clients.iam.get_role(RoleName=name)["Role"]
    return "Created", f"{role['CreateDate']:%Y-%m-%d %H:%M:%S}", True


def listed(outputs: Outputs, clients: StackClients | None = None) -> list[Resource]:
    """Every resource of the deploy, in the seed's order: state machine, queues,
    functions and the queue trigger, topic, roles."""
    clients = clients or outputs.clients()
    found = []

    def add(type_: str, logical_id: str, name: str, arn: str, read) -> None:
        found.append(Resource(type_, logical_id, name, arn, *_probe(read)))

    def state_machine() -> State:
        arn = outputs.state_machine_arn
        described = clients.sfn.describe_state_machine(stateMachineArn=arn)
        status = described.get("status", "ACTIVE")
        return status, described.get("type", "STANDARD"), status == "ACTIVE"

    add(
        "AWS::StepFunctions::StateMachine",
        "StateMachine",
        outputs.state_machine_name,
        outputs.state_machine_arn,
        state_machine,
    )
    for logical_id, name, arn, url in (
        ("RequestHumanApprovalQueue", outputs.queue_name, outputs.queue_arn, outputs.queue_url),
        ("RequestHumanApprovalDeadLetterQueue", outputs.dlq_name, outputs.dlq_arn, outputs.dlq_url),
    ):
        add("AWS::SQS::Queue", logical_id, name, arn, lambda url=url: _queue_state(clients, url))
    for logical, function in sorted(outputs.functions.items()):
        add(
            "AWS::Lambda::Function",
            f"{logical}Function",
            function.name,
            function.arn,
            lambda name=function.name: _function_state(clients, name),
        )
    for logical, uuid in sorted(outputs.event_source_mappings.items()):
        function = outputs.functions.get(logical)
        target = function.name if function else logical
        add(
            "AWS::Lambda::EventSourceMapping",
            f"{logical}QueueTrigger",
            f"{outputs.queue_name} → {target}",
            f"UUID {uuid}",
            lambda uuid=uuid: _mapping_state(clients, uuid),
        )
    add(
        "AWS::SNS::Topic",
        "ReportResultTopic",
        outputs.topic_name,
        outputs.topic_arn,
        lambda: _topic_state(clients, outputs.topic_arn),
    )
    for logical, arn in sorted(outputs.roles.items(), key=lambda item: item[0] != "StateMachine"):
        name = arn.rsplit("/", 1)[-1]
        add(
            "AWS::IAM::Role",
            f"{logical}Role",
            name,
            arn,
            lambda name=name: _role_state(clients, name),
        )
    return found
