"""Equivalent terms (documents/search/language/equivalents.py): the variants of a query, search with them (recall, exact
quotes, the typed form first, highlights, the page's message and its exact-only link), a change of the table
without a rebuild, the cost bound, the admin's checks and permissions, the suggestions, and held-out checks of
the seeded table on the sample."""

import importlib
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from documents.common.dates import parse_partial_date
from documents.models import Article, Column, EquivalentTerms
from documents.search.language.equivalents import MAX_FORMS, Table, check_forms, expand
from documents.search.index.indexing import rebuild
from documents.search.query import parse_query, search
from documents.search.text.scripts import fold
from tests.staff_support import staff_user
from tests.test_search_query import all_pks, sample, sample_index, texts  # noqa: F401 (fixtures)

SEED = importlib.import_module("documents.migrations.0013_equivalent_terms").SEED
SEEDED = Table.from_rows("\n".join(forms) for forms, _ in SEED)


def variants(q, table=SEEDED):
    return [" ".join(v) for v in table.variants(parse_query(q).groups[0][0].runs)]


# --- variants ---------------------------------------------------------------------------------------------------


def test_a_form_inside_a_word_is_replaced_by_the_others_of_its_group():
    assert variants("人大常委会") == ["人民代表大会常务委员会"]
    assert variants("人民代表大会常务委员会") == ["人大常委会"]
    assert variants("市人大常委会") == ["市人民代表大会常务委员会"]
    assert variants("全国人大常委会") == ["全国人民代表大会常务委员会"]  # the longest form, not 全国人大 in it
    assert variants("全国人大代表") == ["全国人民代表大会代表"]
    assert variants("市人大常委會") == variants("市人大常委会")  # typed in traditional characters
    assert variants("全国人大常委会法工委") == ["全国人大常委会法制工作委员会", "全国人民代表大会常务委员会法工委",
                                         "全国人民代表大会常务委员会法制工作委员会"]
    assert variants("立法") == []


def test_a_form_containing_the_typed_one_is_not_searched_for_it():
    """Every document containing 中华人民共和国国务院 contains 国务院: searching it would find nothing more."""
    assert variants("国务院") == []
    assert variants("中华人民共和国国务院") == ["国务院"]
    assert variants("国务院办公厅") == []  # nor inside a longer word


def test_a_form_of_several_words_stands_for_a_whole_word():
    assert variants("两高") == ["最高人民法院 最高人民检察院"]
    assert variants("最高人民法院、最高人民检察院") == ["两高"]
    assert variants("两高项目") == []  # 高耗能、高排放: 两高 inside a longer word is not the two courts


def test_the_variants_a_query_searches_are_bounded():
    big = Table.from_rows(["\n".join(f"{a}{b}会" for b in "一二三四五六") for a in "甲乙"])
    parsed = expand(parse_query("甲一会 乙一会 甲二会"), big)
    counts = [len(clause.equivalents) for clause in parsed.positive]
    assert counts == [5, MAX_FORMS - 5, 0]
    assert not expand(parse_query("人大常委会、法"), SEEDED).positive[0].equivalents  # a single character
    assert not expand(parse_query('"人大常委会"'), SEEDED).positive[0].equivalents  # quoted: exact
    assert not expand(parse_query("立法 -人大常委会"), SEEDED).excluded[0].equivalents  # excluded: exact


# --- search -----------------------------------------------------------------------------------------------------


def make(title, body, date="2020-01-01"):
    article = Article(title=title, column=Column.objects.get(slug="news"), status=Article.Status.PUBLISHED)
    article.set_partial_date(parse_partial_date(date))
    article.set_plain_text_body(body)
    article.save()
    return article


@pytest.fixture
def committee(db):
    docs = {
        "typed": make("纪要一", "市人大常委会会议审议了报告。", "2019-01-01"),
        "long_title": make("市人民代表大会常务委员会会议纪要", "报告全文。", "2024-01-01"),
        "long_body": make("纪要二", "市人民代表大会常务委员会会议审议了报告。", "2023-01-01"),
        "apart": make("情况通报", "人大常委会召开了座谈会议。", "2025-01-01"),  # the words apart
        "other": make("政府工作报告", "市人民政府召开会议。"),
    }
    rebuild()
    return docs


def ranked(q):
    return [hit.pk for hit in search(q, per_page=100).hits]


def test_an_unquoted_term_finds_its_equivalents_the_typed_form_first(committee):
    """Typed form in a body > the equivalent in a title > the equivalent in a body > the typed form's words
    apart: whatever the dates."""
    order = ["typed", "long_title", "long_body", "apart"]
    assert ranked("人大常委会会议") == [committee[name].pk for name in order]
    # A variant is found as the typed clause is: by its string, then by its words apart (人大常委会 … 会议).
    order = ["long_title", "long_body", "typed", "apart"]
    assert ranked("人民代表大会常务委员会会议") == [committee[name].pk for name in order]


def test_a_quoted_phrase_stays_exact(committee):
    assert ranked('"人大常委会会议"') == [committee["typed"].pk]
    assert set(ranked('"人民代表大会常务委员会会议"')) == {committee["long_title"].pk, committee["long_body"].pk}


def test_an_exclusion_stays_exact(committee):
    found = set(ranked("审议 -人大常委会"))
    assert committee["typed"].pk not in found and committee["long_body"].pk in found


def test_the_highlight_marks_whichever_form_matched(committee):
    hits = {hit.pk: hit for hit in search("人大常委会会议").hits}
    assert "<em>人大常委会会议</em>" in hits[committee["typed"].pk].snippet
    assert "<em>人民代表大会常务委员会会议</em>" in hits[committee["long_body"].pk].snippet
    assert "<em>人民代表大会常务委员会会议</em>" in hits[committee["long_title"].pk].title_html


def test_the_results_say_which_equivalents_were_used_and_how_to_search_without(committee):
    results = search("人大常委会会议")
    assert results.equivalents == [("人大常委会会议", ["人民代表大会常务委员会会议"])]
    assert results.exact_query == '"人大常委会会议"'
    assert search(results.exact_query).equivalents == []
    mixed = search("会议 OR +人大常委会 -草案")
    assert mixed.exact_query == '会议 OR "人大常委会" -草案'
    assert search("会议").exact_query == "" and search("会议").equivalents == []


def test_the_page_names_the_equivalents_with_a_link_to_the_exact_form(client, committee):
    page = client.get("/search/", {"q": "人大常委会会议", "kind": "news"}).content.decode()
    assert "同时查找了等同的说法：“人大常委会会议”也查了“人民代表大会常务委员会会议”。" in page
    link = next(part.split('"')[1] for part in page.split("<a href=")[1:] if "只查输入的写法" in part)
    params = parse_qs(urlparse(link.replace("&amp;", "&")).query)
    assert params == {"q": ['"人大常委会会议"'], "kind": ["news"]}
    exact = client.get("/search/", params).content.decode()
    assert "同时查找了等同的说法" not in exact and "只查输入的写法" not in exact
    data = client.get("/search/", {"q": "人大常委会会议", "format": "json"}).json()
    assert data["equivalents"] == [{"term": "人大常委会会议", "forms": ["人民代表大会常务委员会会议"]}]
    assert data["exact_query"] == '"人大常委会会议"' and data["count"] == 4
    assert client.get("/search/", {"q": "会议", "format": "json"}).json()["exact_query"] is None


def test_a_change_of_the_table_takes_effect_without_a_rebuild(committee):
    assert ranked("情况通报") == [committee["apart"].pk]
    group = EquivalentTerms.objects.create(forms="情况通报\n纪要二")
    assert set(ranked("情况通报")) == {committee["apart"].pk, committee["long_body"].pk}
    group.forms = "情况通报\n政府工作报告"
    group.save()
    assert set(ranked("情况通报")) == {committee["apart"].pk, committee["other"].pk}
    group.delete()
    assert ranked("情况通报") == [committee["apart"].pk]


def test_mixed_script_and_punctuation_queries(committee):
    assert ranked("人大常委會") == ranked("人大常委会")
    assert ranked("人民代表大會常务委员会") == ranked("人民代表大会常务委员会")
    only_marks = search("，。“”")
    assert only_marks.count == 0 and only_marks.equivalents == []
    assert only_marks.messages == ["搜索词里没有可以查找的文字或数字。"]


# --- held-out checks of the seeded table on the sample -------------------------------------------------------


def contains(text, form):
    """A form in a text, in either script; a form of several words: every word."""
    return all(fold(word) in fold(text) for word in form.split())


def test_an_unquoted_form_finds_every_document_containing_any_form_of_its_group(sample):
    corpus = texts(sample)
    checked = 0
    for forms, _ in SEED:
        having = {pk for pk, text in corpus.items() if any(contains(text, form) for form in forms)}
        for form in forms:
            unquoted, _ = all_pks(form)
            assert having <= set(unquoted), form
            quoted, _ = all_pks(f'"{form}"')
            assert set(quoted) == {pk for pk, text in corpus.items() if contains(text, form)}, form
            checked += bool(having - set(quoted))
    assert checked >= 5  # forms whose equivalents found documents the typed form alone does not


# --- the admin ----------------------------------------------------------------------------------------------------

ADD = "admin:documents_equivalentterms_add"


def test_every_seeded_group_passes_the_admins_checks(db):
    rows = list(EquivalentTerms.objects.values_list("pk", "forms"))
    assert len(rows) == len(SEED)
    for pk, forms in rows:
        check_forms(forms, [other for other_pk, other in rows if other_pk != pk])


@pytest.mark.parametrize("forms, message", [
    ("", "这个字段是必填项。"),
    ("人大常委会", "请至少填写两个等同的说法，每行一个。"),
    ("人\n人民", "“人”只有一个字：单字太常见"),
    ("人 大会\n人民大会", "“人 大会”里的“人”只有一个字"),
    ("大\n大会", "“大”只有一个字"),
    ("监督法\n监督法", "“监督法”写了不止一次。"),
    ("监督法\n監督法", "“監督法”与“监督法”是同一个说法（繁体简体、全角半角不分）。"),
    ("全国人大\n全国人大会议", "“全国人大”已在另一组等同说法里（全国人大 / 全国人民代表大会）"),
    ("全國人大\n全国人大会议", "“全國人大”已在另一组等同说法里"),
    ("，，，\n监督法", "“，，，”里没有可以查找的文字或数字。"),
    ("\n".join(f"监督法{n}" for n in range(7)), "一组最多 6 个说法（现有 7 个）。"),
    ("监" * 51 + "\n监督法", "太长（51 字，最多 50 字）"),
])
def test_a_bad_group_is_refused_with_a_message(reviewer_client, forms, message):
    before = EquivalentTerms.objects.count()
    response = reviewer_client.post(reverse(ADD), {"forms": forms, "note": ""})
    assert response.status_code == 200 and message in response.content.decode()
    assert EquivalentTerms.objects.count() == before


def test_a_reviewer_adds_and_edits_a_group_and_search_follows(reviewer_client, committee):
    response = reviewer_client.post(reverse(ADD), {"forms": " 情况通报 \n\n纪要二\n", "note": "试用"})
    assert response.status_code == 302
    group = EquivalentTerms.objects.get(note="试用")
    assert group.forms == "情况通报\n纪要二"
    assert set(ranked("情况通报")) == {committee["apart"].pk, committee["long_body"].pk}
    change = reverse("admin:documents_equivalentterms_change", args=[group.pk])
    response = reviewer_client.post(change, {"forms": "情况通报\n纪要二\n综合简报", "note": "试用"})
    assert response.status_code == 302  # its own forms are not "another group's"


def test_editors_see_the_table_and_reviewers_edit_it(client, db):
    reviewer = set(Group.objects.get(name="审核").permissions.values_list("codename", flat=True))
    editor = set(Group.objects.get(name="编辑").permissions.values_list("codename", flat=True))
    actions = {f"{a}_equivalentterms" for a in ("add", "change", "delete", "view")}
    assert actions <= reviewer and actions & editor == {"view_equivalentterms"}
    client.force_login(staff_user("editor", "编辑"))
    assert client.get(reverse("admin:documents_equivalentterms_changelist")).status_code == 200
    assert client.get(reverse(ADD)).status_code == 403
    group = EquivalentTerms.objects.first()
    change = reverse("admin:documents_equivalentterms_change", args=[group.pk])
    assert client.post(change, {"forms": "甲乙\n丙丁", "note": ""}).status_code == 403
    group.refresh_from_db()
    assert "甲乙" not in group.forms


# --- suggestions ----------------------------------------------------------------------------------------------------


def test_the_forms_are_suggested_and_lead_to_their_search(client, db):
    found = [s for s in client.get("/search/suggest/", {"q": "人大常"}).json()["suggestions"]
             if s["kind"] == "equivalent"]
    assert found[0] == {"text": "人大常委会", "kind": "equivalent", "label": "等同说法",
                        "hint": "也写作人民代表大会常务委员会",
                        "url": "/search/?q=%E4%BA%BA%E5%A4%A7%E5%B8%B8%E5%A7%94%E4%BC%9A"}
    traditional = client.get("/search/suggest/", {"q": "人大常委會"}).json()["suggestions"]
    assert [s["text"] for s in traditional if s["kind"] == "equivalent"][0] == "人大常委会"
