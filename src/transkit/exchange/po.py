"""PO compendia: a gettext catalogue of translations (`msgcat` of many catalogues, or a
memory another tool kept), one language pair, read and written through the catalogue
model. The target language is the `Language` header, the source language the one the user
gave, else the `X-Transkit-Source-Language` header, else unknown (the caller's)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .. import catalog
from ..catalog import SOURCE_LANG_HEADER, Catalogue
from ..errors import InputError
from ..languages import check_language, primary
from ..unit import Unit
from . import Bitext
from .tmx import xml_safe


class Compendium:
    """A PO compendium: one Bitext, its units as the catalogue holds them."""

    name = "po"
    suffixes = (".po", ".pot")
    description = "PO compendium (one language pair)"

    def read(self, path: Path, source_lang: str | None = None) -> Iterator[Bitext]:
        po = catalog.load(path)
        lang = po.metadata.get("Language", "").strip()
        if not lang:
            raise InputError("PO compendium has no Language header", path, 1)
        target = check_language(primary(lang))
        said = source_lang or po.metadata.get(SOURCE_LANG_HEADER, "").strip()
        source = check_language(primary(said)) if said else ""  # "": the caller's default
        bitext = Bitext(source, target, doc=path.name, original=path.name, line=1)
        for unit in po.units:
            index = len(bitext.units)
            bitext.units.append(unit)
            # The memory keeps what it imports as TMX: what TMX cannot hold it would lose.
            if not (xml_safe(unit.msgid) and xml_safe(unit.msgstr)):
                bitext.problems[index] = "a control character that TMX cannot hold"
        yield bitext

    def write(self, bitexts: Iterable[Bitext], path: Path, **options: Any) -> int:
        """The translated units of one language pair as a compendium (the first
        translation of a source wins: a catalogue holds a source once)."""
        po = Catalogue(metadata={})
        seen: set[tuple[str, str | None]] = set()
        pair: tuple[str, str] | None = None
        for bitext in bitexts:
            if pair is None:
                pair = (bitext.source, bitext.target)
            elif pair != (bitext.source, bitext.target):
                raise InputError("a PO compendium holds one language pair", path)
            for unit in bitext.units:
                if not unit.msgid or not unit.has_target or unit.key in seen:
                    continue
                seen.add(unit.key)
                po.units.append(Unit(unit.msgid, unit.msgstr, msgctxt=unit.msgctxt,
                                     flags=["fuzzy"] if unit.fuzzy else [],
                                     translator_comments=list(unit.translator_comments)))
        if pair is None:
            raise InputError("nothing to write", path)
        po.metadata.update({
            "Project-Id-Version": "transkit translation memory", "Language": pair[1],
            "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit", SOURCE_LANG_HEADER: pair[0]})
        catalog.save(po, path)
        return len(po.units)
