"""Parse a state machine's definition once, not at every execution.

LocalStack's ``ExecutionWorker`` parses the definition with its ANTLR grammar
(pure Python) and preprocesses it into evaluation components at the start of
every execution: about 10 ms of CPU under the GIL for the sample's seven
states, before the first state runs; 50 executions started at once spend half
a second of CPU on it. The components are a read-only tree (an execution's
state lives in its ``Environment``; LocalStack's Map and Parallel states
already run one tree in many threads at once), so executions of the same
definition can share one. TestState keeps its own parser (it patches its tree).
"""

from __future__ import annotations

import functools

from sfnlocal.in_localstack.patching import Target

GET_EVALUATION_ENTRYPOINT = Target(
    "localstack.services.stepfunctions.backend.execution_worker",
    "ExecutionWorker._get_evaluation_entrypoint",
    "(self) -> localstack.services.stepfunctions.asl.component.eval_component.EvalComponent",
    hot_path=True,
)
CACHE_SIZE = 128


@functools.lru_cache(maxsize=CACHE_SIZE)
def program_of(definition: str):
    from localstack.services.stepfunctions.asl.parse.asl_parser import AmazonStateLanguageParser

    return AmazonStateLanguageParser.parse(definition)[0]


def _get_evaluation_entrypoint(original, self):
    definition = self._evaluation_details.state_machine_details.definition
    if not isinstance(definition, str):
        return original(self)
    return program_of(definition)


def install() -> None:
    GET_EVALUATION_ENTRYPOINT.patch(_get_evaluation_entrypoint)
