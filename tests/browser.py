"""A small headless-Chromium driver over the DevTools protocol, for the site tests.

One real ``chromium --headless=new`` process per :class:`Browser`, one websocket
(``websocket-client``) to it, one tab reused for every :meth:`Browser.load`:

    with Browser() as browser:
        page = browser.load("file:///.../site/ca/post.html", width=375, height=740, mobile=True)
        assert not page.failed_requests and not page.console_errors and not page.overflow

What a load reports: requests that failed (``Network.loadingFailed``, and http(s) responses
with a status of 400 or more), console errors (``console.error``/``console.assert``,
uncaught exceptions, and browser log entries of level error, which include the browser's
own "Failed to load resource" line for each failed request), whether the page is wider than
the viewport, its ``<html lang>`` and its final URL.

Overflow is ``documentElement.scrollWidth > documentElement.clientWidth`` (the layout
viewport), not ``> window.innerWidth``: with ``mobile=True`` Chromium zooms a too-wide page
out to fit, as a phone does, so ``innerWidth`` grows with the content (a 500px-wide block
at 375px gives scrollWidth 509 and innerWidth 509) and would never show the overflow.
One pixel is let pass: a page without a viewport meta is laid out 980px wide on a phone,
and Chromium then reports a scrollWidth of 981 for a page that does not overflow at all.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websocket  # the PyPI package websocket-client

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_ENV = "TRANSKIT_CHROMIUM"  # an explicit browser binary, if set
OVERFLOW_TOLERANCE = 1  # px: Chromium's rounding when it zooms a 980px layout out to fit
MISSING_HINT = (
    "no Chromium found (looked for {names} on PATH; ${env} may name one): the browser tests"
    " need it."
    " Run `make test`, which installs Debian's chromium package."
)


class BrowserError(RuntimeError):
    """The browser could not be started, or answered a command with an error."""


class BrowserTimeout(BrowserError, TimeoutError):
    """The browser did not answer (or a page did not finish loading) in time."""


def find_chromium() -> str | None:
    """The Chromium (or Chrome) binary to drive: $TRANSKIT_CHROMIUM, else the first on PATH."""
    explicit = os.environ.get(CHROMIUM_ENV)
    if explicit:
        return shutil.which(explicit)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_chromium_message() -> str:
    explicit = os.environ.get(CHROMIUM_ENV)
    if explicit:
        return (f"${CHROMIUM_ENV} is {explicit!r}, which is no executable: set it to a Chromium"
                " binary, or unset it and run `make test`, which installs Debian's chromium.")
    return MISSING_HINT.format(names=", ".join(CHROMIUM_NAMES), env=CHROMIUM_ENV)


@dataclass(frozen=True)
class FailedRequest:
    url: str
    reason: str  # net::ERR_... text, or "HTTP 404"

    def __str__(self) -> str:
        return f"{self.url}: {self.reason}"


@dataclass(frozen=True)
class ConsoleError:
    source: str  # console.error, console.assert, exception, log:<source>
    text: str
    url: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = f" ({self.url}:{self.line})" if self.url and self.line is not None else (
            f" ({self.url})" if self.url else "")
        return f"[{self.source}] {self.text}{where}"


@dataclass(repr=False)
class PageResult:
    """What one :meth:`Browser.load` saw. ``evaluate`` runs in the page while it is current."""

    url: str  # the URL asked for
    final_url: str
    lang: str | None  # <html lang>, None when absent
    width: int
    height: int
    mobile: bool
    scroll_width: int  # documentElement.scrollWidth
    client_width: int  # documentElement.clientWidth: the layout viewport's width
    inner_width: int  # window.innerWidth: the visual viewport (grows when a phone zooms out)
    failed_requests: list[FailedRequest] = field(default_factory=list)
    console_errors: list[ConsoleError] = field(default_factory=list)
    _browser: Browser | None = field(default=None, repr=False, compare=False)
    _generation: int = field(default=0, repr=False, compare=False)

    @property
    def overflow(self) -> bool:
        """The page scrolls sideways: wider than the viewport it was laid out in."""
        viewport = min(self.client_width, self.inner_width)
        return self.scroll_width > viewport + OVERFLOW_TOLERANCE

    def __repr__(self) -> str:
        size = f"{self.width}x{self.height}{' mobile' if self.mobile else ''}"
        return (f"<PageResult {self.final_url} lang={self.lang!r} {size}:"
                f" {len(self.failed_requests)} failed request(s),"
                f" {len(self.console_errors)} console error(s), scrollWidth {self.scroll_width}"
                f" clientWidth {self.client_width} innerWidth {self.inner_width}>")

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in this page (awaits promises)."""
        if self._browser is None or self._browser.generation != self._generation:
            raise BrowserError(f"{self.url} is no longer the page in the tab: load it again")
        return self._browser.evaluate(expression)

    def problems(self, *, overflow: bool = True) -> list[str]:
        """Everything wrong with the load, one line each (empty when clean)."""
        lines = [f"failed request: {r}" for r in self.failed_requests]
        lines += [f"console error: {e}" for e in self.console_errors]
        if overflow and self.overflow:
            lines.append(f"horizontal overflow at {self.width}px: scrollWidth {self.scroll_width}"
                         f" > clientWidth {self.client_width}"
                         f" (innerWidth {self.inner_width})")
        return lines


class Browser:
    """A headless Chromium process and one tab, driven over CDP. Use it as a context manager."""

    def __init__(self, binary: str | None = None, *, timeout: float = 20.0,
                 start_timeout: float = 30.0) -> None:
        found = binary or find_chromium()
        if not found:
            raise BrowserError(missing_chromium_message())
        self.binary = found
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.generation = 0  # bumped at every load: a PageResult knows whether it is current
        self._process: subprocess.Popen[bytes] | None = None
        self._profile: str | None = None
        self._ws: websocket.WebSocket | None = None
        self._session: str | None = None
        self._next_id = 0
        self._events: list[dict[str, Any]] = []

    # -- process and connection ------------------------------------------------------------

    def __enter__(self) -> Browser:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        self._profile = tempfile.mkdtemp(prefix="transkit-chromium-")
        log_path = Path(self._profile) / "stderr.log"
        profile = Path(self._profile) / "profile"
        command = [self.binary, "--headless=new", "--no-sandbox", "--disable-gpu",
                   "--remote-debugging-port=0", f"--user-data-dir={profile}",
                   "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                   "--disable-background-networking", "--disable-sync",
                   "--disable-component-update", "--mute-audio", "about:blank"]
        try:
            with open(log_path, "wb") as log:
                # stderr goes to a file, not a pipe: nobody has to drain it while tests run.
                # A session of its own, so that close() can end the whole process group
                # (Debian's /usr/bin/chromium is a shell wrapper; Chromium forks helpers).
                self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                                 stdout=subprocess.DEVNULL, stderr=log,
                                                 start_new_session=True)
            ws_url = self._wait_for_devtools_url(log_path)
            self._ws = websocket.create_connection(ws_url, timeout=self.timeout,
                                                   suppress_origin=True)
            self._attach_tab()
        except BaseException:
            self.close()
            raise

    def _wait_for_devtools_url(self, log_path: Path) -> str:
        assert self._process is not None
        deadline = time.monotonic() + self.start_timeout
        marker = "DevTools listening on "
        while time.monotonic() < deadline:
            text = log_path.read_text(errors="replace")
            for line in text.splitlines():
                if line.startswith(marker):
                    return line[len(marker):].strip()
            if self._process.poll() is not None:
                raise BrowserError(f"{self.binary} exited with status {self._process.returncode}"
                                   f" before DevTools listened:\n{text[-3000:]}")
            time.sleep(0.05)
        raise BrowserTimeout(f"{self.binary} printed no DevTools URL within"
                             f" {self.start_timeout:.0f}s:\n"
                             f"{log_path.read_text(errors='replace')[-3000:]}")

    def _attach_tab(self) -> None:
        targets = self._command("Target.getTargets", session=False)["targetInfos"]
        pages = [t for t in targets if t.get("type") == "page"]
        if pages:
            target_id = pages[0]["targetId"]
        else:
            target_id = self._command("Target.createTarget", {"url": "about:blank"},
                                      session=False)["targetId"]
        self._session = self._command("Target.attachToTarget",
                                      {"targetId": target_id, "flatten": True},
                                      session=False)["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self._command(f"{domain}.enable")
        # Never serve a page from the cache: every load really fetches what it shows.
        self._command("Network.setCacheDisabled", {"cacheDisabled": True})

    def close(self) -> None:
        """Close the connection, end the browser process (group) and remove the profile."""
        if self._ws is not None:
            try:
                self._ws.close()
            except Exception:
                pass
            self._ws = None
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait(timeout=5)
        elif process is not None:
            # The launcher exited: its helpers may live on in the group.
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    # -- protocol ------------------------------------------------------------------------------

    def _receive(self, deadline: float) -> dict[str, Any]:
        assert self._ws is not None, "the browser is not started"
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise BrowserTimeout("the browser sent nothing in time")
        self._ws.settimeout(remaining)
        try:
            raw = self._ws.recv()
        except websocket.WebSocketTimeoutException as exc:
            raise BrowserTimeout("the browser sent nothing in time") from exc
        except websocket.WebSocketConnectionClosedException as exc:
            raise BrowserError("the browser closed the DevTools connection") from exc
        message: dict[str, Any] = json.loads(raw)
        return message

    def _command(self, method: str, params: dict[str, Any] | None = None, *,
                 session: bool = True, timeout: float | None = None) -> dict[str, Any]:
        """Send one command and wait for its answer, keeping the events that come meanwhile."""
        assert self._ws is not None, "the browser is not started"
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self._session
        self._ws.send(json.dumps(message))
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            try:
                reply = self._receive(deadline)
            except BrowserTimeout as exc:
                raise BrowserTimeout(f"no answer to {method} within"
                                     f" {timeout or self.timeout:.0f}s") from exc
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method} failed: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply and reply.get("sessionId") == self._session:
                self._events.append(reply)

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the current page (awaits promises)."""
        result = self._command("Runtime.evaluate", {"expression": expression,
                                                     "returnByValue": True,
                                                     "awaitPromise": True})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"JavaScript error in {expression!r}: {text}")
        return result.get("result", {}).get("value")

    # -- loading a page ------------------------------------------------------------------------

    def load(self, url: str, width: int = 1280, height: int = 800, mobile: bool = False, *,
             timeout: float | None = None) -> PageResult:
        """Open ``url`` in the tab at the given viewport and wait for its load event."""
        limit = timeout or self.timeout
        self.generation += 1
        self._command("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1 if not mobile
                       else 2, "mobile": mobile})
        self._command("Emulation.setTouchEmulationEnabled", {"enabled": mobile})
        loader = self._navigate(url, limit)
        if loader is None:
            # A same-document navigation (only the #fragment differs from the page in the
            # tab) loads nothing and fires no load event: leave the page, then open it anew.
            self._navigate("about:blank", limit)
            loader = self._navigate(url, limit)
            if loader is None:
                raise BrowserError(f"{url} opened as a same-document navigation twice")
        # Messages logged by the load handlers themselves come right behind the load event.
        self._command("Runtime.evaluate", {"expression": "0"})
        state = self.evaluate(
            "({lang: document.documentElement.getAttribute('lang'), url: location.href,"
            " scrollWidth: document.documentElement.scrollWidth,"
            " clientWidth: document.documentElement.clientWidth,"
            " innerWidth: window.innerWidth})")
        failed, console = self._collect(loader)
        return PageResult(url=url, final_url=state["url"], lang=state["lang"], width=width,
                          height=height, mobile=mobile, scroll_width=state["scrollWidth"],
                          client_width=state["clientWidth"],
                          inner_width=state["innerWidth"], failed_requests=failed,
                          console_errors=console, _browser=self, _generation=self.generation)

    def _navigate(self, url: str, limit: float) -> str | None:
        """Navigate the tab and wait for the load event; the loader id, None if none ran."""
        self._events.clear()  # whatever the previous page still said is not this page's
        navigated = self._command("Page.navigate", {"url": url}, timeout=limit)
        if navigated.get("errorText"):
            raise BrowserError(f"cannot open {url}: {navigated['errorText']}")
        loader: str | None = navigated.get("loaderId")
        if not loader:
            return None
        deadline = time.monotonic() + limit
        loaded = any(e["method"] == "Page.loadEventFired" for e in self._events)
        while not loaded:
            try:
                event = self._receive(deadline)
            except BrowserTimeout as exc:
                raise BrowserTimeout(f"{url} did not fire its load event within {limit:.0f}s"
                                     " (a request that never ends?)") from exc
            if "method" in event and event.get("sessionId") == self._session:
                self._events.append(event)
                loaded = event["method"] == "Page.loadEventFired"
        return loader

    def _collect(self, loader: str | None) -> tuple[list[FailedRequest], list[ConsoleError]]:
        urls: dict[str, str] = {}
        failed: list[FailedRequest] = []
        console: list[ConsoleError] = []
        for event in self._events:
            method, params = event["method"], event.get("params", {})
            if method == "Network.requestWillBeSent":
                if loader is None or params.get("loaderId") in (loader, None, ""):
                    urls[params["requestId"]] = params["request"]["url"]
            elif method == "Network.loadingFailed":
                request_id = params["requestId"]
                if request_id in urls and not params.get("canceled"):
                    reason = params.get("blockedReason") or params.get("errorText", "failed")
                    failed.append(FailedRequest(urls[request_id], reason))
            elif method == "Network.responseReceived":
                response = params["response"]
                status = int(response.get("status") or 0)
                if (params["requestId"] in urls and status >= 400
                        and response["url"].startswith(("http:", "https:"))):
                    failed.append(FailedRequest(response["url"], f"HTTP {status}"))
            elif method == "Runtime.consoleAPICalled":
                if params.get("type") in ("error", "assert"):
                    frame = (params.get("stackTrace") or {}).get("callFrames") or [{}]
                    text = " ".join(_remote_text(arg) for arg in params.get("args", []))
                    console.append(ConsoleError(f"console.{params['type']}", text,
                                                frame[0].get("url", ""),
                                                _line(frame[0].get("lineNumber"))))
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                text = (details.get("exception") or {}).get("description") or details.get(
                    "text", "exception")
                console.append(ConsoleError("exception", text, details.get("url", ""),
                                            _line(details.get("lineNumber"))))
            elif method == "Log.entryAdded":
                entry = params.get("entry", {})
                if entry.get("level") == "error":
                    console.append(ConsoleError(f"log:{entry.get('source', '?')}",
                                                entry.get("text", ""), entry.get("url", ""),
                                                _line(entry.get("lineNumber"))))
        return failed, console


def _line(zero_based: Any) -> int | None:
    return zero_based + 1 if isinstance(zero_based, int) else None


def _remote_text(arg: dict[str, Any]) -> str:
    if "value" in arg:
        value = arg["value"]
        return value if isinstance(value, str) else json.dumps(value)
    return str(arg.get("description") or arg.get("unserializableValue") or arg.get("type", ""))

