"""Bounds shared by the engine and the pages that quote it: one owner for each value."""

# Characters of a search query read (the rest is dropped with a note); search boxes, feeds and suggestions keep to it.
MAX_QUERY_CHARS = 100
