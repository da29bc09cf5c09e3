"""The passages of a long text, and the one that answers a query best: a result's snippet and link show the 条 (or
the report's paragraph) holding most of what was asked, not merely the first place a word occurs.

A passage is a 条 with the paragraphs after it up to the next 条 or heading (legislation/structure.py reads them),
or, in a text without 条 (a work report), a paragraph.
"""

from ...legislation import structure

MAX_PASSAGES = 5000  # a code has about 1,300 条: more paragraphs than this are read as one passage each no longer


def spans(text):
    """[(start, end)] character offsets of the passages of `text`."""
    paragraphs = structure.paragraphs_of(text)
    starts, offset, clauses = [], 0, False
    marks = {}
    for index, paragraph in enumerate(paragraphs[:MAX_PASSAGES]):
        found = structure.classify(paragraph)
        marks[index] = found
        clauses = clauses or (found is not None and found[0] == structure.CLAUSE)
    for index, paragraph in enumerate(paragraphs):
        if not clauses or index >= MAX_PASSAGES or marks.get(index) is not None or index == 0:
            starts.append(offset)
        offset += len(paragraph) + 2
    ends = starts[1:] + [len(text)]
    return list(zip(starts, ends))


def best(text, patterns):
    """(start, end) of the first passage matched by the most of `patterns` (compiled, one a clause group of the
    query), or None when no passage holds more than one of them (the first match is then as good)."""
    found, most = None, 1
    for start, end in spans(text):
        count = sum(1 for pattern in patterns if pattern.search(text, start, end))
        if count > most:
            found, most = (start, end), count
            if count == len(patterns):
                break
    return found
