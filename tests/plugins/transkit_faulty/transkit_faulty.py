"""Plug-ins that go wrong, one way each, for tests/test_plugin_faults.py: each is named by
an entry point the test writes into a throwaway distribution on PYTHONPATH (the venv's
own entry points never see them). transkit must name each in one line, never with a
traceback, and never show the secrets they carry."""

from __future__ import annotations

import os
from typing import Any


class EngineInitFails:
    name = "faulty"

    def __init__(self, settings: dict[str, Any]):
        raise KeyError("api_url")

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        return texts


class EnginePairsFail:
    name = "faulty"

    def __init__(self, settings: dict[str, Any]):
        pass

    def pairs(self) -> set[tuple[str, str]]:
        raise RuntimeError("cannot list the pairs")

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        return texts


class EngineLeaksSecrets:
    """Fails with its table's token and its environment's key in the message."""

    name = "faulty"
    secret_keys = ("FAULTY_ENGINE_KEY",)

    def __init__(self, settings: dict[str, Any]):
        self.token = str(settings.get("api_token", ""))

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        raise RuntimeError(f"refused token {self.token} and key "
                           f"{os.environ.get('FAULTY_ENGINE_KEY', '')}")


class EngineByTable:
    """Its drafts depend on its table (`suffix`), and it has no `settings` hook."""

    name = "faulty"

    def __init__(self, settings: dict[str, Any]):
        self.suffix = str(settings.get("suffix", ""))

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        return [text + self.suffix for text in texts]


class CheckRaises:
    id = "faulty"
    severity = "warning"
    description = "raises on every translation"

    def __init__(self, context: Any):
        pass

    def check(self, source: str, target: str, lang: str) -> list[str]:
        raise ValueError("boom")


class CheckWithoutContext:
    id = "faulty"
    severity = "warning"
    description = "built without the context transkit passes"

    def check(self, source: str, target: str, lang: str) -> list[str]:
        return []


class CheckReturnsNone:
    id = "faulty"
    severity = "warning"
    description = "returns None instead of a list"

    def __init__(self, context: Any):
        pass

    def check(self, source: str, target: str, lang: str) -> None:
        return None


class CrossCheckRaises:
    id = "faulty"
    severity = "info"
    description = "a cross-language check that raises"
    scope = "cross"

    def __init__(self, context: Any):
        pass

    def check_across(self, source: str, source_lang: str,
                     translations: dict[str, str]) -> dict[str, str]:
        raise ZeroDivisionError("division by zero")


class SourceWithoutRead:
    pass


class SourceReadFails:
    def read(self, path: Any, name: str, ref_path: str, config: Any,
             default_language: str, source_language: str | None = None) -> Any:
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")


class FormatReadFails:
    name = "faulty"
    suffixes = (".faulty",)
    description = "fails while reading"
    multilingual = False

    def read(self, path: Any, source_lang: str | None = None) -> Any:
        yield from ()
        raise IndexError("list index out of range")

    def write(self, bitexts: Any, path: Any, **options: Any) -> int:
        raise OSError("not writable")
