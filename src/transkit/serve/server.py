"""The editor's process: a socket bound first (so the port is known before the link is
printed), Uvicorn serving the application on it, SIGTERM and Ctrl-C ending it within
seconds (a save under way finishes; files are only ever replaced whole)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

from ..errors import InputError
from ..project import Project
from .app import create_app
from .security import Access, is_loopback

GRACE = 3  # seconds open connections get at shutdown before they are closed


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def allowed_hosts(host: str, extra: list[str]) -> set[str]:
    hosts = {"127.0.0.1", "localhost", "::1", *extra}
    if host not in ("0.0.0.0", "::"):
        hosts.add(host)
    return hosts


def run(project: Project, host: str, port: int, tokens: dict[str, str], hosts: list[str],
        engines: list[str], on_ready: Callable[[int], None]) -> None:
    """Serve until SIGTERM or SIGINT (then requests under way finish, event streams end,
    within GRACE seconds); `on_ready(port)` once the socket listens."""
    import uvicorn

    sock = bind(host, port)
    port = sock.getsockname()[1]
    access = Access(tokens, allowed_hosts(host, hosts), port)
    app, service = create_app(project, access, engines)

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if not self.should_exit:
                on_ready(port)

        def handle_exit(self, sig: int, frame: Any) -> None:
            service.hub.stop()  # event streams end, so shutdown is quick
            super().handle_exit(sig, frame)
            # Stopping is what SIGTERM and Ctrl-C ask for: not raised again once stopped
            # (uvicorn would), so the command ends with its own line and status 0.
            self._captured_signals.clear()

    server = Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                   timeout_graceful_shutdown=GRACE, lifespan="on",
                                   server_header=False))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


__all__ = ["bind", "is_loopback", "run"]
