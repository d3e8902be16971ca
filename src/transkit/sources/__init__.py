"""Bulletin formats: a page read into a skeleton and units, and written back with
translations. HTML is the one built-in adapter (`html.py`)."""
