"""The stored related documents (相关文档) of every published document, and how they are kept true.

- **In full** (`refresh_all`: `manage.py refresh_related`, nightly from cron; an import adding a large share of the
  archive, or to finish one that stopped before this step): every published document is cut into words once; the document frequencies (TermFrequency), each
  document's distinctive words (ArticleTerm) and its list (RelatedDocument) are recomputed (documents.related.related_terms
  says how).
- **A saved or deleted document** (`refresh`, from signals; an import's documents at its end): its words are
  weighed against the stored frequencies, its terms and list replaced (dropped when it is no longer published); the
  lists that showed it are recomputed from the stored terms (no cutting), and it enters the lists of the documents
  it now relates to more than their last entry. Frequencies drift until the next full computation.
- **Read time** (pages.related): only published documents outside the recycle bin, never another version.

Pages whose list changed are retired from the page cache through their columns' tokens.
"""

from array import array
from collections import Counter, defaultdict

from django.db import transaction

from ..changes import cache_invalidation
from ..models import Article, ArticleTerm, RelatedDocument, TermFrequency
from .related_terms import MIN_SCORE, best, scores, weigh, word_counts

CHUNK = 500  # ids or words a query (SQLite's variable limit)
TEXTS = 100  # bodies read at a time: a law weighs up to a few hundred kilobytes
FULL_SHARE = 0.1  # an import adding more than this share of the archive recomputes everything


def _chunked(items, size=CHUNK):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


def published_texts(ids=None):
    """(id, regulation id, title and text) of the published documents (of `ids`), a few bodies at a time."""
    if ids is None:
        ids = Article.objects.published().order_by("pk").values_list("pk", flat=True)
    for chunk in _chunked(ids, TEXTS):
        rows = Article.objects.published().filter(pk__in=chunk).order_by("pk")
        for pk, group, title, text in rows.values_list("pk", "regulation_id", "title", "text"):
            yield pk, group, f"{title}\n{text}"


def _lists(terms, postings, groups, targets):
    """{document: [(related, score)]} for `targets`, and {document: {other: score}} of each target's finds."""
    lists, found = {}, {}
    for pk in targets:
        found[pk] = scores(terms.get(pk, {}), postings)
        group = groups.get(pk)
        versions = {other for other in found[pk] if group is not None and groups.get(other) == group}
        lists[pk] = best(found[pk], versions | {pk}, groups)
    return lists, found


def refresh_all():
    """Recompute frequencies, terms and lists from every published document; returns how many there are."""
    vocabulary, documents, groups, frequencies = {}, {}, {}, Counter()
    for pk, group, text in published_texts():
        counts = word_counts(text)
        # Word ids in arrays: the whole archive's counts in a few megabytes instead of a dict per document.
        ids = array("I", (vocabulary.setdefault(word, len(vocabulary)) for word in counts))
        documents[pk], groups[pk] = (ids, array("I", counts.values())), group
        frequencies.update(ids)
    words = list(vocabulary)
    held = {words[i]: n for i, n in frequencies.items()}
    terms = {
        pk: weigh({words[i]: n for i, n in zip(*pair)}, held, len(documents)) for pk, pair in documents.items()
    }
    postings = defaultdict(list)
    for pk, weights in terms.items():
        for word, weight in weights.items():
            postings[word].append((pk, weight))
    lists, _ = _lists(terms, postings, groups, terms)
    _replace_frequencies(held)
    _replace_terms(terms, groups)
    gone = set(RelatedDocument.objects.order_by().values_list("article_id", flat=True).distinct()) - set(lists)
    _retire(_store(lists, gone))
    return len(documents)


# The whole archive's rows are replaced a chunk a transaction, never a whole table in one: a site serving
# meanwhile (SQLite has one writer at a time) waits for a chunk, not for the whole computation. Readers see old and
# new rows side by side until the end, as they see frequencies drift between two full computations.


def _replace_frequencies(held):
    words = sorted(held)
    for chunk in _chunked(words, 2000):
        with transaction.atomic():
            TermFrequency.objects.filter(term__in=chunk).delete()
            TermFrequency.objects.bulk_create(TermFrequency(term=word, documents=held[word]) for word in chunk)
    stale = [pk for pk, term in TermFrequency.objects.order_by().values_list("pk", "term") if term not in held]
    for chunk in _chunked(stale):
        with transaction.atomic():
            TermFrequency.objects.filter(pk__in=chunk).delete()


def _replace_terms(terms, groups):
    for chunk in _chunked(sorted(terms), TEXTS):
        with transaction.atomic():
            ArticleTerm.objects.filter(article_id__in=chunk).delete()
            _create_terms({pk: terms[pk] for pk in chunk}, groups)
    stored = set(ArticleTerm.objects.order_by().values_list("article_id", flat=True).distinct())
    for chunk in _chunked(stored - set(terms)):
        with transaction.atomic():
            ArticleTerm.objects.filter(article_id__in=chunk).delete()


def refresh(ids, showing=()):
    """Bring up to date the documents `ids` (just saved or deleted), the lists that showed them (also `showing`:
    those of deleted documents, whose rows are gone) and those of documents they now belong in."""
    ids = set(ids)
    showing = set(showing) | _showing(ids)
    counts, groups = {}, {}
    for pk, group, text in published_texts(ids):
        counts[pk], groups[pk] = word_counts(text), group
    terms = {}
    if counts:  # none for a draft or a deleted document: only the lists that showed it are recomputed
        held = _frequencies(set().union(*counts.values()))
        total = Article.objects.published().count()
        terms = {pk: weigh(c, held, total, counted=False) for pk, c in counts.items()}
    for chunk in _chunked(ids):
        ArticleTerm.objects.filter(article_id__in=chunk).delete()
    _create_terms(terms, groups)
    targets = set(terms) | (showing - ids)
    terms.update(_stored_terms(targets - set(terms), groups))
    postings = _postings(set().union(*terms.values()), groups)
    lists, found = _lists(terms, postings, groups, targets)
    lists.update(_entered({pk: found[pk] for pk in counts}, groups, targets))
    _retire(_store(lists, ids - set(counts)))


def _create_terms(terms, groups):
    ArticleTerm.objects.bulk_create(
        (ArticleTerm(article_id=pk, term=word, weight=weight, group=groups[pk]) for pk, weights in terms.items()
         for word, weight in weights.items()),
        batch_size=2000,
    )


def _showing(ids):
    """The documents whose lists show one of `ids`."""
    found = set()
    for chunk in _chunked(ids):
        rows = RelatedDocument.objects.filter(related_id__in=chunk).order_by()
        found.update(rows.values_list("article_id", flat=True))
    return found


def _frequencies(words):
    held = {}
    for chunk in _chunked(words):
        held.update(TermFrequency.objects.filter(term__in=chunk).values_list("term", "documents"))
    return held


def _stored_terms(ids, groups):
    """{document: {word: weight}} of the documents `ids` as stored; `groups` gains their regulations."""
    terms = defaultdict(dict)
    for chunk in _chunked(ids):
        rows = ArticleTerm.objects.filter(article_id__in=chunk).order_by().values_list(
            "article_id", "term", "weight", "group"
        )
        for pk, word, weight, group in rows:
            terms[pk][word] = weight
            groups[pk] = group
    return terms


def _postings(words, groups):
    """{word: [(document, weight)]} of the documents holding one of `words` among their terms (article_term_term
    index); `groups` gains their regulations."""
    postings = defaultdict(list)
    for chunk in _chunked(words):
        rows = ArticleTerm.objects.filter(term__in=chunk).order_by()
        for pk, word, weight, group in rows.values_list("article_id", "term", "weight", "group"):
            postings[word].append((pk, weight))
            groups[pk] = group
    return postings


def _entered(found, groups, done):
    """The new lists of documents (outside `done`) that a saved one (its finds in `found`) now belongs in: it
    relates to them more than their last entry, or their list is short. Relatedness is symmetric, so the saved
    document's score with each is its score with the saved one."""
    offers = defaultdict(dict)
    for pk, others in found.items():
        for other, score in others.items():
            same_regulation = groups.get(pk) is not None and groups.get(other) == groups.get(pk)
            if other not in done and score >= MIN_SCORE and not same_regulation:
                offers[other][pk] = score
    current = defaultdict(list)
    for chunk in _chunked(offers):
        rows = RelatedDocument.objects.filter(article_id__in=chunk).order_by("article_id", "rank")
        for pk, related, score in rows.values_list("article_id", "related_id", "score"):
            current[pk].append((related, score))
    lists = {}
    for other, offered in offers.items():
        merged = best({**dict(current[other]), **offered}, {other}, groups)
        if merged != current[other]:
            lists[other] = merged
    return lists


def _store(lists, gone=()):
    """Write `lists` ({document: [(related, score)]}) where they differ from the stored ones, and drop those of
    `gone` (no longer published: their pages are gone too); return the documents whose shown list changed."""
    stored = defaultdict(list)
    for chunk in _chunked(lists):
        rows = RelatedDocument.objects.filter(article_id__in=chunk).order_by("article_id", "rank")
        for pk, related, score in rows.values_list("article_id", "related_id", "score"):
            stored[pk].append((related, round(score, 4)))
    rewrite = [pk for pk, rows in lists.items() if [(o, round(s, 4)) for o, s in rows] != stored[pk]]
    written = set(rewrite)
    for chunk in _chunked(rewrite + list(gone)):
        with transaction.atomic():  # a chunk a transaction (refresh_all rewrites every list)
            RelatedDocument.objects.filter(article_id__in=chunk).delete()
            RelatedDocument.objects.bulk_create(
                (RelatedDocument(article_id=pk, related_id=o, rank=rank, score=s)
                 for pk in chunk if pk in written for rank, (o, s) in enumerate(lists[pk], start=1)),
                batch_size=2000,
            )
    return {pk for pk in rewrite if [o for o, _ in lists[pk]] != [o for o, _ in stored[pk]]}


def _retire(article_ids):
    """Their cached pages show a changed list: retire their columns' pages."""
    columns = set()
    for chunk in _chunked(article_ids):
        columns.update(Article.objects.filter(pk__in=chunk).order_by().values_list("column_id", flat=True).distinct())
    if columns:
        cache_invalidation.invalidate([cache_invalidation.column_token(column) for column in columns])


# --- keeping it true: the change path's subscriber (documents/changes/service.py) ------------------------------


class Related:
    """The lists of the saved articles whose title, text, group, status or place in the bin changed (a save that
    changes none of it, pinning, a cover, the column, the date, leaves them), of deleted articles, and of the
    documents whose lists showed them. Many at once: those documents' lists, or everything when the new ones among
    them are a large share of the archive (or nothing was computed yet)."""

    name, command = "相关文档", "refresh_related"
    remembers = tuple(name for name in Article.RELATED_BASIS)

    def deleting(self, ids):
        return {pk: shown for pk, shown in _showing_each(ids).items()}

    def _affected(self, change):
        known = [pk for pk in change.saved if pk in change.before]
        return (change.saved - set(known)) | _basis_changed(known, change.before)

    def one(self, change):
        showing = set().union(*change.gone.get(self.name, {}).values())
        ids = self._affected(change) | change.deleted
        if ids:
            refresh(ids, showing=showing)

    def many(self, change):
        showing = set().union(*change.gone.get(self.name, {}).values())
        ids = self._affected(change) | change.deleted
        if not ids:
            return
        added = change.saved - set(change.before)  # new documents move the frequencies; a status change, little
        if len(added) > FULL_SHARE * Article.objects.published().count() or not TermFrequency.objects.exists():
            refresh_all()
            return
        for chunk in _chunked(sorted(ids), TEXTS):  # a transaction each: the site's writers never wait long
            with transaction.atomic():
                refresh(chunk, showing=showing)
            showing = ()


def _basis_changed(ids, before):
    """Those of `ids` whose related basis differs from `before` ({id: {field: value}}), a few bodies at a time."""
    fields, changed = Article.RELATED_BASIS, set()
    for chunk in _chunked(ids, TEXTS):
        rows = Article.objects.filter(pk__in=chunk).order_by().values("pk", *fields)
        changed |= {row["pk"] for row in rows if any(row[name] != before[row["pk"]][name] for name in fields)}
    return changed


def _showing_each(ids):
    """{id: the documents whose lists show it}."""
    found = defaultdict(set)
    for chunk in _chunked(ids):
        rows = RelatedDocument.objects.filter(related_id__in=chunk).order_by()
        for pk, related in rows.values_list("article_id", "related_id"):
            found[related].add(pk)
    return found
