"""A DeepL-compatible HTTP server on loopback for the tests: it speaks the parts of the
v2/v3 JSON API the official client uses, and can be told to fail (429, 456, 403, 500,
slow, malformed answers, broken tags)."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

KEY = "test-key-123:fx"


@dataclass
class State:
    mode: str = "ok"  # ok, 429, 403, 500, slow, malformed, break-tags
    limit: int = 1_000_000
    used: int = 0
    fail_times: int = 0  # for 429/500: how many requests fail before answers resume
    requests: list[dict[str, Any]] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)  # texts translated and sent back
    glossaries: dict[str, dict[str, Any]] = field(default_factory=dict)
    created: int = 0


class Handler(BaseHTTPRequestHandler):
    state: State

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: Any = None, raw: bytes | None = None) -> None:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None
                                            else b"")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else {}
        except ValueError:
            return {}

    def _guard(self) -> bool:
        state = self.state
        if self.headers.get("Authorization") != f"DeepL-Auth-Key {KEY}" or state.mode == "403":
            self._send(403, {"message": "Authorization failure, check auth_key"})
            return False
        if state.mode in ("429", "500") and state.fail_times != 0:
            state.fail_times -= 1
            self._send(int(state.mode), {"message": "try again"})
            return False
        if state.mode == "slow":
            time.sleep(3)
        return True

    def do_GET(self) -> None:  # noqa: N802
        if not self._guard():
            return
        state = self.state
        if self.path.startswith("/v2/usage"):
            self._send(200, {"character_count": state.used, "character_limit": state.limit})
        elif self.path.startswith("/v2/languages"):
            self._send(200, [{"language": c, "name": c} for c in ("CA", "ES", "EN-GB", "FR")])
        elif self.path.startswith("/v3/glossaries"):
            self._send(200, {"glossaries": list(state.glossaries.values())})
        else:
            self._send(404, {"message": "not found"})

    def do_DELETE(self) -> None:  # noqa: N802
        if not self._guard():
            return
        gid = self.path.rsplit("/", 1)[-1]
        if self.state.glossaries.pop(gid, None) is None:
            self._send(404, {"message": "not found"})
        else:
            self._send(204)

    def do_POST(self) -> None:  # noqa: N802
        if not self._guard():
            return
        state = self.state
        body = self._body()
        if self.path.startswith("/v3/glossaries"):
            state.created += 1
            gid = f"g{state.created}"
            dictionaries = [{"source_lang": d["source_lang"], "target_lang": d["target_lang"],
                             "entry_count": len(d["entries"].splitlines())}
                            for d in body.get("dictionaries", [])]
            info = {"glossary_id": gid, "name": body.get("name", ""),
                    "dictionaries": dictionaries, "creation_time": "2026-01-01T00:00:00.000000Z"}
            state.glossaries[gid] = info
            self._send(201, info)
            return
        if not self.path.startswith("/v2/translate"):
            self._send(404, {"message": "not found"})
            return
        state.requests.append(body)
        if state.mode == "malformed":
            self._send(200, raw=b'{"translations": [{"text": ')
            return
        texts = body.get("text", [])
        chars = sum(len(t) for t in texts)
        if state.used + chars > state.limit:
            self._send(456, {"message": "Quota exceeded"})
            return
        state.used += chars
        target = body.get("target_lang", "?")
        out = []
        for text in texts:
            translated = f"[{target}] {text}"
            if state.mode == "break-tags":
                translated = re.sub(r"</g\d+>", "", translated)
            out.append({"detected_source_language": body.get("source_lang", "CA"),
                        "text": translated, "billed_characters": len(text)})
        state.answered += texts
        self._send(200, {"translations": out})


class FakeDeepL:
    def __init__(self) -> None:
        self.state = State()
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
