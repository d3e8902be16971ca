#!/usr/bin/env python3
"""Does a real CAT tool reuse our TMX? OmegaT (Debian package `omegat`, console mode) on
the demo bulletins, with the memory `transkit tm export` writes.

For every target language, an OmegaT project holds the bulletins written in the project's
source language and, in `tm/auto/`, only the memory's units that have inline codes:
OmegaT fills a segment from `tm/auto/` when the memory has exactly its source, tags
included, so the segments it fills are the tagged sentences it reused. Two memories,
same run: the TMX transkit wrote before (codes holding our placeholder text, `<g1>`)
and the one it writes now (codes holding the bulletin's markup and a `type`). OmegaT
reads external TMX codes as tags only with "level 2" tags on (its preference
`ext_tmx_show_level2`, given here in a configuration folder of the run's own); it
names a tag after the first letter of the code's content, so `&lt;a href=…&gt;` is its
`<a0>`, as its HTML filter names `<a href=…>`, and `&lt;g1&gt;` is a `<g0>` nothing has.

Usage: benchmarks/interop_omegat.py [--keep DIR]   (needs java and /usr/share/omegat)
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from lxml import etree

from transkit.agency import markup_index
from transkit.memory import open_store
from transkit.memory.exchange import export_tmx
from transkit.memory.learn import learn_project
from transkit.project import Project

REPO = Path(__file__).resolve().parent.parent
OMEGAT_JAR = Path("/usr/share/omegat/OmegaT.jar")
TOKENIZERS = {"ca": "LuceneCatalanTokenizer", "es": "LuceneSpanishTokenizer",
              "en": "LuceneEnglishTokenizer", "fr": "LuceneFrenchTokenizer"}

PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <source_dir_excludes/>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>{src}</source_lang>
    <target_lang>{tgt}</target_lang>
    <source_tok>org.omegat.tokenizer.{src_tok}</source_tok>
    <target_tok>org.omegat.tokenizer.{tgt_tok}</target_tok>
    <sentence_seg>true</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""

PREFS = """<?xml version="1.0" encoding="UTF-8" ?>
<omegat>
  <preference version="1.0">
    <ext_tmx_show_level2>true</ext_tmx_show_level2>
    <ext_tmx_use_slash>true</ext_tmx_use_slash>
  </preference>
</omegat>
"""


def only_tagged(tmx: Path, out: Path) -> int:
    """The TMX with only its units that have inline codes."""
    tree = etree.parse(str(tmx), etree.XMLParser(resolve_entities=False, no_network=True,
                                                 load_dtd=False))
    body = tree.find("body")
    assert body is not None
    kept = 0
    for tu in list(body):
        if tu.find(".//bpt") is None and tu.find(".//ph") is None:
            body.remove(tu)
        else:
            kept += 1
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    return kept


def omegat(project: Path, config_dir: Path, *mode: str) -> None:
    subprocess.run(["java", "-Djava.awt.headless=true", "-jar", str(OMEGAT_JAR), str(project),
                    *mode, f"--config-dir={config_dir}"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)


def remaining(project: Path) -> tuple[int, int]:
    """(unique segments, unique segments left untranslated) from OmegaT's statistics."""
    text = (project / "omegat" / "project_stats.txt").read_text("utf-8")
    total = re.search(r"^Unique:\s+(\d+)", text, re.M)
    left = re.search(r"^Unique Remaining:\s+(\d+)", text, re.M)
    assert total is not None and left is not None, text
    return int(total.group(1)), int(left.group(1))


def tagged_segments(project: Path, config_dir: Path, work: Path) -> int:
    """OmegaT's own segments of the project that hold tags (its pseudo-translation TMX)."""
    pseudo = work / "pseudo.tmx"
    omegat(project, config_dir, "--mode=console-createpseudotranslatetmx",
           f"--pseudotranslatetmx={pseudo}", "--pseudotranslatetype=equal")
    tree = etree.parse(str(pseudo), etree.XMLParser(resolve_entities=False, no_network=True,
                                                    load_dtd=False))
    sources = {"".join(tu.find("tuv/seg").itertext()) for tu in tree.iter("tu")}
    return sum(1 for s in sources if re.search(r"<[a-z]\d+/?>", s))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    if shutil.which("java") is None or not OMEGAT_JAR.is_file():
        sys.exit("needs java and OmegaT (Debian: apt-get install omegat)")
    work = args.keep or Path(tempfile.mkdtemp(prefix="transkit-omegat-"))
    work.mkdir(parents=True, exist_ok=True)
    demo = work / "demo"
    if not demo.exists():
        demo.mkdir()
        for name in ("transkit.toml", "bulletins", "locales", "glossary"):
            source = REPO / name
            if source.is_dir():
                shutil.copytree(source, demo / name)
            else:
                shutil.copy(source, demo / name)
    loaded = Project.load(demo)
    store = open_store(loaded)
    try:
        learn_project(loaded, store)
        before, after = work / "placeholders.tmx", work / "markup.tmx"
        export_tmx(store.entries(), before, loaded.config.source_language)  # the earlier export
        export_tmx(store.entries(), after, loaded.config.source_language, None,
                   markup_index(loaded))
    finally:
        store.close()
    config_dir = work / "omegat-config"
    config_dir.mkdir(exist_ok=True)
    (config_dir / "omegat.prefs").write_text(PREFS, "utf-8")
    src = loaded.config.source_language
    bulletins = [p for p in sorted(loaded.bulletins.glob("*.html"))
                 if re.search(rf'<html[^>]*lang="{src}"', p.read_text("utf-8"))]
    print(f"OmegaT {OMEGAT_JAR} console mode; {len(bulletins)} bulletins written in {src}; "
          "tm/auto holds only the memory's units with inline codes")
    print(f"{'target':<7} {'segments':>8} {'with tags':>9} {'reused: <g1> codes':>19} "
          f"{'reused: markup codes':>21}")
    totals = [0, 0, 0]
    for lang in [x for x in loaded.languages if x != src]:
        project = work / f"omegat-{lang}"
        shutil.rmtree(project, ignore_errors=True)
        for folder in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
            (project / folder).mkdir(parents=True)
        for page in bulletins:
            shutil.copy(page, project / "source" / page.name)
        (project / "omegat.project").write_text(PROJECT.format(
            src=src.upper(), tgt=lang.upper(), src_tok=TOKENIZERS.get(src, "DefaultTokenizer"),
            tgt_tok=TOKENIZERS.get(lang, "DefaultTokenizer")), "utf-8")
        tagged = tagged_segments(project, config_dir, work)
        reused = []
        for memory in (before, after):
            auto = project / "tm" / "auto" / "memory.tmx"
            only_tagged(memory, auto)
            shutil.rmtree(project / "target")
            (project / "target").mkdir()
            omegat(project, config_dir, "--mode=console-translate")
            total, left = remaining(project)
            reused.append(total - left)
            auto.unlink()
        print(f"{lang:<7} {total:>8} {tagged:>9} {reused[0]:>19} {reused[1]:>21}")
        totals = [totals[0] + tagged, totals[1] + reused[0], totals[2] + reused[1]]
    print(f"{'all':<7} {'':>8} {totals[0]:>9} {totals[1]:>19} {totals[2]:>21}")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
