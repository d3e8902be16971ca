"""The command git runs as the merge driver (`python -m transkit.merge_driver %O %A %B %P`):
the interface of `gitmerge.run_driver`, kept out of cli/ so that it starts without click
and the configuration, a cost a merge touching 1,000 catalogues pays 1,000 times.

Exit 0: merged, the result in %A. Exit 1: a conflict git must report (units in conflict,
or a side that is not PO: git's line merge is left in %A). Messages go to stderr as
`path:line: reason`; never a traceback, since git shows whatever the driver prints.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print("usage: python -m transkit.merge_driver BASE OURS THEIRS PATH (git's %O %A %B "
              "%P; `transkit git-setup` registers it)", file=sys.stderr)
        return 2
    from .errors import TranskitError
    from .gitmerge import run_driver

    base, ours, theirs, path = argv
    try:
        outcome = run_driver(Path(base), Path(ours), Path(theirs), path)
    except TranskitError as exc:  # a version git handed us cannot be read at all
        print(f"transkit: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"transkit: {exc.filename or path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    if outcome.error is not None:
        print(f"transkit: {outcome.error}; git's line merge left in {path} (nothing lost: "
              "fix the file, or take one side and merge again)", file=sys.stderr)
        return 1
    for line in outcome.conflicts:
        print(f"transkit: {line}", file=sys.stderr)
    return 1 if outcome.conflicts else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
