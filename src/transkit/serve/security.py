"""Who may use the editor and how: tokens (one per translator), the session cookie a token
link sets, the Host check (DNS rebinding), the header a write needs (CSRF), the body
limit, and the headers every answer carries (a strict Content-Security-Policy)."""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 1024 * 1024  # bytes of a request body
TOKEN_BYTES = 24  # 192 bits (the issue asks for at least 128)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK = ("127.0.0.1", "localhost", "::1")

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),  # the token link never leaks through a Referer
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK:
        return True
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Access:
    """The tokens (token → translator), the sessions their links opened, and the host
    names the server answers to."""

    def __init__(self, tokens: dict[str, str], hosts: set[str], port: int):
        self.tokens = dict(tokens)
        self.hosts = {h.lower() for h in hosts}
        self.port = port
        self.sessions: dict[str, str] = {}  # session id → token
        self.cookie = f"transkit-{port}"  # one per port: two editors on one host apart

    def translator(self, token: str) -> str | None:
        for known, name in self.tokens.items():
            if hmac.compare_digest(known.encode(), token.encode()):
                return name
        return None

    def host_allowed(self, host: str) -> bool:
        host = host.strip().lower()
        if not host:
            return False
        if host.startswith("["):
            name, _, rest = host[1:].partition("]")
            port = rest[1:] if rest.startswith(":") else ""
        else:
            name, _, port = host.partition(":")
        if port and port != str(self.port):
            return False
        return name in self.hosts

    def open_session(self, token: str) -> str:
        session = secrets.token_urlsafe(TOKEN_BYTES)
        self.sessions[session] = token
        return session


def _json(status: int, message: str, extra: list[tuple[bytes, bytes]] | None = None
          ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    body = json.dumps({"error": message}, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json; charset=utf-8"),
               (b"content-length", str(len(body)).encode()), *(extra or [])]
    return status, headers, body


class Guard:
    """The ASGI middleware in front of every route."""

    def __init__(self, app: ASGIApp, access: Access):
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        refused = self._check(scope, headers)
        if refused is not None:
            await _answer(secured, *refused)
            return
        if scope.get("state", {}).get("redirect") is not None:
            location, cookie = scope["state"].pop("redirect")
            await _answer(secured, 303, [(b"location", location.encode()),
                                         (b"set-cookie", cookie.encode()),
                                         (b"content-length", b"0")], b"")
            return
        await self.app(scope, receive, secured)

    def _check(self, scope: Scope, headers: dict[str, str]
               ) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        access = self.access
        if not access.host_allowed(headers.get("host", "")):
            return _json(403, "Host header names another host (refused: DNS rebinding)")
        path = scope.get("path", "")
        if ".." in path.split("/") or "\\" in path or "\x00" in path:
            return _json(400, "a name with '..' (or a backslash) is refused")
        method = scope["method"]
        token: str | None = None
        from_header = False
        authorization = headers.get("authorization", "")
        if authorization:
            scheme, _, value = authorization.partition(" ")
            if scheme.lower() != "bearer" or not value.strip():
                return _json(401, "Authorization must be `Bearer <token>`",
                             [(b"www-authenticate", b"Bearer")])
            token, from_header = value.strip(), True
        if token is None:
            token = access.sessions.get(_cookie(headers.get("cookie", ""), access.cookie) or "")
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if token is None and "token" in query and method == "GET":
            # The link printed at start: a session cookie, then the same page without it.
            if access.translator(query["token"]) is None:
                return _json(403, "unknown token")
            session = access.open_session(query["token"])
            rest = {k: v for k, v in query.items() if k != "token"}
            location = scope["path"] + (f"?{urlencode(rest)}" if rest else "")
            cookie = (f"{access.cookie}={session}; Path=/; HttpOnly; SameSite=Strict")
            scope.setdefault("state", {})["redirect"] = (location, cookie)
            return None
        if token is None:
            return _json(401, "a token is needed: open the link `transkit serve` printed, or "
                              "send `Authorization: Bearer <token>`",
                         [(b"www-authenticate", b"Bearer")])
        translator = access.translator(token)
        if translator is None:
            return _json(403, "unknown token")
        if method not in SAFE_METHODS:
            if not from_header:
                return _json(403, "a change needs the token in the Authorization header, "
                                  "not the cookie alone (CSRF)")
            origin = headers.get("origin")
            if origin is not None and not access.host_allowed(origin.partition("://")[2]):
                return _json(403, "Origin names another site (refused: CSRF)")
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                return _json(400, "malformed Content-Length")
            if int(length) > MAX_BODY:
                return _json(413, f"request body over {MAX_BODY} bytes")
        state = scope.setdefault("state", {})
        state["translator"] = translator
        state["token"] = token
        return None


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


async def _answer(send: Send, status: int, headers: list[tuple[bytes, bytes]],
                  body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
