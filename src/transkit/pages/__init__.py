"""The HTML transkit writes itself: the language switch, head links and banner it puts into
built posts, the site index, the aligned and alignment review pages, and the status
dashboard. Every page is one lxml tree serialised as HTML5; text goes in as text (never
parsed as markup) and markup only from a source page's own elements."""
