"""Latency fixes for the embedded and container engines, loaded by LocalStack at
start through its ``localstack.hooks.on_infra_start`` entry point (see
pyproject.toml), without forking LocalStack.

Only the engine's environment (which has LocalStack) imports the modules here.
Set ``SFNLOCAL_SPEEDUPS=0`` to run LocalStack without them (to compare), or
``SFNLOCAL_SPEEDUPS_OFF=name,name`` to leave out some (names: hooks.SPEEDUPS).
"""
