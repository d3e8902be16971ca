"""`transkit serve`: the translators' web editor over the project's own files (pages, the
JSON API under /api/v1 they use, the event stream), safe to open on a team's network."""
