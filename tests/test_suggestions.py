"""The search box's suggestions (documents/suggestions.py, /search/suggest/): what they offer and in what order,
when they change, bad input, and the cost of a request."""

import datetime

import pytest

from documents.models import Article, Column, EquivalentTerms, Meeting, Speaker
from documents.archive.suggestions import MAX_SUGGESTIONS, SOURCES, SuggestionIndex

pytestmark = pytest.mark.django_db
URL = "/search/suggest/"


@pytest.fixture(autouse=True)
def _without_equivalent_terms():
    """These tests are about titles, speakers and meetings: the seeded equivalent terms (人大常委会 …) would be
    suggested too. Theirs are in test_search_equivalents.py."""
    EquivalentTerms.objects.all().delete()


def make(title, status=Article.Status.PUBLISHED, date=(2022, 1, 1), **fields):
    article = Article(title=title, column=Column.objects.get(slug="news"), status=status,
                      date=datetime.date(*date) if date else None, **fields)
    article.set_plain_text_body("正文。")
    article.save()
    return article


def suggest(client, q, **params):
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()["suggestions"]


def texts(client, q):
    return [s["text"] for s in suggest(client, q)]


def test_titles_starting_with_the_text_come_first_then_those_containing_it_newest_first(client):
    make("关于立法的决定", date=(2021, 1, 1))
    make("立法工作计划", date=(2019, 1, 1))
    make("地方立法条例", date=(2023, 1, 1))
    make("立法草稿", status=Article.Status.DRAFT)
    make("监督工作报告")
    assert texts(client, "立法") == ["立法工作计划", "地方立法条例", "关于立法的决定"]
    first = suggest(client, "立法工作")[0]
    article = Article.objects.get(title="立法工作计划")
    assert first == {"text": "立法工作计划", "kind": "title", "label": "标题", "hint": "2019年1月1日",
                     "url": article.get_absolute_url()}


def test_speakers_and_meetings_with_published_documents(client):
    speaker = Speaker.objects.create(name="张雷明")
    Speaker.objects.create(name="张三")  # no document: nothing to show on a page
    meeting = Meeting.objects.create(name="市十五届人大常委会第三次会议")
    Meeting.objects.create(name="市十五届人大常委会第四次会议")
    make("讲话一", speaker=speaker, meeting=meeting)
    make("讲话二", speaker=speaker)
    found = suggest(client, "张")
    assert found == [{"text": "张雷明", "kind": "speaker", "label": "发言人", "hint": "2 篇",
                      "url": speaker.get_absolute_url()}]
    found = suggest(client, "常委会")
    assert [(s["text"], s["label"], s["hint"], s["url"]) for s in found] == [
        ("市十五届人大常委会第三次会议", "会议", "1 篇", meeting.get_absolute_url())]


def test_each_kind_gets_its_share_of_the_eight(client):
    for n in range(10):
        meeting = Meeting.objects.create(name=f"第{n}次预算会议", date=datetime.date(2000 + n, 1, 1))
        make(f"预算报告{n}", meeting=meeting, date=(2000 + n, 6, 1))
    found = suggest(client, "预算")
    assert len(found) == MAX_SUGGESTIONS
    kinds = [s["kind"] for s in found]
    assert kinds == ["meeting"] * 5 + ["title"] * 3  # three each first, then the rest in the sources' order
    assert [s["text"] for s in found if s["kind"] == "title"] == ["预算报告9", "预算报告8", "预算报告7"]


def test_never_more_than_eight(client):
    for n in range(4):
        speaker = Speaker.objects.create(name=f"王预算{n}")
        meeting = Meeting.objects.create(name=f"第{n}次预算会议", date=datetime.date(2000 + n, 1, 1))
        make(f"预算报告{n}", speaker=speaker, meeting=meeting, date=(2000 + n, 6, 1))
    kinds = [s["kind"] for s in suggest(client, "预算")]
    assert kinds == ["speaker"] * 3 + ["meeting"] * 3 + ["title"] * 2


def test_typed_text_is_folded_like_the_entries(client):
    make("ＰＭ２.５ 防治条例")
    make("Beijing   Plan")
    assert texts(client, "pm2.5") == ["ＰＭ２.５ 防治条例"]
    assert texts(client, "  bei\x00jing plan ") == ["Beijing   Plan"]
    assert texts(client, "ｂｅｉｊｉｎｇ") == ["Beijing   Plan"]


@pytest.mark.parametrize("q", ["", "   ", "\x00\x01", "人" * 2000, "a" * 2000, "😀" * 700, "%", "\\", "\n"])
def test_empty_long_and_odd_input_gives_no_suggestion_and_no_error(client, q):
    make("人人有责")
    assert suggest(client, q) == []


def test_a_long_text_is_read_up_to_the_search_limit(client):
    title = "关于" + "人大" * 60  # 122 characters: the first 100 typed still find it
    make(title)
    assert texts(client, title + "其他" * 900) == [title]


def test_suggestions_follow_publication_and_renaming(client):
    article = make("新的立法规划")
    assert texts(client, "立法规划") == ["新的立法规划"]
    article.status = Article.Status.DRAFT
    article.save()
    assert texts(client, "立法规划") == []
    article.status = Article.Status.PUBLISHED
    article.title = "改过的立法规划"
    article.save()
    assert texts(client, "立法规划") == ["改过的立法规划"]
    speaker = Speaker.objects.create(name="李四")
    make("讲话", speaker=speaker)
    speaker.name = "李四光"
    speaker.save()
    assert "李四光" in texts(client, "李四")


def test_a_suggestion_costs_no_query_once_the_index_is_built(client, django_assert_num_queries):
    make("立法工作计划")
    with django_assert_num_queries(len(SOURCES)):  # built: one query per kind
        suggest(client, "立法")
    with django_assert_num_queries(0):
        assert texts(client, "工作") == ["立法工作计划"]


def test_opensearch_suggestions_format(client):
    article = make("立法工作计划")
    response = client.get(URL, {"q": "立法", "format": "opensearch"})
    assert response.json() == ["立法", ["立法工作计划"], ["2022年1月1日"],
                               [f"http://testserver{article.get_absolute_url()}"]]


def test_the_index_finds_what_a_plain_scan_finds():
    """Against `in` over the folded titles, for every two-character piece of the titles."""
    titles = [f"{a}关于{b}的决定" for a in ("市", "省", "县") for b in ("立法", "监督", "预算", "人大")] + ["立法"]
    for n, title in enumerate(titles):
        make(title, date=(2000 + n, 1, 1))
    index = SuggestionIndex()
    newest_first = list(reversed(titles))
    for title in titles:
        for start in range(len(title) - 1):
            needle = title[start : start + 2]
            found = [s.text for s in index.suggest(needle, limit=100)]
            prefix = [t for t in newest_first if t.startswith(needle)]
            assert found == prefix + [t for t in newest_first if needle in t and t not in prefix], needle


def test_a_title_named_by_the_text_or_whose_short_title_starts_with_it_comes_first_and_once(client):
    """Real titles of the corpus (laws.jsonl): 民法 is in 最高人民法院 (人民法院), the 民法典 is listed eight times
    (its parts), and 宪法 is the short title of 中华人民共和国宪法."""
    for n, title in enumerate(["最高人民法院关于适用《中华人民共和国民法典》时间效力的若干规定",
                               "最高人民法院关于审理民间借贷案件适用法律若干问题的规定",
                               "最高人民法院关于适用《中华人民共和国民法典》物权编的解释（一）",
                               "最高人民法院关于人民法院民事调解工作若干问题的规定"]):
        make(title, date=(2023, 1, n + 1))
    for part in range(8):
        make("中华人民共和国民法典", date=(2020, 5, 28))
    make("中华人民共和国宪法", date=(2018, 3, 11))
    for n, title in enumerate(["中华人民共和国宪法修正案", "全国人民代表大会常务委员会关于实行宪法宣誓制度的决定",
                               "关于设立国家宪法日的决定", "中华人民共和国全国人民代表大会和地方各级人民代表大会选举法"]):
        make(title, date=(2019, 1, n + 1))
    found = texts(client, "民法")
    assert found[0] == "中华人民共和国民法典" and found.count("中华人民共和国民法典") == 1
    assert texts(client, "民法典")[0] == "中华人民共和国民法典"
    assert texts(client, "宪法")[:2] == ["中华人民共和国宪法", "中华人民共和国宪法修正案"]
