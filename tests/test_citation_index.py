"""Stored citations (documents/citation_index.py): which document a 《》 names, kept true on save, delete and import."""

import datetime
import json

import pytest
from django.core.management import call_command

from documents.legislation import citation_index
from documents.legislation.citation_index import relink_all
from documents.legislation.cited_version import Held, choose
from documents.ingest.importer import import_paths
from documents.models import Article, Citation

from .portal_helpers import make_article

pytestmark = pytest.mark.django_db
Outcome = Citation.Outcome


def outcome(citing, key):
    row = Citation.objects.get(citing=citing, title_key=key)
    return row.outcome, row.cited_id


def test_exact_title_after_normalisation():
    law = make_article("中华人民共和国立法法（２０２３年修正）")
    citing = make_article("条例", body="根据《中华人民共和国立法法 (2023年修正)》，制定本条例。")
    assert outcome(citing, "中华人民共和国立法法(2023年修正)") == (Outcome.LINKED, law.pk)


def test_national_prefix_omitted_or_added():
    law = make_article("中华人民共和国立法法")
    short = make_article("监督法")
    citing = make_article("条例", body="依《立法法》和《中华人民共和国监督法》。")
    assert outcome(citing, "立法法") == (Outcome.LINKED, law.pk)
    assert outcome(citing, "中华人民共和国监督法") == (Outcome.LINKED, short.pk)


def test_an_exact_title_wins_over_the_prefix_rule():
    make_article("中华人民共和国国家安全法")
    exact = make_article("国家安全法")
    citing = make_article("条例", body="依《国家安全法》。")
    assert outcome(citing, "国家安全法") == (Outcome.LINKED, exact.pk)


def test_the_version_in_force_on_the_citing_date_else_the_nearest():
    old = make_article("上海市住宅物业管理规定", date=(2010, 12, 23))
    new = make_article("上海市住宅物业管理规定", date=(2020, 12, 30))
    make_article("上海市住宅物业管理规定", date=None)
    body = "根据《上海市住宅物业管理规定》。"
    assert outcome(make_article("2015年的", date=(2015, 1, 1), body=body), "上海市住宅物业管理规定")[1] == old.pk
    assert outcome(make_article("2020年那天的", date=(2020, 12, 30), body=body), "上海市住宅物业管理规定")[1] == new.pk
    # Before any version held: the oldest is the nearest (and the row says it is a later text).
    assert outcome(make_article("更早的", date=(2001, 1, 1), body=body), "上海市住宅物业管理规定")[1] == old.pk
    assert outcome(make_article("不详的", date=None, body=body), "上海市住宅物业管理规定")[1] == new.pk


def test_undated_versions_count_as_oldest():
    undated, dated = Held(1, None, None), Held(2, datetime.date(2020, 1, 1), None)
    assert choose([undated, dated], None) == (dated, "undated")
    assert choose([undated], datetime.date(2020, 1, 1)) == (undated, "in_force")


def test_drafts_and_the_recycle_bin_are_never_named():
    make_article("草稿条例", status=Article.Status.DRAFT)
    make_article("回收站条例", deleted_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc))
    citing = make_article("条例", body="《草稿条例》《回收站条例》")
    assert outcome(citing, "草稿条例") == (Outcome.MISSING, None)
    assert outcome(citing, "回收站条例") == (Outcome.MISSING, None)


def test_a_title_naming_several_documents_names_none():
    # The 编 of a code share its title and date; same-titled documents of two issuers are two documents.
    for part in ("总则", "物权编"):
        make_article("中华人民共和国民法典", subtitle=part, date=(2021, 1, 1))
    make_article("关于修改部分地方性法规的决定", issuer="上海")
    beijing = make_article("关于修改部分地方性法规的决定", issuer="北京")
    body = "依照《中华人民共和国民法典》和《关于修改部分地方性法规的决定》。"
    henan = make_article("河南的", issuer="河南", body=body)
    assert outcome(henan, "中华人民共和国民法典") == (Outcome.AMBIGUOUS, None)
    assert outcome(henan, "关于修改部分地方性法规的决定") == (Outcome.AMBIGUOUS, None)
    # The citing document's own issuer settles it.
    assert outcome(make_article("北京的", issuer="北京", body=body), "关于修改部分地方性法规的决定") == (
        Outcome.LINKED, beijing.pk)


def test_a_document_citing_itself_gets_no_link():
    law = make_article("上海市消防条例", body="《上海市消防条例》自公布之日起施行。")
    assert outcome(law, "上海市消防条例") == (Outcome.SELF, None)


def test_documents_citing_a_newly_added_title_gain_their_link_then():
    citing = make_article("条例", body="根据《平顶山市城市绿化条例》。")
    assert outcome(citing, "平顶山市城市绿化条例") == (Outcome.MISSING, None)
    draft = make_article("平顶山市城市绿化条例", status=Article.Status.DRAFT)
    assert outcome(citing, "平顶山市城市绿化条例") == (Outcome.MISSING, None)
    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert outcome(citing, "平顶山市城市绿化条例") == (Outcome.LINKED, draft.pk)


def test_renaming_unpublishing_or_deleting_the_cited_document_moves_or_drops_the_link():
    old = make_article("平顶山市城市绿化条例", date=(2010, 1, 1))
    new = make_article("平顶山市城市绿化条例", date=(2020, 1, 1))
    citing = make_article("条例", date=(2022, 1, 1), body="根据《平顶山市城市绿化条例》。")
    assert outcome(citing, "平顶山市城市绿化条例") == (Outcome.LINKED, new.pk)
    new.title = "平顶山市城市绿化管理条例"
    new.save()
    assert outcome(citing, "平顶山市城市绿化条例") == (Outcome.LINKED, old.pk)
    old.status = Article.Status.DRAFT
    old.save()
    assert outcome(citing, "平顶山市城市绿化条例") == (Outcome.MISSING, None)
    old.status = Article.Status.PUBLISHED
    old.save()
    old.delete()
    assert outcome(citing, "平顶山市城市绿化条例") == (Outcome.MISSING, None)


def test_editing_the_citing_body_replaces_its_citations():
    law = make_article("中华人民共和国立法法")
    citing = make_article("条例", body="根据《中华人民共和国立法法》《立法法》。")
    citing.set_plain_text_body("根据《中华人民共和国监督法》。")
    citing.save()
    assert list(Citation.objects.filter(citing=citing).values_list("title_key", "outcome")) == [
        ("中华人民共和国监督法", Outcome.MISSING)]
    assert not law.citations_received.exists()


def corpus_lines(tmp_path, documents):
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in documents), encoding="utf-8")
    return path


def test_an_import_links_its_citations_once_at_the_end(tmp_path, monkeypatch):
    # The citing document comes first: the title it names arrives later in the same import.
    path = corpus_lines(tmp_path, [
        {"title": "上海市消防条例", "date": "2020-03-19", "body": "根据《中华人民共和国消防法》第十五条，制定本条例。"},
        {"title": "中华人民共和国消防法", "date": "2019-04-23", "body": "第一条 为了预防火灾。"},
    ])
    calls = []
    relink = citation_index.relink
    monkeypatch.setattr(citation_index, "relink", lambda ids, keys=(): calls.append(len(ids)) or relink(ids, keys))
    import_paths([path], status="published", progress=False)
    assert calls == [2]
    citing, law = Article.objects.get(title="上海市消防条例"), Article.objects.get(title="中华人民共和国消防法")
    assert outcome(citing, "中华人民共和国消防法") == (Outcome.LINKED, law.pk)


def test_a_dry_run_import_links_nothing(tmp_path):
    law = make_article("中华人民共和国消防法")
    path = corpus_lines(tmp_path, [{"title": "条例", "body": "根据《中华人民共和国消防法》。"}])
    import_paths([path], status="published", dry_run=True, progress=False)
    assert not Citation.objects.exists() and not law.citations_received.exists()


def test_link_citations_recomputes_rows_changed_behind_the_models_back(capsys):
    law = make_article("中华人民共和国立法法")
    citing = make_article("条例", body="《立法法》《不在档案中的法》")
    Citation.objects.all().delete()  # bulk SQL: no signal
    call_command("link_citations")
    assert outcome(citing, "立法法") == (Outcome.LINKED, law.pk)
    assert capsys.readouterr().out.strip() == "已链接 1 处，档案中没有 1 处，对应多篇文件 0 处，引用自身 0 处"
    relink_all()  # again: the same
    assert Citation.objects.count() == 2
