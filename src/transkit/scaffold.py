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
# Blocks a push whose translations are incomplete or broken; the built site is kept as
# an artifact. TRANSKIT_INSTALL says how this project installs transkit (see its README:
# a pinned git reference or a wheel URL; it is not published on the public index).
name: translations
on: [push, pull_request]
env:
  TRANSKIT_INSTALL: "{install}"
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
          cache: pip
          cache-dependency-path: .github/workflows/translations.yml
      - run: |
          if [ -z "$TRANSKIT_INSTALL" ]; then
            echo "set TRANSKIT_INSTALL in .github/workflows/translations.yml" \\
                 "(a pinned git reference or a wheel URL)"; exit 1
          fi
      - run: python -m pip install "$TRANSKIT_INSTALL"
      - run: transkit status --missing
      - run: transkit release
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: site
          path: site/
          if-no-files-found: ignore
"""

DISTRIBUTION = "transkit-bulletin"


def install_spec() -> str | None:
    """How this transkit was installed, as a pip requirement CI can repeat: a pinned git
    reference (PEP 610 records the commit) or the URL of a wheel; None when it cannot be
    repeated elsewhere (an editable or local install)."""
    import json
    from importlib import metadata

    try:
        raw = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not raw:
        return None  # from an index: not ours (the name on the public index is another's)
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    url = str(data.get("url", ""))
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id"):
        return f"{DISTRIBUTION} @ git+{url}@{vcs['commit_id']}"
    if url.startswith(("https://", "http://")) and url.endswith(".whl"):
        return f"{DISTRIBUTION} @ {url}"
    return None


LANGUAGES = ("ca", "es", "en", "fr")


def init_project(directory: Path, force: bool = False, install: str | None = None
                 ) -> tuple[list[Path], list[Path]]:
    """Scaffold a project; returns (written, kept): with --force, files already there that
    a person may have edited (the configuration, the CI workflow) are kept as they are."""
    if directory.exists() and not directory.is_dir():
        raise InputError("exists and is not a folder", directory)
    # A fresh `git init` (only .git there) is an empty folder for a project.
    if directory.exists() and any(p.name != ".git" for p in directory.iterdir()) and not force:
        raise InputError("folder is not empty; use --force to scaffold here anyway", directory)
    written: list[Path] = []
    kept: list[Path] = []
    files = {
        directory / CONFIG_NAME: DEFAULT_CONFIG.format(name=directory.resolve().name),
        directory / ".gitignore": GITIGNORE,
        directory / ".github" / "workflows" / "translations.yml": WORKFLOW.format(
            install=(install if install is not None else install_spec() or "")
            .replace("\\", "\\\\").replace('"', '\\"')),
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
