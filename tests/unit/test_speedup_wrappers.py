"""The speed-ups' wrappers, around fake originals: what they cache and for how long."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sfnlocal.in_localstack.speedups.jsonpath_cache import caching_parse
from sfnlocal.in_localstack.speedups.sfn_clients import caching_boto_client_for


class Parser:
    def __init__(self) -> None:
        self.parsed: list[str] = []

    def __call__(self, path: str):
        self.parsed.append(path)
        if not path.startswith("$"):
            raise ValueError(f"not a path: {path}")
        return ("expression", path)


def test_each_distinct_path_is_parsed_once():
    parse, original = caching_parse(), Parser()

    results = [parse(original, path) for path in ("$.a", "$.b", "$.a", "$.a")]

    assert results == [("expression", "$.a"), ("expression", "$.b")] + [("expression", "$.a")] * 2
    assert original.parsed == ["$.a", "$.b"]


def test_an_invalid_path_fails_every_time_as_without_the_cache():
    parse, original = caching_parse(), Parser()

    for _ in range(2):
        with pytest.raises(ValueError, match="not a path"):
            parse(original, "a")

    assert original.parsed == ["a", "a"]


@dataclass(frozen=True)
class Credentials:
    role_arn: str


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class ClientFactory:
    def __init__(self) -> None:
        self.made = 0

    def __call__(self, service, region, state_credentials):
        self.made += 1
        return f"{service} client #{self.made} as {state_credentials.role_arn}"


ROLE = Credentials("arn:aws:iam::000000000000:role/sm")


def test_a_tasks_client_is_reused_within_its_lifetime():
    clock, original = Clock(), ClientFactory()
    boto_client_for = caching_boto_client_for(ttl=600, clock=clock)

    first = boto_client_for(original, service="lambda", region="us-east-1", state_credentials=ROLE)
    clock.now = 599
    again = boto_client_for(original, service="lambda", region="us-east-1", state_credentials=ROLE)

    assert first == again == "lambda client #1 as arn:aws:iam::000000000000:role/sm"


def test_the_role_is_assumed_again_once_the_lifetime_is_over():
    clock, original = Clock(), ClientFactory()
    boto_client_for = caching_boto_client_for(ttl=600, clock=clock)
    boto_client_for(original, service="lambda", region="us-east-1", state_credentials=ROLE)

    clock.now = 600
    renewed = boto_client_for(
        original, service="lambda", region="us-east-1", state_credentials=ROLE
    )

    assert renewed.startswith("lambda client #2")


def test_another_role_service_or_region_gets_a_client_of_its_own():
    original = ClientFactory()
    boto_client_for = caching_boto_client_for(ttl=600, clock=Clock())
    other_role = Credentials("arn:aws:iam::000000000000:role/updated")

    clients = {
        boto_client_for(original, service="lambda", region="us-east-1", state_credentials=ROLE),
        boto_client_for(original, service="sqs", region="us-east-1", state_credentials=ROLE),
        boto_client_for(original, service="lambda", region="eu-west-1", state_credentials=ROLE),
        boto_client_for(
            original, service="lambda", region="us-east-1", state_credentials=other_role
        ),
    }

    assert len(clients) == 4
