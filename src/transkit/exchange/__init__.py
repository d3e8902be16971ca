"""Exchange formats behind the one unit model: what a CAT tool reads and writes."""
