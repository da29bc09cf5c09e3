"""Three-way merge of one text field: an editor's changes and the changes published since they started, kept both
when they touch different lines (a body's paragraphs are lines of its HTML), refused when they overlap."""

import difflib


class Overlap(Exception):
    """Both sides changed the same lines (or inserted different lines at the same place)."""


def _hunks(base, other):
    """`other`'s changes to `base` as (start, end, replacement lines): base[start:end] becomes replacement."""
    matcher = difflib.SequenceMatcher(None, base, other, autojunk=False)
    return [(i1, i2, other[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _overlap(first, second):
    (a1, a2, _), (b1, b2, _) = first, second
    if a1 == a2 and b1 == b2:  # two insertions: at the same place their order would be a guess
        return a1 == b1
    if a1 == a2:
        return b1 < a1 < b2
    if b1 == b2:
        return a1 < b1 < a2
    return a1 < b2 and b1 < a2


def merge_lines(base, ours, theirs):
    """`base` changed into `ours` and into `theirs` (lists of lines), both changes applied; Overlap if they touch
    the same lines differently. The same change made on both sides counts once."""
    hunks = {}
    for hunk in _hunks(base, ours) + _hunks(base, theirs):
        key = (hunk[0], hunk[1], tuple(hunk[2]))
        hunks.setdefault(key, hunk)
    ordered = sorted(hunks.values(), key=lambda hunk: (hunk[0], hunk[1]))
    for index, hunk in enumerate(ordered):
        for other in ordered[index + 1:]:
            if other[0] > hunk[1]:
                break
            if _overlap(hunk, other):
                raise Overlap
    merged, position = [], 0
    for start, end, replacement in ordered:
        merged += base[position:start] + list(replacement)
        position = end
    return merged + base[position:]


def merge_text(base, ours, theirs):
    """merge_lines over the lines of three strings."""
    return "\n".join(merge_lines(base.split("\n"), ours.split("\n"), theirs.split("\n")))
