"""The behaviour every search backend must show, run on each (Whoosh; OpenSearch when SEARCH_TEST_URL names a
cluster): recall against a substring scan, single characters, AND/OR/exclusion, filters and facet counts, the year
chart's counts, the ranking tiers, equivalent terms, traditional and simplified characters alike, the cost bounds.
Everything goes through documents.search.query.search(), so the suite follows changes of the ranking rules."""

import datetime
import importlib

import pytest

from documents.common.dates import parse_partial_date
from documents.models import Article, Column, Speaker
from documents.search.query import MAX_TERMS, Filters, search
from documents.search.text.scripts import fold
from tests.search_support import cluster_or_skip, load_sample, unique_prefix, use_cluster, use_index
from tests.test_search_query import all_pks, found_in, sample_queries, texts

BACKENDS = ["whoosh", "opensearch"]
SEED = importlib.import_module("documents.migrations.0013_equivalent_terms").SEED


def build_index():
    """A full build on whichever backend haystack's default connection is."""
    from documents.search.index import indexing

    indexing.rebuild()


class Place:
    """Where one backend's index of a test lives, and how to point haystack at it."""

    def __init__(self, kind, tmp_path_factory):
        self.kind, self.built = kind, False
        if kind == "whoosh":
            self.path = tmp_path_factory.mktemp("behaviour") / "whoosh_index"
        else:
            self.url, self.prefix = cluster_or_skip(), unique_prefix("behaviour")

    def use(self, settings=None):
        return use_index(self.path, settings) if self.kind == "whoosh" else use_cluster(self.url, self.prefix, settings)

    def drop(self):
        if self.kind == "opensearch":
            from documents.search.backends.opensearch import OpenSearchBackend

            OpenSearchBackend("default", URL=self.url, INDEX_PREFIX=self.prefix).clear()


@pytest.fixture(scope="module", params=BACKENDS)
def place(request, tmp_path_factory):
    found = Place(request.param, tmp_path_factory)
    yield found
    found.drop()


@pytest.fixture
def sample(db, place, settings):
    """The 40 sample documents (fixed ids), indexed once per backend."""
    articles = load_sample()
    # 时效性 of the sample's regulations (the same in every test: the index is built once).
    for article in articles:
        if article.kind == Article.Kind.REGULATION:
            article.validity = "amended" if article.pk % 3 == 0 else "current"
            Article.objects.filter(pk=article.pk).update(validity=article.validity)
    with place.use(settings):
        if not place.built:
            build_index()
            place.built = True
        yield {a.pk: a for a in articles}


@pytest.fixture
def fresh(db, place, settings, tmp_path):
    """An empty index of the backend for a test's own documents; call the returned function once they are saved."""
    own = Place(place.kind, None) if place.kind == "opensearch" else None
    if own is None:
        context = use_index(tmp_path / "own_index", settings)
    else:
        context = own.use(settings)
    with context:
        yield build_index
    if own is not None:
        own.drop()


# --- recall -------------------------------------------------------------------------------------------------------


def test_recall_equals_a_substring_scan(sample):
    corpus = texts(sample)
    for q in sample_queries(sample, n=30):
        expected = found_in(corpus, q)
        unquoted, _ = all_pks(q)
        assert expected <= set(unquoted), q
        quoted, results = all_pks(f'"{q}"')
        assert set(quoted) == expected and results.count == len(expected), q
        verbatim = [pk in expected for pk in unquoted]  # the string verbatim before its words apart
        assert verbatim == sorted(verbatim, reverse=True), q


def test_single_characters_digits_and_latin(sample):
    corpus = texts(sample)
    for q in ["法", "罚", "条", "2"]:
        expected = found_in(corpus, q)
        assert expected and set(all_pks(f'"{q}"')[0]) == expected, q


def test_and_or_and_exclusion(sample):
    corpus = texts(sample)
    has = {q: found_in(corpus, q) for q in ["人民政府", "委员会", "管理", "国务院"]}
    assert set(all_pks('"人民政府" "委员会"')[0]) == has["人民政府"] & has["委员会"]
    assert set(all_pks('"管理" OR "国务院"')[0]) == has["管理"] | has["国务院"]
    assert set(all_pks('"人民政府" -管理')[0]) == has["人民政府"] - has["管理"]
    assert has["人民政府"] - has["管理"] and has["人民政府"] & has["管理"]


def test_traditional_and_simplified_are_one(sample):
    corpus = texts(sample)
    for simplified, traditional in [("国务院", "國務院"), ("人民代表大会", "人民代表大會"), ("经济", "經濟")]:
        expected = found_in(corpus, simplified)
        assert expected and set(all_pks(f'"{traditional}"')[0]) == expected == set(all_pks(f'"{simplified}"')[0])


# --- filters and facets -------------------------------------------------------------------------------------------


def _count(values):
    counts = {}
    for value in values:
        if value:
            counts[value] = counts.get(value, 0) + 1
    return counts


def test_facets_count_what_was_found(sample):
    found, results = all_pks("人民")
    hits = [sample[pk] for pk in found]
    assert {v: n for v, _, n in results.facets["column"]} == _count(a.column.slug for a in hits)
    assert {v: n for v, _, n in results.facets["kind"]} == _count(a.kind for a in hits)
    assert {v: n for v, _, n in results.facets["year"]} == _count(str(a.date.year) if a.date else "" for a in hits)
    assert {v: n for v, _, n in results.facets["speaker"]} == _count(a.speaker.slug if a.speaker_id else ""
                                                                     for a in hits)
    assert {v: n for v, _, n in results.facets["validity"]} == _count(a.validity for a in hits)


def test_filters_narrow_to_exact_values(sample):
    found, _ = all_pks("人民")
    only_reports, _ = all_pks("人民", filters=Filters(kind="report"))
    assert only_reports and set(only_reports) == {pk for pk in found if sample[pk].kind == "report"}
    column = sample[found[0]].column.slug
    assert set(all_pks("", filters=Filters(column=column))[0]) == {
        pk for pk, a in sample.items() if a.column.slug == column}
    meeting = next(a.meeting for a in sample.values() if a.meeting_id)
    assert set(all_pks("", filters=Filters(meeting=meeting.slug))[0]) == {
        pk for pk, a in sample.items() if a.meeting_id == meeting.pk}
    speaker = next(a.speaker for a in sample.values() if a.speaker_id)
    assert set(all_pks("", filters=Filters(speaker=speaker.slug))[0]) == {
        pk for pk, a in sample.items() if a.speaker_id == speaker.pk}
    for validity in ("current", "amended"):
        assert set(all_pks("", filters=Filters(validity=validity))[0]) == {
            pk for pk, a in sample.items() if a.validity == validity}


def test_a_date_range_and_the_years_without_it(sample):
    start, end = datetime.date(2010, 1, 1), datetime.date(2019, 12, 31)
    in_range, results = all_pks("人民", filters=Filters(date_from=start, date_to=end))
    everywhere, _ = all_pks("人民")
    assert set(in_range) == {pk for pk in everywhere if sample[pk].date and start <= sample[pk].date <= end}
    total, years = results.any_date
    assert total == len(everywhere)
    assert dict(years) == _count(str(sample[pk].date.year) if sample[pk].date else "" for pk in everywhere)


def test_sorting_by_date_both_ways(sample):
    newest, _ = all_pks("人民", sort="newest")
    dated = [sample[pk].date for pk in newest if sample[pk].date]
    assert dated == sorted(dated, reverse=True) and len(dated) > 3
    oldest, _ = all_pks("人民", sort="oldest")
    assert [sample[pk].date for pk in oldest if sample[pk].date] == sorted(dated)


# --- ranking tiers ------------------------------------------------------------------------------------------------


def test_the_speakers_reports_come_before_resolutions_that_mention_the_speaker(sample):
    hits = search("李克强 政府工作报告").hits
    delivered = {pk for pk, a in sample.items() if a.speaker_id and a.speaker.name == "李克强"}
    assert len(delivered) == 2 and {h.pk for h in hits[:2]} == delivered


def test_reports_titled_by_the_query_come_first_newest_first(sample):
    hits = search("政府工作报告", per_page=100).hits
    reports = sorted((a for a in sample.values() if a.kind == "report"), key=lambda a: a.date, reverse=True)
    assert [h.pk for h in hits[: len(reports)]] == [a.pk for a in reports]


FILLER = "各位代表：现在，我代表国务院，向大会报告工作，请予审议。" * 6


def make(title, body, date, **fields):
    article = Article(title=title, column=Column.objects.get(slug="news"), status=Article.Status.PUBLISHED,
                      **fields)
    article.set_partial_date(parse_partial_date(date))
    article.set_plain_text_body(body)
    article.save()
    return article


def ranked(q):
    return [hit.pk for hit in search(q, per_page=100).hits]


def test_a_law_by_its_short_title_comes_first(fresh):
    mention = make("关于修改《建设工程质量管理条例》的决定", "对建设工程质量管理条例作如下修改。", "2023-01-01")
    body_only = make("某市住房条例", "依照建设工程质量管理条例执行。", "2024-01-01")
    national = make("中华人民共和国建设工程质量管理条例", FILLER, "2000-01-30")
    explained = make("船员条例释义", "船员条例逐条释义。", "2024-01-01")
    law = make("中华人民共和国船员条例", FILLER, "2007-04-14")
    fresh()
    assert ranked("建设工程质量管理条例") == [national.pk, mention.pk, body_only.pk]
    assert ranked("船员条例") == [law.pk, explained.pk]


def test_the_speaker_weighs_more_than_the_body(fresh):
    speaker = Speaker.objects.create(name="李克强")
    reports = [make(f"{year}年政府工作报告", FILLER + f"{year}年的工作安排。", str(year), speaker=speaker,
                    kind=Article.Kind.REPORT) for year in (2016, 2017)]
    resolution = make("关于政府工作报告的决议", "会议同意李克强总理所作的政府工作报告。李克强。", "2017-03-15",
                      kind=Article.Kind.RESOLUTION)
    fresh()
    assert ranked("李克强 政府工作报告") == [reports[1].pk, reports[0].pk, resolution.pk]


def test_equivalent_terms_are_found_below_the_typed_form(fresh):
    docs = {
        "typed": make("纪要一", "市人大常委会会议审议了报告。", "2019-01-01"),
        "long_title": make("市人民代表大会常务委员会会议纪要", "报告全文。", "2024-01-01"),
        "long_body": make("纪要二", "市人民代表大会常务委员会会议审议了报告。", "2023-01-01"),
        "apart": make("情况通报", "人大常委会召开了座谈会议。", "2025-01-01"),
        "other": make("政府工作报告", "市人民政府召开会议。", "2022-01-01"),
    }
    fresh()
    assert ranked("人大常委会会议") == [docs[n].pk for n in ["typed", "long_title", "long_body", "apart"]]
    assert ranked('"人大常委会会议"') == [docs["typed"].pk]
    found = set(ranked("审议 -人大常委会"))
    assert docs["typed"].pk not in found and docs["long_body"].pk in found


def test_an_unquoted_form_finds_every_form_of_its_group(sample):
    corpus = texts(sample)
    for forms, _ in SEED[:8]:
        having = {pk for pk, text in corpus.items() if any(fold(form) in fold(text) for form in forms)}
        for form in forms:
            assert having <= set(all_pks(form)[0]), form


# --- bounds ------------------------------------------------------------------------------------------------------


def test_the_query_cost_bounds_hold(sample):
    words = ["人民", "政府", "委员", "会议", "报告", "国务", "管理", "经济", "社会", "发展"]
    results = search(" ".join(words))
    assert any(str(MAX_TERMS) in message for message in results.messages)
    assert search("法 " * 2).count == search('"法"').count
