"""search() on the 40 sample documents (tests/fixtures/search_sample.jsonl): recall against Python `in` (in either
script: the 1954 report is in traditional characters), the query language, filters and facets, sorting, paging and
highlighting."""

import datetime
import random
import re

import pytest

from documents.search_indexes import ArticleIndex
from documents.search.index.indexing import rebuild
from documents.search.query import Filters, parse_query, search
from documents.search.text.scripts import fold
from tests.search_support import load_sample, use_index


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory):
    """Where the sample's index lives; built by the first test that needs it (the documents have fixed ids,
    so the index matches the database of every test)."""
    return tmp_path_factory.mktemp("sample") / "whoosh_index"


@pytest.fixture
def sample(db, sample_index, settings):
    articles = load_sample()
    with use_index(sample_index, settings):
        if not sample_index.exists():
            rebuild()
        yield {a.pk: a for a in articles}


def texts(sample):
    """What a document is found by: its title and the text the index gets (body, speaker, meeting ...)."""
    return {pk: a.title + "\n" + ArticleIndex.searchable_text(a) for pk, a in sample.items()}


def found_in(corpus, q):
    """The documents containing q in either script (scripts.py: traditional and simplified are searched alike)."""
    return {pk for pk, text in corpus.items() if fold(q) in fold(text)}


def all_pks(q, **kwargs):
    found, page = [], 1
    while True:
        results = search(q, page=page, per_page=100, **kwargs)
        found += [hit.pk for hit in results.hits]
        if page >= results.num_pages:
            return found, results
        page += 1


def sample_queries(sample, n=40, seed=7):
    rng = random.Random(seed)
    runs = [run for text in texts(sample).values() for run in re.findall(r"[\u4e00-\u9fff]{2,}", text)]
    queries = []
    while len(queries) < n:
        run = rng.choice(runs)
        size = rng.randint(2, min(8, len(run)))
        start = rng.randint(0, len(run) - size)
        queries.append(run[start : start + size])
    return queries


def test_recall_matches_python_in(sample):
    corpus = texts(sample)
    for q in sample_queries(sample):
        expected = found_in(corpus, q)
        unquoted, _ = all_pks(q)
        assert expected <= set(unquoted), q
        quoted, results = all_pks(f'"{q}"')
        assert set(quoted) == expected, q
        assert results.count == len(expected)
        # Documents containing the string verbatim come before those that only contain its words.
        verbatim = [pk in expected for pk in unquoted]
        assert verbatim == sorted(verbatim, reverse=True), q


def test_and_or_and_exclusion(sample):
    corpus = texts(sample)
    has = {q: found_in(corpus, q) for q in ["人民政府", "委员会", "管理", "国务院"]}
    assert set(all_pks('"人民政府" "委员会"')[0]) == has["人民政府"] & has["委员会"]
    assert set(all_pks('"管理" OR "国务院"')[0]) == has["管理"] | has["国务院"]
    assert set(all_pks('"人民政府" -管理')[0]) == has["人民政府"] - has["管理"]
    assert set(all_pks('"人民政府" "管理" OR "国务院"')[0]) == has["人民政府"] & (has["管理"] | has["国务院"])
    assert has["人民政府"] - has["管理"] and has["人民政府"] & has["管理"]  # the sample exercises both sides


def test_filters_and_facet_counts(sample):
    q = "人民"
    found, results = all_pks(q)
    hits = [sample[pk] for pk in found]
    counts = {}
    for article in hits:
        counts[article.column.slug] = counts.get(article.column.slug, 0) + 1
    assert {v: n for v, _, n in results.facets["column"]} == counts
    kinds = {}
    for article in hits:
        kinds[article.kind] = kinds.get(article.kind, 0) + 1
    assert {v: n for v, _, n in results.facets["kind"]} == kinds
    assert dict((v, label) for v, label, _ in results.facets["kind"])["regulation"] == "法规"
    years = {}
    for article in hits:
        if article.date:
            years[str(article.date.year)] = years.get(str(article.date.year), 0) + 1
    assert {v: n for v, _, n in results.facets["year"]} == years

    only_reports, _ = all_pks(q, filters=Filters(kind="report"))
    assert only_reports and set(only_reports) == {pk for pk in found if sample[pk].kind == "report"}
    meetings = {pk: a.meeting.slug for pk, a in sample.items() if a.meeting_id}
    some_meeting = next(iter(meetings.values()))
    assert set(all_pks("", filters=Filters(meeting=some_meeting))[0]) == {
        pk for pk, slug in meetings.items() if slug == some_meeting}
    speaker = next(a.speaker for a in sample.values() if a.speaker_id)
    by_speaker, speaker_results = all_pks("", filters=Filters(speaker=speaker.slug))
    assert set(by_speaker) == {pk for pk, a in sample.items() if a.speaker_id == speaker.pk}
    assert speaker_results.facets["speaker"][0][1] == speaker.name

    start, end = datetime.date(2010, 1, 1), datetime.date(2019, 12, 31)
    in_range, _ = all_pks("", filters=Filters(date_from=start, date_to=end))
    assert set(in_range) == {pk for pk, a in sample.items() if a.date and start <= a.date <= end}
    day = next(a.date for a in sample.values() if a.date_precision == "day")
    same_day, _ = all_pks("", filters=Filters(date_from=day, date_to=day))
    assert set(same_day) == {pk for pk, a in sample.items() if a.date == day}


def test_sorting_and_paging(sample):
    newest, _ = all_pks("人民", sort="newest")
    dates = [sample[pk].date or datetime.date.min for pk in newest]
    assert dates == sorted(dates, reverse=True)
    oldest, _ = all_pks("人民", sort="oldest")
    dated = [sample[pk].date for pk in oldest if sample[pk].date]
    assert dated == sorted(dated)
    first, second = search("人民", page=1, per_page=5), search("人民", page=2, per_page=5)
    assert len(first.hits) == 5 and first.count == second.count > 10
    assert not {h.pk for h in first.hits} & {h.pk for h in second.hits}
    beyond = search("人民", page=99)
    assert beyond.hits == [] and "没有第 99 页" in beyond.messages[0]


def test_results_show_title_date_speaker_column_and_a_highlighted_snippet(sample):
    results = search("国务院")
    hit = results.hits[0]
    article = sample[hit.pk]
    assert hit.title == article.title and hit.column == article.column.name
    assert hit.date == article.date_display and hit.url == f"/articles/{hit.pk}/"
    assert "<em>国务院</em>" in hit.snippet
    reports = search("政府工作报告", filters=Filters(kind="report"))
    with_speaker = [h for h in reports.hits if sample[h.pk].speaker_id]
    assert with_speaker and all(h.speaker == sample[h.pk].speaker.name for h in with_speaker)
    assert re.search(r"\d{4}年", with_speaker[0].date)


def test_parse_query_is_forgiving():
    assert parse_query('"unbalanced').groups[0][0].text == "unbalanced"
    assert parse_query("AND OR - * title:").groups[0][0].text == "title:"
    assert parse_query("\x00人大\x07") .groups[0][0].text == "人大"
    parsed = parse_query("“人大常委会” －草案")
    assert parsed.groups[0][0].phrase and parsed.excluded[0].text == "草案"
    assert len(parse_query("字" * 2000).cleaned) == 100


def test_haystack_highlighting_works_for_chinese(sample):
    """haystack's own highlighter (a StemmingAnalyzer) returns nothing for Chinese; the backend replaces it."""
    from haystack.query import SearchQuerySet

    results = list(SearchQuerySet().filter(content="国务院").highlight()[:3])
    assert results and all("<em>国务院</em>" in r.highlighted["text"][0] for r in results)
