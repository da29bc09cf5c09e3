"""search(): parse what a reader typed, run it, and return a page of highlighted results with facet counts.

Query language (forgiving: any input is a valid query):
  人大 监督          every word must be found (AND); each word is found wherever its characters occur (as LIKE)
  "人大常委会"        quoted: exactly the documents containing that string
  -草案              excludes documents containing 草案
  立法 OR 监督        either (OR binds the neighbouring words: 人大 立法 OR 监督 = 人大 AND (立法 OR 监督))
Operators alone, field syntax (title:), unbalanced quotes and stray symbols are plain text. A query's cost is
bounded (MAX_TERMS, MAX_SINGLE_CHARS, MAX_EXPANSIONS): what is left out is named in a message. An unquoted word
also finds its equivalent terms (equivalents.py: 人大常委会 = 人民代表大会常务委员会), ranked below the typed form;
traditional and simplified characters are one (scripts.py, through analysis.normalize).

Ranking: documents the whole query names, newest first: by their full 文号 > by their title (title_key, with or
without 中华人民共和国) > by their title without its year or issuer (政府工作报告, 2019年政府工作报告). Then tiers,
summed over the query's words: the string in the title > in the byline (speaker, position, meeting, issuer) > in
the body > only its jieba words; inside a tier BM25 on the words, in bands of BM25_BAND, then newest first.

With the project's Whoosh engine the query is evaluated by engine.py over the index's segments, through the
backend's reused searcher (haystack's SearchQuerySet costs 100-300 ms a query on this corpus, Whoosh's own
collector about 25 µs a matching document); any other engine (Elasticsearch) goes through haystack's
SearchQuerySet with the same parsing.
"""

import datetime
import math
import re
import unicodedata
from dataclasses import dataclass, field, replace
from urllib.parse import quote

from django.db.models import Exists, OuterRef
from django.utils.html import format_html
from whoosh.util.times import datetime_to_long

from .. import structure
from ..models import Article, Attachment, Column, Speaker
from ..sanitize import clean_text
from . import analysis, engine, equivalents
from .backend import ChineseWhooshSearchBackend, IndexUnavailable
from .highlight import Highlighter
from .indexing import get_backend

PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_QUERY_CHARS = 100
# What one query may cost (a single character is a prefix search over the bigrams, the costliest step): at most
# MAX_TERMS strings (each run of a clause counts), MAX_SINGLE_CHARS of them single characters, expanding to at
# most MAX_EXPANSIONS bigram terms over the whole index (的 expands to about 3,400, 法 to 1,400, 罚 to 260).
# The worst query then costs about five common ones (bench/search.py). What is left out is said in Chinese.
MAX_TERMS = 8
MAX_SINGLE_CHARS = 3
MAX_EXPANSIONS = 1500
FACETS = ("column", "kind", "year", "speaker", "validity")
FILTER_FIELDS = ("column", "kind", "speaker", "meeting", "validity")
SORTS = ("relevance", "newest", "oldest")

# What the whole query names, then tiers: far apart, and far above any BM25 score of the words.
DOC_NUMBER_SCORE = 1e9
TITLE_KEY_SCORE = 1e8
TITLE_FORM_SCORE = 1e7
TITLE_SCORE = 10_000.0
BYLINE_SCORE = 5_000.0
BODY_SCORE = 1_000.0
# BM25 scores count as equal inside geometric bands 25 % wide, where the date decides (newest first): smaller
# differences are noise of length and repetition. Dates only break ties: an old law that matches clearly better
# stays before a new one.
BM25_BAND = 1.25

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "「": '"', "」": '"', "『": '"', "』": '"', "＂": '"'})
_TOKEN = re.compile(r'(?P<neg>[-－])?"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+)')
_OR = {"or", "|", "||"}
_AND = {"and", "&", "&&", "+"}


@dataclass
class Clause:
    text: str  # as typed (cleaned)
    phrase: bool = False
    negated: bool = False
    span: tuple = (0, 0)  # where it was typed in ParsedQuery.cleaned (equivalents.exact_query quotes it there)
    equivalents: tuple = ()  # its variants by equivalent terms (equivalents.expand), quoted clauses

    @property
    def runs(self):
        return analysis.runs(self.text)

    @property
    def words(self):
        return list(analysis.words(self.text))

    def keeping(self, runs):
        """This clause searching only `runs` (some of its own, in order), or None when none is left."""
        if runs == self.runs:
            return self
        return replace(self, text=" ".join(runs)) if runs else None


@dataclass
class ParsedQuery:
    groups: list  # AND of groups; each group is an OR of positive clauses
    excluded: list  # negated clauses
    messages: list = field(default_factory=list)
    cleaned: str = ""

    @property
    def positive(self):
        return [clause for group in self.groups for clause in group]

    def keeping(self, kept):
        """The query with each clause replaced by kept[id(clause)] (None: left out); empty groups disappear."""
        groups = [[kept[id(c)] for c in group if kept[id(c)]] for group in self.groups]
        return ParsedQuery([g for g in groups if g], [kept[id(c)] for c in self.excluded if kept[id(c)]],
                           self.messages, self.cleaned)

    def highlighter(self):
        primary = [run for clause in self.positive for form in (clause, *clause.equivalents) for run in form.runs]
        secondary = [word for clause in self.positive if not clause.phrase for word in clause.words]
        return Highlighter(primary, secondary)


def normalize_input(value):
    """What a reader typed, as search reads it: cleaned as stored text is (sanitize.clean_text), then compatibility
    forms folded (NFKC: full-width letters and digits to ASCII, as analysis.py folds the index) and trimmed. The fold
    is for matching only: stored titles keep the full-width forms staff typed."""
    return unicodedata.normalize("NFKC", clean_text(value or "")).strip()


def parse_query(raw):
    text = normalize_input(raw).translate(_QUOTES)
    messages = []
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        messages.append(f"搜索词太长，只按前 {MAX_QUERY_CHARS} 个字搜索。")
    groups, excluded, ordered, pending_or = [], [], [], False
    for match in _TOKEN.finditer(text):
        if match.group("phrase") is not None:
            clause = Clause(match.group("phrase"), phrase=True, negated=bool(match.group("neg")), span=match.span())
        else:
            word = match.group("word")
            if word.lower() in _OR:
                pending_or = bool(groups)
                continue
            if word.lower() in _AND:
                continue
            negated = word[0] in "-－" and len(word) > 1
            clause = Clause(word.lstrip("+-－") if negated or word[0] == "+" else word, negated=negated,
                            span=match.span())
        if not clause.runs:
            continue  # nothing searchable: symbols, emoji, a lone operator
        ordered.append(clause)
        if clause.negated:
            excluded.append(clause)
        elif pending_or:
            groups[-1].append(clause)
        else:
            groups.append([clause])
        pending_or = False
    kept, dropped = _within_counts(ordered)
    return ParsedQuery(groups, excluded, messages + dropped, text).keeping(kept)


def _within_counts(clauses):
    """({id(clause): the clause cut to the strings MAX_TERMS and MAX_SINGLE_CHARS allow, or None}, messages
    naming the strings left out), the first ones kept."""
    terms = singles = 0
    kept, too_many, too_many_singles = {}, [], []
    for clause in clauses:
        runs = []
        for run in clause.runs:
            if terms >= MAX_TERMS:
                too_many.append(run)
            elif len(run) == 1 and singles >= MAX_SINGLE_CHARS:
                too_many_singles.append(run)
            else:
                runs.append(run)
                terms, singles = terms + 1, singles + (len(run) == 1)
        kept[id(clause)] = clause.keeping(runs)
    messages = []
    if too_many:
        messages.append(f"搜索词太多，只用了前 {MAX_TERMS} 个，略去了：{_listing(too_many)}。")
    if too_many_singles:
        messages.append(f"单字太多，只用了前 {MAX_SINGLE_CHARS} 个单字，略去了：{_listing(too_many_singles)}。")
    return kept, messages


def _listing(strings, shown=10):
    """一、二、三 (and 等 N 个 past the first ten)."""
    listed = "、".join(strings[:shown])
    return listed if len(strings) <= shown else f"{listed}等 {len(strings)} 个"


def limit_expansions(parsed, searcher):
    """The query without the single characters that would take it past MAX_EXPANSIONS bigram terms of the
    index (Whoosh), and a message naming them."""
    used, kept, dropped = 0, {}, []
    for clause in parsed.positive + parsed.excluded:
        runs = []
        for run in clause.runs:
            if len(run) == 1:
                count = engine.prefix_terms(searcher, run, MAX_EXPANSIONS - used)
                if used + count > MAX_EXPANSIONS:
                    dropped.append(run)
                    continue
                used += count
            runs.append(run)
        kept[id(clause)] = clause.keeping(runs)
    if not dropped:
        return parsed, []
    chars = "、".join(f"“{c}”" for c in dropped)
    return parsed.keeping(kept), [f"单字{chars}太常用，查找太费时，已略去；请改用含有它的词语。"]


def compact_key(text):
    from ..search_indexes import compact_key as key

    return key(text)


# --- results --------------------------------------------------------------------------------------------------


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

    def as_json(self):
        return {
            "title": self.title, "url": self.url, "date": self.date, "speaker": self.speaker,
            "column": self.column, "snippet": str(self.snippet), "validity": self.validity or None,
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
    unavailable: bool = False  # the index is missing or broken: being rebuilt
    equivalents: list = field(default_factory=list)  # [(a word as typed, [equivalent forms searched too])]
    exact_query: str = ""  # the same query without equivalent terms (expanded words quoted)

    @property
    def num_pages(self):
        return max(1, math.ceil(self.count / self.per_page))


@dataclass
class Filters:
    column: str = ""
    kind: str = ""
    speaker: str = ""
    meeting: str = ""
    validity: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def __bool__(self):
        return any(getattr(self, name) for name in self.__dataclass_fields__)


def search(q="", *, filters=None, sort="relevance", page=1, per_page=PER_PAGE, using="default"):
    """One page of results. Invalid parameters raise ValueError (the view validates them first)."""
    filters = filters or Filters()
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    if not (1 <= per_page <= MAX_PER_PAGE) or page < 1:
        raise ValueError("page out of range")
    parsed = equivalents.expand(parse_query(q))
    results = SearchResults(query=parsed.cleaned, page=page, per_page=per_page, messages=list(parsed.messages),
                            equivalents=equivalents.used(parsed), exact_query=equivalents.exact_query(parsed))
    if not parsed.groups:
        if parsed.excluded:
            results.messages.append("请至少输入一个要查找的词（“-”只用来排除）。")
            return results
        if parsed.cleaned and not filters:
            results.messages.append("搜索词里没有可以查找的文字或数字。")
            return results
        if not filters:
            return results  # the empty search page
    backend = get_backend(using)
    try:
        if isinstance(backend, ChineseWhooshSearchBackend):
            parsed, dropped = limit_expansions(parsed, backend.searcher())
            results.messages += dropped
            if dropped and not parsed.groups:
                return results  # nothing left to look for: the message says why
            ids, results.count, raw_facets = _run_whoosh(backend, parsed, filters, sort, page, per_page)
        else:
            ids, results.count, raw_facets = _run_haystack(using, parsed, filters, sort, page, per_page)
    except IndexUnavailable:
        results.unavailable = True
        results.messages.append("索引正在重建，请稍后再搜索。")
        return results
    if page > results.num_pages:
        results.messages.append(f"没有第 {page} 页，结果共 {results.num_pages} 页。")
    results.hits = _hits(ids, parsed.highlighter())
    results.facets = _facet_labels(raw_facets)
    return results


# --- Whoosh ---------------------------------------------------------------------------------------------------


def _run_whoosh(backend, parsed, filters, sort, page, per_page):
    date_range = None
    if filters.date_from or filters.date_to:
        start = datetime.datetime.combine(filters.date_from, datetime.time.min) if filters.date_from else None
        end = datetime.datetime.combine(filters.date_to, datetime.time.max) if filters.date_to else None
        date_range = (datetime_to_long(start) if start else 0, datetime_to_long(end) if end else engine.UNDATED - 1)
    number = compact_key(parsed.cleaned)
    title = compact_key(" ".join(clause.text for clause in parsed.positive))
    return engine.run(
        backend.searcher(), parsed,
        filter_terms=[(name, getattr(filters, name)) for name in FILTER_FIELDS if getattr(filters, name)],
        date_range=date_range,
        sort="newest" if sort == "relevance" and not parsed.groups else sort,
        page=page, per_page=per_page,
        named=[("doc_number", number if len(number) >= 4 else "", DOC_NUMBER_SCORE),
               ("title_keys", title, TITLE_KEY_SCORE), ("title_forms", title, TITLE_FORM_SCORE)],
        weights=engine.Weights(title=TITLE_SCORE, byline=BYLINE_SCORE, body=BODY_SCORE, band=BM25_BAND,
                               equivalent=equivalents.SHARE),
    )


# --- haystack (Elasticsearch) ----------------------------------------------------------------------------------


def _run_haystack(using, parsed, filters, sort, page, per_page):
    from functools import reduce
    from operator import or_

    from haystack.inputs import AutoQuery, Exact
    from haystack.query import SQ, SearchQuerySet

    sqs = SearchQuerySet(using=using).models(Article)
    for group in parsed.groups:
        options = []
        for clause in group:
            # Its variants by equivalent terms, by their string only; and the string unfolded: another engine's
            # index keeps each document's own script (scripts.py folds only Whoosh's).
            texts = {" ".join(form.runs) for form in (clause, *clause.equivalents)}
            texts.add(" ".join(analysis.RUN.findall(normalize_input(clause.text).lower())))
            for text in texts:
                options += [SQ(title_bigrams=Exact(text)), SQ(text_bigrams=Exact(text))]
            if not clause.phrase:
                options.append(SQ(content=AutoQuery(" ".join(clause.words))))
        sqs = sqs.filter(reduce(or_, options))
    for clause in parsed.excluded:
        text = " ".join(clause.runs)
        sqs = sqs.exclude(SQ(title_bigrams=Exact(text)) | SQ(text_bigrams=Exact(text)))
    for name in FILTER_FIELDS:
        if getattr(filters, name):
            sqs = sqs.filter(**{name: Exact(getattr(filters, name))})
    if filters.date_from:
        sqs = sqs.filter(date__gte=filters.date_from)
    if filters.date_to:
        sqs = sqs.filter(date__lte=filters.date_to)
    if sort != "relevance" or not parsed.groups:
        sqs = sqs.order_by("date" if sort == "oldest" else "-date")
    for name in FACETS:
        # Elasticsearch returns a terms aggregation's 10 largest values unless told: the chart needs every year.
        sqs = sqs.facet(name, **({"size": 1000} if name == "year" else {}))
    start = (page - 1) * per_page
    ids = [int(result.pk) for result in sqs[start : start + per_page]]
    counts = sqs.facet_counts().get("fields", {})
    return ids, sqs.count(), {name: dict(counts.get(name, [])) for name in FACETS}


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
    }
