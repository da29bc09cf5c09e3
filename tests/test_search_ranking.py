"""Ranking rules of search() on a few handmade documents: the speaker weighs more than the body, a document
whose title is the query (or the query plus a year or issuer) comes first, equal matches go newest first."""

from documents.common.dates import parse_partial_date
from documents.models import Article, Column, Speaker
from documents.search.index.indexing import rebuild
from documents.search.query import search
from documents.common.titles import title_forms

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


def test_a_word_matching_the_speaker_weighs_more_than_in_the_body(db):
    speaker = Speaker.objects.create(name="李克强")
    reports = [make(f"{year}年政府工作报告", FILLER + f"{year}年的工作安排。", str(year), speaker=speaker,
                    kind=Article.Kind.REPORT) for year in (2016, 2017)]
    # Short, naming the speaker twice in the body: BM25 alone puts it first.
    resolution = make("关于政府工作报告的决议", "会议同意李克强总理所作的政府工作报告。李克强。", "2017-03-15",
                      kind=Article.Kind.RESOLUTION)
    rebuild()
    assert ranked("李克强 政府工作报告") == [reports[1].pk, reports[0].pk, resolution.pk]
    assert ranked("李克强")[:2] == [reports[1].pk, reports[0].pk]


def test_a_title_that_is_the_query_comes_first_then_the_query_plus_a_year_or_issuer(db):
    mention = make("关于修改《建设工程质量管理条例》的决定", "对建设工程质量管理条例作如下修改。", "2023-01-01")
    body_only = make("某市住房条例", "依照建设工程质量管理条例执行。", "2024-01-01")
    national = make("建设工程质量管理条例", FILLER, "2000-01-30")
    provincial = make("浙江省建设工程质量管理条例", FILLER, "2021-05-01", issuer="浙江")
    rebuild()
    assert ranked("建设工程质量管理条例") == [national.pk, provincial.pk, mention.pk, body_only.pk]
    assert ranked("《建设工程质量管理条例》")[0] == national.pk


def test_the_national_prefix_may_be_left_out(db):
    explained = make("船员条例释义", "船员条例逐条释义。", "2024-01-01")
    law = make("中华人民共和国船员条例", FILLER, "2007-04-14")
    rebuild()
    assert ranked("船员条例") == [law.pk, explained.pk]


def test_reports_named_by_the_query_come_newest_first_before_what_mentions_them(db):
    years = [1979, 2023, 2007, 1957, 2025]
    reports = {year: make(f"{year}年中华人民共和国国务院政府工作报告", FILLER * (year % 3 + 1), str(year),
                          issuer="国务院", kind=Article.Kind.REPORT) for year in years}
    resolution = make("第十四届全国人民代表大会第三次会议关于政府工作报告的决议", "批准政府工作报告。", "2025-03-11",
                      kind=Article.Kind.RESOLUTION)
    rebuild()
    newest_first = [reports[year].pk for year in sorted(years, reverse=True)]
    assert ranked("政府工作报告") == [*newest_first, resolution.pk]
    assert ranked("国务院政府工作报告")[:5] == newest_first
    assert ranked("2007年政府工作报告")[0] == reports[2007].pk
    assert ranked("2007年中华人民共和国国务院政府工作报告")[0] == reports[2007].pk


def test_equal_matches_go_newest_first_but_a_clearly_better_match_stays_ahead(db):
    older = make("城市管理办法", "加强城市监督。" + FILLER, "2001-01-01")
    newer = make("乡村管理办法", "加强乡村监督。" + FILLER + "另行规定。", "2020-01-01")  # a little longer
    better = make("监督办法", "监督。" * 3 + FILLER, "1990-01-01")  # the word three times
    rebuild()
    assert ranked("监督") == [better.pk, newer.pk, older.pk]


def test_title_forms_drop_the_year_the_national_prefix_and_the_issuer():
    exact, shortened = title_forms("2025年中华人民共和国国务院政府工作报告", "国务院")
    assert "2025年中华人民共和国国务院政府工作报告" in exact
    assert {"政府工作报告", "国务院政府工作报告", "2025年政府工作报告"} <= shortened
    assert title_forms("上海市住宅物业管理规定", "上海")[1] == {"住宅物业管理规定"}
    assert title_forms("中华人民共和国民法典") == ({"中华人民共和国民法典", "民法典"}, set())
    assert "宪法修正案" in title_forms("中华人民共和国宪法修正案（2004年）")[1]
    assert title_forms("", "") == (set(), set())
