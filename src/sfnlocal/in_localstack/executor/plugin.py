"""Registers the local process executor with LocalStack (see pyproject.toml's
``localstack.lambda.runtime_executor`` entry point)."""

from localstack.services.lambda_.invocation.plugins import RuntimeExecutorPlugin


class LocalProcessRuntimeExecutorPlugin(RuntimeExecutorPlugin):
    name = "local-process"

    def load(self, *args, **kwargs):
        from sfnlocal.in_localstack.executor.process_executor import LocalProcessRuntimeExecutor

        return LocalProcessRuntimeExecutor
