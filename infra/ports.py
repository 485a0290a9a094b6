"""Is a loopback TCP port free to listen on, and does something answer on it?"""

from __future__ import annotations

import contextlib
import socket

from infra.errors import InfraError
from infra.settings import HOST


def port_is_free(port: int, host: str = HOST) -> bool:
    """True when nothing listens on (host, port): we could bind it ourselves."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def port_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    """True when a TCP connect to (host, port) succeeds."""
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=timeout):
        return True
    return False


def require_free_port(port: int, what: str, env_var: str, host: str = HOST) -> None:
    """Raise a clear `InfraError` naming the port when something else holds it."""
    if not port_is_free(port, host):
        raise InfraError(
            f"port {port} on {host} ({what}) is already in use by another process; "
            f"stop that process or choose another port with {env_var}=<port>"
        )
