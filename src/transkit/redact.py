"""Credentials out of every message: URLs and libpq keyword strings with their passwords,
tokens and keys masked, and any text scrubbed of the secrets a command was given."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"
# Names under which a URL's query, a libpq keyword string or the environment carry a secret.
SECRET_NAMES = frozenset({"password", "passwd", "pass", "pwd", "sslpassword", "secret",
                          "token", "auth_key", "authkey", "api_key", "apikey", "key",
                          "access_token", "client_secret"})
_KEYWORD = re.compile(r"(\b\w+\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)")


def secret_settings(table: Mapping[str, Any]) -> tuple[str, ...]:
    """The values of a plug-in's settings table (`[mt.<name>]`) whose keys name a secret
    (`token`, `api_key`, `deepl-key`, `password`…): masked in its messages like the
    environment's."""
    return tuple(str(value) for key, value in table.items()
                 if isinstance(value, str) and value
                 and (key.lower() in SECRET_NAMES
                      or re.split(r"[_-]", key.lower())[-1] in SECRET_NAMES))


def _secret_keyword(match: re.Match[str]) -> bool:
    """Whether a `name=value` of a keyword string names a secret."""
    return match.group(1).split("=")[0].strip().lower() in SECRET_NAMES


def redact_url(text: str) -> str:
    """A URL or libpq keyword string with every credential masked; what cannot be parsed
    is masked whole, never shown."""
    if "://" not in text:
        if "=" in text:
            return _KEYWORD.sub(lambda m: m.group(1) + (MASK if _secret_keyword(m)
                                                        else m.group(2)), text)
        return text
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        scheme = text.split("://", 1)[0]
        return f"{scheme}://{MASK}" if scheme.isalnum() else MASK
    if ":" in host:
        host = f"[{host}]"
    if port is not None:
        host += f":{port}"
    if parts.username is not None or parts.password is not None:
        user = parts.username or ""
        host = f"{user}:{MASK}@{host}" if parts.password is not None else f"{user}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, MASK if k.lower() in SECRET_NAMES else v) for k, v in pairs],
                          safe="/%*")
    return urlunsplit((parts.scheme, host, parts.path, query, parts.fragment))


def secrets_of(text: str) -> list[str]:
    """The secret values a URL or keyword string holds (to scrub them from other text)."""
    found: list[str] = []
    if "://" in text:
        rest = text.split("://", 1)[1]
        authority = rest.split("/", 1)[0].split("?", 1)[0]
        if "@" in authority:
            # Everything before the last '@' is user information; a password may hold '@'
            # itself, which libpq and Python split differently: mask every piece.
            userinfo = authority.rsplit("@", 1)[0]
            if ":" in userinfo:
                password = userinfo.split(":", 1)[1]
                found += [password, *password.split("@")]
        try:
            parts = urlsplit(text)
            found += [v for k, v in parse_qsl(parts.query) if k.lower() in SECRET_NAMES and v]
        except ValueError:
            found.append(text)
    for match in _KEYWORD.finditer(text):
        if _secret_keyword(match):
            found.append(match.group(2).strip("'"))
    return [s for s in found if len(s) >= 2]


def scrub(message: str, *urls: str, keys: tuple[str, ...] = ()) -> str:
    """`message` with every secret replaced by the mask: those held by `urls` (URLs and
    keyword strings) and `keys` (API keys, passwords: masked whole, stripped and as
    Python would quote them, whatever their length)."""
    secrets: set[str] = set()
    for key in keys:
        if key:
            secrets |= {key, key.strip(), repr(key)[1:-1], repr(key.strip())[1:-1]}
    for source in urls:
        if source:
            secrets |= set(secrets_of(source))
    for secret in sorted((s for s in secrets if len(s) >= 2), key=len, reverse=True):
        message = message.replace(secret, MASK)
    for source in urls:
        if source and ("://" in source or "=" in source):
            message = message.replace(source, redact_url(source))
    return message
