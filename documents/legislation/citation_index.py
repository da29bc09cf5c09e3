"""The stored citations: which titles each document cites in 《》 and which document each one names, kept true
whenever an article is saved or deleted.

A citation names the published documents (outside the recycle bin) whose title key is the cited key, or else,
when that leaves one title, its key with the 中华人民共和国 prefix added or omitted. Documents sharing a title are
versions of one document: the citation names the version in force on the citing document's date (from its own
施行日期; a version adopted but not yet in force is not), else the held version nearest to that one. It names
nothing (ambiguous) when that leaves several documents that are not one text: same title and date, or same title
from different issuers unless one is the citing document's. The parts of a law published in parts (the 编 of
民法典) and a text filed twice are one text: the citation names the record standing for it (its first part, the
record kept). A document naming itself gets no link. Each linked row says which version it names (legislation.cited_version):
the one in force on the citing date, the nearest later or earlier one held when that one is not, or the newest
for an undated citing document.

Saving an article re-reads its own citations and re-resolves, in one indexed query on the title key, every
citation of its title (so documents citing a newly added title gain their link then), and of titles that
resolved to it (a renamed or unpublished document loses them). A block of changes (an import) does this once for
all of them at its end, a chunk of articles a transaction (`Citations.many`).
"""

import datetime
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, Sum

from ..changes import cache_invalidation
from ..common import dates
from . import cited_version
from .citations import cited_keys
from ..models import Article, Citation
from ..common.titles import prefix_variants

CHUNK = 500  # ids or keys a query (SQLite's variable limit), bodies read at a time
LINK_CHUNK = 100  # articles relinked a transaction when many are: the site's writers wait for one chunk at most

Outcome = Citation.Outcome


class Version(NamedTuple):
    id: int
    date: datetime.date | None
    issuer: str
    effective: datetime.date | None = None  # its own 施行日期
    history: tuple = ()  # (date, event) of its 修订沿革
    # The record that stands for its text (Article.represented_by): a law's first part, a duplicate's kept record.
    stands_for: int | None = None


def resolve(key, citing, by_key):
    """(outcome, cited id or None, version flag or None: legislation.cited_version) of the citation of `key` by
    `citing` (a Version); `by_key`: {title key: [Version]} of the published documents holding the key or its prefix
    variants."""
    versions = by_key.get(key)
    if not versions:
        held = [variant for variant in prefix_variants(key) if variant in by_key]
        if not held:
            return Outcome.MISSING, None, None
        if len(held) > 1:
            return Outcome.AMBIGUOUS, None, None
        versions = by_key[held[0]]
    if len({v.issuer for v in versions}) > 1:
        versions = [v for v in versions if v.issuer == citing.issuer]
        if not versions:
            return Outcome.AMBIGUOUS, None, None
    held = [cited_version.Held(v.id, v.date, v.effective, v.history) for v in versions]
    picked, flag = cited_version.choose(held, citing.date)
    chosen = [v for v in versions if v.date == picked.date]  # several of one date: documents, not versions
    if citing.id in {v.id for v in chosen}:
        return Outcome.SELF, None, None
    # The parts of one law, or one text filed twice, are one target: the record that stands for the text.
    targets = {v.stands_for or v.id for v in chosen}
    if len(targets) > 1:
        return Outcome.AMBIGUOUS, None, None
    return Outcome.LINKED, targets.pop(), flag


def _chunked(items):
    items = list(items)
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _with_variants(keys):
    return set(keys).union(*(prefix_variants(key) for key in keys))


def _candidates(keys):
    """{title key: [Version]} of the published documents holding one of `keys` (article_title_key index)."""
    by_key = {}
    for chunk in _chunked(keys):
        rows = Article.objects.published().filter(title_key__in=chunk).order_by()
        fields = ("id", "title_key", "date", "issuer", "effective_date", "amendments", "represented_by_id")
        for pk, key, date, issuer, effective, amendments, stands_for in rows.values_list(*fields):
            by_key.setdefault(key, []).append(Version(pk, date, issuer, effective, _history(amendments), stands_for))
    return by_key


def _history(amendments):
    """(date, event) of a 修订沿革 as stored (a list of {date, event}; partial or bad dates give None)."""
    found = []
    for item in amendments if isinstance(amendments, list) else []:
        if isinstance(item, dict):
            try:
                when = dates.parse_partial_date(item.get("date")).date
            except dates.InvalidDate:
                when = None
            found.append((when, str(item.get("event") or "")))
    return tuple(found)


def _reread(ids):
    """Replace the citation rows of the articles `ids` by those of their bodies now (unresolved: resolved next).
    Returns (the new rows with their citing Version, the targets the old rows named, the articles' title keys)."""
    old_targets, own_keys, new_rows = set(), set(), []
    for chunk in _chunked(ids):
        old_targets.update(
            Citation.objects.filter(citing_id__in=chunk, cited__isnull=False).values_list("cited_id", flat=True)
        )
        Citation.objects.filter(citing_id__in=chunk).delete()
        fields = ("id", "title_key", "date", "issuer", "status", "deleted_at", "body")
        for article in Article.objects.filter(pk__in=chunk).only(*fields):
            own_keys.add(article.title_key)
            citing = Version(article.pk, article.date, article.issuer)
            for position, (key, count) in enumerate(cited_keys(article.body).items()):
                row = Citation(citing_id=article.pk, title_key=key, count=count, position=position,
                               citing_published=article.is_published)
                new_rows.append((row, citing))
    return new_rows, old_targets, own_keys


def _citing_rows(keys, ids):
    """The stored rows of other articles citing one of `keys` (citation_title_key index), with their citing Version."""
    rows = []
    for chunk in _chunked(keys):
        query = Citation.objects.filter(title_key__in=chunk).select_related("citing")
        for row in query.only("id", "title_key", "cited_id", "outcome", "version", "citing__date", "citing__issuer"):
            if row.citing_id not in ids:  # re-read already; filtered here, as ids can be the whole archive
                rows.append((row, Version(row.citing_id, row.citing.date, row.citing.issuer)))
    return rows


def relink(article_ids=(), keys=()):
    """Bring up to date the citations of the articles `article_ids` (just saved; ids no longer there are fine) and
    every citation of their titles, of titles that named them, and of `keys` (titles of deleted articles)."""
    ids = set(article_ids)
    new_rows, old_targets, own_keys = _reread(ids)
    named_them = set()
    for chunk in _chunked(ids):
        named_them.update(Citation.objects.filter(cited_id__in=chunk).values_list("title_key", flat=True))
    affected = _with_variants(own_keys | set(keys)) | named_them
    others = _citing_rows(affected, ids)
    by_key = _candidates(_with_variants(affected | {row.title_key for row, _ in new_rows}))
    changed, retired = [], set(ids) | old_targets
    for row, citing in new_rows:
        row.outcome, row.cited_id, version = resolve(row.title_key, citing, by_key)
        row.version = version or ""
        retired.add(row.cited_id)
    for row, citing in others:
        outcome, cited_id, version = resolve(row.title_key, citing, by_key)
        if (outcome, cited_id, version or "") != (row.outcome, row.cited_id, row.version):
            retired.update({row.citing_id, row.cited_id, cited_id})
            row.outcome, row.cited_id, row.version = outcome, cited_id, version or ""
            changed.append(row)
    Citation.objects.bulk_create([row for row, _ in new_rows], batch_size=CHUNK)
    Citation.objects.bulk_update(changed, ["outcome", "cited", "version"], batch_size=CHUNK)
    _retire_pages(retired - {None})


def _retire_pages(article_ids):
    """The cached pages of these articles show changed links or 被引用 lists: retire their columns' pages."""
    columns = set()
    for chunk in _chunked(article_ids):
        columns.update(Article.objects.filter(pk__in=chunk).order_by().values_list("column_id", flat=True).distinct())
    if columns:
        cache_invalidation.invalidate([cache_invalidation.column_token(column) for column in columns])


def relink_all():
    """Recompute every citation (manage.py link_citations: after upgrading, after bulk SQL changes, or to finish
    an import that stopped before its citations), a chunk of articles a transaction: the site's writers wait
    for a chunk, never for the whole archive."""
    relink_chunked(Article.objects.order_by("pk").values_list("id", flat=True))


def relink_chunked(article_ids, keys=()):
    """`relink` of many articles, LINK_CHUNK of them (and their citations) a transaction. The same result as one
    call: each citation resolves against the stored articles, which are all saved already."""
    ids = list(article_ids)
    for start in range(0, max(len(ids), 1), LINK_CHUNK):
        with transaction.atomic():
            relink(ids[start : start + LINK_CHUNK], keys if start == 0 else ())


# --- keeping it true: the change path's subscriber (documents/changes/service.py) ------------------------------


class Citations:
    """Relinks the saved articles' citations and every citation of their titles; a deleted article's citations
    and the 被引用 lists that showed it."""

    name, command, remembers = "引用链接", "link_citations", ("title_key",)

    def deleting(self, ids):
        cited = {}
        for pk, target in Citation.objects.filter(citing_id__in=ids, cited__isnull=False).values_list(
            "citing_id", "cited_id"
        ):
            cited.setdefault(pk, set()).add(target)
        return cited

    def one(self, change):
        keys = [change.before[pk]["title_key"] for pk in change.deleted if pk in change.before]
        relink(change.saved, keys)
        _retire_pages(set().union(*change.gone.get(self.name, {}).values()))

    def many(self, change):
        keys = [change.before[pk]["title_key"] for pk in change.deleted if pk in change.before]
        relink_chunked(sorted(change.saved), keys)
        _retire_pages(set().union(*change.gone.get(self.name, {}).values()))


def outcome_counts():
    """{outcome: (citations counted once a document, occurrences in the bodies)} over the whole archive."""
    rows = Citation.objects.order_by().values("outcome").annotate(n=Count("id"), occurrences=Sum("count"))
    return {row["outcome"]: (row["n"], row["occurrences"]) for row in rows}
