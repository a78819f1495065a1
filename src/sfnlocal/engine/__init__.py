"""The engine: LocalStack, run embedded on the host or as a Compose stack."""

from sfnlocal.engine.errors import EngineError

__all__ = ["EngineError"]
