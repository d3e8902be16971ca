"""`transkit serve` as a translator's browser and an attacker meet it: the real server
process on a free loopback port, driven over HTTP (tests/served.py)."""

from __future__ import annotations

import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from transkit import catalog
from transkit.serve.editor import unit_id

from .conftest import TRANSKIT, gettext_tool, run
from .served import LONG, Served, events, next_event, po_path, prepared, project, serving, start

__all__ = ["prepared", "project"]  # fixtures (tests/served.py)


@pytest.fixture
def served(project: Path) -> Iterator[Served]:
    with serving(project, "Anna Serra <anna@example.org>") as server:
        yield server


def first_unit(served: Served, doc: str, lang: str, state: str | None = None
               ) -> dict[str, object]:
    data = served.request("GET", f"/api/v1/documents/{doc}/units").json()
    for unit in data["units"]:
        target = unit["targets"][lang]
        if state is None or target["state"] == state:
            return unit  # type: ignore[no-any-return]
    raise AssertionError(f"no {state} unit in {doc} ({lang})")


# -- the link, the token, the session ---------------------------------------------------------

def test_prints_one_loopback_link_with_a_token_of_128_bits_or_more(project: Path) -> None:
    server = start(project)
    try:
        links = [line for line in server.lines if "token=" in line]
        assert len(links) == 1
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[A-Za-z0-9_-]+", links[0])
        assert len(server.token) * 6 >= 128  # URL-safe base64: 6 bits a character
    finally:
        assert server.stop() < 5
    out, err = server.process.communicate(timeout=10)
    assert server.token not in out + err  # printed once, in the link only


def test_every_request_needs_the_token(served: Served) -> None:
    for path in ("/", "/documents/2019-01-ransomware", "/api/v1/documents",
                 "/static/editor.js", "/api/v1/events", "/nowhere"):
        refused = served.request("GET", path, token=None)
        assert refused.status == 401, (path, refused)
        assert refused.json()["error"]
        assert served.request("GET", path, token="x" * 32).status == 403, path
    assert served.request("GET", "/api/v1/documents").status == 200
    assert served.request("GET", "/static/editor.js").status == 200
    bad_scheme = served.request("GET", "/api/v1/documents", token=None,
                                headers={"Authorization": f"Basic {served.token}"})
    assert bad_scheme.status == 401


def test_the_token_link_sets_a_session_cookie_that_cannot_write(served: Served) -> None:
    opened = served.request("GET", f"/?token={served.token}", token=None)
    assert opened.status == 303 and opened.headers["location"] == "/"
    cookie = opened.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    session = cookie.split(";")[0]
    page = served.request("GET", "/documents/2019-01-ransomware", token=None,
                          headers={"Cookie": session})
    assert page.status == 200 and b"<textarea" not in page.body  # rows are drawn by script
    assert served.request("GET", "/", token=None, headers={"Cookie": "transkit-1=nope"}
                          ).status == 401
    assert served.request("GET", "/?token=wrong", token=None).status == 403
    # A write with the cookie alone (what a forged cross-site form sends) is refused.
    path = po_path(served.root, "2019-01-ransomware", "es")
    before = path.read_bytes()
    unit = first_unit(served, "2019-01-ransomware", "es")
    forged = served.request("PUT", f"/api/v1/documents/2019-01-ransomware/units/{unit['id']}/es",
                            {"text": "forged", "state": "translated",
                             "base": unit["targets"]["es"]["text"]},  # type: ignore[index]
                            token=None, headers={"Cookie": session})
    assert forged.status == 403 and "CSRF" in forged.json()["error"]
    cross = served.request("PUT", f"/api/v1/documents/2019-01-ransomware/units/{unit['id']}/es",
                           {"text": "forged", "state": "translated",
                            "base": unit["targets"]["es"]["text"]},  # type: ignore[index]
                           headers={"Origin": "http://evil.example"})
    assert cross.status == 403
    assert path.read_bytes() == before


def test_a_host_header_naming_another_host_is_refused(served: Served) -> None:
    for host in ("evil.example", f"evil.example:{served.port}", f"127.0.0.1:{served.port + 1}",
                 ""):
        answer = served.request("GET", "/api/v1/documents", headers={"Host": host})
        assert answer.status == 403, (host, answer)
        assert "Host" in answer.json()["error"]
    for host in (f"localhost:{served.port}", f"127.0.0.1:{served.port}", f"[::1]:{served.port}"):
        assert served.request("GET", "/api/v1/documents", headers={"Host": host}).status == 200


def test_pages_have_a_strict_csp_and_no_inline_script(served: Served) -> None:
    from html5lib import parse

    for path in ("/", "/documents/2019-01-ransomware"):
        page = served.request("GET", path)
        assert page.status == 200
        csp = page.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["referrer-policy"] == "no-referrer"
        tree = parse(page.body, namespaceHTMLElements=False)
        scripts = tree.findall(".//script")
        assert scripts and all(s.get("src") and not (s.text or "").strip() for s in scripts)
        assert not [e for e in tree.iter() if any(a.startswith("on") for a in e.attrib)]
        assert not tree.findall(".//*[@style]") and not tree.findall(".//style")


# -- reading ---------------------------------------------------------------------------------

def test_documents_and_units_in_every_language(served: Served) -> None:
    docs = served.request("GET", "/api/v1/documents").json()
    names = [d["name"] for d in docs["documents"]]
    assert "2019-01-ransomware" in names and LONG in names
    long = next(d for d in docs["documents"] if d["name"] == LONG)
    assert long["languages"]["fr"]["untranslated"] == long["languages"]["fr"]["units"] > 20
    data = served.request("GET", "/api/v1/documents/2019-01-ransomware/units").json()
    assert data["languages"] == ["es", "en", "fr"] and data["source_language"] == "ca"
    po = catalog.load(po_path(served.root, "2019-01-ransomware", "fr"))
    assert len(data["units"]) == len(po)
    for unit in data["units"]:
        entry = next(u for u in po if unit_id(u) == unit["id"])
        assert unit["source"] == entry.msgid
        assert unit["targets"]["fr"]["text"] == entry.msgstr
        assert unit["targets"]["fr"]["state"] == entry.state
    dated = [u for u in data["units"] if "<g1>" in u["source"]]
    assert dated and dated[0]["legend"][0]["name"] == "g1"
    # Who changed it and when: git's author of the lines.
    assert data["units"][0]["targets"]["es"]["author"] == "Marta Puig"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", data["units"][0]["targets"]["es"]["date"])
    # Glossary terms in a source, with their forms in every language.
    frau = served.request("GET", "/api/v1/documents/2018-12-frau-targetes/units").json()
    europol = next(u for u in frau["units"] if "Europol" in u["source"])
    assert {"term": "Europol", "translations": {"es": "Europol", "en": "Europol",
                                                "fr": "Europol"}} in europol["terms"]
    assert all(t["term"].lower() in u["source"].lower() for u in frau["units"]
               for t in u["terms"])
    one = served.request("GET", f"/api/v1/documents/2019-01-ransomware/units?ids="
                                f"{data['units'][2]['id']}").json()
    assert [u["id"] for u in one["units"]] == [data["units"][2]["id"]]


def test_a_fuzzy_unit_shows_the_word_diff_and_is_approved_with_one_save(served: Served) -> None:
    root = served.root
    bulletin = root / "bulletins" / f"{LONG}.html"
    bulletin.write_text(bulletin.read_text("utf-8").replace("Paràgraf número 7 del butlletí",
                                                            "Paràgraf número 7 del nou butlletí"),
                        encoding="utf-8")
    path = po_path(root, LONG, "fr")
    po = catalog.load(path)
    for entry in po:
        entry.msgstr = f"FR {entry.msgid}"
    catalog.save(po, path)
    run("extract", LONG, cwd=root, check=True)
    unit = first_unit(served, LONG, "fr", "fuzzy")
    target = unit["targets"]["fr"]  # type: ignore[index]
    assert "nou" in unit["source"]  # type: ignore[operator]
    assert ["insert", "nou"] in target["diff"]
    assert "#| msgid" in path.read_text("utf-8")
    saved = served.request("PUT", f"/api/v1/documents/{LONG}/units/{unit['id']}/fr",
                           {"text": target["text"], "state": "translated", "base": target["text"]})
    assert saved.status == 200, saved
    assert saved.json()["target"]["state"] == "translated"
    entry = next(u for u in catalog.load(path) if unit_id(u) == unit["id"])
    assert entry.state == "translated" and entry.previous_msgid is None


# -- saving ----------------------------------------------------------------------------------

def test_a_save_writes_the_po_file_names_the_translator_and_passes_msgfmt(served: Served
                                                                         ) -> None:
    path = po_path(served.root, LONG, "fr")
    unit = first_unit(served, LONG, "fr", "untranslated")
    text = "Paragraphe <b>« sûr »</b> & \"guillemets\"\nsur deux lignes"
    answer = served.request("PUT", f"/api/v1/documents/{LONG}/units/{unit['id']}/fr",
                            {"text": text, "state": "fuzzy", "base": ""})
    assert answer.status == 200, answer
    assert answer.json()["target"] == {**answer.json()["target"], "text": text, "state": "fuzzy"}
    po = catalog.load(path)
    entry = next(u for u in po if unit_id(u) == unit["id"])
    assert (entry.msgstr, entry.state) == (text, "fuzzy")
    assert po.metadata["Last-Translator"] == "Anna Serra <anna@example.org>"
    assert po.metadata["PO-Revision-Date"][:10] == time.strftime("%Y-%m-%d", time.gmtime())
    subprocess.run([gettext_tool("msgfmt"), "--check", "-o", "/dev/null", str(path)],
                   check=True)
    # msgcat's exact layout: msgcat rewrites the file to the same bytes.
    again = subprocess.run([gettext_tool("msgcat"), str(path)], capture_output=True, check=True)
    assert again.stdout == path.read_bytes()


def test_twenty_concurrent_saves_to_one_file_are_all_kept(served: Served) -> None:
    path = po_path(served.root, LONG, "es")
    data = served.request("GET", f"/api/v1/documents/{LONG}/units").json()
    chosen = [u for u in data["units"] if u["targets"]["es"]["state"] == "untranslated"][:20]
    assert len(chosen) == 20
    answers: dict[str, int] = {}

    def save(unit: dict[str, str]) -> None:
        answer = served.request("PUT", f"/api/v1/documents/{LONG}/units/{unit['id']}/es",
                                {"text": f"ES {unit['source']}", "state": "translated",
                                 "base": ""})
        answers[unit["id"]] = answer.status

    threads = [threading.Thread(target=save, args=(u,)) for u in chosen]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(answers.values()) == [200] * 20
    po = {unit_id(u): u for u in catalog.load(path)}
    for unit in chosen:
        assert po[unit["id"]].msgstr == f"ES {unit['source']}"
        assert po[unit["id"]].state == "translated"
    # The editor's answer (patched after each save, not read again) says the same.
    after = served.request("GET", f"/api/v1/documents/{LONG}/units").json()
    shown = {u["id"]: u["targets"]["es"] for u in after["units"]}
    assert all(shown[i] == {**shown[i], "text": u.msgstr, "state": u.state}
               for i, u in po.items())


def test_a_save_over_a_changed_entry_is_refused_with_both_versions(served: Served) -> None:
    path = po_path(served.root, "2019-01-ransomware", "fr")
    unit = first_unit(served, "2019-01-ransomware", "fr", "translated")
    started_from = unit["targets"]["fr"]["text"]  # type: ignore[index]
    po = catalog.load(path)  # another editor (or a git pull) changes the entry meanwhile
    entry = next(u for u in po if unit_id(u) == unit["id"])
    entry.msgstr = "Leur version"
    catalog.save(po, path)
    before = path.read_bytes()
    refused = served.request("PUT", f"/api/v1/documents/2019-01-ransomware/units/{unit['id']}/fr",
                             {"text": "Ma version", "state": "translated", "base": started_from})
    assert refused.status == 409
    body = refused.json()
    assert (body["yours"], body["theirs"], body["base"]) == ("Ma version", "Leur version",
                                                             started_from)
    assert re.match(r"locales/fr/2019-01-ransomware\.po:\d+: changed on disk", body["error"])
    assert path.read_bytes() == before
    # Starting from theirs, the save goes through.
    kept = served.request("PUT", f"/api/v1/documents/2019-01-ransomware/units/{unit['id']}/fr",
                          {"text": "Ma version", "state": "translated", "base": "Leur version"})
    assert kept.status == 200


def test_bad_requests_are_json_errors_and_write_nothing(served: Served) -> None:
    path = po_path(served.root, "2019-01-ransomware", "es")
    before = path.read_bytes()
    unit = first_unit(served, "2019-01-ransomware", "es")
    base = f"/api/v1/documents/2019-01-ransomware/units/{unit['id']}"
    good = {"text": "nou", "state": "translated", "base": unit["targets"]["es"]["text"]}  # type: ignore[index]
    cases = [
        (f"{base}/es", "x" * (1024 * 1024 + 1), 413),
        (f"{base}/es", '{"text": "a", "state": ', 400),
        (f"{base}/es", "[1, 2]", 400),
        (f"{base}/es", {"text": "a", "state": "translated"}, 400),  # no base
        (f"{base}/es", {"text": "a", "state": "translated", "base": None}, 400),
        (f"{base}/es", {"text": 3, "state": "translated", "base": None}, 400),
        (f"{base}/es", {"text": "a", "state": "approved", "base": None}, 400),
        (f"{base}/es", {"text": "  ", "state": "translated", "base": None}, 400),
        (f"{base}/xx", good, 404),
        (f"{base}/ca", good, 404),  # the source language is not edited here
        ("/api/v1/documents/no-such-doc/units/" + unit["id"] + "/es", good, 404),  # type: ignore[operator]
        ("/api/v1/documents/2019-01-ransomware/units/0123456789abcdef/es", good, 404),
        ("/api/v1/documents/%2e%2e/units/" + unit["id"] + "/es", good, 400),  # type: ignore[operator]
        ("/api/v1/documents/..%2f..%2fetc/units/" + unit["id"] + "/es", good, 400),  # type: ignore[operator]
        # What a PO file cannot hold, or msgfmt refuses: nothing is written.
        (f"{base}/es", {**good, "text": "nou\x00 perdut"}, 400),  # a NUL ends the string
        (f"{base}/es", '{"text": "a\\ud800", "state": "translated", "base": ""}', 400),
        (f"{base}/es", {**good, "text": "nou\n"}, 400),  # the source ends with no newline
        (f"{base}/es", {**good, "text": "\nnou"}, 400),
        (f"{base}/es", "[" * 100000 + "]" * 100000, 400),  # nested too deeply
    ]
    for url, body, status in cases:
        answer = served.request("PUT", url, body)
        assert answer.status == status, (url, body if len(str(body)) < 99 else "…", answer)
        assert answer.json()["error"]
    chunked = served.request("PUT", f"{base}/es", None, headers={"Content-Length": "2000000"})
    assert chunked.status == 413
    assert served.request("GET", "/api/v1/documents/..%2fsecret/units").status == 400
    assert served.request("GET", "/api/v1/nowhere").json()["error"]
    assert served.request("DELETE", f"{base}/es").status == 405
    assert path.read_bytes() == before


def test_a_broken_catalogue_shows_path_line_reason_and_is_not_written(served: Served) -> None:
    path = po_path(served.root, "2019-01-ransomware", "en")
    unit = first_unit(served, "2019-01-ransomware", "en")
    path.write_bytes(path.read_bytes() + b'\nmsgid "dangling\n')
    broken = path.read_bytes()
    data = served.request("GET", "/api/v1/documents/2019-01-ransomware/units").json()
    assert re.fullmatch(r"locales/en/2019-01-ransomware\.po:\d+: .+", data["errors"]["en"])
    assert data["units"][0]["targets"]["es"]["text"]  # the other languages still show
    answer = served.request("PUT", f"/api/v1/documents/2019-01-ransomware/units/{unit['id']}/en",
                            {"text": "x", "state": "translated",
                             "base": unit["targets"]["en"]["text"]})  # type: ignore[index]
    assert answer.status == 422
    assert answer.json()["error"] == data["errors"]["en"]
    assert path.read_bytes() == broken


# -- checks, suggestions, the memory ----------------------------------------------------------

def test_findings_per_unit_cross_language_too(served: Served) -> None:
    doc = "2019-01-ransomware"
    data = served.request("GET", f"/api/v1/documents/{doc}/units").json()
    number = re.compile(r"(?<![gx\d])\d+")  # a number, not a placeholder's
    unit = next(u for u in data["units"] if number.search(u["targets"]["fr"]["text"]))
    before = served.request("GET", f"/api/v1/documents/{doc}/findings").json()["findings"]
    assert "fr" not in before.get(unit["id"], {})
    wrong = number.sub("999", unit["targets"]["fr"]["text"], count=1)
    answer = served.request("PUT", f"/api/v1/documents/{doc}/units/{unit['id']}/fr",
                            {"text": wrong, "state": "translated",
                             "base": unit["targets"]["fr"]["text"]})
    assert answer.status == 200
    after = served.request("GET", f"/api/v1/documents/{doc}/findings").json()["findings"]
    checks = {f["check"] for f in after[unit["id"]]["fr"]}
    assert "numbers" in checks and "cross-numbers" in checks, after[unit["id"]]


def test_suggestions_from_the_memory_and_every_engine(served: Served) -> None:
    doc = "2019-01-ransomware"
    unit = first_unit(served, doc, "es")
    answer = served.request("GET", f"/api/v1/documents/{doc}/units/{unit['id']}/suggestions"
                                   "?lang=es")
    assert answer.status == 200, answer
    data = answer.json()
    memory = [s for s in data["suggestions"] if s["kind"] == "memory"]
    assert memory and memory[0]["score"] == 100
    assert memory[0]["text"] == unit["targets"]["es"]["text"]  # type: ignore[index]
    engines = {s["engine"]: s["text"] for s in data["suggestions"] if s["kind"] == "machine"}
    assert set(engines) == {"pseudo", "apertium"}, data
    assert engines["apertium"] and engines["apertium"] != unit["source"]
    assert data["problems"] == []
    assert served.request("GET", f"/api/v1/documents/{doc}/units/{unit['id']}/suggestions"
                                 "?lang=de").status == 404


def test_the_memory_learns_what_is_saved(served: Served) -> None:
    unit = first_unit(served, LONG, "en", "untranslated")
    text = "A paragraph the memory learns from the editor"
    assert served.request("PUT", f"/api/v1/documents/{LONG}/units/{unit['id']}/en",
                          {"text": text, "state": "translated", "base": ""}).status == 200
    deadline = time.monotonic() + 20
    while True:
        data = served.request("GET", f"/api/v1/documents/{LONG}/units/{unit['id']}/suggestions"
                                     "?lang=en").json()
        if any(s["kind"] == "memory" and s["text"] == text and s["score"] == 100
               for s in data["suggestions"]):
            break
        assert time.monotonic() < deadline, data
        time.sleep(0.3)


# -- live ------------------------------------------------------------------------------------

def test_events_name_the_units_changed_on_disk(served: Served) -> None:
    doc = "2019-01-ransomware"
    path = po_path(served.root, doc, "fr")
    served.request("GET", f"/api/v1/documents/{doc}/units")  # the editor has read it
    stream = events(served, timeout=20)
    try:
        po = catalog.load(path)
        entry = po.active()[3]
        entry.msgstr = "Changé par un autre éditeur"
        catalog.save(po, path)
        event = next_event(stream)
        assert (event["document"], event["lang"], event["ids"]) == (doc, "fr", [unit_id(entry)])
        # A save through the editor is news for the other open pages too.
        unit = first_unit(served, doc, "es")
        served.request("PUT", f"/api/v1/documents/{doc}/units/{unit['id']}/es",
                       {"text": "Nuevo", "state": "translated",
                        "base": unit["targets"]["es"]["text"]})  # type: ignore[index]
        event = next_event(stream)
        assert (event["lang"], event["ids"]) == ("es", [unit["id"]])
        path.write_bytes(path.read_bytes() + b'\nmsgid "broken\n')
        event = next_event(stream)
        assert event["lang"] == "fr" and re.match(r"locales/fr/.*\.po:\d+: ", event["error"])
    finally:
        stream.close()


# -- the process -----------------------------------------------------------------------------

def test_sigterm_stops_it_within_seconds_with_nothing_half_written(project: Path) -> None:
    server = start(project)
    stream = events(server, timeout=20)
    data = server.request("GET", f"/api/v1/documents/{LONG}/units").json()
    results: list[int] = []

    def save(unit: dict[str, str]) -> None:
        try:
            results.append(server.request("PUT", f"/api/v1/documents/{LONG}/units/{unit['id']}/fr",
                                          {"text": f"FR {unit['source']}", "state": "translated",
                                           "base": ""}, timeout=20).status)
        except OSError:
            results.append(0)  # refused: the server was going

    threads = [threading.Thread(target=save, args=(u,)) for u in data["units"][:10]]
    for thread in threads:
        thread.start()
    took = server.stop(signal.SIGTERM)
    for thread in threads:
        thread.join(30)
    stream.close()
    assert took < 5 and server.process.returncode == 0
    po = catalog.load(po_path(project, LONG, "fr"))  # whole: it parses
    saved = sum(1 for u in po if u.translated)
    assert saved == results.count(200)
    strays = [p for p in (project / "locales").rglob("*")
              if p.is_file() and p.suffix not in (".po", ".pot")]
    assert strays == []


def test_beyond_loopback_needs_an_option_and_a_token_per_translator(project: Path) -> None:
    refused = subprocess.run([TRANSKIT, "-C", str(project), "serve", "--host", "0.0.0.0",
                              "--no-browser"], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "--allow-remote" in refused.stderr
    assert "Traceback" not in refused.stderr
    alone = subprocess.run([TRANSKIT, "-C", str(project), "serve", "--host", "0.0.0.0",
                            "--allow-remote", "--no-browser"], capture_output=True, text=True,
                           timeout=60)
    assert alone.returncode == 2 and "--translator" in alone.stderr
    server = start(project, "--host", "0.0.0.0", "--allow-remote", "--translator", "Anna <a@x>",
                   "--translator", "Bernat <b@x>")
    try:
        assert set(server.links) == {"Anna <a@x>", "Bernat <b@x>"}
        assert len(set(server.links.values())) == 2
        unit = first_unit(server, LONG, "fr", "untranslated")
        answer = server.request("PUT", f"/api/v1/documents/{LONG}/units/{unit['id']}/fr",
                                {"text": "Par Bernat", "state": "translated", "base": ""},
                                token=server.links["Bernat <b@x>"])
        assert answer.status == 200
        po = catalog.load(po_path(project, LONG, "fr"))
        assert po.metadata["Last-Translator"] == "Bernat <b@x>"
    finally:
        server.stop()
    _, err = server.process.communicate(timeout=10)
    assert "TLS" in err
