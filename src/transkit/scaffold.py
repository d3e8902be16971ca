"""`transkit init`: the files a new project starts with."""

from __future__ import annotations

from pathlib import Path

from .config import CONFIG_NAME, DEFAULT_CONFIG
from .errors import InputError
from .fsutil import atomic_write_text

GITIGNORE = """\
# transkit: derived data and build output
.transkit/
site/
"""

WORKFLOW = """\
# Blocks a push whose translations are incomplete or broken.
name: translations
on: [push, pull_request]
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: sudo apt-get install -y gettext
      - run: pip install transkit
      - run: transkit status --missing
      - run: transkit release
"""

LANGUAGES = ("ca", "es", "en", "fr")


def init_project(directory: Path, force: bool = False) -> tuple[list[Path], list[Path]]:
    """Scaffold a project; returns (written, kept): with --force, files already there that
    a person may have edited (the configuration, the CI workflow) are kept as they are."""
    if directory.exists() and not directory.is_dir():
        raise InputError("exists and is not a folder", directory)
    if directory.exists() and any(directory.iterdir()) and not force:
        raise InputError("folder is not empty; use --force to scaffold here anyway", directory)
    written: list[Path] = []
    kept: list[Path] = []
    files = {
        directory / CONFIG_NAME: DEFAULT_CONFIG.format(name=directory.resolve().name),
        directory / ".gitignore": GITIGNORE,
        directory / ".github" / "workflows" / "translations.yml": WORKFLOW,
    }
    for path, text in files.items():
        if path.name != ".gitignore" and path.exists():
            kept.append(path)
            continue
        if path.name == ".gitignore" and path.exists():
            existing = path.read_text("utf-8")
            missing = [line for line in GITIGNORE.splitlines()
                       if line and not line.startswith("#") and line not in existing.splitlines()]
            if not missing:
                continue
            text = existing.rstrip("\n") + "\n" + "\n".join(missing) + "\n"
        atomic_write_text(path, text)
        written.append(path)
    for folder in [directory / "bulletins"] + [directory / "locales" / lang for lang in LANGUAGES]:
        folder.mkdir(parents=True, exist_ok=True)
        keep = folder / ".gitkeep"
        if not any(folder.iterdir()):
            keep.touch()
        written.append(folder)
    return written, kept
