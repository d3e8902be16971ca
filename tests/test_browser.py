"""The demo site in a real browser: every built page loads cleanly at desktop and phone sizes.

The demo (transkit.toml, bulletins/, locales/, glossary/) is copied to a temporary folder and
built with the installed `transkit build` once, when this module is collected, so that each
page of the built site is a test parameter of its own (a failure names the page). One
headless Chromium (tests/browser.py) serves the whole module, in one tab.

Without Chromium these tests fail, never skip: `make test` installs it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import threading
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

import pytest

from .browser import (
    Browser,
    BrowserError,
    BrowserTimeout,
    PageResult,
    find_chromium,
    missing_chromium_message,
)
from .conftest import REPO, TRANSKIT

VIEWPORTS = {"desktop": (1280, 800, False), "phone": (375, 740, True)}
DEMO_INPUTS = ("transkit.toml", "bulletins", "locales", "glossary")
SWITCH_LINKS = """Array.from(document.querySelectorAll('nav a[hreflang]'), a => ({
    hreflang: a.getAttribute('hreflang'), href: a.href, raw: a.getAttribute('href'),
    current: a.getAttribute('aria-current'), text: a.textContent.trim()}))"""


# -- the demo site, built at collection time ---------------------------------------------------

@dataclass
class DemoSite:
    root: Path  # the project copy; the site is root / "site"
    languages: list[str]
    pages: list[str] = field(default_factory=list)  # every *.html under site/, posix, relative
    error: str | None = None  # why there is no site to test

    @property
    def site(self) -> Path:
        return self.root / "site"

    def lang_pages(self) -> list[str]:
        return [p for p in self.pages if PurePosixPath(p).parts[0] in self.languages]


_DEMO = pytest.StashKey[DemoSite]()


def demo_site(config: pytest.Config) -> DemoSite:
    """Build the demo once per run into a temporary copy (removed when the run ends)."""
    if _DEMO in config.stash:
        return config.stash[_DEMO]
    root = Path(tempfile.mkdtemp(prefix="transkit-browser-demo-"))
    config.add_cleanup(partial(shutil.rmtree, root, ignore_errors=True))
    with open(REPO / "transkit.toml", "rb") as f:
        languages = list(tomllib.load(f)["project"]["languages"])
    demo = DemoSite(root, languages)
    config.stash[_DEMO] = demo
    for name in DEMO_INPUTS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy2(source, root / name)
    try:
        result = subprocess.run([TRANSKIT, "-C", str(root), "build"], capture_output=True,
                                text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        demo.error = f"transkit build could not run: {exc}"
        return demo
    if result.returncode != 0:
        demo.error = (f"transkit -C {root} build exited {result.returncode}:\n"
                      f"{result.stdout}\n{result.stderr}")
        return demo
    demo.pages = sorted(p.relative_to(demo.site).as_posix() for p in demo.site.rglob("*.html"))
    if not demo.pages:
        demo.error = f"transkit build wrote no *.html under {demo.site}:\n{result.stdout}"
    return demo


NO_SITE = "<no site>"  # the one parameter when the build failed: its tests fail with the reason


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    for name, pick in (("page", lambda d: d.pages), ("lang_page", DemoSite.lang_pages)):
        if name in metafunc.fixturenames:
            demo = demo_site(metafunc.config)
            metafunc.parametrize(name, pick(demo) or [NO_SITE])


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest) -> DemoSite:
    demo = demo_site(request.config)
    if demo.error:
        pytest.fail(demo.error, pytrace=False)
    return demo


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    binary = find_chromium()
    if binary is None:
        pytest.fail(missing_chromium_message(), pytrace=False)
    with Browser(binary) as b:
        yield b


@pytest.fixture(scope="module")
def loads(browser: Browser, site: DemoSite) -> dict[tuple[str, str], PageResult]:
    """Loads already done, by (page, viewport): each page is opened once per size."""
    return {}


def load_page(browser: Browser, site: DemoSite, loads: dict[tuple[str, str], PageResult],
              page: str, viewport: str) -> PageResult:
    if page == NO_SITE:
        pytest.fail("the demo site has no page to test", pytrace=False)
    key = (page, viewport)
    if key not in loads:
        width, height, mobile = VIEWPORTS[viewport]
        loads[key] = browser.load((site.site / page).as_uri(), width, height, mobile)
    return loads[key]


def listing(items: list[object]) -> str:
    return "\n  ".join(str(i) for i in items)


# -- every page, desktop and phone -------------------------------------------------------------

@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_page_has_no_failed_request(browser: Browser, site: DemoSite,
                                    loads: dict[tuple[str, str], PageResult],
                                    page: str, viewport: str) -> None:
    result = load_page(browser, site, loads, page, viewport)
    assert not result.failed_requests, (
        f"{page} ({viewport}): requests failed:\n  {listing(list(result.failed_requests))}")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_page_has_no_console_error(browser: Browser, site: DemoSite,
                                   loads: dict[tuple[str, str], PageResult],
                                   page: str, viewport: str) -> None:
    result = load_page(browser, site, loads, page, viewport)
    assert not result.console_errors, (
        f"{page} ({viewport}): console errors:\n  {listing(list(result.console_errors))}")


def test_page_does_not_overflow_on_phone(browser: Browser, site: DemoSite,
                                         loads: dict[tuple[str, str], PageResult],
                                         page: str) -> None:
    result = load_page(browser, site, loads, page, "phone")
    if result.overflow:  # open it again to tell what sticks out
        result = browser.load(result.url, *VIEWPORTS["phone"])
    assert not result.overflow, (
        f"{page} scrolls sideways on a {result.width}px phone: scrollWidth"
        f" {result.scroll_width} > clientWidth {result.client_width}"
        f" (sticking out: {widest_elements(result)})")


def test_page_is_laid_out_at_the_phone_width(browser: Browser, site: DemoSite,
                                              loads: dict[tuple[str, str], PageResult],
                                              page: str) -> None:
    # Without <meta name="viewport" content="width=device-width">, a phone lays the page out
    # 980px wide and shows it zoomed out: nothing scrolls sideways, and nothing is readable.
    result = load_page(browser, site, loads, page, "phone")
    assert result.client_width == result.width, (
        f"{page} is laid out {result.client_width}px wide on a {result.width}px phone"
        " (no <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">?)")


def widest_elements(result: PageResult) -> str:
    """The innermost elements whose box or content reaches past the viewport: the culprits."""
    try:
        found = result.evaluate("""(() => {
            const w = document.documentElement.clientWidth;
            const right = e => Math.max(e.getBoundingClientRect().right,
                                        e.getBoundingClientRect().left + e.scrollWidth);
            const out = Array.from(document.body.querySelectorAll('*')).filter(e =>
                right(e) > w + 1 && !Array.from(e.children).some(c => right(c) > w + 1));
            return out.slice(0, 5).map(e => e.tagName.toLowerCase() +
                (e.id ? '#' + e.id : '') +
                (typeof e.className === 'string' && e.className ? '.' + e.className : '') +
                ' ' + Math.round(right(e)) + 'px ' +
                JSON.stringify(e.textContent.trim().slice(0, 40)));
        })()""")
    except BrowserError as exc:
        return f"? ({exc})"
    return ", ".join(found) or "no element reaches past it"


# -- the language switch on every translated page ---------------------------------------------

def switch_links(result: PageResult) -> list[dict[str, str | None]]:
    links: list[dict[str, str | None]] = result.evaluate(SWITCH_LINKS)
    return links


def lang_switch_landing_problems(browser: Browser, page_file: Path) -> list[str]:
    """What is wrong with where the switch links of one page lead (empty: all well)."""
    result = browser.load(page_file.as_uri(), *VIEWPORTS["desktop"])
    links = switch_links(result)
    if not links:
        return ["no language switch: no `nav a[hreflang]` in the page"]
    problems = []
    for link in links:
        target = urlparse(link["href"] or "")
        label = f"link {link['raw']!r} (hreflang={link['hreflang']!r})"
        if target.scheme != "file":
            problems.append(f"{label} leaves the site: {link['href']}")
            continue
        path = Path(unquote(target.path))
        if not path.is_file():
            problems.append(f"{label} leads to no page: {path}")
            continue
        landed = browser.load(link["href"] or "", *VIEWPORTS["desktop"])
        if landed.lang != link["hreflang"]:
            problems.append(f"{label} lands on a page whose <html lang> is {landed.lang!r}")
        landed_name = PurePosixPath(unquote(urlparse(landed.final_url).path)).name
        if landed_name != page_file.name:
            problems.append(f"{label} lands on {landed_name}, not on {page_file.name}")
    return problems


def lang_switch_current_problems(result: PageResult, lang: str) -> list[str]:
    """Whether the switch marks the page's own language, and only it, as the current page."""
    links = switch_links(result)
    own = [link for link in links if link["hreflang"] == lang]
    problems = []
    if not own:
        problems.append(f"the switch has no link for the page's own language {lang!r}"
                        f" (it links {[link['hreflang'] for link in links]})")
    problems += [f"the {lang!r} link {link['raw']!r} has aria-current={link['current']!r},"
                 " not 'page'" for link in own if link["current"] != "page"]
    problems += [f"the {link['hreflang']!r} link {link['raw']!r} is marked aria-current="
                 f"{link['current']!r} on a {lang!r} page"
                 for link in links if link["hreflang"] != lang and link["current"] == "page"]
    return problems


def test_lang_switch_links_land_on_the_same_post(browser: Browser, site: DemoSite,
                                                 lang_page: str) -> None:
    if lang_page == NO_SITE:
        pytest.fail("the demo site has no page under site/<lang>/", pytrace=False)
    problems = lang_switch_landing_problems(browser, site.site / lang_page)
    assert not problems, f"{lang_page}: language switch:\n  {listing(list(problems))}"


def test_lang_switch_marks_the_current_language(browser: Browser, site: DemoSite,
                                                lang_page: str) -> None:
    if lang_page == NO_SITE:
        pytest.fail("the demo site has no page under site/<lang>/", pytrace=False)
    lang = PurePosixPath(lang_page).parts[0]
    result = browser.load((site.site / lang_page).as_uri(), *VIEWPORTS["desktop"])
    assert result.lang == lang, f"{lang_page}: <html lang> is {result.lang!r}, not {lang!r}"
    problems = lang_switch_current_problems(result, lang)
    assert not problems, f"{lang_page}: language switch:\n  {listing(list(problems))}"


# -- the harness itself: it does see what is wrong ---------------------------------------------

BAD_PAGE = """<!DOCTYPE html>
<html lang="ca"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>bad</title></head>
<body><p>Una pàgina trencada.</p>
<img src="nope.png" alt="">
<div style="width:2000px">ample</div>
<script>console.error('x')</script>
</body></html>
"""

CLEAN_PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>ok</title></head>
<body><p>Une page propre.</p><img src="pixel.svg" alt="">
<div style="height:3000px">longue</div></body></html>
"""

PIXEL = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'


@pytest.fixture(scope="module")
def pages_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("harness")
    (folder / "bad.html").write_text(BAD_PAGE, encoding="utf-8")
    (folder / "clean.html").write_text(CLEAN_PAGE, encoding="utf-8")
    (folder / "pixel.svg").write_text(PIXEL, encoding="utf-8")
    (folder / "throws.html").write_text(
        "<!DOCTYPE html><html><body><script>throw new Error('boom')</script></body></html>",
        encoding="utf-8")
    (folder / "wide500.html").write_text(
        CLEAN_PAGE.replace('height:3000px', 'width:500px'), encoding="utf-8")
    (folder / "no-viewport.html").write_text(
        CLEAN_PAGE.replace('<meta name="viewport"', '<meta name="x"'), encoding="utf-8")
    return folder


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_harness_reports_a_missing_image(browser: Browser, pages_dir: Path,
                                         viewport: str) -> None:
    result = browser.load((pages_dir / "bad.html").as_uri(), *VIEWPORTS[viewport])
    assert [(PurePosixPath(r.url).name, r.reason) for r in result.failed_requests] == [
        ("nope.png", "net::ERR_FILE_NOT_FOUND")]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_harness_reports_console_error(browser: Browser, pages_dir: Path, viewport: str) -> None:
    result = browser.load((pages_dir / "bad.html").as_uri(), *VIEWPORTS[viewport])
    logged = [(e.source, e.text, e.line) for e in result.console_errors
              if e.source == "console.error"]
    assert logged == [("console.error", "x", 7)]


def test_harness_reports_an_uncaught_exception(browser: Browser, pages_dir: Path) -> None:
    result = browser.load((pages_dir / "throws.html").as_uri())
    assert [e.source for e in result.console_errors] == ["exception"]
    assert "boom" in result.console_errors[0].text


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_harness_reports_overflow(browser: Browser, pages_dir: Path, viewport: str) -> None:
    result = browser.load((pages_dir / "bad.html").as_uri(), *VIEWPORTS[viewport])
    assert result.overflow
    assert result.scroll_width >= 2000
    assert any("horizontal overflow" in line for line in result.problems())


def test_harness_reports_a_small_overflow_on_a_zoomed_out_phone(browser: Browser,
                                                                pages_dir: Path) -> None:
    # The phone zooms out to fit (innerWidth follows the content): clientWidth still tells.
    result = browser.load((pages_dir / "wide500.html").as_uri(), *VIEWPORTS["phone"])
    assert result.overflow, result
    assert result.client_width == 375
    no_meta = browser.load((pages_dir / "no-viewport.html").as_uri(), *VIEWPORTS["phone"])
    assert (no_meta.client_width, no_meta.overflow) == (980, False), no_meta
    desktop = browser.load((pages_dir / "wide500.html").as_uri(), *VIEWPORTS["desktop"])
    assert not desktop.overflow, desktop


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_harness_finds_a_clean_page_clean(browser: Browser, pages_dir: Path,
                                          viewport: str) -> None:
    url = (pages_dir / "clean.html").as_uri()
    result = browser.load(url, *VIEWPORTS[viewport])
    assert result.problems() == []
    assert (result.lang, result.final_url) == ("fr", url)
    assert result.evaluate("document.title") == "ok"
    assert result.evaluate("Promise.resolve(6 * 7)") == 42


def test_harness_result_knows_when_it_is_stale(browser: Browser, pages_dir: Path) -> None:
    first = browser.load((pages_dir / "clean.html").as_uri())
    browser.load((pages_dir / "bad.html").as_uri())
    with pytest.raises(BrowserError, match="no longer the page"):
        first.evaluate("1")


def test_harness_reports_a_missing_page(browser: Browser, pages_dir: Path) -> None:
    with pytest.raises(BrowserError, match="ERR_FILE_NOT_FOUND"):
        browser.load((pages_dir / "absent.html").as_uri())


@pytest.fixture
def http_site(pages_dir: Path) -> Iterator[str]:
    """A loopback HTTP server on pages_dir (its own thread, stopped after the test)."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(pages_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_harness_reports_http_errors(browser: Browser, http_site: str) -> None:
    result = browser.load(f"{http_site}/bad.html")
    assert f"{http_site}/nope.png: HTTP 404" in [str(r) for r in result.failed_requests]
    clean = browser.load(f"{http_site}/clean.html")
    assert clean.failed_requests == []


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback port that accepts connections and never answers (closed after the test)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except (TimeoutError, OSError):
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in accepted:
            conn.close()
        listener.close()


def test_harness_times_out_clearly(browser: Browser, pages_dir: Path,
                                   silent_server: str) -> None:
    hanging = pages_dir / "hangs.html"
    hanging.write_text(f'<!DOCTYPE html><img src="{silent_server}/never.png">',
                       encoding="utf-8")
    with pytest.raises(BrowserTimeout, match="did not fire its load event within 1s"):
        browser.load(hanging.as_uri(), timeout=1)
    # The tab is still good for the next page.
    assert browser.load((pages_dir / "clean.html").as_uri()).problems() == []


def test_harness_lang_switch_checks_fail_on_a_broken_switch(browser: Browser,
                                                            tmp_path: Path) -> None:
    for lang in ("ca", "es", "en"):
        (tmp_path / lang).mkdir()
    (tmp_path / "ca" / "post.html").write_text(
        '<!DOCTYPE html><html lang="ca"><body><nav>'
        '<a href="post.html" hreflang="ca">ca</a>'  # own language, not aria-current
        '<a href="../es/post.html" hreflang="es" aria-current="page">es</a>'
        '<a href="../en/other.html" hreflang="en">en</a>'  # another post
        '<a href="../fr/post.html" hreflang="fr">fr</a>'  # no such page
        '</nav></body></html>', encoding="utf-8")
    (tmp_path / "es" / "post.html").write_text(
        '<!DOCTYPE html><html lang="en"><body></body></html>', encoding="utf-8")  # wrong lang
    (tmp_path / "en" / "other.html").write_text(
        '<!DOCTYPE html><html lang="en"><body></body></html>', encoding="utf-8")
    page = tmp_path / "ca" / "post.html"
    landing = "\n".join(lang_switch_landing_problems(browser, page))
    assert "'../es/post.html' (hreflang='es') lands on a page whose <html lang> is 'en'" \
        in landing
    assert "lands on other.html, not on post.html" in landing
    assert "'../fr/post.html' (hreflang='fr') leads to no page" in landing
    assert "'post.html'" not in landing
    current = lang_switch_current_problems(browser.load(page.as_uri()), "ca")
    assert current == ["the 'ca' link 'post.html' has aria-current=None, not 'page'",
                       "the 'es' link '../es/post.html' is marked aria-current='page'"
                       " on a 'ca' page"]
    (tmp_path / "ca" / "bare.html").write_text("<html lang='ca'><body><p>no switch</p>",
                                               encoding="utf-8")
    assert lang_switch_landing_problems(browser, tmp_path / "ca" / "bare.html") == [
        "no language switch: no `nav a[hreflang]` in the page"]
    assert lang_switch_current_problems(browser.load((tmp_path / "ca" / "bare.html").as_uri()),
                                        "ca") == [
        "the switch has no link for the page's own language 'ca' (it links [])"]


def test_harness_really_loads_the_page_in_the_tab_again(browser: Browser,
                                                        pages_dir: Path) -> None:
    # The same page with a #fragment is a same-document navigation: no load of its own.
    url = (pages_dir / "bad.html").as_uri()
    browser.load(url)
    again = browser.load(f"{url}#here", timeout=5)
    assert again.final_url == f"{url}#here"
    assert [PurePosixPath(r.url).name for r in again.failed_requests] == ["nope.png"]
    assert "x" in [e.text for e in again.console_errors]


# -- a page without a stylesheet of its own; a preview's fallback text ------------------------

SWITCH_LOOK = """Array.from(document.querySelectorAll('nav.lang-switch a[hreflang]'), a => {
    const s = getComputedStyle(a), li = getComputedStyle(a.closest('li'));
    return {lang: a.getAttribute('hreflang'), current: a.getAttribute('aria-current'),
            weight: parseInt(s.fontWeight), underline: s.textDecorationLine,
            bullet: li.listStyleType, top: Math.round(a.getBoundingClientRect().top)};
})"""

FALLBACK_LOOK = """(() => {
    const body = getComputedStyle(document.body).backgroundColor;
    const marks = Array.from(document.querySelectorAll('.transkit-fallback'), m => {
        const s = getComputedStyle(m);
        return {text: m.textContent.trim(), lang: m.getAttribute('lang') ||
                m.closest('[lang]').getAttribute('lang'), background: s.backgroundColor,
                outline: s.outlineStyle, inBanner: !!m.closest('.transkit-preview'),
                visible: m.getBoundingClientRect().width > 0};
    });
    // Text in the source language outside any mark, the banner and the switch: unmarked.
    const unmarked = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
        const at = node.parentElement;
        if (!node.data.trim() || at.closest('.transkit-fallback, .transkit-preview, '
                                            + 'nav.lang-switch, script, style')) continue;
        if (at.closest('[lang]').getAttribute('lang') === 'ca') unmarked.push(node.data.trim());
    }
    return {body, marks, unmarked};
})()"""


def _stylesheetless_project(project: Path) -> None:
    """The test post has no stylesheet: extracted, French half translated."""
    from transkit import catalog

    from .conftest import run

    run("extract", cwd=project, check=True)
    for lang in ("es", "en", "fr"):
        for path in (project / "locales" / lang).glob("*.po"):
            po = catalog.load(path)
            for number, entry in enumerate(po):
                if lang != "fr" or number % 2 == 0:
                    entry.msgstr = f"{lang.upper()} {entry.msgid}"
                    entry.set_fuzzy(False)
            catalog.save(po, path)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_switch_reads_as_a_switch_without_a_site_stylesheet(browser: Browser,
                                                                project: Path,
                                                                viewport: str) -> None:
    from .conftest import run

    _stylesheetless_project(project)
    run("build", "--allow-incomplete", cwd=project, check=True)
    page = project / "site/es/post.html"
    assert "stylesheet" not in page.read_text("utf-8")  # no sheet of the site's own
    result = browser.load(page.as_uri(), *VIEWPORTS[viewport])
    assert result.problems() == []
    links = result.evaluate(SWITCH_LOOK)
    assert [link["lang"] for link in links] == ["ca", "es", "en", "fr"]
    assert {link["bullet"] for link in links} == {"none"}  # not a bulleted list
    current = [link for link in links if link["current"] == "page"]
    others = [link for link in links if link["current"] != "page"]
    assert [link["lang"] for link in current] == ["es"]
    assert current[0]["weight"] >= 600 and all(o["weight"] < 600 for o in others)
    assert current[0]["underline"] == "none"
    assert all(o["underline"] == "underline" for o in others)
    if viewport == "desktop":  # one row of links, not a column
        assert len({link["top"] for link in links}) == 1, links


def test_the_sites_own_switch_style_wins(browser: Browser, site: DemoSite) -> None:
    """The demo's stylesheet styles its switch; ours comes first and gives way."""
    css = site.root / "bulletins/css/bulletin.css"
    assert ".lang-switch [aria-current]" in css.read_text("utf-8")
    result = browser.load((site.site / "fr/2019-01-ransomware.html").as_uri(),
                          *VIEWPORTS["desktop"])
    gap = result.evaluate("getComputedStyle(document.querySelector('nav.lang-switch ul'))"
                          ".rowGap")
    assert gap == "4.8px"  # the site's .3rem, not our .25em


def test_a_preview_marks_fallback_text_with_a_legend(browser: Browser,
                                                     project: Path) -> None:
    from .conftest import run

    _stylesheetless_project(project)
    built = run("-v", "build", "--allow-incomplete", cwd=project, check=True)
    result = browser.load((project / "site/fr/post.html").as_uri(), *VIEWPORTS["phone"])
    assert result.problems() == []
    look = result.evaluate(FALLBACK_LOOK)
    legend = [m for m in look["marks"] if m["inBanner"]]
    marks = [m for m in look["marks"] if not m["inBanner"]]
    assert len(legend) == 1 and legend[0]["text"] == "Marked like this"
    assert marks and look["unmarked"] == []  # every fallback run is marked
    for mark in [*legend, *marks]:
        assert mark["background"] != look["body"] and mark["outline"] == "dashed", mark
        assert mark["visible"]
    assert all(m["lang"] == "ca" for m in marks)
    # The marks are the fallbacks the build reported for French (the alt text aside).
    import re

    reported = [re.sub(r"</?g\d+>|<x\d+/>", "", line.split(": ", 3)[3])
                for line in built.stderr.splitlines()
                if "locales/fr/" in line and "untranslated" in line]
    assert {m["text"] for m in marks} == {t for t in reported if t != "Un agent al caixer"}
    # Fully translated, the same build marks nothing and has no legend.
    es = browser.load((project / "site/es/post.html").as_uri(), *VIEWPORTS["desktop"])
    assert es.evaluate(FALLBACK_LOOK)["marks"] == []
