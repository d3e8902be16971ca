"""Which MT engines exist (the `transkit.engines` entry points, built-ins included) and the
one adapter, `Driver`, through which pre-translation drives any of them."""

from __future__ import annotations

import hashlib
import json
import os
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError, InputError, TranskitError
from ..plugins import ENGINES, guarded, installed, load
from ..redact import secret_settings, secrets_of
from . import MTError, Request, Result

if TYPE_CHECKING:
    from ..config import Config


def names() -> list[str]:
    """The engines installed, by name (nothing imported)."""
    return sorted(installed(ENGINES))


def engine_class(name: str) -> type[Any]:
    cls = load(ENGINES, name, "MT engine")
    if not isinstance(cls, type) or not callable(getattr(cls, "translate", None)):
        raise InputError(f"MT engine {name!r} ({installed(ENGINES)[name].value}) is not an "
                         "engine class with a translate method")
    return cls


def secret_environment() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Environment variables whose values are never shown: (URLs, keys), as the engines
    declare them (`secret_urls`, `secret_keys`). An engine that fails to load declares
    nothing (its own failure is reported where it is used)."""
    urls: list[str] = []
    keys: list[str] = []
    for name in names():
        try:
            cls = engine_class(name)
        except InputError:
            continue
        urls.extend(str(v) for v in getattr(cls, "secret_urls", ()))
        keys.extend(str(v) for v in getattr(cls, "secret_keys", ()))
    return tuple(urls), tuple(keys)


def declared_secrets(cls: Any) -> tuple[str, ...]:
    """The values of the environment variables an engine declares (`secret_keys`, and
    the passwords in `secret_urls`): masked wherever its messages go (the CLI, and the
    editor's JSON, which the CLI's filter never sees)."""
    keys = [os.environ.get(str(name), "") for name in getattr(cls, "secret_keys", ())]
    for name in getattr(cls, "secret_urls", ()):
        keys += secrets_of(os.environ.get(str(name), ""))
    return tuple(key for key in keys if key)


def open_engine(config: Config, name: str) -> Driver:
    """The engine `name` built with its `[mt.<name>]` table (through `from_project` when the
    engine needs the project, as DeepL does for the glossary)."""
    cls = engine_class(name)
    table = dict(config.mt.engines.get(name, {}))
    # `quality` and `pivot` are transkit's keys in every engine's table, not the engine's.
    quality = table.pop("quality", None)
    pivot = table.pop("pivot", True)
    if not isinstance(pivot, bool):
        raise InputError(f"mt.{name}.pivot must be true or false", config.root / "transkit.toml")
    factory = getattr(cls, "from_project", None)
    # A plug-in's failure (in its constructor or any hook) is one line, its secrets masked.
    what, secrets = f"MT engine {name}", secret_settings(table) + declared_secrets(cls)
    try:
        engine = (guarded(factory, what, config, table, error=MTError, secrets=secrets)
                  if factory is not None
                  else guarded(cls, what, table, error=MTError, secrets=secrets))
    except MTError as exc:  # a setting the engine refused: the file is where to look
        from ..config import line_of

        text = (config.root / "transkit.toml").read_text("utf-8", "replace")
        raise ConfigError(exc.message, config.root / "transkit.toml",
                          line_of(text, f"mt.{name}")) from None
    driver = Driver(engine, config, _quality_table(quality, name, config), pivot)
    # Without a `settings` hook, the table is what decides a result besides the text:
    # changing it must not serve drafts cached under the old one (its secrets left out).
    kept = {key: value for key, value in table.items() if value not in secrets}
    driver.table_key = hashlib.sha256(json.dumps(kept, sort_keys=True, default=str)
                                      .encode()).hexdigest()[:16] if kept else ""
    return driver


def _quality_table(value: Any, name: str, config: Config) -> dict[tuple[str, str], float]:
    """`[mt.<name>.quality]`: "es-ca" = 89.5 (chrF of drafts from es into ca)."""
    if value is None:
        return {}
    where = config.root / "transkit.toml"
    if not isinstance(value, dict):
        raise InputError(f"[mt.{name}.quality] maps pairs (\"es-ca\") to chrF scores", where)
    table: dict[tuple[str, str], float] = {}
    for pair, score in value.items():
        source, _, target = str(pair).partition("-")
        if not source or not target or isinstance(score, bool) or not isinstance(
                score, (int, float)):
            raise InputError(f"[mt.{name}.quality]: {pair!r} must be \"<from>-<to>\" = a "
                             "score", where)
        table[(source, target)] = float(score)
    return table


class Driver:
    """An engine of the public shape (`name`, `translate(texts, source, target)`) with its
    optional hooks filled in: the pairs it serves, the settings that make a translation
    (a cache key), quota, batching, requests with context, pair qualities, closing."""

    def __init__(self, engine: Any, config: Config,
                 quality: dict[tuple[str, str], float] | None = None, pivot: bool = True):
        self.engine = engine
        self.name = str(getattr(engine, "name", type(engine).__name__))
        self.config = config
        self.pivot = pivot
        self.table_key = ""  # the engine's table, hashed (a cache key without `settings`)
        self._quality = quality or {}
        # Pairs that are separate local processes may run at once (one per core).
        self.parallel_pairs = bool(getattr(engine, "parallel_pairs", False))

    def allowed(self, target: str) -> bool:
        return target in self.config.mt.languages

    def supports(self, source: str, target: str) -> bool:
        hook = getattr(self.engine, "supports", None)
        if hook is not None:
            return bool(hook(source, target))
        pairs = getattr(self.engine, "pairs", None)
        return pairs is None or (source, target) in pairs()

    def check(self, source: str, target: str) -> None:
        """Raise a clear error when the engine cannot serve the pair (missing data)."""
        hook = getattr(self.engine, "check", None)
        if hook is not None:
            hook(source, target)
        elif not self.supports(source, target):
            raise MTError(f"MT engine {self.name} does not translate {source} into {target}")

    def settings(self, source: str, target: str) -> str:
        hook = getattr(self.engine, "settings", None)
        if hook is not None:
            return str(hook(source, target))
        return f"{self.name}/{self.table_key}" if self.table_key else self.name

    def route(self, source: str, target: str) -> str:
        hook = getattr(self.engine, "route", None)
        return str(hook(source, target)) if hook is not None else ""

    def quality(self, source: str, target: str) -> float | None:
        """How good drafts from `source` into `target` are (chrF), None when unknown: the
        project's `[mt.<name>.quality]` first, then the engine's own table."""
        if (source, target) in self._quality:
            return self._quality[(source, target)]
        hook = getattr(self.engine, "quality", None)
        found = hook(source, target) if hook is not None else None
        return None if found is None else float(found)

    def usage(self) -> tuple[int, int | None]:
        hook = getattr(self.engine, "usage", None)
        return hook() if hook is not None else (0, None)

    def batches(self, requests: list[Request]) -> list[list[Request]]:
        hook = getattr(self.engine, "batches", None)
        return hook(requests) if hook is not None else [requests] if requests else []

    def translate(self, requests: list[Request], source: str, target: str) -> list[Result]:
        hook = getattr(self.engine, "translate_requests", None)
        if hook is not None:
            results: list[Result] = hook(requests, source, target)
        else:
            try:
                texts = self.engine.translate([r.text for r in requests], source, target)
            except TranskitError:
                raise
            except Exception as exc:  # a plug-in's fault: one line, secrets masked by the CLI
                raise MTError(f"MT engine {self.name} failed: {type(exc).__name__}: "
                              f"{' '.join(str(exc).split())[:300]}") from None
            if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                raise MTError(f"MT engine {self.name} answered something else than a list "
                              "of texts")
            results = [Result(text, 0) for text in texts]
        if len(results) != len(requests):
            raise MTError(f"MT engine {self.name} answered {len(results)} translation(s) for "
                          f"{len(requests)} text(s)")
        return results

    def close(self) -> None:
        hook = getattr(self.engine, "close", None)
        if hook is not None:
            hook()
