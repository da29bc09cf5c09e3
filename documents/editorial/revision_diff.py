"""The reviewer's comparison of a pending revision with the published article: field by field, the body as text."""

import difflib
from dataclasses import dataclass, field

from ..models import Article, ArticleRevision
from ..archive.pages import format_amendment_date
from ..common.sanitize import html_to_text

# Paragraphs longer than this are compared whole (shown deleted and inserted): a character diff of two very long
# paragraphs costs quadratic time.
LONGEST_COMPARED_PARAGRAPH = 5000
# Unchanged paragraphs kept around each change; longer unchanged stretches are folded into one line.
CONTEXT = 1
EMPTY = "（空）"


@dataclass
class FieldChange:
    """One field's two values as (kind, text) pieces: `before` marks what is deleted, `after` what is inserted."""

    label: str
    before: list
    after: list


@dataclass
class BodyChange:
    """The body's text, paragraph by paragraph: each a list of (kind, text) pieces, kind "equal", "delete",
    "insert" or "folded" (unchanged paragraphs left out); `format_only` when the text is the same and only the
    markup (bold, tables, pictures) changed."""

    paragraphs: list = field(default_factory=list)
    format_only: bool = False


@dataclass
class ChangedSince:
    """A field the revision touches that was changed by someone else after the editor started: its three values."""

    label: str
    started: str
    proposed: str
    current: str


@dataclass
class Comparison:
    fields: list
    body: BodyChange | None
    # Fields published differently meanwhile (ChangedSince), and the body's change since the editor started.
    changed_since: list = field(default_factory=list)
    body_since: BodyChange | None = None


def _display(article, name):
    if name == "date":
        return article.date_display
    if name == "amendments":
        lines = [
            " ".join(part for part in (format_amendment_date(item.get("date")), item.get("event", "")) if part)
            for item in article.amendments or [] if isinstance(item, dict)
        ]
        return "\n".join(lines) or EMPTY
    model_field = Article._meta.get_field(name)
    if model_field.choices:
        return getattr(article, f"get_{name}_display")()
    if model_field.is_relation:
        related = getattr(article, name)
        return str(related) if related else EMPTY
    value = getattr(article, name)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value) if value else EMPTY


def _label(name):
    return str(Article._meta.get_field(name).verbose_name)


def _loaded(article):
    return Article.objects.select_related("column", "speaker", "meeting").get(pk=article.pk)


def compare(article, revision):
    """What `revision` changes, against what its editor started from (not against later changes by others), and the
    fields it touches that were published differently since, with their three values."""
    current = _loaded(article)
    started = revision.apply_to(_loaded(article), revision.base)
    proposed = revision.apply_to(_loaded(article))
    proposed.normalize()
    names = [name for name in ArticleRevision.FIELDS if name not in ("body", "date_precision")]
    fields = []
    for name in names:
        before, after = _display(started, name), _display(proposed, name)
        if before != after:
            fields.append(FieldChange(_label(name), *_sides(before, after)))
    body = body_change(started.body, proposed.body) if proposed.body != started.body else None
    since, body_since = [], None
    for name in revision.changed_since(current):
        if name == "body":
            body_since = body_change(started.body, current.body)
        elif name != "date_precision":
            since.append(ChangedSince(
                _label(name), _display(started, name), _display(proposed, name), _display(current, name)
            ))
    return Comparison(fields, body, since, body_since)


def body_change(before_html, after_html):
    before, after = html_to_text(before_html), html_to_text(after_html)
    if before == after:
        return BodyChange(format_only=True)
    old, new = before.split("\n\n") if before else [], after.split("\n\n") if after else []
    paragraphs = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            paragraphs += _fold(old[i1:i2], at_start=i1 == 0, at_end=i2 == len(old))
            continue
        removed, added = old[i1:i2], new[j1:j2]
        # Paragraphs replaced one for one are compared character by character; the rest are whole.
        for old_text, new_text in zip(removed, added):
            paragraphs.append(_characters(old_text, new_text))
        paragraphs += [[("delete", text)] for text in removed[len(added):]]
        paragraphs += [[("insert", text)] for text in added[len(removed):]]
    return BodyChange(paragraphs)


def _sides(before, after):
    if EMPTY in (before, after):
        return [("delete", before)], [("insert", after)]
    pieces = _characters(before, after)
    return [p for p in pieces if p[0] != "insert"], [p for p in pieces if p[0] != "delete"]


def _fold(unchanged, at_start, at_end):
    keep_before = 0 if at_start else CONTEXT
    keep_after = 0 if at_end else CONTEXT
    if len(unchanged) <= keep_before + keep_after + 1:
        return [[("equal", text)] for text in unchanged]
    folded = len(unchanged) - keep_before - keep_after
    return (
        [[("equal", text)] for text in unchanged[:keep_before]]
        + [[("folded", f"……（{folded} 段未改动）")]]
        + [[("equal", text)] for text in unchanged[len(unchanged) - keep_after:]]
    )


def _characters(old, new):
    if max(len(old), len(new)) > LONGEST_COMPARED_PARAGRAPH:
        return [("delete", old), ("insert", new)]
    pieces = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(("equal", old[i1:i2]))
            continue
        if i2 > i1:
            pieces.append(("delete", old[i1:i2]))
        if j2 > j1:
            pieces.append(("insert", new[j1:j2]))
    return pieces
