"""Snippets around the first match, with <em> around the matched characters; everything else HTML-escaped.

Matching mirrors the index's normalisation: Latin letters match in either case and in full-width form
(the index folds both), a Chinese character matches every character of its script class (scripts.py: 会 marks
會 in a traditional text, so the text keeps its own script).
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..analysis import RUN, normalize
from ..text import passages, scripts

SNIPPET_CHARS = 160
BEFORE_MATCH = 40
_SPACES = re.compile(r"\s+")


def _char_pattern(char):
    if char.isascii() and char.isalnum():
        variants = {char.lower(), char.upper()}
        variants |= {chr(ord(v) + 0xFEE0) for v in variants}  # full-width forms
        return "[" + "".join(sorted(variants)) + "]"
    chars = scripts.variants(char)
    return "[" + chars + "]" if len(chars) > 1 else re.escape(char)


def _pattern(terms):
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    if not terms:
        return None
    return re.compile("|".join("".join(_char_pattern(c) for c in term) for term in terms))


class Highlighter:
    def __init__(self, primary, secondary=(), groups=()):
        """primary: the strings searched verbatim (their first match centres the snippet);
        secondary: single words of unquoted queries, used when no verbatim match is in the text;
        groups: the strings of each of the query's terms apart (with their equivalents): the snippet is taken in
        the passage holding most of them (passages.py)."""
        self.primary = _pattern(primary)
        self.all = _pattern(list(primary) + list(secondary))
        self.groups = [p for p in map(_pattern, groups) if p is not None] if len(groups) > 1 else []

    @classmethod
    def from_query(cls, query_string):
        return cls(RUN.findall(normalize(query_string)))

    def spans(self, text):
        """(start, end) of every match in `text`, in order: what snippets mark, and the article page (find_in_page)."""
        if self.all is None:
            return []
        return [match.span() for match in self.all.finditer(text)]

    def _mark(self, text):
        out, last = [], 0
        for start, end in self.spans(text):
            out.append(escape(text[last:start]))
            out.append(f"<em>{escape(text[start:end])}</em>")
            last = end
        out.append(escape(text[last:]))
        return "".join(out)

    def finds(self, text):
        """Whether `text` has anything to mark."""
        return self.all is not None and self.all.search(text or "") is not None

    def highlight(self, text):
        """The whole (short) text, marked: for titles."""
        return mark_safe(self._mark(text or ""))

    def _first(self, text):
        start, end = passages.best(text, self.groups) or (0, len(text)) if self.groups else (0, len(text))
        for pattern in (self.primary, self.all):
            if pattern is not None:
                match = pattern.search(text, start, end)
                if match:
                    return match
        return None

    def first_match(self, text):
        """Where the snippet's match starts in `text` (the 条 a result links to), or None."""
        match = self._first(text or "")
        return match.start() if match else None

    def snippet(self, text, length=SNIPPET_CHARS):
        text = text or ""
        match = self._first(text)
        start = max(0, match.start() - BEFORE_MATCH) if match else 0
        end = min(len(text), start + length)
        window = _SPACES.sub(" ", text[start:end]).strip()
        marked = self._mark(window)
        return mark_safe(("…" if start > 0 else "") + marked + ("…" if end < len(text) else ""))
