"""Debian's headless Chromium driven by Playwright (from PyPI), for the site tests.

Playwright launches the browser the machine has (``executable_path``, never a browser
download of its own) and speaks its protocol; this module keeps the small interface the
tests use:

    with Browser() as browser:
        page = browser.load("file:///.../site/ca/post.html", width=375, height=740, mobile=True)
        assert not page.failed_requests and not page.console_errors and not page.overflow

Each load opens a fresh browser context (so nothing comes from a cache, and the phone's
viewport, touch and zoom are the context's) with one page. What a load reports: requests
that failed (Playwright's ``requestfailed``, and http(s) responses with a status of 400 or
more), console errors (``console.error``/``console.assert``, uncaught exceptions, and the
browser's own log entries of level error, such as its "Failed to load resource" line for
each failed request), whether the page is wider than the viewport, its ``<html lang>`` and
its final URL.

Overflow is ``documentElement.scrollWidth > documentElement.clientWidth`` (the layout
viewport), not ``> window.innerWidth``: with ``mobile=True`` Chromium zooms a too-wide page
out to fit, as a phone does, so ``innerWidth`` grows with the content (a 500px-wide block
at 375px gives scrollWidth 509 and innerWidth 509) and would never show the overflow.
One pixel is let pass: a page without a viewport meta is laid out 980px wide on a phone,
and Chromium then reports a scrollWidth of 981 for a page that does not overflow at all.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import ConsoleMessage, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_ENV = "TRANSKIT_CHROMIUM"  # an explicit browser binary, if set
OVERFLOW_TOLERANCE = 1  # px: Chromium's rounding when it zooms a 980px layout out to fit
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
               "--disable-extensions", "--disable-background-networking", "--disable-sync",
               "--disable-component-update", "--mute-audio"]
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


def launch(playwright: Playwright, binary: str | None = None) -> Any:
    """Debian's Chromium, headless, started by Playwright (no browser download)."""
    found = binary or find_chromium()
    if not found:
        raise BrowserError(missing_chromium_message())
    return playwright.chromium.launch(executable_path=found, headless=True, args=LAUNCH_ARGS)


@dataclass(frozen=True)
class FailedRequest:
    url: str
    reason: str  # net::ERR_... text, or "HTTP 404"

    def __str__(self) -> str:
        return f"{self.url}: {self.reason}"


@dataclass(frozen=True)
class ConsoleError:
    source: str  # console.error, console.assert, exception, log
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


def console_error(message: ConsoleMessage) -> ConsoleError | None:
    """A console message as the tests count it: errors and failed asserts; the browser's
    own log entries (no arguments: "Failed to load resource…") as `log`."""
    if message.type not in ("error", "assert"):
        return None
    location = message.location or {}
    line = location.get("lineNumber")
    if not message.args:
        source = "log"
    else:
        source = f"console.{message.type}"
    return ConsoleError(source, message.text, location.get("url", ""),
                        line + 1 if isinstance(line, int) else None)


class Browser:
    """A headless Chromium process driven through Playwright. Use it as a context manager."""

    def __init__(self, binary: str | None = None, *, timeout: float = 20.0,
                 start_timeout: float = 30.0) -> None:
        found = binary or find_chromium()
        if not found:
            raise BrowserError(missing_chromium_message())
        self.binary = found
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.generation = 0  # bumped at every load: a PageResult knows whether it is current
        self._playwright: Any = None
        self._browser: Any = None
        self._context: Any = None
        self._page: Any = None

    def __enter__(self) -> Browser:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        try:
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=self.binary, headless=True, args=LAUNCH_ARGS,
                timeout=self.start_timeout * 1000)
        except PlaywrightError as exc:
            self.close()
            raise BrowserError(f"{self.binary} could not be started: {exc.message}") from None

    def close(self) -> None:
        """Close the page's context, end the browser process and Playwright's driver."""
        for closing in (self._context, self._browser):
            if closing is not None:
                try:
                    closing.close()
                except PlaywrightError:
                    pass
        self._context = self._browser = self._page = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the current page (awaits promises)."""
        if self._page is None:
            raise BrowserError("no page is loaded")
        try:
            return self._page.evaluate(expression)
        except PlaywrightError as exc:
            raise BrowserError(f"JavaScript error in {expression!r}: {exc.message}") from None

    def load(self, url: str, width: int = 1280, height: int = 800, mobile: bool = False, *,
             timeout: float | None = None) -> PageResult:
        """Open ``url`` in a fresh context at the given viewport; wait for its load event."""
        limit = timeout or self.timeout
        self.generation += 1
        if self._context is not None:
            self._context.close()
        self._context = self._browser.new_context(
            viewport={"width": width, "height": height}, is_mobile=mobile, has_touch=mobile,
            device_scale_factor=2 if mobile else 1)
        page = self._page = self._context.new_page()
        failed: list[FailedRequest] = []
        console: list[ConsoleError] = []

        def request_failed(request: Any) -> None:
            failed.append(FailedRequest(request.url, request.failure or "failed"))

        def response(answer: Any) -> None:
            if answer.status >= 400 and answer.url.startswith(("http:", "https:")):
                failed.append(FailedRequest(answer.url, f"HTTP {answer.status}"))

        def logged(message: ConsoleMessage) -> None:
            found = console_error(message)
            if found is not None:
                console.append(found)

        def thrown(error: Any) -> None:
            console.append(ConsoleError("exception", f"{error.name}: {error.message}"
                                        if getattr(error, "name", "") else str(error)))

        page.on("requestfailed", request_failed)
        page.on("response", response)
        page.on("console", logged)
        page.on("pageerror", thrown)
        try:
            page.goto(url, wait_until="load", timeout=limit * 1000)
        except PlaywrightTimeout:
            raise BrowserTimeout(f"{url} did not fire its load event within {limit:.0f}s"
                                 " (a request that never ends?)") from None
        except PlaywrightError as exc:
            raise BrowserError(f"cannot open {url}: {exc.message.splitlines()[0]}") from None
        # Messages logged by the load handlers themselves come right behind the load event.
        page.evaluate("0")
        state = page.evaluate(
            "({lang: document.documentElement.getAttribute('lang'), url: location.href,"
            " scrollWidth: document.documentElement.scrollWidth,"
            " clientWidth: document.documentElement.clientWidth,"
            " innerWidth: window.innerWidth})")
        return PageResult(url=url, final_url=state["url"], lang=state["lang"], width=width,
                          height=height, mobile=mobile, scroll_width=state["scrollWidth"],
                          client_width=state["clientWidth"],
                          inner_width=state["innerWidth"], failed_requests=list(failed),
                          console_errors=list(console), _browser=self,
                          _generation=self.generation)
