"""The 新旧对照's JSON, the 条文沿革 page, citations that say which version they link and land on an anchor the
cited page has: on real laws from the corpus (tests/fixtures/legal_b/)."""

from urllib.parse import quote

import pytest

from documents.models import Article, Citation

from .legal_b_fixtures import law
from .portal_helpers import make_article, page_text

pytestmark = pytest.mark.django_db


def stored(name, **fields):
    found = law(name)
    year, month, day = map(int, found["date"].split("-"))
    return make_article(found["title"], column_slug="documents", date=(year, month, day), body=found["body"],
                        kind=Article.Kind.REGULATION, amendments=found["history"], **fields)


def citing(date, body, title="引用的条例"):
    return make_article(title, column_slug="documents", date=date, body=body, kind=Article.Kind.REGULATION)


def test_the_comparison_answers_json_with_every_row(client):
    old, new = stored("review_2017"), stored("review_2023")
    data = client.get(f"/articles/{new.pk}/compare/{old.pk}/?format=json").json()
    assert (data["old"]["id"], data["new"]["id"], data["unit"]) == (old.pk, new.pk, "条")
    assert set(data["counts"]) == {"changed", "added", "deleted"}
    statuses = {row["status"] for row in data["rows"]}
    assert statuses == {"same", "changed", "added", "deleted"}
    moved = next(r for r in data["rows"] if r["old"] and r["old"]["label"] == "第二十一条")
    assert moved["status"] == "changed" and moved["new"]["label"] == "第四十二条" and moved["similarity"] > 0.5
    changed = sum(r["status"] == "changed" and r["new"]["label"].endswith("条") for r in data["rows"])
    assert changed == data["counts"]["changed"]


def test_a_clause_history_follows_the_clause_through_its_versions(client):
    old, new = stored("review_2017"), stored("review_2023")
    page = client.get(f"/articles/{new.pk}/")
    url = f"/articles/{new.pk}/provisions/{quote('第四十二条')}/history/"
    assert url in page.content.decode()  # every 条 of a regulation with versions links its 沿革
    response = client.get(url)
    assert response.status_code == 200
    text = page_text(response)
    assert "条文沿革：第四十二条" in text and "首次出现于 2017年9月1日版" in text and "修改" in text
    data = client.get(url + "?format=json").json()
    assert [(s["status"], s["label"], s["version"]["id"]) for s in data["steps"]] == [
        ("first", "第二十一条", old.pk), ("changed", "第四十二条", new.pk)]
    assert data["first"]["id"] == old.pk
    assert "<ins>" in data["steps"][1]["diff"]["new_html"] and data["steps"][0]["diff"] is None
    # From the old version: a 条 the new one no longer has.
    gone = client.get(f"/articles/{old.pk}/provisions/{quote('第四十二条')}/history/?format=json").json()
    assert [s["status"] for s in gone["steps"]] == ["first", "deleted"]
    assert client.get(f"/articles/{new.pk}/provisions/{quote('第九百条')}/history/").status_code == 404


def test_a_clause_history_needs_versions(client):
    single = stored("food_2013")
    assert client.get(f"/articles/{single.pk}/provisions/{quote('第一条')}/history/").status_code == 404
    assert "/provisions/" not in client.get(f"/articles/{single.pk}/").content.decode()


def test_a_citation_links_the_version_in_force_then_or_says_which_it_links(client):
    old, new = stored("marine_2017"), stored("marine_2023")
    body = "根据《中华人民共和国海洋环境保护法》，制定本条例。"
    in_force = citing((2018, 11, 30), body, "山东省海洋环境保护条例")
    before = citing((2012, 5, 30), body, "浙江省湿地保护条例")
    pending = citing((2023, 12, 1), body, "二〇二三年十二月的条例")  # the 2023 revision is not in force until 2024
    undated = citing(None, body, "日期不详的条例")
    rows = {row.citing_id: (row.cited_id, row.version) for row in Citation.objects.filter(outcome="linked")}
    assert rows[in_force.pk] == (old.pk, "in_force")
    assert rows[before.pk] == (old.pk, "later")
    assert rows[pending.pk] == (old.pk, "in_force")
    assert rows[undated.pk] == (new.pk, "undated")
    assert "引用时施行的版本未收录，链接到2017年版" in page_text(client.get(f"/articles/{before.pk}/"))
    assert "未收录" not in page_text(client.get(f"/articles/{in_force.pk}/"))
    assert client.get(f"/articles/{before.pk}/?format=json").json()["cites"][0]["version"] == "later"
    cited_by = client.get(f"/articles/{old.pk}/?format=json").json()["cited_by"]
    assert {entry["title"]: entry["version"] for entry in cited_by} == {
        "山东省海洋环境保护条例": "in_force", "浙江省湿地保护条例": "later", "二〇二三年十二月的条例": "in_force"}
    listed = client.get(f"/articles/{old.pk}/cited-by/?format=json").json()["results"]
    assert {entry["version"] for entry in listed} == {"in_force", "later"}


def test_an_amendment_item_is_cited_like_a_clause_and_a_missing_one_links_the_document(client):
    amendment = stored("criminal_amendment_6")
    page = client.get(f"/articles/{amendment.pk}/").content.decode()
    assert 'id="第一条"' in page and 'id="第二十一条"' in page  # 一、 … 二十一、
    source = citing((2007, 1, 1), "依照《中华人民共和国刑法修正案（六）》第一条和《中华人民共和国刑法修正案（六）》第九十九条。")
    html = client.get(f"/articles/{source.pk}/").content.decode()
    assert f'href="/articles/{amendment.pk}/#{quote("第一条")}"' in html
    assert f'href="/articles/{amendment.pk}/#{quote("第九十九条")}"' not in html
    assert f'href="/articles/{amendment.pk}/">《中华人民共和国刑法修正案（六）》第九十九条' in html
