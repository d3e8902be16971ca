"""Renderings: status as text, JSON and Markdown (the library computes, these only show)."""
