"""The stack's port on the loopback interface."""

from __future__ import annotations

import errno
import random
import socket
from pathlib import Path

from sfnlocal.engine.settings import LOCALHOST
from sfnlocal.errors import UserError

LOWEST_PICK = 10000
EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def _below_ephemeral() -> range:
    """Ports below the kernel's ephemeral range (32768 and up by default)."""
    try:
        low = int(EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    return range(LOWEST_PICK, max(low, LOWEST_PICK + 1000))


def free_port(attempts: int = 50) -> int:
    """A port nothing listens on now, for an engine or a stack of its own.

    Picked at random below the kernel's ephemeral range: a port the kernel picks
    (bind to port 0) is one it also hands out to outgoing connections and to
    Docker's published ports, and a stack that starts minutes later (an image to
    build first) found it taken. (No library does this: portpicker asks the kernel.)
    """
    candidates = _below_ephemeral()
    for _ in range(attempts):
        port = random.choice(candidates)
        with socket.socket() as sock:
            try:
                sock.bind((LOCALHOST, port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:  # every pick was taken: the kernel's pick, as before
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
