"""What one query may cost: the number of strings, of single characters, and of bigram terms the single
characters expand to; what is left out is named in a Chinese message. Repeated and nested equivalent forms stay
within a few times a common query's work (documents/search/language/budget.py counts it), and a search past its deadline
answers what it has with a note, on the page, in the JSON and in the feed."""

import importlib
import itertools
import statistics

import feedparser

from documents.common.dates import parse_partial_date
from documents.models import Article, Column
from documents.search.language import budget, parsing
from documents.search.backends.whoosh import engine
from documents.search.backends import ranking
from documents.search.language.equivalents import MAX_FORMS, Table, expand
from documents.search.index.indexing import get_backend, rebuild
from documents.search.query import CUT_MESSAGE, MAX_SINGLE_CHARS, MAX_TERMS, Filters, parse_query, search
from tests.test_search_query import sample, sample_index  # noqa: F401 (fixtures)

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


# --- repeated and nested forms, the work they cost, the deadline ------------------------------------------------

SEED = importlib.import_module("documents.migrations.0013_equivalent_terms").SEED
SEEDED = Table.from_rows("\n".join(forms) for forms, _ in SEED)
# Common queries: bench/search.py's typical ones, and words with equivalent forms.
COMMON = ["政府工作报告", "人民代表大会", "环境保护 条例", "李克强 政府工作报告", "人大 立法 OR 监督", "民法典", "食品安全",
          "人民政府", "人大常委会", "全国人大常委会"]
# "A few times": a query of four words with equivalents (the last two of REPEATED) costs about four common ones.
FEW = 5
# Each is 100 characters or close: the longest query, built of forms of the seeded table. Before the bound the
# first three made every combination of their forms (2^20, 2^25 ...) and took seconds to minutes.
REPEATED = {
    "人大常委会 × 20": "人大常委会" * 20,
    "全国人大 × 25": "全国人大" * 25,
    "人大代表 × 25": "人大代表" * 25,
    "人大常委会 × 16, spaced": " ".join(["人大常委会"] * 16),
    "全国人大常委会 × 14 (forms inside forms)": "全国人大常委会" * 14,
    "nested forms mixed": "全国人大常委会法工委人大代表全国人大人大常委会" * 4,
    "nested forms mixed, spaced": " ".join(["全国人大常委会", "人大代表", "全国人大", "法工委"] * 5),
    "人大 OR 监督, repeated": " ".join(["人大常委会 OR 监督"] * 8),
}


def test_a_form_repeated_in_a_word_is_replaced_alike_and_variants_stay_few():
    runs = parse_query("人大常委会" * 20).positive[0].runs
    assert SEEDED.variants(runs) == [("人民代表大会常务委员会" * 20,)]
    assert SEEDED.variants(parse_query("全国人大" * 25).positive[0].runs) == [("全国人民代表大会" * 25,)]
    mixed = SEEDED.variants(parse_query("人大常委会人大代表人大常委会").positive[0].runs)
    assert mixed == [("人大常委会人民代表大会代表人大常委会",), ("人民代表大会常务委员会人大代表人民代表大会常务委员会",),
                     ("人民代表大会常务委员会人民代表大会代表人民代表大会常务委员会",)]
    for q in REPEATED.values():
        parsed = expand(parse_query(q), SEEDED)
        assert sum(len(clause.equivalents) for clause in parsed.positive) <= MAX_FORMS, q


def test_the_options_of_a_run_are_made_only_as_far_as_they_are_used():
    """25 forms in a run have 2^25 combinations: they are made one at a time, never listed."""
    options = SEEDED._run_options("全国人大人大代表人大常委会法工委" * 6)
    assert next(options) == ("全国人大人大代表人大常委会法工委" * 6,)  # as typed first, at once
    assert len(list(itertools.islice(options, 100))) == 15  # 4 distinct forms: 2^4 ways in all


def test_a_clause_typed_again_is_searched_once():
    def shape(q):
        parsed = parse_query(q)
        return [[c.text for c in group] for group in parsed.groups], [c.text for c in parsed.excluded]

    assert shape("人大 人大 人大") == ([["人大"]], [])
    assert shape("人大 OR 人大 -草案 -草案") == ([["人大"]], ["草案"])
    assert shape("人大 人大 OR 监督") == ([["人大"]], [])  # 人大 AND (人大 OR 监督) is 人大
    assert shape("人大 OR 监督 监督 OR 人大 立法") == ([["人大", "监督"], ["立法"]], [])
    assert shape('"人大" 人大 立法 OR 监督') == ([["人大"], ["人大"], ["立法", "监督"]], [])  # quoted: not the same
    assert shape(" ".join(["人大常委会"] * 16)) == ([["人大常委会"]], [])
    assert parse_query(" ".join(["人大常委会"] * 16)).messages == []  # nothing left out: nothing to say


def work(q):
    results = search(q)
    assert not results.cut, q
    return results.spent


def test_no_query_costs_more_than_a_few_common_ones(sample):
    """Work counted, not time: postings lists looked up, postings read, position lists decoded."""
    common = statistics.median(work(q).work for q in COMMON)
    assert common > 0
    for label, q in REPEATED.items():
        spent = work(q)
        assert spent.work <= FEW * common, (label, spent, common)
    # The repeated word finds what the word finds once.
    assert {h.pk for h in search("人大常委会" * 20).hits} <= {h.pk for h in search("人大常委会").hits}
    assert [h.pk for h in search(" ".join(["人大常委会"] * 16)).hits] == [h.pk for h in search("人大常委会").hits]


class Ticking:
    """A clock that advances one second each time it is read after `free` readings: a search's deadline passes
    at a known point of its evaluation, whatever the machine's speed."""

    def __init__(self, free):
        self.free, self.now = free, 0.0

    def __call__(self):
        if self.free > 0:
            self.free -= 1
        else:
            self.now += 1.0
        return self.now


def test_the_deadline_stops_the_evaluation_at_a_check(sample):
    parsed = expand(parse_query("人大常委会"), SEEDED)
    assert parsed.positive[0].equivalents
    searcher = get_backend().searcher()

    def evaluate(free):
        with budget.spending(0.5, clock=Ticking(free)) as spent:
            return engine.run(searcher, parsed, Filters(), sort="relevance", page=1, per_page=100,
                              named=[], weights=ranking.weights()), spent

    full, spent = evaluate(10**9)
    assert not spent.cut and spent.work > 0
    checks = spent.terms + 1  # at least one check a term looked up
    cut_short, cut = evaluate(0)  # the first check is past the deadline: nothing evaluated
    assert cut.cut and cut_short.total == 0
    # Past the deadline while searching the variants: the query as typed is answered, the variants left out.
    typed_only = search('"人大常委会"')
    assert typed_only.count and full.total > typed_only.count
    for free in range(1, checks * 20):
        partial, cut = evaluate(free)
        if cut.cut and partial.total:
            assert typed_only.count <= partial.total < full.total
            break
    else:
        raise AssertionError("the deadline never fell between the typed form and its variants")


def test_a_search_past_its_deadline_says_so_on_the_page_in_json_and_in_the_feed(sample, client, settings):
    settings.SEARCH_SECONDS = 0  # every search is past its deadline at the first check
    results = search("人大常委会")
    assert results.cut and results.messages == [CUT_MESSAGE]
    page = client.get("/search/", {"q": "人大常委会"})
    assert page.status_code == 200 and CUT_MESSAGE in page.content.decode()
    data = client.get("/search/", {"q": "人大常委会", "format": "json"}).json()
    assert CUT_MESSAGE in data["messages"] and data["incomplete"] is True
    feed = feedparser.parse(client.get("/search/feed/", {"q": "人大常委会"}).content)
    assert CUT_MESSAGE in feed.feed.description
    settings.SEARCH_SECONDS = 1
    assert not search("人大常委会").cut
