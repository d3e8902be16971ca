"""The editor of `transkit serve` in a real browser: Playwright (PyPI) driving Debian's
chromium (tests/browser.py: `executable_path`, no browser download), at desktop and phone
sizes, against the real server process on a loopback port."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from transkit import catalog
from transkit.serve.editor import unit_id

from .browser import ConsoleError, console_error, launch
from .served import LONG, Served, po_path, prepared, project, serving

__all__ = ["prepared", "project"]  # fixtures (tests/served.py)

SIZES = {"desktop": {"width": 1280, "height": 800, "mobile": False},
         "phone": {"width": 375, "height": 740, "mobile": True}}
HOSTILE = [
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=2</script>",
    '"><svg onload="window.__pwned=3">',
    "javascript:window.__pwned=4",
    "{{7*7}} ${window.__pwned=5}",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as playwright:
        launched = launch(playwright)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def served(project: Path) -> Iterator[Served]:
    with serving(project, "Joan Vidal <joan@example.org>") as server:
        yield server


class Opened:
    def __init__(self, page: Page, errors: list[ConsoleError]):
        self.page = page
        self.errors = errors  # console errors, uncaught exceptions, failed requests

    def overflow(self) -> int:
        """How far the page reaches past its layout viewport (0: no sideways scroll)."""
        width: int = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        return width


def open_editor(browser: Any, served: Served, size: str, path: str = "/") -> Opened:
    spec = SIZES[size]
    context = browser.new_context(viewport={"width": spec["width"], "height": spec["height"]},
                                  is_mobile=spec["mobile"], has_touch=spec["mobile"])
    page = context.new_page()
    errors: list[ConsoleError] = []

    def logged(message: Any) -> None:
        found = console_error(message)
        if found is not None:
            errors.append(found)

    page.on("console", logged)
    page.on("pageerror", lambda error: errors.append(ConsoleError("exception", str(error))))
    # A request the page's own navigation cancels (its event stream) is no failure.
    page.on("requestfailed", lambda r: r.failure == "net::ERR_ABORTED" or errors.append(
        ConsoleError("request", f"{r.url}: {r.failure}")))
    page.goto(f"http://127.0.0.1:{served.port}{path}?token={served.token}")
    return Opened(page, errors)


def wait_for(check: Any, what: str, timeout: float = 15) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.1)


def entry(path: Path, uid: str) -> Any:
    return next(u for u in catalog.load(path) if unit_id(u) == uid)


@pytest.mark.parametrize("size", list(SIZES))
def test_type_a_translation_and_ctrl_enter_writes_the_po_file(browser: Any, served: Served,
                                                               size: str) -> None:
    dashboard = open_editor(browser, served, size)
    page = dashboard.page
    page.get_by_role("link", name=LONG).wait_for()
    assert dashboard.overflow() <= 1, size
    page.get_by_role("link", name=LONG).click()
    page.wait_for_selector("#units[aria-busy=false]")
    boxes = page.get_by_role("textbox", name="Translation into French (fr)")
    assert boxes.count() > 20
    first = boxes.nth(0)
    uid = first.get_attribute("data-unit")
    assert uid
    first.click()
    first.fill("Un bulletin long")
    first.press("Control+Enter")
    path = po_path(served.root, LONG, "fr")
    wait_for(lambda: entry(path, uid).msgstr == "Un bulletin long", "the PO file changes")
    saved = entry(path, uid)
    assert saved.state == "translated"
    assert catalog.load(path).metadata["Last-Translator"] == "Joan Vidal <joan@example.org>"
    # Ctrl+Enter moves on to the next unit, same language.
    following = boxes.nth(1).get_attribute("data-unit")
    wait_for(lambda: page.evaluate("document.activeElement.dataset.unit") == following,
             "the next unit has the focus")
    assert page.evaluate("document.activeElement.dataset.lang") == "fr"
    # Ctrl+Shift+Enter saves as fuzzy.
    second = boxes.nth(1)
    second.fill("Brouillon")
    second.press("Control+Shift+Enter")
    uid2 = second.get_attribute("data-unit")
    assert uid2
    wait_for(lambda: entry(path, uid2).state == "fuzzy", "the fuzzy save")
    expect(page.locator(f"#u-{uid2} .target[data-lang=fr] .state")).to_have_text("fuzzy")
    assert dashboard.overflow() <= 1, size
    assert dashboard.errors == []
    page.context.close()


def test_hostile_translations_run_no_script(browser: Any, served: Served) -> None:
    path = po_path(served.root, "2019-01-ransomware", "fr")
    po = catalog.load(path)
    units = po.active()
    for hostile, unit in zip(HOSTILE, units, strict=False):
        unit.msgstr = hostile
    units[len(HOSTILE)].set_fuzzy()
    units[len(HOSTILE)].previous_msgid = '<img src=y onerror="window.__pwned=6">'
    catalog.save(po, path)
    opened = open_editor(browser, served, "desktop", "/documents/2019-01-ransomware")
    page = opened.page
    page.wait_for_selector("#units[aria-busy=false]")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__pwned") is None
    boxes = page.get_by_role("textbox", name="Translation into French (fr)")
    for number, hostile in enumerate(HOSTILE):
        assert boxes.nth(number).input_value() == hostile  # shown as text, exactly
    assert page.locator("#units img, #units svg, #units script").count() == 0
    assert opened.errors == []
    page.context.close()


def test_rows_follow_the_disk_and_keep_what_is_being_typed(browser: Any, served: Served) -> None:
    path = po_path(served.root, "2019-01-ransomware", "es")
    opened = open_editor(browser, served, "desktop", "/documents/2019-01-ransomware")
    page = opened.page
    page.wait_for_selector("#units[aria-busy=false]")
    page.wait_for_timeout(300)  # the event stream is open
    boxes = page.get_by_role("textbox", name="Translation into Spanish (es)")
    idle, typing = boxes.nth(2), boxes.nth(3)
    typing.click()
    typing.fill("Lo que escribo")
    po = catalog.load(path)
    active = po.active()
    active[2].msgstr = "Cambiado por otro"
    active[3].msgstr = "También cambiado"
    catalog.save(po, path)
    wait_for(lambda: idle.input_value() == "Cambiado por otro", "the idle row refreshes")
    assert typing.input_value() == "Lo que escribo"
    # Saving it now is refused: both versions are shown, the file keeps theirs.
    typing.press("Control+Enter")
    conflict = page.locator(f"#u-{unit_id(active[3])} .target[data-lang=es] .conflict")
    conflict.wait_for(state="visible")
    assert "También cambiado" in conflict.inner_text()
    assert "Lo que escribo" in conflict.inner_text()
    assert entry(path, unit_id(active[3])).msgstr == "También cambiado"
    conflict.get_by_role("button", name="Keep mine (save over theirs)").click()
    wait_for(lambda: entry(path, unit_id(active[3])).msgstr == "Lo que escribo", "keep mine")
    errors = [e for e in opened.errors if "409" not in e.text]  # the refused save's own line
    assert errors == []
    page.context.close()


def test_suggestions_insert_with_a_key_and_the_help_lists_the_keys(browser: Any,
                                                                   served: Served) -> None:
    opened = open_editor(browser, served, "desktop", "/documents/2019-01-ransomware")
    page = opened.page
    page.wait_for_selector("#units[aria-busy=false]")
    box = page.get_by_role("textbox", name="Translation into English (en)").nth(1)
    expected = box.input_value()
    box.click()
    first = page.locator(f"#u-{box.get_attribute('data-unit')} .target[data-lang=en] "
                         ".suggestion button").first
    first.wait_for(timeout=30000)
    box.fill("")
    box.press("Alt+1")
    assert box.input_value() == expected  # the memory's exact match comes first
    box.press("Alt+ArrowDown")
    assert page.evaluate("document.activeElement.dataset.unit") == page.get_by_role(
        "textbox", name="Translation into English (en)").nth(2).get_attribute("data-unit")
    page.keyboard.press("F1")
    help_panel = page.get_by_role("region", name="Keyboard shortcuts")
    assert help_panel.is_visible() and "Ctrl+Enter" in help_panel.inner_text()
    assert opened.errors == []
    page.context.close()


def test_the_dashboard_follows_the_files(browser: Any, served: Served) -> None:
    opened = open_editor(browser, served, "phone")
    page = opened.page
    figure = page.get_by_role("row").filter(has_text=LONG).get_by_label(
        "fr:", exact=False)
    expect(figure).to_have_attribute("value", "0")
    path = po_path(served.root, LONG, "fr")
    po = catalog.load(path)
    for unit in po.active()[:3]:
        unit.msgstr = "Traduit ailleurs"
    catalog.save(po, path)
    expect(figure).to_have_attribute("value", "3", timeout=15000)
    assert opened.overflow() <= 1
    assert opened.errors == []
    page.context.close()
