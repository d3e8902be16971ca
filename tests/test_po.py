"""The one PO reader against GNU gettext's own verdicts: every file of the corpus in
tests/data/po (real layouts from several tools, translator mistakes, hostile inputs)
is accepted exactly when `msgfmt` accepts it, with msgfmt's counts; mutated catalogues
get one verdict from every command, and a refused file is never touched."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from transkit import catalog
from transkit.errors import InputError

from .conftest import gettext_tool, run

CORPUS = Path(__file__).parent / "data" / "po"
FILES = sorted((CORPUS / "valid").glob("*.po")) + sorted((CORPUS / "invalid").glob("*.po"))

# Where transkit is knowingly stricter or laxer than msgfmt, and why (nothing else).
TOLERATED = {
    # A UTF-8 byte order mark is tolerated (editors on Windows add one); msgfmt refuses it.
    "utf8_bom.po": "accepted",
    # CR-only line ends: msgfmt sees one line, so the first comment hides the whole file
    # and it "accepts" zero messages; rewriting that would lose every translation.
    "cr_only_line_endings.po": "refused",
    # Bytes that are not UTF-8 inside a string (raw before a header says UTF-8, raw with
    # no header saying it, or written as escapes): msgfmt lets them through unchecked;
    # transkit holds every text as UTF-8 (pages, memory, MT) and refuses them in every
    # command alike. Bytes that are not UTF-8 in comments are kept.
    "escapes_octal_hex.po": "refused",
    "invalid_utf8_before_late_header.po": "refused",
    "obsolete_header_charset.po": "refused",
}

_STATS = re.compile(r"(\d+) translated messages?(?:, (\d+) fuzzy translations?)?"
                    r"(?:, (\d+) untranslated messages?)?\.")


def msgfmt(path: Path) -> tuple[bool, tuple[int, int, int] | None]:
    """msgfmt's verdict and (translated, fuzzy, untranslated) counts for one file."""
    result = subprocess.run([gettext_tool("msgfmt"), "-o", os.devnull, "--statistics",
                             str(path)], capture_output=True, text=True,
                            errors="replace", env={**os.environ, "LC_ALL": "C", "LANGUAGE": ""})
    if result.returncode != 0:
        return False, None
    found = _STATS.search(result.stderr.strip().splitlines()[-1])
    assert found, result.stderr
    return True, tuple(int(g or 0) for g in found.groups())  # type: ignore[return-value]


# The one class of mutants where transkit is knowingly stricter than msgfmt (see TOLERATED).
NOT_UTF8 = ("invalid multibyte sequence", "escape sequences do not form valid UTF-8")


def tolerated(accepted: bool, error: InputError | None) -> bool:
    return accepted and error is not None and error.message.startswith(NOT_UTF8)


def ours(data: bytes) -> tuple[bool, tuple[int, int, int] | None, InputError | None]:
    try:
        figures = catalog.parse(data, "f.po").figures()
    except InputError as exc:
        return False, None, exc
    return True, (figures.translated, figures.fuzzy, figures.untranslated), None


def test_corpus_is_there() -> None:
    assert len(FILES) >= 60
    assert {p.parent.name for p in FILES} == {"valid", "invalid"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_reader_agrees_with_msgfmt(path: Path) -> None:
    accepted, counts = msgfmt(path)
    mine, my_counts, error = ours(path.read_bytes())
    tolerated = TOLERATED.get(path.name)
    if tolerated is not None:
        assert mine == (tolerated == "accepted"), (path.name, error)
        return
    assert mine == accepted, f"{path.name}: msgfmt {'accepts' if accepted else 'refuses'}, " \
                             f"transkit says {error or 'fine'}"
    if accepted:
        assert my_counts == counts, path.name
    else:
        assert error is not None and error.line is not None and error.line >= 1, path.name


@pytest.mark.parametrize("path", [p for p in FILES if p.parent.name == "valid"
                                  and p.name not in TOLERATED], ids=lambda p: p.name)
def test_what_we_write_msgfmt_reads_the_same(path: Path, tmp_path: Path) -> None:
    """Written back, an accepted file keeps msgfmt's counts and our own reading."""
    first = catalog.parse(path.read_bytes(), path)
    out = tmp_path / path.name
    catalog.save(first, out)
    again = catalog.parse(out.read_bytes(), out)
    def seen(po: catalog.Catalogue) -> list[object]:  # obsolete units are written last
        return [(u.key, u.msgstr, u.msgstr_plural, u.state, u.flags, u.translator_comments,
                 u.previous_msgid) for u in po.active() + po.obsolete()]

    assert seen(again) == seen(first)
    assert catalog.dumps(again).encode("utf-8", "surrogateescape") == out.read_bytes()
    accepted, counts = msgfmt(out)
    assert accepted and counts == ours(path.read_bytes())[1]


def test_line_separators_survive_a_round_trip(tmp_path: Path) -> None:
    """U+2028, U+2029, U+0085 and control characters are escaped on write, so no tool
    that splits lines the Unicode way (polib, str.splitlines) misreads the file."""
    text = "a\u2028b\u2029c\x85d\x01e\x1bf"
    po = catalog.Catalogue(metadata={"Content-Type": "text/plain; charset=UTF-8"})
    po.append(catalog.Unit("source", text))
    written = catalog.dumps(po)
    assert len(written.splitlines()) == len(written.split("\n")) - 1
    path = tmp_path / "sep.po"
    path.write_text(written, "utf-8")
    assert catalog.load(path).find("source").msgstr == text  # type: ignore[union-attr]
    assert msgfmt(path) == (True, (1, 0, 0))
    import polib  # a reader that splits lines the Unicode way

    assert polib.pofile(str(path)).find("source") is not None


def test_content_is_never_taken_for_a_path(tmp_path: Path) -> None:
    other = tmp_path / "es.po"
    other.write_text('msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b"\n', "utf-8")
    with pytest.raises(InputError):
        catalog.parse(str(other).encode(), "fr.po")


# --- every command, one verdict -------------------------------------------------------------

COMMANDS = (("status",), ("status", "--no-cache", "--missing"), ("check",), ("extract",),
            ("build", "--allow-incomplete"), ("release",), ("pretranslate", "--dry-run"),
            ("tm", "rebuild"), ("check", "--fix"))


def _mutants(text: bytes, rng: random.Random, count: int) -> list[bytes]:
    """Byte-level edits of the kinds a hand or a tool makes: a quote, a backslash, a line
    dropped or doubled, a keyword misspelt, a cut."""
    found: list[bytes] = []
    lines = text.split(b"\n")
    pieces = [b'"', b"\\", b"#", b"\n", b"msgid ", b"msgstr ", b"#~ ", b"#| ", b"\r", b"\x00"]
    while len(found) < count:
        kind = rng.randrange(6)
        if kind == 0:
            at = rng.randrange(len(text))
            found.append(text[:at] + text[at + 1:])
        elif kind == 1:
            at = rng.randrange(len(text))
            found.append(text[:at] + rng.choice(pieces) + text[at:])
        elif kind == 2:
            at = rng.randrange(len(lines))
            found.append(b"\n".join(lines[:at] + lines[at + 1:]))
        elif kind == 3:
            at = rng.randrange(len(lines))
            found.append(b"\n".join(lines[:at + 1] + lines[at:]))
        elif kind == 4:
            found.append(text[:rng.randrange(len(text))])
        else:
            at = rng.randrange(len(text))
            found.append(text[:at] + bytes([rng.randrange(256)]) + text[at + 1:])
    return found


@pytest.mark.parametrize("name", ["msgmerge_previous_obsolete_ca.po", "django_plural_ru.po",
                                  "babel_es.po", "weblate_ca.po", "tight_syntax.po",
                                  "escapes.po", "real_es_tar.po"])
def test_reader_verdict_on_mutants_is_msgfmts(name: str, tmp_path: Path) -> None:
    """Byte-level mutants of real layouts: accepted exactly when msgfmt accepts them,
    with msgfmt's counts."""
    text = (CORPUS / "valid" / name).read_bytes()
    rng = random.Random(name)
    probe = tmp_path / "probe.po"
    disagreements = []
    for mutant in _mutants(text, rng, 120):
        if mutant.startswith(b"\xef\xbb\xbf") or (b"\r" in mutant and b"\n" not in mutant):
            continue
        probe.write_bytes(mutant)
        accepted, counts = msgfmt(probe)
        mine, my_counts, error = ours(mutant)
        if tolerated(accepted, error):
            continue
        if mine != accepted or (accepted and counts != my_counts):
            disagreements.append((accepted, counts, my_counts, str(error), mutant))
    assert not disagreements, disagreements[:3]


def _verdict(result: subprocess.CompletedProcess[str], target: str) -> str:
    """'refused' when the command named the file as bad input, else 'read'."""
    if result.returncode == 2 and target in result.stderr:
        return "refused"
    assert "Traceback" not in result.stderr, result.stderr
    return "read"


@pytest.mark.parametrize("seed", range(3))
def test_mutated_catalogues_get_one_verdict_everywhere(demo: Path, tmp_path: Path,
                                                       seed: int) -> None:
    """A mutated catalogue is refused by every command or read by every command; the
    reader's verdict is msgfmt's; a refused file is untouched, and so is every other."""
    run("extract", cwd=demo, check=True)
    rng = random.Random(seed)
    rel = "locales/fr/2019-01-ransomware.po"
    target = demo / rel
    original = target.read_bytes()
    pristine = tmp_path / "pristine"
    shutil.copytree(demo, pristine)
    for mutant in _mutants(original, rng, 6):
        probe = tmp_path / "probe.po"
        probe.write_bytes(mutant)
        accepted, _ = msgfmt(probe)
        mine, _, error = ours(mutant)
        if mutant.startswith(b"\xef\xbb\xbf") or (b"\r" in mutant and b"\n" not in mutant):
            continue
        if tolerated(accepted, error):
            accepted = False  # every command must refuse it, as the reader does
        assert mine == accepted, (mutant[:2000], error)
        verdicts = set()
        for command in COMMANDS:
            shutil.rmtree(demo)
            shutil.copytree(pristine, demo)
            target.write_bytes(mutant)
            result = run(*command, cwd=demo)
            verdicts.add(_verdict(result, rel))
            if not accepted:
                assert target.read_bytes() == mutant, command
                assert "site" not in {p.name for p in demo.iterdir()} or command[0] not in (
                    "build", "release"), command
        assert verdicts == {"read" if accepted else "refused"}, (command, verdicts)


def _fields(po: catalog.Catalogue) -> list[object]:
    header = po.header_unit()
    return [[(name, getattr(u, name)) for name in catalog.Unit.__slots__]
            for u in ([header] if header else []) + po.units]


def _reading(text: str, fast: bool) -> object:
    """What the reader makes of a text: every field of every unit, or where and why it
    refused it."""
    from transkit.catalog import po

    try:
        return _fields(po._parse(text, fast=fast))
    except po._Fault as fault:
        return (fault.reason, fault.line)


def _fast_equals_lexer(samples: list[bytes]) -> int:
    """Assert the reader reads each sample as its lexer alone does; how many it read."""
    from transkit.catalog import po

    read = 0
    for sample in samples:
        try:
            text = po._decode(sample, "f.po")
        except InputError:
            continue
        fast = _reading(text, True)
        assert fast == _reading(text, False), sample[:3000]
        read += isinstance(fast, list)
    return read


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_whole_entry_fast_path_reads_as_the_lexer(path: Path) -> None:
    """The reader's fast path (whole entries matched at once, the lexer reading on from
    the first entry it does not recognise) gives exactly what its line-by-line lexer
    gives, units or the refusal with its line, on every corpus file and on mutants."""
    data = path.read_bytes()
    _fast_equals_lexer([data] + _mutants(data, random.Random(path.name), 40) if data
                       else [data])


def _wrapped_catalogue(rng: random.Random, entries: int) -> bytes:
    """A catalogue in gettext's own layout, as msgmerge and msgcat write it: long strings
    wrapped, translator and extracted comments, references, flags, contexts, previous
    msgids, plural entries and obsolete ones."""
    words = ("the minister said <a href=\"https://example.org/x\">report</a> 2,500 "
             "%(count)d {name} \\ tab\\there élan ümlaut « quoted » police "
             "budget").split(" ")

    def text(low: int, high: int) -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(low, high)))

    po = catalog.Catalogue()
    po.metadata = {"Project-Id-Version": "wrapped 1.0", "Language": "de",
                   "Content-Type": "text/plain; charset=UTF-8",
                   "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    po.has_header = True
    seen = set()
    for index in range(entries):
        msgid = f"{text(1, 30)} {index}."
        unit = catalog.Unit(msgid, f"{text(1, 35)} {index}." if rng.random() < 0.8 else "",
                            line=0)
        if rng.random() < 0.05:
            unit.msgctxt = rng.choice(["menu", "button", "a longer context " * 6])
        # (A comment ending in a backslash would join the next line, for msgfmt too.)
        if rng.random() < 0.1:
            unit.extracted_comments.append(text(2, 12).rstrip("\\ "))
        if rng.random() < 0.1:
            unit.translator_comments.append(text(2, 12).rstrip("\\ "))
        unit.references = [f"src/{rng.choice(words).strip('<>/')}.py:{rng.randint(1, 999)}"
                           for _ in range(rng.randint(0, 6))]
        if rng.random() < 0.1:
            unit.flags.append("fuzzy")
            if rng.random() < 0.5:
                unit.previous_msgid = text(3, 25)
        if rng.random() < 0.1:
            unit.flags.append("python-format")
        if rng.random() < 0.05:
            unit.msgid_plural = msgid + " (plural)"
            unit.msgstr_plural = {0: unit.msgstr, 1: unit.msgstr and unit.msgstr + " (pl)"}
            unit.msgstr = ""
        if rng.random() < 0.03:
            unit.obsolete = True
            unit.previous_msgid = None
        if unit.key not in seen:
            seen.add(unit.key)
            po.units.append(unit)
    return catalog.dumps(po).encode("utf-8")


@pytest.mark.parametrize("seed", range(4))
def test_wrapped_gettext_layout_is_read_whole_entries_at_once(seed: int,
                                                              tmp_path: Path) -> None:
    """On gettext's own layout (wrapped strings, comments, flags, plurals, obsolete
    entries), the fast path reads every entry (the lexer none), the units are the
    lexer's, the counts msgfmt's; mutants are read as the lexer reads them."""
    from transkit.catalog import po

    rng = random.Random(seed)
    data = _wrapped_catalogue(rng, 300)
    text = data.decode("utf-8")
    assert '#~ msgid ""\n#~ "' in text or seed, "the draw has a wrapped obsolete entry"
    assert "msgid_plural" in text and "#| msgid" in text and "msgctxt" in text
    collect = po._Collector(text)
    assert po._read_entries(text, collect)[0] == len(text)
    assert _reading(text, True) == _reading(text, False)
    probe = tmp_path / "wrapped.po"
    probe.write_bytes(data)
    accepted, counts = msgfmt(probe)
    assert accepted and ours(data)[1] == counts
    assert _fast_equals_lexer(_mutants(data, rng, 60)) > 0


def test_fast_path_hands_over_where_the_entry_may_go_on() -> None:
    """After entries read whole, the lexer reads on; where what follows may still belong
    to the entry before (a string after a blank line, a plural form), the whole file."""
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    cases = [
        head + 'msgid "a"\nmsgstr "b"\n\n"more"\n',
        head + 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\n\nmsgstr[1] "bs"\n',
        head + 'msgid "a"\nmsgstr "b"\n\nmsgstr "c"\n',
        head + 'msgid "a"\nmsgstr "b"\n\n#~ msgstr "c"\n',
        head + 'msgid "a"\nmsgstr "b"\n\nmsgid  "c"\nmsgstr "d"\n',
        head + 'msgid "a"\nmsgstr "b"\n\n#, fuzzy\nmsgid "a"\nmsgstr "d"\n',
        head + 'msgid "a"\nmsgstr "b"\n\n#~ msgid "z"\n#~ msgstr "y"\n\nmsgid "c"\n',
    ]
    for case in cases:
        assert _reading(case, True) == _reading(case, False), case


# --- Counting without units (`po.tally`, what a cold `status` reads) ---------------------

def _counted(data: bytes, fast: bool) -> object:
    """What `status` takes of a file: its record, or the error with its place."""
    from transkit.catalog.scan import stats_of

    try:
        return stats_of(data, "f.po", fast=fast).to_json()
    except InputError as exc:
        return (exc.message, str(exc.path), exc.line)


def _tally_equals_full_read(samples: list[bytes]) -> int:
    """Assert the counting read gives what the full read gives, record or refusal, on
    each sample; how many it counted itself (not handed to the full read)."""
    from transkit.catalog import po

    counted = 0
    for sample in samples:
        assert _counted(sample, True) == _counted(sample, False), sample[:3000]
        try:
            counted += po.tally(sample, "f.po") is not None
        except InputError:
            pass  # refused by the decoding `parse` shares, with the same error
    return counted


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_counting_read_gives_the_full_reads_figures(path: Path) -> None:
    """Every corpus file and its mutants: the same counts, headers, missing units with
    their lines, or the same `path:line: reason`, whether counted or read whole."""
    data = path.read_bytes()
    _tally_equals_full_read([data] + _mutants(data, random.Random(path.name), 40) if data
                            else [data])


@pytest.mark.parametrize("seed", range(4))
def test_counting_read_counts_gettexts_layout_itself(seed: int) -> None:
    """On gettext's own layout (wrapped strings, comments, flags, contexts, previous
    msgids, plurals, obsolete entries) the counting read counts the file itself, with the
    full read's figures; mutants give the full read's record or refusal."""
    from transkit.catalog import po

    rng = random.Random(100 + seed)
    data = _wrapped_catalogue(rng, 300)
    assert po.tally(data, "f.po") is not None
    assert _tally_equals_full_read([data]) == 1
    assert _tally_equals_full_read(_mutants(data, rng, 80)) > 0


def test_counting_read_on_the_demo_and_on_debian_catalogues(tmp_path: Path) -> None:
    """The demo's templates and catalogues (transkit's layout) and real catalogues turned
    back from Debian's installed .mo files by msgunfmt: counted, as the full read."""
    from transkit.catalog import po

    demo = sorted((Path(__file__).parent.parent / "locales").glob("*/*.po*"))
    assert len(demo) >= 8
    for path in demo:
        assert po.tally(path.read_bytes(), path) is not None, path
    assert _tally_equals_full_read([p.read_bytes() for p in demo]) == len(demo)
    compiled = sorted(Path("/usr/share/locale").glob("*/LC_MESSAGES/*.mo"))
    assert len(compiled) >= 20, "Debian's message catalogues (any installed package's)"
    samples = []
    for mo in random.Random(7).sample(compiled, 40):
        out = subprocess.run([gettext_tool("msgunfmt"), str(mo)], capture_output=True,
                             check=False)
        if out.returncode == 0:
            samples.append(out.stdout)
    assert len(samples) >= 20
    assert _tally_equals_full_read(samples) >= len(samples) // 2


def test_counting_read_says_where_a_file_is_wrong() -> None:
    """A file the full read refuses gives its `path:line: reason`, never counts: a
    duplicate, a bad escape, a string with no keyword, the newline rule."""
    from transkit.catalog.scan import stats_of

    head = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            '#: a.py:1\nmsgid ""\n"one "\n"two"\nmsgstr "u"\n\n')
    cases = {
        'msgid "one two"\nmsgstr "v"\n': (11, "duplicate message definition"),
        'msgid "x"\nmsgstr "\\q"\n': (12, "invalid control sequence"),
        '#, fuzzy\n"w"\nmsgid "x"\nmsgstr "y"\n': (12, "syntax error: a string with no"),
        'msgid "x"\n\nmsgid "z"\nmsgstr ""\n': (13, "syntax error: 'msgid' twice"),
        'msgid "x\\n"\nmsgstr "y"\n': (11, "'msgid' and 'msgstr' entries do not both end"),
    }
    for tail, (line, reason) in cases.items():
        data = (head + tail).encode()
        with pytest.raises(InputError) as fast:
            stats_of(data, "locales/de/x.po")
        with pytest.raises(InputError) as full:
            stats_of(data, "locales/de/x.po", fast=False)
        assert (fast.value.line, fast.value.message) == (full.value.line, full.value.message)
        assert fast.value.line == line and fast.value.message.startswith(reason), tail
        assert str(fast.value.path) == "locales/de/x.po"


# --- C format directives: gettext never breaks a line inside one -------------------------

DIRECTIVES = ["%%", "%d", "%s", "%5.2f", "%-10s", "%<PRIx64>", "%<PRIu32>", "%lu", "%lld",
              "%1$s", "%2$d", "%*d", "%.*s", "%'d", "%#x", "%zu", "%hhd", "%y", "%",
              "%<PRIz>", "%I5d", "%Id", "%+.3e", "%c", "%p", "%n", "%ls", "%5$*3$.*4$d",
              "% d", "%08.3lf", "%m", "%jd", "%qd", "%Lf", "%td"]
PROSE = "alpha beta gamma delta переполнение значение без добавлений (x) [y] 15€ a-b c/d e.f"


def _formatted(rng: random.Random) -> str:
    parts = [rng.choice(DIRECTIVES) if rng.random() < 0.35 else rng.choice(PROSE.split())
             for _ in range(rng.randint(5, 40))]
    text = rng.choice([" ", " ", "", "-", "/"]).join(parts)
    if rng.random() < 0.2:
        text += "\n"
    if rng.random() < 0.1:
        text = text.replace(" ", "\n", 1)
    return text


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_c_format_entries_are_wrapped_as_msgcat_wraps_them(tmp_path: Path, seed: int) -> None:
    """Valid, invalid and mixed (numbered and unnumbered) directives at every place of a
    line, in msgid, msgstr, plural and obsolete entries, flagged c-format or not: the file
    transkit writes is msgcat's layout of itself. gettext stops looking for directives at
    the first invalid one, in the whole text (not piece by piece after a newline)."""
    from transkit.catalog import Catalogue
    from transkit.unit import Unit

    rng = random.Random(seed)
    po = Catalogue(metadata={"Content-Type": "text/plain; charset=UTF-8",
                             "Plural-Forms": "nplurals=2; plural=(n != 1);"})
    for number in range(200):
        flags = rng.choice([["c-format"], ["c-format"], [], ["no-c-format"]])
        draw = rng.random()
        if draw < 0.2:
            po.append(Unit(f"{number} {_formatted(rng)}", msgid_plural=_formatted(rng),
                           msgstr_plural={0: _formatted(rng), 1: _formatted(rng)},
                           flags=flags))
        else:
            unit = Unit(f"{number} {_formatted(rng)}", _formatted(rng), flags=flags)
            unit.obsolete = draw < 0.3
            po.append(unit)
    path = tmp_path / "formats.po"
    path.write_text(catalog.dumps(po), "utf-8")
    msgcat = subprocess.run([gettext_tool("msgcat"), str(path)], capture_output=True,
                            text=True, check=True)
    assert msgcat.stdout == path.read_text("utf-8")


def test_no_break_inside_a_c_format_directive(tmp_path: Path) -> None:
    """Found in Debian's bfd catalogues (ru, sr, uk): `%` and `%pcrel_lo` on two lines."""
    from transkit.catalog import Catalogue
    from transkit.unit import Unit

    text = ("переполнение %%pcrel_lo с добавлением, значение %%pcrel_hi равно 0x%<PRIx64> "
            "без добавлений, но может стать 0x%<PRIx64> после подключения добавления "
            "%%pcrel_lo")
    po = Catalogue(metadata={"Content-Type": "text/plain; charset=UTF-8"})
    po.append(Unit("%%pcrel_lo overflow with an addend", text, flags=["c-format"]))
    written = catalog.dumps(po)
    assert '"%%pcrel_lo"' in written and '%"\n' not in written
    path = tmp_path / "fmt.po"
    path.write_text(written, "utf-8")
    msgcat = subprocess.run([gettext_tool("msgcat"), str(path)], capture_output=True,
                            text=True, check=True)
    assert msgcat.stdout == written
