"""What one query may cost: the number of strings, of single characters, and of bigram terms the single
characters expand to; what is left out is named in a Chinese message."""

from documents.common.dates import parse_partial_date
from documents.models import Article, Column
from documents.search import engine, parsing
from documents.search.indexing import get_backend, rebuild
from documents.search.query import MAX_SINGLE_CHARS, MAX_TERMS, Filters, parse_query, search

CHARS = "的人大法国会民政府工作报告条例规定管理委员第一二三四五六七八九十年月日市省县区发展经济社会"


def runs(parsed):
    return [run for clause in parsed.positive + parsed.excluded for run in clause.runs]


def test_strings_past_the_limit_are_left_out_and_named():
    words = ["人大", "立法", "监督", "预算", "审议", "代表", "选举", "任免", "决定", "批准"]
    parsed = parse_query(" ".join(words))
    assert runs(parsed) == words[:MAX_TERMS]
    assert parsed.messages == [f"搜索词太多，只用了前 {MAX_TERMS} 个，略去了：决定、批准。"]
    # Strings split by punctuation inside one word or phrase count one each.
    for q in ["，".join(words), '"' + " ".join(words) + '"', "人大 -" + "，".join(words[1:])]:
        parsed = parse_query(q)
        assert runs(parsed) == words[:MAX_TERMS] and "略去了：决定、批准" in parsed.messages[0], q


def test_single_characters_past_the_limit_are_left_out_and_named():
    for q in [" OR ".join(CHARS[:30]), " ".join(CHARS[:50]), "，".join(CHARS[:50]), '"' + " ".join(CHARS[:50]) + '"']:
        parsed = parse_query(q)
        assert runs(parsed) == list(CHARS[:MAX_SINGLE_CHARS]), q
        dropped = next(m for m in parsed.messages if m.startswith("单字太多"))
        assert f"只用了前 {MAX_SINGLE_CHARS} 个单字" in dropped and "略去了：法、国、会" in dropped, q
        assert "等" in dropped  # a long list is cut, with the number left out


def test_what_is_left_out_keeps_the_rest_of_the_query_as_it_was():
    parsed = parse_query("甲 乙 丙 丁 人大 OR 戊 OR 监督 -己")
    assert [[c.text for c in group] for group in parsed.groups] == [["甲"], ["乙"], ["丙"], ["人大", "监督"]]
    assert parsed.excluded == []
    assert parsed.messages == [f"单字太多，只用了前 {MAX_SINGLE_CHARS} 个单字，略去了：丁、戊、己。"]
    assert parse_query("人大 监督").messages == []


def make(title, body):
    article = Article(title=title, column=Column.objects.get(slug="news"), status=Article.Status.PUBLISHED,
                      kind=Article.Kind.REGULATION)
    article.set_partial_date(parse_partial_date("2020"))
    article.set_plain_text_body(body)
    article.save()
    return article


def test_single_characters_expanding_past_the_budget_are_left_out_and_named(db, monkeypatch):
    common = make("目的", "的确，的士，目的地，有的放矢，真的，好的，是的。")
    fined = make("罚款办法", "处以罚款。")
    rebuild()
    searcher = get_backend().searcher()
    expansions = {c: engine.prefix_terms(searcher, c, 10**6) for c in "的罚"}
    assert expansions["的"] > expansions["罚"] + 2
    monkeypatch.setattr(parsing, "MAX_EXPANSIONS", expansions["罚"] + 1)  # 罚 fits, 的 does not

    results = search("罚 的")
    assert [hit.pk for hit in results.hits] == [fined.pk]
    assert results.messages == ["单字“的”太常用，查找太费时，已略去；请改用含有它的词语。"]
    for filters in [Filters(), Filters(kind="regulation")]:
        alone = search("的", filters=filters)
        assert alone.hits == [] and alone.count == 0 and "单字“的”太常用" in alone.messages[0]
    assert search("目的").hits[0].pk == common.pk  # in a word it costs nothing special
    monkeypatch.setattr(parsing, "MAX_EXPANSIONS", expansions["的"] + expansions["罚"])
    assert {hit.pk for hit in search("的 OR 罚").hits} == {common.pk, fined.pk}


def test_the_page_says_what_was_left_out(client, db):
    make("罚款办法", "处以罚款。")
    rebuild()
    response = client.get("/search/", {"q": " ".join(CHARS[:50])})
    assert response.status_code == 200
    assert "单字太多，只用了前 3 个单字，略去了：法、国、会" in response.content.decode()
