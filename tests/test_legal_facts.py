"""Legal facts derived from real corpus texts: repeals (lists, loose titles, same-title successors, the repealing
act's 施行日期), codes in parts, identical texts, false splits, normative texts only, the two 施行日期.

tests/fixtures/legal_facts.jsonl holds documents of the test corpus as they are there, the long bodies shortened
to their first paragraphs and those that state 施行, 执行, 生效 or 废止."""

import datetime
import importlib
import json
from pathlib import Path

import pytest

from documents.common.titles import loose_key, title_key
from documents.ingest.importer import import_paths
from documents.legislation import provisions, regulations
from documents.models import Article

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent / "fixtures"
V = Article.Validity


@pytest.fixture
def corpus():
    report = import_paths([FIXTURES / "legal_facts.jsonl"], status="published", progress=False)
    assert report.failed == 0


def doc(name):
    """The imported document whose corpus source ends with `name` (its file name in the collection)."""
    return Article.objects.get(source__endswith=name)


def validity(name):
    return doc(name).validity


# --- repeals --------------------------------------------------------------------------------------------------


def test_every_title_of_a_repeal_list_is_repealed(corpus):
    # 《两用物项出口管制条例》: "《…核两用品…》、《…导弹…》、《…生物两用品…》和《有关化学品…》同时废止"
    for name in ("核两用品及相关技术出口管制条例(2007-01-26).md", "导弹及相关物项和技术出口管制条例(2002-08-22).md",
                 "生物两用品及相关设备和技术出口管制条例(2002-10-14).md"):
        assert validity(name) == V.REPEALED, name
    # 《市场主体登记管理条例》 repeals five registration regulations in one sentence.
    for name in ("公司登记管理条例(2016-02-06).md", "企业法人登记管理条例(2019-03-02).md",
                 "合伙企业登记管理办法(2019-03-02).md", "农民专业合作社登记管理条例(2014-02-19).md",
                 "企业法人法定代表人登记管理规定(1999-06-23).md"):
        assert validity(name) == V.REPEALED, name
    assert validity("两用物项出口管制条例(2024-09-30).md") == V.CURRENT


def test_loosely_written_titles_are_matched(corpus):
    # "《最高人民法院关于审理偷税、抗税刑事案件具体应用法律若干问题的解释》（法释〔2002〕33号）" names 偷税抗税
    assert validity("最高人民法院关于审理偷税抗税刑事案件具体应用法律若干问题的解释(2002-11-05).md") == V.REPEALED
    assert validity("最高人民法院关于审理骗取出口退税刑事案件具体应用法律若干问题的解释(2002-09-17).md") == V.REPEALED
    # "最高人民法院2012年12月20日发布的《关于适用〈中华人民共和国刑事诉讼法〉的解释》（法释〔2012〕21号）同时废止"
    assert validity("最高人民法院关于适用《刑事诉讼法》的解释(2012-12-20).md") == V.REPEALED
    assert validity("最高人民法院关于适用《刑事诉讼法》的解释(2021-01-26).md") == V.CURRENT


def test_the_amending_decisions_a_repeal_sentence_names_are_not_repealed(corpus):
    body = doc("北京市保守国家秘密条例(2021-04-16).md").text
    keys = {s.key for s in provisions.repeal_statements("", body)}
    assert keys == {loose_key("北京市实施《中华人民共和国保守国家秘密法》若干规定")}
    assert validity("北京市实施《保守国家秘密法》若干规定.md") == V.REPEALED


def test_a_same_title_successor_that_repeals_makes_the_old_text_repealed_not_amended(corpus):
    old = "最高人民法院、最高人民检察院关于办理危害食品安全刑事案件适用法律若干问题的解释(2013-05-02).md"
    new = "最高人民法院、最高人民检察院关于办理危害食品安全刑事案件适用法律若干问题的解释(2021-12-30).md"
    assert doc(old).regulation_id == doc(new).regulation_id
    assert (validity(old), validity(new)) == (V.REPEALED, V.CURRENT)
    # The 2023 专利法实施细则 still says "1992年…发布的《…专利法实施细则》同时废止": the 1992 text, not the 2010 one.
    assert validity("专利法实施细则(2010-01-09).md") == V.AMENDED
    assert validity("军人抚恤优待条例(2019-03-02).md") == V.AMENDED


def test_an_older_act_does_not_repeal_a_newer_one_of_that_title(corpus):
    # 《反间谍法》（2014）: "1993年2月22日…通过的《中华人民共和国国家安全法》同时废止" — not the 2015 law.
    assert validity("国家安全法(2015-07-01).md") == V.CURRENT
    # 《北京市动物防疫条例》（2019） repealed the 2004 办法; the 2024 办法 repeals the 条例.
    assert validity("北京市实施《动物防疫法》办法(2024-07-26).md") == V.CURRENT
    assert validity("北京市动物防疫条例(2019-07-26).md") == V.REPEALED


def test_a_repeal_takes_effect_with_the_repealing_act(corpus):
    """《两用物项出口管制条例》 was published on 2024-09-30 and took effect on 2024-12-01."""
    for today, statuses in ((datetime.date(2024, 10, 15), [V.CURRENT, V.PENDING]),
                            (datetime.date(2024, 12, 1), [V.REPEALED, V.CURRENT])):
        regulations.sync_all(today=today)
        assert [validity("核两用品及相关技术出口管制条例(2007-01-26).md"),
                validity("两用物项出口管制条例(2024-09-30).md")] == statuses, today


def test_a_repealed_page_names_the_act_that_repealed_it_and_when(corpus, client):
    old, new = doc("核两用品及相关技术出口管制条例(2007-01-26).md"), doc("两用物项出口管制条例(2024-09-30).md")
    page = client.get(f"/articles/{old.pk}/").content.decode()
    notice = page[page.index('class="repeal-notice"'):]
    notice = notice[:notice.index("</p>")]
    assert f'href="/articles/{new.pk}/"' in notice and "两用物项出口管制条例" in notice and "2024年12月1日" in notice
    data = client.get(f"/articles/{old.pk}/?format=json").json()
    assert data["repealed_by"]["title"] == new.title and data["repealed_by"]["effective_date"] == "2024-12-01"
    assert data["repealed_by"]["url"].endswith(f"/articles/{new.pk}/")


# --- versions -------------------------------------------------------------------------------------------------


def test_the_separator_between_issuing_organs_is_no_other_title():
    assert title_key("最高人民法院  最高人民检察院关于办理强奸、猥亵未成年人刑事案件适用法律若干问题的解释") == title_key(
        "最高人民法院、最高人民检察院关于办理强奸、猥亵未成年人刑事案件适用法律若干问题的解释")
    # Names inside the title keep their punctuation: 强奸、猥亵 is not folded.
    assert "强奸、猥亵" in title_key("最高人民法院、最高人民检察院关于办理强奸、猥亵未成年人刑事案件的解释")


def test_identical_texts_are_one_version_and_a_visible_duplicate(corpus):
    for first, second in (("经济法/广告法(2021-04-29).md", "行政法/广告法(2021-04-29).md"),
                          ("最高人民法院  最高人民检察院关于办理强奸、猥亵未成年人刑事案件适用法律若干问题的解释(2023-05-24).md",
                           "最高人民法院、最高人民检察院关于办理强奸、猥亵未成年人刑事案件适用法律若干问题的解释(2023-05-24).md")):
        a, b = doc(first), doc(second)
        assert a.regulation_id == b.regulation_id is not None
        assert (a.validity, b.validity) == (V.CURRENT, V.CURRENT)
        texts = regulations.version_records(Article.objects.filter(regulation_id=a.regulation_id))
        assert [sorted(r.pk for r in text) for text in texts] == [sorted([a.pk, b.pk])]


def test_a_code_in_parts_is_one_law_its_parts_in_order(corpus, client):
    parts = Article.objects.filter(title="中华人民共和国民法典")
    assert {p.validity for p in parts} == {V.CURRENT}
    assert len({p.regulation_id for p in parts}) == 1
    [text] = regulations.version_records(parts)
    assert [p.subtitle for p in text] == ["总则", "物权编", "合同编", "人格权编", "婚姻家庭编", "继承编", "侵权责任编", "附则"]
    marriage = parts.get(subtitle="婚姻家庭编")
    assert regulations.first_part(marriage) == parts.get(subtitle="总则")
    assert {(p.effective_date, p.first_effective_date) for p in parts} == {(datetime.date(2021, 1, 1),) * 2}
    page = client.get(f"/articles/{marriage.pk}/").content.decode()
    listed = page[page.index('class="parts"'):]
    assert listed.index("总则") < listed.index("物权编") < listed.index("附则")
    assert "版本（共" not in page  # the parts are no versions, and are not compared as such
    first, last = parts.get(subtitle="总则"), parts.get(subtitle="附则")
    assert client.get(f"/articles/{first.pk}/compare/{last.pk}/").status_code == 404


def test_cases_and_explainers_carry_no_validity(corpus):
    for name in ("劳动者拒绝违法超时加班安排，用人单位能否解除劳动合同.md", "五种遗嘱形式已不足 打印遗嘱如何写才有效.md"):
        case = doc(name)
        assert (case.validity, case.regulation_id) == ("", None), name
    assert validity("人体损伤程度鉴定标准(2014-01-01).md") == V.CURRENT  # a normative standard


# --- 施行日期 ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, version, first", [
    # "本法自1995年10月1日起施行" is the 1995 law's; the 2016 amendment's date is stated nowhere.
    ("体育法(2016-11-07).md", None, datetime.date(1995, 10, 1)),
    # The 2022 revision restates it; the original's comes from the 2016 text of the same law.
    ("体育法(2022-06-24).md", datetime.date(2023, 1, 1), datetime.date(1995, 10, 1)),
    ("治安管理处罚法(2012-10-26).md", None, datetime.date(2006, 3, 1)),
    # 本法自公布之日起施行: the 2018 law's publication, not the 2024 amendment's.
    ("监察法(2024-12-25).md", None, datetime.date(2018, 3, 20)),
    ("监察法(2018-03-20).md", datetime.date(2018, 3, 20), datetime.date(2018, 3, 20)),
    ("军人抚恤优待条例(2024-08-05).md", datetime.date(2024, 10, 1), datetime.date(2004, 10, 1)),
    ("工资支付暂行规定(1994-12-06).md", datetime.date(1995, 1, 1), datetime.date(1995, 1, 1)),  # 起执行
    # No clause in the body: the 修订沿革's "2014-06-01 施行".
    ("杭州市户外广告设施和招牌指示牌管理条例(2014-04-11).md", datetime.date(2014, 6, 1), datetime.date(2014, 6, 1)),
])
def test_this_versions_and_the_first_effective_date(corpus, name, version, first):
    article = doc(name)
    assert (article.effective_date, article.first_effective_date) == (version, first)


def test_both_effective_dates_on_the_page_and_in_json(corpus, client):
    article = doc("体育法(2022-06-24).md")
    page = client.get(f"/articles/{article.pk}/").content.decode()
    assert "<dt>本版施行日期</dt><dd>2023年1月1日</dd>" in page
    assert "<dt>首次施行日期</dt><dd>1995年10月1日</dd>" in page
    data = client.get(f"/articles/{article.pk}/?format=json").json()
    assert (data["effective_date"], data["first_effective_date"]) == ("2023-01-01", "1995-10-01")


# --- the corpus's own noise -----------------------------------------------------------------------------------


def test_the_import_drops_trailing_licence_notices_and_says_so():
    report = import_paths([FIXTURES / "licence_notice.jsonl"], status="published", progress=False)
    assert "清理版权声明 2 篇" in report.summary()
    for article in Article.objects.all():
        assert "公有领域" not in article.text and "Public domain" not in article.text
        assert article.text.endswith("奋斗！") or article.text.endswith("召开！")


def test_the_source_line_is_a_readable_link(client):
    record = json.loads((FIXTURES / "licence_notice.jsonl").read_text(encoding="utf-8").splitlines()[0])
    import_paths([FIXTURES / "licence_notice.jsonl"], status="published", progress=False)
    article = Article.objects.get(source=record["source"])
    page = client.get(f"/articles/{article.pk}/").content.decode()
    line = page[page.index('class="source"'):]
    line = line[:line.index("</p>")]
    assert f'href="{record["source"]}"' in line
    assert "zh.wikisource.org/wiki/第十二届全国人民代表大会第二次会议" in line and "%E7" not in line.rsplit('">', 1)[1]


def test_the_migration_cleans_stored_notices_and_rekeys():
    from django.apps import apps

    from documents.models import Regulation, Repeal

    from .portal_helpers import make_article

    forwards = importlib.import_module("documents.migrations.0016_legal_a_facts").forwards
    record = json.loads((FIXTURES / "licence_notice.jsonl").read_text(encoding="utf-8").splitlines()[0])
    stored = make_article(record["title"], body=record["body"], column_slug="documents")  # saved before the rule
    law = make_article("最高人民法院、最高人民检察院关于办理盗窃刑事案件适用法律若干问题的解释", column_slug="documents",
                       kind=Article.Kind.REGULATION, body="第一条 甲。\n\n第十条 本解释自2013年4月4日起施行。")
    by_hand = make_article("上海市某某条例", column_slug="documents", kind=Article.Kind.REGULATION,
                           body="第九条 本条例自2013年4月4日起施行。", effective_date=datetime.date(2014, 1, 1))
    Article.objects.filter(pk=stored.pk).update(title_key="stale")
    Regulation.objects.filter(pk=law.regulation_id).update(title_key="stale", repeal_key="")
    Repeal.objects.create(article=stored, title_key="中华人民共和国学位条例")
    forwards(apps, None)
    stored.refresh_from_db()
    assert "公有领域" not in stored.text and "公有领域" not in stored.body and stored.text.endswith("奋斗！")
    assert stored.title_key == title_key(record["title"])
    group = Regulation.objects.get(pk=law.regulation_id)
    assert (group.title_key, group.repeal_key) == (title_key(law.title), loose_key(law.title))
    assert list(Repeal.objects.values_list("title_key", flat=True)) == ["学位条例"]
    # A 施行日期 the old rule derived is cleared, to be derived again by sync_regulations; one set by hand stays.
    assert Article.objects.get(pk=law.pk).effective_date is None
    assert Article.objects.get(pk=by_hand.pk).effective_date == datetime.date(2014, 1, 1)


def test_a_text_cited_is_one_target_its_first_part_or_its_kept_record(corpus):
    parts = {p.subtitle: p.pk for p in Article.objects.filter(title="中华人民共和国民法典")}
    ads = [doc("经济法/广告法(2021-04-29).md").pk, doc("行政法/广告法(2021-04-29).md").pk]
    sports = doc("体育法(2022-06-24).md").pk
    found = regulations.stand_ins([*parts.values(), *ads, sports])
    assert {found[pk] for pk in parts.values()} == {parts["总则"]}
    assert len({found[pk] for pk in ads}) == 1 and found[ads[0]] in ads
    assert found[sports] == sports


def test_suggestions_offer_a_law_in_parts_and_a_text_filed_twice_once(corpus, client):
    for typed, title in (("民法典", "中华人民共和国民法典"), ("广告法", "中华人民共和国广告法")):
        found = client.get("/search/suggest/", {"q": typed}).json()["suggestions"]
        assert [s["text"] for s in found].count(title) == 1, typed


def test_a_search_for_a_law_in_parts_leads_with_the_law_once(corpus):
    from documents.search.index.indexing import rebuild
    from documents.search.query import search

    rebuild()
    parts = {p.subtitle: p.pk for p in Article.objects.filter(title="中华人民共和国民法典")}
    for typed in ("民法典", "中华人民共和国民法典"):
        hits = [hit.pk for hit in search(typed, per_page=50).hits]
        assert hits[0] == parts["总则"], typed
        assert set(parts.values()) <= set(hits), typed  # every part still found
    # A part is named with its own subtitle.
    assert search("民法典物权编").hits[0].pk == parts["物权编"]
    # A text filed twice: the kept record alone is named by the title.
    kept = Article.objects.get(title="中华人民共和国广告法", represented_by__isnull=True, date__year=2021)
    assert search("广告法").hits[0].pk == kept.pk


def test_staff_see_a_duplicate_record_in_the_version_group(corpus, client):
    from django.urls import reverse

    from .staff_support import staff_user

    kept, duplicate = sorted([doc("经济法/广告法(2021-04-29).md"), doc("行政法/广告法(2021-04-29).md")],
                             key=lambda a: a.represented_by_id is not None)
    assert (kept.represented_by_id, duplicate.represented_by_id) == (None, kept.pk)
    client.force_login(staff_user("reviewer", "审核"))
    page = client.get(reverse("admin:documents_regulation_change", args=[kept.regulation_id])).content.decode()
    assert f"重复记录：与<a href=\"{reverse('admin:documents_article_change', args=[kept.pk])}\">第 {kept.pk} 号记录</a>" in page


def test_a_citation_of_a_law_in_parts_or_filed_twice_links_the_text(corpus):
    from documents.legislation import citation_index
    from documents.models import Citation
    from tests.portal_helpers import make_article

    citing = make_article("关于适用民法典和广告法的说明", date=(2022, 6, 1),
                          body="依照《中华人民共和国民法典》和《中华人民共和国广告法》的规定。")
    citation_index.relink_all()
    links = dict(Citation.objects.filter(citing=citing).values_list("title_key", "cited_id"))
    general = Article.objects.get(title="中华人民共和国民法典", subtitle="总则")
    ads = {doc("经济法/广告法(2021-04-29).md").pk, doc("行政法/广告法(2021-04-29).md").pk}
    assert links[title_key("中华人民共和国民法典")] == general.pk
    assert links[title_key("中华人民共和国广告法")] in ads
    assert set(Citation.objects.filter(citing=citing).values_list("outcome", flat=True)) == {Citation.Outcome.LINKED}
