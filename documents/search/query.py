"""search(): validate a search, run its parsed query through the configured backend, and return a page of
highlighted results with facet counts and their labels.

The query language and its cost bounds are parsing.py's; an unquoted word also finds its equivalent terms
(equivalents.py: 人大常委会 = 人民代表大会常务委员会), ranked below the typed form, and traditional and simplified
characters are one (scripts.py, through analysis.normalize). Each backend runs the parsed query through
run_query (interface.py) in ranking.py's order: Whoosh by engine.py (backends/whoosh.py), an OpenSearch cluster by
its query (backends/opensearch.py). Here: what is asked, and the results read back from the database.
"""

import math
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.html import format_html

from ..legislation import genres, structure
from ..models import Article, Attachment, Column, Speaker
from .language import budget, equivalents, periods, relaxing
from .index.indexing import get_backend
# The names of the query language, the highlighter and the filters stay importable from here.
from .language.highlight import Highlighter  # noqa: F401
from .interface import SORTS, Filters, IndexUnavailable, SearchUnavailable  # noqa: F401
from .language.parsing import (  # noqa: F401
    MAX_EXPANSIONS,
    MAX_QUERY_CHARS,
    MAX_SINGLE_CHARS,
    MAX_TERMS,
    Clause,
    ParsedQuery,
    normalize_input,
    parse_query,
)

PER_PAGE = 20
CUT_MESSAGE = "这次搜索太费时，已在限定时间内停止：下面是到那时找到的结果，可能不全（等同说法可能没有查完）；请减少或缩短搜索词。"
MAX_PER_PAGE = 100


@dataclass
class Hit:
    pk: int
    title: str
    title_html: str
    url: str
    date: str
    speaker: str
    column: str
    snippet: str
    validity: str = ""
    validity_label: str = ""
    genre: str = ""  # legislation.genres: the page labels 案例 and 解读


    def as_json(self):
        return {
            "title": self.title, "url": self.url, "date": self.date, "speaker": self.speaker,
            "column": self.column, "snippet": str(self.snippet), "validity": self.validity or None,
            "genre": self.genre or None,
        }


@dataclass
class SearchResults:
    query: str = ""
    count: int = 0
    page: int = 1
    per_page: int = PER_PAGE
    hits: list = field(default_factory=list)
    facets: dict = field(default_factory=dict)  # name -> [(value, label, count)]
    messages: list = field(default_factory=list)
    unavailable: bool = False  # the index is missing or broken (being rebuilt), or the search service is down
    down: bool = False  # the search service does not answer (a cluster): the page says so with a 503
    equivalents: list = field(default_factory=list)  # [(a word as typed, [equivalent forms searched too])]
    exact_query: str = ""  # the same query without equivalent terms (expanded words quoted)
    any_date: tuple | None = None  # interface.Found.any_date
    cut: bool = False  # the search stopped at its deadline (SEARCH_SECONDS): the results may be incomplete
    spent: budget.Budget | None = None  # the work the backend's evaluation did (budget.py)
    relaxed: list = field(default_factory=list)  # terms left out because no document holds them with the others
    searched: str = ""  # the query searched instead when it was relaxed (relaxing.py), else ""
    # A short first page is followed by results that do not hold one term (relaxing.beside): the term, the hits.
    also_without: str = ""
    also: list = field(default_factory=list)

    @property
    def num_pages(self):
        return max(1, math.ceil(self.count / self.per_page))


def search(q="", *, filters=None, sort="relevance", page=1, per_page=PER_PAGE, using="default"):
    """One page of results. Invalid parameters raise ValueError (the view validates them first)."""
    filters = filters or Filters()
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    if not (1 <= per_page <= MAX_PER_PAGE) or page < 1:
        raise ValueError("page out of range")
    words, period = periods.extract(q)
    typed = parse_query(words)
    typed.period = period
    parsed = equivalents.expand(typed)
    results = SearchResults(query=parsed.cleaned, page=page, per_page=per_page, messages=list(parsed.messages),
                            equivalents=equivalents.used(parsed), exact_query=equivalents.exact_query(parsed))
    if period is not None:
        results.query = " ".join(filter(None, [period.text, parsed.cleaned]))
        results.messages.append(f"“{period.text}”按时间理解：{period.label}的文件排在前面。")
    if not parsed.groups and period is None:  # a period alone ranks every document, those of the period first
        if parsed.excluded:
            results.messages.append("请至少输入一个要查找的词（“-”只用来排除）。")
            return results
        if parsed.cleaned and not filters:
            results.messages.append("搜索词里没有可以查找的文字或数字。")
            return results
        if not filters:
            return results  # the empty search page
        sort = "newest" if sort == "relevance" else sort  # filters alone: nothing to rank by
    try:
        # The deadline bounds the whole search: the relaxed queries and those beside a short page too.
        with budget.spending(settings.SEARCH_SECONDS) as spent:
            found, cut, beside = _evaluate(get_backend(using), typed, parsed, filters, sort, page, per_page,
                                           results, spent)
    except SearchUnavailable:
        results.unavailable = results.down = True
        results.messages.append("搜索暂不可用，请稍后再试。")
        return results
    except IndexUnavailable:
        results.unavailable = True
        results.messages.append("索引正在重建，请稍后再搜索。")
        return results
    return _present(results, parsed, found, spent, cut, beside)


def _evaluate(backend, typed, parsed, filters, sort, page, per_page, results, spent):
    """The backend's answer within the search's budget `spent`: relaxed when no document holds every term
    (relaxing.relax; `results` says so), and searched without one term beside a short first page (relaxing.beside).
    Returns (found, cut: the query's own evaluation stopped at the deadline, (term, Found) beside or None)."""
    def run(query, at=page):
        return backend.run_query(query, filters, sort, at, per_page)

    found = run(parsed)
    if not found.count and parsed.groups and found.parsed.groups and not spent.cut:
        relaxed = relaxing.relax(typed, run)
        if relaxed:
            found = relaxed.found
            results.messages.append(relaxed.message)
            results.relaxed, results.searched = relaxed.dropped, relaxed.query
            results.equivalents = equivalents.used(found.parsed)
            results.exact_query = equivalents.exact_query(found.parsed)
    # Stopped at the deadline while searching beside, the search keeps its own results whole and shows none of these.
    cut, beside = spent.cut, None
    if page == 1 and sort == "relevance" and 0 < found.count < per_page and not results.relaxed and not cut:
        try:
            beside = relaxing.beside(typed, lambda query: run(query, 1), found.count)
        except (budget.OutOfTime, SearchUnavailable, IndexUnavailable):
            beside = None  # the search's own results stand
        if spent.cut:
            beside = None
    return found, cut, beside


def _present(results, parsed, found, spent, cut, beside):
    """`results` filled from the backend's answer: the messages, the count, the page's hits and facets."""
    results.messages += found.messages
    results.spent, results.cut = spent, cut
    if cut:
        results.messages.append(CUT_MESSAGE)
    if parsed.groups and not found.parsed.groups:
        return results  # the backend left out everything there was to look for: its message says why
    results.count, results.any_date = found.count, found.any_date
    if results.page > results.num_pages:
        results.messages.append(f"没有第 {results.page} 页，结果共 {results.num_pages} 页。")
    results.hits = _hits(found.ids, found.parsed.highlighter())
    results.facets = _facet_labels(found.facets)
    if beside is not None:
        _add_beside(results, found, *beside)
    return results


def _add_beside(results, found, term, more):
    """A short first page filled with `more` (the results without `term`), after its own."""
    shown = set(found.ids)
    ids = [pk for pk in more.ids if pk not in shown][: results.per_page - found.count]
    results.also = _hits(ids, more.parsed.highlighter())
    if results.also:
        results.also_without = term
        results.messages.append(f"同时包含全部搜索词的文件只有 {found.count} 篇；其后列出不含“{term}”的文件。")


# --- presentation ------------------------------------------------------------------------------------------------


def _hits(ids, highlighter):
    """The page's articles from the database, in result order; only published ones (a stale index never
    shows a draft)."""
    if not ids:
        return []
    articles = Article.objects.published().filter(pk__in=ids).select_related("column", "speaker")
    articles = articles.annotate(has_attachment_text=Exists(_attachment_texts().filter(article=OuterRef("pk"))))
    by_pk = {a.pk: a for a in articles.defer("body", "amendments")}
    from_attachments = _attachment_snippets(
        [a.pk for a in by_pk.values() if a.has_attachment_text and not highlighter.finds(a.text)], highlighter
    )
    hits = []
    for pk in ids:
        article = by_pk.get(pk)
        if article is None:
            continue
        hits.append(Hit(
            pk=pk,
            title=article.title,
            title_html=highlighter.highlight(article.title),
            url=article.get_absolute_url() + _clause_fragment(article.text, highlighter),
            date=article.date_display,
            speaker=article.speaker.name if article.speaker_id else "",
            column=article.column.name,
            snippet=from_attachments.get(pk) or highlighter.snippet(article.text),
            validity=article.validity,
            validity_label=article.get_validity_display(),
            genre=genres.of(article),
        ))
    return hits


def _attachment_texts():
    return Attachment.objects.filter(text_status=Attachment.TextStatus.EXTRACTED)


def _attachment_snippets(article_ids, highlighter):
    """{article id: 附件《title》：snippet} for articles found through an attachment: their body has no match."""
    if not article_ids:
        return {}
    snippets = {}
    attachments = _attachment_texts().filter(article_id__in=article_ids).only("article_id", "title", "file", "text")
    for attachment in attachments:
        if attachment.article_id not in snippets and highlighter.finds(attachment.text):
            snippets[attachment.article_id] = format_html(
                "附件《{}》：{}", str(attachment), highlighter.snippet(attachment.text)
            )
    return snippets
def _clause_fragment(text, highlighter):
    """#第三十二条 (percent-encoded) when the first match in the body lies in a 条, else nothing."""
    offset = highlighter.first_match(text)
    anchor = structure.anchor_at(text, offset) if offset is not None else None
    return "#" + quote(anchor) if anchor else ""


def _facet_labels(raw):
    """{name: [(value, label, count)]}, largest counts first; one query each for column and speaker names."""
    def top(name, limit=None):
        items = sorted(((v, n) for v, n in (raw.get(name) or {}).items() if v and n), key=lambda i: (-i[1], i[0]))
        return items[:limit] if limit else items

    columns, speakers = top("column"), top("speaker", 20)
    column_names = dict(Column.objects.filter(slug__in=[v for v, _ in columns]).values_list("slug", "name"))
    speaker_names = dict(Speaker.objects.filter(slug__in=[v for v, _ in speakers]).values_list("slug", "name"))
    kinds = dict(Article.Kind.choices)
    years = sorted(top("year"), key=lambda i: i[0], reverse=True)
    validities = dict(Article.Validity.choices)
    return {
        "column": [(v, column_names.get(v, v), n) for v, n in columns],
        "kind": [(v, kinds.get(v, v), n) for v, n in top("kind")],
        "year": [(v, f"{v}年", n) for v, n in years],
        "speaker": [(v, speaker_names.get(v, v), n) for v, n in speakers],
        "validity": [(v, validities.get(v, v), n) for v, n in top("validity")],
        "genre": [(v, v, n) for v, n in top("genre")],
    }
