"""`transkit serve` as a real process on a free loopback port, for the tests: started with
the installed command, its printed link read, requests sent over HTTP (http.client, so
that Host, Origin and cookies are exactly what a test says)."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Queue
from typing import IO, Any
from urllib.parse import urlsplit

import pytest

from .conftest import REPO, TRANSKIT, run

LINK = re.compile(r"^(?:(?P<who>.+): )?(?P<url>http://(?P<host>[^/]+):(?P<port>\d+)/\?token="
                  r"(?P<token>[A-Za-z0-9_-]+))$")


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        assert self.headers.get("content-type", "").startswith("application/json"), self
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"<Answer {self.status} {self.body[:300]!r}>"


@dataclass
class Served:
    process: subprocess.Popen[str]
    root: Path
    port: int
    links: dict[str, str] = field(default_factory=dict)  # translator (or "") → token
    lines: list[str] = field(default_factory=list)  # stdout as printed

    @property
    def token(self) -> str:
        return next(iter(self.links.values()))

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def request(self, method: str, path: str, body: bytes | str | dict[str, Any] | None = None,
                *, token: str | None = "", headers: dict[str, str] | None = None,
                timeout: float = 60) -> Answer:
        """One request; `token=""` sends the first translator's as a Bearer header, None
        sends none."""
        sent = {"Host": self.host}
        if token == "":
            token = self.token
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        if isinstance(body, dict):
            body = json.dumps(body)
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for name, value in sent.items():
                conn.putheader(name, value)
            data = body.encode() if isinstance(body, str) else body
            if data is not None:
                conn.putheader("Content-Length", str(len(data)))
            conn.endheaders(data)
            response = conn.getresponse()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()},
                          response.read())
        finally:
            conn.close()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> float:
        """Signal the server, wait for it to end; the seconds it took."""
        start = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
                raise AssertionError(f"transkit serve did not stop within {timeout} s") from None
        return time.monotonic() - start


@contextmanager
def serving(root: Path, translator: str) -> Iterator[Served]:
    """`start` with one translator, stopped however the test ends (SIGTERM if it is still
    running, as an editor is stopped; a server a test left hanging is killed)."""
    server = start(root, "--translator", translator)
    try:
        yield server
    finally:
        server.stop(signal.SIGKILL if server.process.poll() is None else signal.SIGTERM)


def start(root: Path, *args: str, timeout: float = 30) -> Served:
    """`transkit -C root serve --port 0 --no-browser ARGS`, once it printed its link(s)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([TRANSKIT, "-C", str(root), "serve", "--port", "0",
                                "--no-browser", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                               env=env)
    assert process.stdout is not None
    lines: list[str] = []
    links: dict[str, str] = {}
    port = 0
    # A thread reads the lines: select() on the pipe would miss lines already buffered.
    queue: Queue[str | None] = Queue()

    def read(stream: IO[str]) -> None:
        for line in stream:
            queue.put(line)
        queue.put(None)

    threading.Thread(target=read, args=(process.stdout,), daemon=True).start()
    deadline = time.monotonic() + timeout
    expected = args.count("--translator") or 1
    while time.monotonic() < deadline:
        try:
            line = queue.get(timeout=max(0.0, deadline - time.monotonic()))
        except Empty:
            break
        if line is None:
            break
        lines.append(line.rstrip("\n"))
        match = LINK.match(lines[-1])
        if match:
            links[match["who"] or ""] = match["token"]
            port = int(match["port"])
        if len(links) == expected:
            return Served(process, root, port, links, lines)
    process.kill()
    _, err = process.communicate(timeout=10)
    raise AssertionError(f"transkit serve printed no link: {lines} {err}")


def events(served: Served, timeout: float) -> http.client.HTTPResponse:
    """The open event stream (read it with `next_event`)."""
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=timeout)
    conn.request("GET", "/api/v1/events", headers={"Host": served.host,
                                                    "Authorization": f"Bearer {served.token}"})
    response = conn.getresponse()
    assert response.status == 200, response.status
    assert response.getheader("content-type", "").startswith("text/event-stream")
    return response


def next_event(stream: http.client.HTTPResponse, kind: str = "units") -> dict[str, Any]:
    """The next event of `kind` (comments and other kinds passed over)."""
    name = ""
    while True:
        line = stream.readline().decode("utf-8")
        if not line:
            raise AssertionError("the event stream ended")
        line = line.rstrip("\n")
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: ") and name == kind:
            found: dict[str, Any] = json.loads(line[6:])
            return found


def split(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or 80


LONG = "long-post"  # a bulletin of 30 paragraphs: 20 saves at once go to one of its files
PARAGRAPHS = 30


def _bulletin() -> str:
    items = "\n".join(f"<p>Paràgraf número {n} del butlletí, amb {n * 3} casos.</p>"
                      for n in range(1, PARAGRAPHS + 1))
    return ("<!DOCTYPE html>\n<html lang=\"ca\"><head><meta charset=\"utf-8\"><title>Llarg"
            f"</title></head>\n<body><article>\n<h1>Un butlletí llarg</h1>\n{items}\n"
            "</article></body></html>\n")


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with a long bulletin extracted, two offline engines configured, committed
    to git by a named author."""
    root = tmp_path_factory.mktemp("serve") / "demo"
    root.mkdir()
    for name in ("transkit.toml", "bulletins", "locales", "glossary"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy(source, root / name)
    config = root / "transkit.toml"
    config.write_text(config.read_text("utf-8") + "\n[mt.pseudo]\n\n[mt.apertium]\n",
                      encoding="utf-8")
    (root / "bulletins" / f"{LONG}.html").write_text(_bulletin(), encoding="utf-8")
    run("extract", LONG, cwd=root, check=True)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "-c", "user.name=Marta Puig", "-c", "user.email=marta@example.org",
         "commit", "-qm", "the bulletins")
    return root


@pytest.fixture
def project(prepared: Path, tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    shutil.copytree(prepared, root, symlinks=True)
    return root


def po_path(root: Path, doc: str, lang: str) -> Path:
    return root / "locales" / lang / f"{doc}.po"
