"""transkit: the translation workflow of a multilingual news bulletin."""

__version__ = "0.1.0"
