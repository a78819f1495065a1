"""The engine: LocalStack, run embedded on the host or as a Compose stack."""

from sfnlocal.errors import UserError

__all__ = ["UserError"]
