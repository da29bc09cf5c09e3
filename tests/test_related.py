"""Related documents (相关文档): chosen by the rare words documents share (documents.related.related_terms), stored and kept
true as documents change (documents.related.related_index), shown on the article page and in its JSON."""

import json
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.archive import pages
from documents.related import related_terms
from documents.editorial import workflow
from documents.ingest.importer import import_paths
from documents.models import Article, ArticleTerm, RelatedDocument, TermFrequency
from documents.related.related_index import refresh, refresh_all

from .portal_helpers import make_article
from .staff_support import staff_user

pytestmark = pytest.mark.django_db

# Twelve subjects, two documents each: a document shares its subject's words with one other document only.
TOPICS = [
    ("湿地", "湿地 候鸟 红树林 滩涂 栖息地"), ("燃气", "燃气 管道 液化气 钢瓶 泄漏"), ("殡葬", "殡葬 火化 墓地 骨灰 祭扫"),
    ("农药", "农药 杀虫剂 残留 喷洒 除草剂"), ("航空", "航空 飞行 空域 机场 航线"), ("档案", "档案 归档 馆藏 查阅 保管"),
    ("扬尘", "扬尘 工地 渣土 洒水 裸土"), ("水库", "水库 大坝 泄洪 汛期 溃坝"), ("储蓄", "储蓄 存款 利息 存单 挂失"),
    ("船员", "船员 船舶 海员 航行 值班"), ("林地", "林地 林木 采伐 造林 护林"), ("名称", "名称 字号 登记 商号 冠名"),
]
# In every document: common words relate nothing.
COMMON = "各级人民政府和有关部门应当加强管理工作。本规定自公布之日起施行。"


def text(words, extra=""):
    return COMMON + "".join(f"关于{word}的事项，依照{word}有关规定办理。" for word in words.split()) + extra


def titles(documents):
    return [document.title for document in documents]


@pytest.fixture
def archive():
    made = {}
    for name, words in TOPICS:
        made[name] = make_article(f"{name}条例", body=text(words), kind="regulation", column_slug="documents",
                                  date=(2020, 1, 1))
        made[name + "办法"] = make_article(f"{name}管理办法", body=text(words), column_slug="notices")
    # Shares only the common words, and words of its own.
    made["纪要"] = make_article("会议纪要", body=COMMON + "座谈交流发言踊跃气氛热烈。")
    refresh_all()
    return made


def listed(article):
    return titles(pages.related(article))


def test_documents_sharing_rare_words_are_related_and_common_words_relate_nothing(archive):
    assert listed(archive["湿地"]) == ["湿地管理办法"]
    assert listed(archive["湿地办法"]) == ["湿地条例"]
    assert listed(archive["纪要"]) == []
    assert not RelatedDocument.objects.filter(related=archive["纪要"]).exists()
    # What the words weigh: the subject's words are the document's terms; the common ones are not.
    terms = set(ArticleTerm.objects.filter(article=archive["湿地"]).values_list("term", flat=True))
    assert terms == {"湿地", "候鸟", "红树林", "滩涂", "栖息地"}
    assert TermFrequency.objects.get(term="应当").documents == len(archive)


def test_other_versions_are_never_listed_and_a_regulation_is_listed_once(archive):
    newer = make_article("湿地条例", body=text(TOPICS[0][1], "本条例修订后施行。"), kind="regulation",
                         column_slug="documents", date=(2023, 1, 1))
    assert newer.regulation_id == archive["湿地"].regulation_id  # a version of it
    refresh_all()
    assert listed(newer) == ["湿地管理办法"]
    assert listed(archive["湿地"]) == ["湿地管理办法"]
    rows = RelatedDocument.objects.filter(article=archive["湿地办法"])
    assert len(rows) == 1 and rows.get().related_id in {newer.pk, archive["湿地"].pk}


def test_a_saved_document_finds_its_relations_and_enters_their_lists(archive):
    new = make_article("专项规定", body=text(TOPICS[0][1]), column_slug="news")
    assert listed(new) == ["湿地条例", "湿地管理办法"] or listed(new) == ["湿地管理办法", "湿地条例"]
    assert "专项规定" in listed(archive["湿地"]) and "专项规定" in listed(archive["湿地办法"])
    assert "专项规定" not in listed(archive["燃气"])
    # Rewritten about gas, it leaves the wetland lists and joins the gas ones.
    new.set_plain_text_body(text(TOPICS[1][1]))
    new.save()
    assert "专项规定" not in listed(archive["湿地"]) + listed(archive["湿地办法"])
    assert "专项规定" in listed(archive["燃气"])
    assert set(listed(new)) == {"燃气条例", "燃气管理办法"}


def test_a_save_that_changes_nothing_they_are_computed_from_leaves_the_lists(archive, monkeypatch):
    cut = []
    monkeypatch.setattr("documents.related.related_index.word_counts", lambda text: cut.append(text) or Counter())
    article = Article.objects.get(pk=archive["湿地"].pk)
    article.pinned = True
    article.save()
    # Loaded in part: the change path compares with the stored row, not with what the instance loaded.
    Article.objects.defer("text").get(pk=article.pk).save()
    assert cut == []
    article.title = "湿地保护条例"
    article.save()
    article.save()  # the same instance again: nothing new
    assert len(cut) == 1


@pytest.mark.parametrize("leave", ["unpublish", "recycle", "purge"])
def test_a_target_that_is_no_longer_published_leaves_the_lists(archive, leave):
    target, reviewer = archive["湿地办法"], staff_user("reviewer", "审核")
    if leave == "unpublish":
        workflow.unpublish([target], reviewer)
    else:
        workflow.recycle([target], reviewer)
        if leave == "purge":
            assert listed(archive["湿地"]) == []
            workflow.purge([target], reviewer)
            assert not Article.objects.filter(pk=target.pk).exists()
    assert listed(archive["湿地"]) == []
    assert not RelatedDocument.objects.filter(article=archive["湿地"]).exists()
    assert not ArticleTerm.objects.filter(article_id=target.pk).exists()


def test_an_unpublished_target_never_shows_even_while_a_list_is_stale(client, archive):
    wetland = archive["湿地"]
    assert "湿地管理办法" in client.get(wetland.get_absolute_url()).content.decode()  # now in the page cache
    # A change without signals (bulk SQL): the stored list is stale, the page reads only published targets.
    Article.objects.filter(pk=archive["湿地办法"].pk).update(status=Article.Status.DRAFT)
    assert listed(wetland) == []
    # The cached page (of another column than the target's) is retired when the target is unpublished through a
    # save: it never shows a draft.
    target = Article.objects.get(pk=archive["湿地办法"].pk)
    target.status = Article.Status.PUBLISHED
    target.save()
    assert "湿地管理办法" in client.get(wetland.get_absolute_url()).content.decode()
    target.status = Article.Status.DRAFT
    target.save()
    page = client.get(wetland.get_absolute_url()).content.decode()
    assert "湿地管理办法" not in page and "相关文档" not in page


def test_drafts_have_no_list_and_enter_none(archive):
    draft = make_article("湿地草案", body=text(TOPICS[0][1]), status=Article.Status.DRAFT)
    assert listed(draft) == [] and "湿地草案" not in listed(archive["湿地"])
    assert not ArticleTerm.objects.filter(article=draft).exists()
    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert "湿地草案" in listed(archive["湿地"])


def test_the_page_and_the_json_list_related_documents(client, archive):
    wetland, other = archive["湿地"], archive["湿地办法"]
    page = client.get(wetland.get_absolute_url()).content.decode()
    assert '<h2 id="related-title">相关文档</h2>' in page and f'href="/articles/{other.pk}/"' in page
    data = client.get(wetland.get_absolute_url(), {"format": "json"}).json()
    assert data["related"] == [{"url": f"http://testserver/articles/{other.pk}/", "title": "湿地管理办法",
                                "date": "2022-09-22", "date_display": "2022年9月22日"}]
    lonely = client.get(archive["纪要"].get_absolute_url())
    assert "相关文档" not in lonely.content.decode()
    assert client.get(archive["纪要"].get_absolute_url(), {"format": "json"}).json()["related"] == []


def test_the_list_costs_one_query_however_long(client, archive):
    def count(article):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(article.get_absolute_url(), {"nocache": "1"}).status_code == 200
        return len(queries)

    short = count(archive["湿地"])
    for n in range(4):
        make_article(f"湿地研究{n}", body=text(TOPICS[0][1]), column_slug="news")
    assert len(listed(archive["湿地"])) == related_terms.RELATED
    assert count(archive["湿地"]) == short


def test_an_import_computes_the_lists_and_a_dry_run_nothing(tmp_path):
    path = tmp_path / "docs.jsonl"
    records = [{"title": f"{name}{suffix}", "body": text(words), "source": f"s-{name}{suffix}"}
               for name, words in TOPICS for suffix in ("条例", "管理办法")]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    import_paths([path], status="published", dry_run=True, progress=False)
    assert not RelatedDocument.objects.exists() and not TermFrequency.objects.exists()
    import_paths([path], status="published", progress=False)
    assert listed(Article.objects.get(title="储蓄条例")) == ["储蓄管理办法"]
    assert TermFrequency.objects.get(term="储蓄").documents == 2


def test_refresh_related_command(archive, capsys):
    RelatedDocument.objects.all().delete()
    call_command("refresh_related")
    assert listed(archive["船员"]) == ["船员管理办法"]
    assert capsys.readouterr().out.startswith(f"相关文档：{len(archive)} 篇已发布文档，{len(archive) - 1} 篇有相关文档")


def test_refresh_of_a_document_missing_is_harmless(archive):
    refresh([10_000_000])
    assert listed(archive["湿地"]) == ["湿地管理办法"]


def test_weights_favour_rare_words():
    frequencies = {"湿地": 2, "规定": 90}
    weights = related_terms.weigh({"湿地": 1, "规定": 5}, frequencies, 100)
    assert set(weights) == {"湿地"}  # 规定 is in 90 % of the documents
    weights = related_terms.weigh({"湿地": 1, "候鸟": 1, "保护": 3}, {"湿地": 2, "候鸟": 10, "保护": 15}, 100)
    assert weights["湿地"] > weights["候鸟"] and abs(sum(w * w for w in weights.values()) - 1) < 1e-9
    # A word held by one document (this one, counted) has nothing to share; a document saved since the counts
    # shares it with the one that holds it.
    assert related_terms.weigh({"湿地": 1}, {"湿地": 1}, 100) == {}
    assert related_terms.weigh({"湿地": 1}, {"湿地": 1}, 100, counted=False) == {"湿地": 1.0}
