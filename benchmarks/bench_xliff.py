#!/usr/bin/env python3
"""An agency round trip at scale: one language's catalogues out as XLIFF, every target
filled, back into PO; transkit (`xliff export`, `xliff import`) beside Translate
Toolkit's `po2xliff` / `xliff2po`, same catalogues, same run, medians of N runs.

Besides the times it prints what each round trip kept: the previous msgids of fuzzy
entries (`#|`), the obsolete entries (`#~`), whether the header came back fuzzy, how many
translations came back, and how many of the XLIFF files written are valid against the
OASIS schema. transkit's import also validates the file against the schema, refuses
entries changed since the export and has the TM learn what came in (the memory is learnt
once before timing, so only the written catalogues are learnt again).

Usage: benchmarks/bench_xliff.py [--docs 200] [--units 50] [--runs 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import copy
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polib
from lxml import etree

from transkit import catalog
from transkit.unit import Unit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_status import generate  # noqa: E402  (the same synthetic corpus)

BIN = Path(sys.executable).parent
SCHEMAS = Path(__file__).resolve().parent.parent / "src" / "transkit" / "data" / "xliff"
NS = {"2.0": "urn:oasis:names:tc:xliff:document:2.0",
      "1.2": "urn:oasis:names:tc:xliff:document:1.2"}
SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                       huge_tree=True)


def enrich(locales: Path) -> tuple[int, int]:
    """Give the French catalogues what a real project has: previous sources on fuzzy
    entries, obsolete entries. Returns (previous msgids, obsolete entries)."""
    previous = obsolete = 0
    for index, path in enumerate(sorted(locales.glob("*.po"))):
        po = catalog.load(path)
        for unit in po:
            if unit.fuzzy:
                unit.previous_msgid = unit.msgid.replace(".", " abans.")
                previous += 1
        if index % 2 == 0:
            po.append(Unit(f"Frase retirada {index}.", f"Phrase retirée {index}.",
                           obsolete=True))
            obsolete += 1
        catalog.save(po, path)
    return previous, obsolete


def fill(path: Path, version: str) -> int:
    """As a CAT tool would: every target set to the source's content (codes kept) with a
    mark, and marked translated."""
    tree = etree.parse(str(path), SAFE)
    ns = etree.QName(tree.getroot()).namespace or NS[version]  # po2xliff writes 1.1's
    count = 0
    holders = (tree.iter(f"{{{ns}}}segment") if version == "2.0"
               else tree.iter(f"{{{ns}}}trans-unit"))
    for holder in holders:
        if holder.get("restype") == "x-gettext-domain-header":
            continue  # po2xliff's PO header: not text a translator translates
        source = holder.find(f"{{{ns}}}source")
        old = holder.find(f"{{{ns}}}target")
        target = copy.deepcopy(source)
        target.tag = f"{{{ns}}}target"
        target.text = "[fr!] " + (target.text or "")
        target.tail = old.tail if old is not None else None
        if old is not None:
            holder.replace(old, target)
        else:
            source.addnext(target)
        if version == "2.0":
            holder.set("state", "translated")
        else:
            holder.set("approved", "yes")
            target.set("state", "translated")
        count += 1
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    return count


def valid(paths: list[Path], version: str) -> int:
    name = "xliff-core-2.0.xsd" if version == "2.0" else "xliff-core-1.2-transitional.xsd"
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / name), SAFE))
    return sum(1 for p in paths if schema.validate(etree.parse(str(p), SAFE)))


def kept(folder: Path) -> tuple[int, int, int, int, int]:
    """(previous msgids, obsolete entries, fuzzy headers, translated entries, obsolete
    entries come back as live ones) of a folder of PO files, read with polib."""
    previous = obsolete = fuzzy_headers = translated = revived = 0
    for path in sorted(folder.glob("*.po")):
        po = polib.pofile(str(path))
        fuzzy_headers += 1 if po.metadata_is_fuzzy else 0
        for entry in po:
            if entry.obsolete:
                obsolete += 1
            elif entry.previous_msgid:
                previous += 1
            if not entry.obsolete and entry.translated():
                translated += 1
            if not entry.obsolete and entry.msgid.startswith("Frase retirada"):
                revived += 1
    return previous, obsolete, fuzzy_headers, translated, revived


def run(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--units", type=int, default=50, help="units per document")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="transkit-bench-xliff-"))
    fr = root / "locales" / "fr"
    pristine = root / "pristine-fr"
    if not (root / "transkit.toml").exists():
        print(f"generating {args.docs} documents x {args.units} units …", flush=True)
        generate(root, args.docs, args.units)
        enrich(fr)
        shutil.copytree(fr, pristine)
        subprocess.run([str(BIN / "transkit"), "tm", "rebuild"], cwd=root, check=True,
                       stdout=subprocess.DEVNULL)
    before = kept(pristine)
    entries = sum(1 for p in sorted(pristine.glob("*.po")) for e in polib.pofile(str(p))
                  if not e.obsolete)

    def restore() -> None:
        shutil.rmtree(fr)
        shutil.copytree(pristine, fr)

    rows = []
    for version in ("2.0", "1.2"):
        exports, imports = [], []
        out = root / f"agency-{version}.xlf"
        for _ in range(args.runs):
            restore()
            exports.append(run([str(BIN / "transkit"), "xliff", "export", "--lang", "fr",
                                "--only", "all", "--no-matches", "--version", version,
                                str(out)], root))
            filled = fill(out, version)
            imports.append(run([str(BIN / "transkit"), "xliff", "import", str(out)], root))
        rows.append((f"transkit xliff {version}", statistics.median(exports),
                     statistics.median(imports), filled, valid([out], version), 1, kept(fr)))
    exports, imports = [], []
    tt_xliff, tt_po = root / "tt-xliff", root / "tt-po"
    for _ in range(args.runs):
        restore()
        shutil.rmtree(tt_xliff, ignore_errors=True)
        shutil.rmtree(tt_po, ignore_errors=True)
        exports.append(run([str(BIN / "po2xliff"), "-i", str(fr), "-o", str(tt_xliff)], root))
        files = sorted(tt_xliff.glob("*.xliff"))
        filled = sum(fill(p, "1.2") for p in files)
        imports.append(run([str(BIN / "xliff2po"), "-i", str(tt_xliff), "-o", str(tt_po)],
                           root))
    rows.append(("Translate Toolkit po2xliff/xliff2po", statistics.median(exports),
                 statistics.median(imports), filled, valid(files, "1.2"), len(files),
                 kept(tt_po)))
    restore()

    print(f"{args.docs} French catalogues, {entries:,} entries; before the round trip: "
          f"{before[0]:,} previous msgids, {before[1]:,} obsolete entries, "
          f"{before[2]} fuzzy headers; medians of {args.runs} runs")
    head = (f"{'round trip':<37} {'export s':>8} {'import s':>8} {'units':>7} "
            f"{'valid XLIFF':>11} {'#| kept':>8} {'#~ kept':>8} {'fuzzy hdr':>9} "
            f"{'translated':>10} {'#~ revived':>10}")
    print(head)
    # "valid XLIFF": against the OASIS 2.0 or 1.2 schema (po2xliff writes XLIFF 1.1).
    for name, export_s, import_s, filled, good, files, (prev, obs, hdr, done, back) in rows:
        print(f"{name:<37} {export_s:>8.2f} {import_s:>8.2f} {filled:>7,} "
              f"{f'{good}/{files}':>11} {prev:>8,} {obs:>8,} {hdr:>9} {done:>10,} {back:>10,}")
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
