"""The project object: places resolved once, documents discovered once, paths shown as the
user sees them, language options checked, the lock."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from transkit.errors import InputError, LockedError
from transkit.extract import extract
from transkit.project import Project


def test_places_come_from_the_configuration(project: Path) -> None:
    toml = project / "transkit.toml"
    toml.write_text(toml.read_text("utf-8") + '\n[paths]\nlocales = "l10n"\nsite = "public"\n'
                    '\n[tm]\npath = "memory/tm.sqlite"\n', "utf-8")
    loaded = Project.load(project / "bulletins")  # found from a folder inside it
    root = project.resolve()
    assert loaded.root == root
    assert loaded.locales == root / "l10n" and loaded.site == root / "public"
    assert loaded.memory == root / "memory" / "tm.sqlite"
    assert loaded.template("post", "ca") == root / "l10n" / "ca" / "post.pot"
    assert loaded.catalogue("post", "fr") == root / "l10n" / "fr" / "post.po"
    assert loaded.shown(loaded.catalogue("post", "fr")) == "l10n/fr/post.po"
    assert loaded.shown(Path("/elsewhere/x.po")) == "/elsewhere/x.po"


def test_a_path_through_a_link_is_shown_inside_the_project(project: Path,
                                                           tmp_path: Path) -> None:
    alias = tmp_path / "alias"
    alias.symlink_to(project)
    loaded = Project.load(project)
    assert loaded.shown(alias / "bulletins" / "post.html") == "bulletins/post.html"


def test_catalogues_carry_their_shown_paths(project: Path) -> None:
    loaded = Project.load(project)
    extract(loaded, learn=False)
    refs = loaded.catalogues()
    assert [(r.name, r.lang, r.shown) for r in refs] == [
        (r.name, r.lang, loaded.shown(r.path)) for r in refs]
    assert {r.lang for r in refs} == {"es", "en", "fr"}  # not the source language
    assert all(r.shown.startswith("locales/") and r.path.is_file() for r in refs)
    (project / "locales" / "fr" / "post.po").unlink()
    assert "fr" not in {r.lang for r in loaded.catalogues(docs=["post"])}
    assert "fr" in {r.lang for r in loaded.catalogues(docs=["post"], missing=True)}


def test_documents_are_found_once_until_rescanned(project: Path) -> None:
    loaded = Project.load(project)
    assert loaded.documents() == []  # nothing extracted yet
    extract(loaded, learn=False)  # writes templates: extract looks again afterwards
    names = [d.name for d in loaded.documents()]
    assert "post" in names
    (project / "locales" / "ca" / "post.pot").rename(project / "locales" / "ca" / "new.pot")
    assert [d.name for d in loaded.documents()] == names  # discovered once
    loaded.rescan()
    assert "new" in [d.name for d in loaded.documents()]
    assert "post" not in [d.name for d in loaded.documents()]


def test_a_language_option_must_be_the_projects(project: Path) -> None:
    loaded = Project.load(project)
    assert loaded.select_languages(None) == list(loaded.languages)
    assert loaded.select_languages(["fr", "es"]) == ["es", "fr"]  # the project's order
    with pytest.raises(InputError, match=r"--to 'fra' is not one of .*did you mean 'fr'"):
        loaded.language("fra", "--to")


def test_unknown_documents_and_bulletins_are_errors(project: Path) -> None:
    loaded = Project.load(project)
    with pytest.raises(InputError, match="no bulletin named 'nope'"):
        loaded.sources(["nope"])
    extract(loaded, learn=False)
    with pytest.raises(InputError, match="no extracted document named 'nope'"):
        loaded.catalogues(docs=["nope"])


def test_the_lock_is_the_projects(project: Path) -> None:
    first, second = Project.load(project), Project.load(project)
    with first.lock():
        assert (project / ".transkit" / "lock.holder").read_text("utf-8").startswith(
            f"{os.getpid()}\t")
        with pytest.raises(LockedError, match="locked by"):
            with second.lock(wait=False):
                pass
    with second.lock(wait=False):
        pass
