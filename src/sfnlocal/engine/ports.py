"""The stack's port on the loopback interface."""

from __future__ import annotations

import errno
import socket

from sfnlocal.engine.settings import LOCALHOST
from sfnlocal.errors import UserError


def free_port() -> int:
    """A port nothing listens on now (the system's pick), for an engine or a stack of its own."""
    with socket.socket() as sock:
        sock.bind((LOCALHOST, 0))
        return sock.getsockname()[1]


def ensure_port_free(
    port: int,
    variable: str = "LOCALSTACK_PORT",
    what: str = "another LocalStack, or this repo's other stack kind",
) -> None:
    """Raises UserError naming the port and the fix when something listens there.

    ``variable`` is the setting that chooses another port; ``what`` the likely holder.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((LOCALHOST, port))
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            raise UserError(
                f"port {port} on {LOCALHOST} is already in use ({what}?)",
                fix=f"stop what listens there ('make down', or 'ss -ltnp | grep {port}'), "
                f"or choose another port with {variable}=<port>",
            ) from None
