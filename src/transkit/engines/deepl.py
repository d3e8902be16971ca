"""DeepL through the official client: XML tag handling keeps placeholders, the project
glossary becomes a DeepL multilingual glossary (recreated only when it changes),
do-not-translate names are wrapped in ignored tags, and faults become clear errors."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from ..config import Config, MTConfig
from ..fsutil import atomic_write_text
from ..languages import primary
from ..redact import redact_url, scrub
from . import MTError, QuotaError, Request, Result

MAX_TEXTS = 50  # DeepL's limit of texts per request
MAX_BYTES = 100_000  # below the 128 KiB request limit
KEEP = "keep"


def _deepl() -> Any:
    import deepl

    return deepl


class DeepLEngine:
    name = "deepl"
    secret_keys = ("DEEPL_AUTH_KEY",)  # the key_env's default: never shown in a message
    secret_urls = ("DEEPL_SERVER_URL",)

    @classmethod
    def from_project(cls, config: Config, table: dict[str, Any]) -> DeepLEngine:
        """`[mt.deepl]` holds the settings; the older top-level `[mt]` keys still apply
        where `[mt.deepl]` says nothing."""
        from ..config import deepl_settings

        settings = deepl_settings(config, table) if table else config.mt
        terms, keep = glossary_from_project(config.root)
        return cls(config, terms, keep, settings)

    def __init__(self, config: Config, glossary_terms: list[dict[str, str]],
                 keep: list[str], settings: MTConfig | None = None):
        settings = settings or config.mt
        self.mt = settings
        key = os.environ.get(settings.key_env, "").strip()  # a CRLF .env leaves a '\r'
        if not key:
            raise MTError(f"no DeepL key: set {settings.key_env} (it is never printed or "
                          "stored)")
        deepl = _deepl()
        deepl.http_client.max_network_retries = settings.retries
        deepl.http_client.min_connection_timeout = settings.timeout
        server = os.environ.get("DEEPL_SERVER_URL") or settings.server_url or None
        self.server = server or ("https://api-free.deepl.com" if key.endswith(":fx")
                                 else "https://api.deepl.com")
        self.client = deepl.DeepLClient(key, server_url=server, send_platform_info=False)
        self._secrets = (key, os.environ.get(settings.key_env, ""), self.server)
        self.config = config
        self.terms = glossary_terms
        self.keep = sorted(keep, key=len, reverse=True)
        self._glossary: tuple[str, set[tuple[str, str]]] | None = None
        self._glossary_hash = hashlib.sha256(json.dumps(
            [glossary_terms, self.keep], sort_keys=True).encode()).hexdigest()[:16]

    # -- settings ----------------------------------------------------------------------

    def target_code(self, lang: str) -> str:
        return self.mt.variants.get(lang, primary(lang)).upper()

    def settings(self, source: str, target: str) -> str:
        formality = self.mt.formality.get(target, "default")
        return f"deepl/{self.target_code(target)}/{formality}/{self._glossary_hash}"

    # -- calls -------------------------------------------------------------------------

    def _call(self, what: str, function: Any, *args: Any, **kwargs: Any) -> Any:
        deepl = _deepl()
        try:
            return function(*args, **kwargs)
        except deepl.QuotaExceededException:
            raise QuotaError("DeepL quota exceeded (456)") from None
        except deepl.AuthorizationException:
            raise MTError("DeepL refused the key (403): check the value of "
                          f"{self.mt.key_env}") from None
        except deepl.TooManyRequestsException:
            raise MTError("DeepL kept answering 429 (too many requests) after "
                          f"{self.mt.retries} retries; try again later") from None
        except deepl.ConnectionException as exc:
            raise MTError(f"cannot reach DeepL at {redact_url(self.server)} "
                          f"({self._short(exc)})") from None
        except deepl.DeepLException as exc:
            raise MTError(f"DeepL failed during {what}: {self._short(exc)}") from None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise MTError(f"malformed answer from DeepL during {what} "
                          f"({self._short(exc)})") from None

    def _short(self, exc: BaseException) -> str:
        """An error's text, short, with the key and any credential of the URL masked."""
        return scrub(_short(exc), self._secrets[2], keys=self._secrets[:2])

    def usage(self) -> tuple[int, int | None]:
        usage = self._call("usage", self.client.get_usage)
        detail = usage.character
        if detail is None or not detail.valid:
            return 0, None
        return int(detail.count), int(detail.limit)

    def batches(self, requests: list[Request]) -> list[list[Request]]:
        """Requests of one context go together (DeepL takes one context per call), at
        most 50 texts and 100 kB each."""
        groups: dict[str | None, list[Request]] = {}
        for request in requests:
            groups.setdefault(request.context, []).append(request)
        out: list[list[Request]] = []
        for group in groups.values():
            batch: list[Request] = []
            size = 0
            for request in group:
                length = len(request.text.encode()) + len((request.context or "").encode())
                if batch and (len(batch) >= MAX_TEXTS or size + length > MAX_BYTES):
                    out.append(batch)
                    batch, size = [], 0
                batch.append(request)
                size += length
            if batch:
                out.append(batch)
        return out

    def _glossary_for(self, source: str, target: str) -> str | None:
        """The DeepL glossary covering the pair, created or recreated when the project's
        glossary changed (its id and content hash are kept in .transkit/)."""
        if not self.terms:
            return None
        if self._glossary is None:
            state_path = self.config.state / "deepl-glossary.json"
            try:
                state = json.loads(state_path.read_text("utf-8"))
            except (OSError, ValueError):
                state = {}
            pairs = self._pairs()
            if state.get("hash") == self._glossary_hash and state.get("id"):
                glossary_id = str(state["id"])
            else:
                if state.get("id"):
                    try:
                        self._call("glossary delete", self.client.delete_multilingual_glossary,
                                   str(state["id"]))
                    except MTError:
                        pass  # already gone: a new one replaces it anyway
                from deepl.api_data import MultilingualGlossaryDictionaryEntries as Entries

                dictionaries = [Entries(src, tgt, entries)
                                for (src, tgt), entries in pairs.items()]
                info = self._call("glossary creation",
                                  self.client.create_multilingual_glossary,
                                  f"transkit {self.config.name}", dictionaries)
                glossary_id = str(info.glossary_id)
                atomic_write_text(state_path, json.dumps({"hash": self._glossary_hash,
                                                          "id": glossary_id}))
            self._glossary = (glossary_id, set(pairs))
        glossary_id, covered = self._glossary
        return glossary_id if (primary(source), primary(target)) in covered else None

    def _pairs(self) -> dict[tuple[str, str], dict[str, str]]:
        pairs: dict[tuple[str, str], dict[str, str]] = {}
        for term in self.terms:
            for src, src_form in term.items():
                for tgt, tgt_form in term.items():
                    if src != tgt and src_form and tgt_form:
                        pairs.setdefault((src, tgt), {})[src_form] = tgt_form
        return pairs

    def _protect(self, text: str) -> str:
        for word in self.keep:
            text = re.sub(r"(?<![\w<>/-])" + re.escape(word) + r"(?![\w-])",
                          f"<{KEEP}>{word}</{KEEP}>", text)
        return text

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        return [r.text for r in self.translate_requests([Request(t) for t in texts], source,
                                                        target)]

    def translate_requests(self, requests: list[Request], source: str,
                           target: str) -> list[Result]:
        formality = self.mt.formality.get(target)
        options: dict[str, Any] = {
            "source_lang": primary(source).upper(),
            "target_lang": self.target_code(target),
            "tag_handling": "xml",
            "ignore_tags": [KEEP],
        }
        if formality:
            options["formality"] = formality
        glossary = self._glossary_for(source, target)
        if glossary:
            options["glossary"] = glossary
        context = requests[0].context
        if context:
            options["context"] = context
        texts = [self._protect(r.text) for r in requests]
        results = self._call("translation", self.client.translate_text, texts, **options)
        if not isinstance(results, list) or len(results) != len(texts):
            raise MTError("malformed answer from DeepL during translation (wrong number of "
                          "translations)")
        return [Result(re.sub(f"</?{KEEP}>", "", str(r.text)), int(r.billed_characters or 0))
                for r in results]


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200]


def glossary_from_project(root: Path) -> tuple[list[dict[str, str]], list[str]]:
    from ..glossary import load_glossary

    glossary = load_glossary(root)
    return [dict(t.forms) for t in glossary.terms], list(glossary.keep)
