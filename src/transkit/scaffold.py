"""`transkit init`: the files a new project starts with."""

from __future__ import annotations

import re
from pathlib import Path

from .config import CONFIG_NAME, default_config
from .errors import InputError
from .fsutil import atomic_write_text

GITIGNORE = """\
# transkit: derived data and build output
.transkit/
site/
translation-status.html
"""

WORKFLOW = """\
# Blocks a push whose translations are incomplete or broken. The status dashboard is
# written before the gate and kept as an artifact whatever the gate says (with the
# built site when the gate passes). TRANSKIT_INSTALL says how this project installs
# transkit (see its README: a pinned git reference or a wheel URL; it is not published
# on the public index).
name: translations
on: [push, pull_request]
env:
  TRANSKIT_INSTALL: "{install}"
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # the whole history: the dashboard charts progress per commit
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
      - run: transkit status --format html > translation-status.html
      - run: transkit release
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: translations
          path: |
            translation-status.html
            site/
          if-no-files-found: ignore
"""

# The workflows earlier transkits wrote (install line aside): one still as written is
# replaced whole by `init --install`; one a person edited keeps all but that line.
EARLIER_WORKFLOWS = ("""\
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
""",)
WORKFLOW_PATH = Path(".github") / "workflows" / "translations.yml"
INSTALL_LINE = re.compile(r'^(\s*TRANSKIT_INSTALL:\s*)"(?:[^"\\]|\\.)*"[ \t]*$', re.M)


def _quoted(spec: str) -> str:
    return spec.replace("\\", "\\\\").replace('"', '\\"')


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


def project_languages(source: str | None, languages: str | None) -> tuple[str, tuple[str, ...]]:
    """`init`'s --source-lang and --languages (a comma-separated list) checked: known codes,
    none twice, the source among them (put first when the list leaves it out)."""
    from .languages import check_language

    codes = tuple(c.strip() for c in languages.split(",")) if languages is not None \
        else LANGUAGES
    if any(not c for c in codes):
        raise InputError(f"--languages: an empty language code in {languages!r} "
                         "(a comma-separated list, such as ca,es,en,fr)")
    for code in codes:
        try:
            check_language(code)
        except InputError as exc:
            raise InputError(f"--languages: {exc.message}") from None
    twice = [c for c in codes if codes.count(c) > 1]
    if twice:
        raise InputError(f"--languages lists {twice[0]!r} twice")
    if source is None:
        source = codes[0] if languages is not None else "ca"
    try:
        check_language(source)
    except InputError as exc:
        raise InputError(f"--source-lang: {exc.message}") from None
    if source not in codes:
        codes = (source, *codes)
    return source, codes


def init_project(directory: Path, force: bool = False, install: str | None = None,
                 source: str | None = None, languages: str | None = None
                 ) -> tuple[list[Path], list[Path]]:
    """Scaffold a project; returns (written, kept): with --force, files already there that
    a person may have edited (the configuration, the CI workflow) are kept as they are."""
    source_language, codes = project_languages(source, languages)
    if directory.exists() and not directory.is_dir():
        raise InputError("exists and is not a folder", directory)
    # A fresh `git init` (only .git there) is an empty folder for a project.
    if directory.exists() and any(p.name != ".git" for p in directory.iterdir()) and not force:
        raise InputError("folder is not empty; use --force to scaffold here anyway", directory)
    written: list[Path] = []
    kept: list[Path] = []
    files = {
        directory / CONFIG_NAME: default_config(directory.resolve().name, source_language,
                                                codes),
        directory / ".gitignore": GITIGNORE,
        directory / WORKFLOW_PATH: WORKFLOW.format(
            install=_quoted(install if install is not None else install_spec() or "")),
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
    for folder in [directory / "bulletins"] + [directory / "locales" / lang for lang in codes]:
        if folder.is_dir():
            continue
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ".gitkeep").touch()
        written.append(folder)
    return written, kept


def update_workflow(directory: Path, install: str) -> tuple[Path, str]:
    """An existing project's CI workflow set to install transkit as `install`: written
    anew when it is a workflow transkit wrote (this version's or an earlier one, as
    written), else only its TRANSKIT_INSTALL line changed. Returns (path, what was done:
    "created", "updated", "updated the install line of" or "unchanged")."""
    from .fsutil import read_text

    path = directory / WORKFLOW_PATH
    fresh = WORKFLOW.format(install=_quoted(install))
    if not path.exists():
        atomic_write_text(path, fresh)
        return path, "created"
    text = read_text(path)
    if text == fresh:
        return path, "unchanged"
    as_written = INSTALL_LINE.sub(lambda m: f'{m.group(1)}"{{install}}"', text)
    if as_written in (WORKFLOW, *EARLIER_WORKFLOWS):
        atomic_write_text(path, fresh)
        return path, "updated"
    found = list(INSTALL_LINE.finditer(text))
    if len(found) != 1:
        raise InputError('has no single TRANSKIT_INSTALL: "…" line to set (edited by '
                         "hand?): set it there, or remove the file and run `transkit init "
                         "--install SPEC` again to write it anew", path)
    line = found[0]
    atomic_write_text(path, text[:line.start()] + f'{line.group(1)}"{_quoted(install)}"'
                      + text[line.end():])
    return path, "updated the install line of"
