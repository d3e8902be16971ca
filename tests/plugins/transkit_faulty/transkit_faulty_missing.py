"""A plug-in whose dependency is not installed: importing it fails."""

import does_not_exist_anywhere  # noqa: F401


class Anything:
    pass
