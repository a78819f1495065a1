"""Code that runs inside LocalStack's own process (the engine's virtual environment,
``.engine/venv`` on the host, ``/opt/engine`` in the container), never in the host tooling.

- ``executor/``: the Lambda runtime executor LocalStack loads as a plugin
  (entry point ``localstack.lambda.runtime_executor``); each execution
  environment it starts is a separate runtime process.
- ``fixes/``: restore AWS behaviour where LocalStack 2026.3.0 differs from AWS.
- ``speedups/``: latency fixes that change no result.
- ``patching.py``: the one way both patch LocalStack (pinned version, checked
  signature, fall back to the original); ``lazy.py``: patch a module when it is
  first imported; ``hooks.py``: LocalStack's ``on_infra_start`` hook that installs them.

The host tooling must not import this package: it needs LocalStack.
"""
