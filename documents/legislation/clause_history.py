"""条文沿革: one 条 followed through every version of its regulation, oldest first, on the alignment 新旧对照 uses
(a moved and revised 条 is followed under its new number; a 条 with no partner was added or deleted there)."""

from dataclasses import dataclass

from django.utils.safestring import mark_safe

from . import compare
from .alignment import align

FIRST, SAME, CHANGED, DELETED = "first", compare.SAME, compare.CHANGED, compare.DELETED
STATUS_LABELS = {FIRST: "首次出现", SAME: "未改", CHANGED: "修改", DELETED: "删除"}


@dataclass
class Step:
    version: object  # the version (an Article, or whatever the caller passed)
    status: str  # FIRST, SAME, CHANGED or DELETED (gone in this version)
    unit: compare.Unit | None  # the 条 in this version (None once deleted)
    similarity: float = 1.0  # to the previous step's text
    old_html: str = ""  # a changed step: the previous text with what went marked
    new_html: str = ""  # and this text with what came marked

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


def clause_anchors(units):
    """{anchor: index} of the 条 among `units`, named as structure names them (第十条, a second 第十条-2)."""
    anchors, seen = {}, {}
    for index, unit in enumerate(units):
        if unit.kind == compare.structure.CLAUSE:
            seen[unit.label] = seen.get(unit.label, 0) + 1
            anchors[unit.label if seen[unit.label] == 1 else f"{unit.label}-{seen[unit.label]}"] = index
    return anchors


def follow(versions, texts, at, anchor):
    """The Steps of the 条 `anchor` of versions[at] through `versions` (oldest first; `texts` their texts), or None
    when that version has no such 条. Starts where the 条 first appears among them, ends where it was deleted or
    with the newest version."""
    units = [compare.units(text) for text in texts]
    index = clause_anchors(units[at]).get(anchor)
    if index is None:
        return None
    forward = [_partners(align(units[k], units[k + 1])) for k in range(len(units) - 1)]
    first, position = at, index
    while first > 0:  # back to the version where it first appears
        earlier = forward[first - 1][1].get(position)
        if earlier is None:
            break
        first, position = first - 1, earlier
    steps = [Step(versions[first], FIRST, units[first][position])]
    for k in range(first + 1, len(units)):
        later = forward[k - 1][0].get(position)
        if later is None:
            steps.append(Step(versions[k], DELETED, None, 0.0))
            break
        old, new = units[k - 1][position], units[k][later]
        step = Step(versions[k], SAME if old.key == new.key else CHANGED, new, old.similarity(new))
        if step.status == CHANGED:
            old_html, new_html = compare.inline_diff(old.text[len(old.label):], new.text[len(new.label):])
            step.old_html, step.new_html = mark_safe(old_html), mark_safe(new_html)  # built escaped
        steps.append(step)
        position = later
    return steps


def _partners(pairs):
    """({old index: new index}, {new index: old index}) of an alignment's pairs."""
    ahead = {i: j for i, j, _ in pairs if i is not None and j is not None}
    return ahead, {j: i for i, j in ahead.items()}
