"""Staff and regulations in the admin: 时效性 overridden with who and when in the history, 施行日期 edited, versions
attached, detached and groups merged."""

import pytest
from django.urls import reverse

from documents.models import Article, Regulation
from tests.staff_support import staff_user

from .portal_helpers import make_article
from .test_staff_workflow import form_data

pytestmark = pytest.mark.django_db
V = Article.Validity


def law(title="上海市殡葬管理条例", date=(2024, 8, 22)):
    return make_article(title, column_slug="documents", date=date, issuer="上海", kind=Article.Kind.REGULATION,
                        body=f"第一条 为了规范殡葬管理（{date[0]}年文本）。\n\n第三十条 本条例自1997年10月1日起施行。")


def change(client, article, **fields):
    """Post the article's admin form with `fields` changed (as a 审核: an editor's change of a published article
    waits for review, tests/test_staff_review.py)."""
    url = reverse("admin:documents_article_change", args=[article.pk])
    data = form_data(client.get(url).context["adminform"].form)
    data.update(fields)
    return client.post(url, data)


def test_an_override_of_the_status_is_recorded_with_who_and_when(client):
    old, new = law(date=(2015, 6, 18)), law()
    client.force_login(staff_user("reviewer", "审核"))
    assert change(client, new, validity_override=V.REPEALED).status_code == 302
    new.refresh_from_db()
    assert new.validity == V.REPEALED
    record = new.history.first()
    assert record.history_user.username == "reviewer" and record.history_change_reason == "时效性设为：已废止"
    page = client.get(reverse("admin:documents_article_history", args=[new.pk])).content.decode()
    assert "时效性设为：已废止" in page and "reviewer" in page
    assert change(client, new, validity_override="").status_code == 302
    new.refresh_from_db()
    assert new.validity == V.CURRENT and new.history.first().history_change_reason == "时效性设为：自动判断"
    old.refresh_from_db()
    assert old.validity == V.AMENDED


def test_the_effective_date_is_read_then_editable_and_checked(client):
    article = law()
    assert article.effective_date.isoformat() == "1997-10-01"
    client.force_login(staff_user("reviewer", "审核"))
    assert change(client, article, effective_date="2025-01-01").status_code == 302
    article.refresh_from_db()
    assert article.effective_date.isoformat() == "2025-01-01"
    response = change(client, article, effective_date="2025-02-30")
    assert response.status_code == 200 and "有效的日期" in response.content.decode()
    article.refresh_from_db()
    assert article.effective_date.isoformat() == "2025-01-01"


def test_attaching_a_version_by_hand_in_its_form(client):
    kept, other = law(), law("上海市殡葬管理办法", date=(1997, 8, 20))  # the title it had then
    client.force_login(staff_user("reviewer", "审核"))
    assert change(client, other, regulation=kept.regulation_id).status_code == 302
    other.refresh_from_db()
    kept.refresh_from_db()
    assert other.regulation_id == kept.regulation_id and other.regulation_by_hand
    assert (kept.validity, other.validity) == (V.CURRENT, V.AMENDED)
    # Unticking 手动归组 returns it to the title rule: a group of its own again.
    assert change(client, other, regulation_by_hand="").status_code == 302
    other.refresh_from_db()
    assert other.regulation_id != kept.regulation_id and not other.regulation_by_hand
    assert other.validity == V.CURRENT


def test_detaching_versions(client):
    old, new = law(date=(2010, 9, 17)), law()
    client.force_login(staff_user("reviewer", "审核"))
    response = client.post(reverse("admin:documents_article_changelist"),
                           {"action": "detach", "_selected_action": [old.pk]}, follow=True)
    assert "已分离 1 篇文章" in response.content.decode()
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.regulation_id != new.regulation_id and old.regulation_by_hand
    assert (old.validity, new.validity) == (V.CURRENT, V.CURRENT)
    assert old.history.first().history_user.username == "reviewer"


def test_reviewers_merge_groups_after_choosing_the_one_kept(client):
    a, b = law("上海市殡葬管理办法", date=(1997, 8, 20)), law()
    url = reverse("admin:documents_regulation_changelist")
    selected = [a.regulation_id, b.regulation_id]
    client.force_login(staff_user("reviewer", "审核"))
    page = client.post(url, {"action": "merge", "_selected_action": selected})
    assert "请选择要保留的法规" in page.content.decode() and Regulation.objects.count() == 2
    response = client.post(url, {"action": "merge", "_selected_action": selected, "confirm": "yes",
                                 "keep": b.regulation_id})
    assert response.status_code == 302
    assert list(Regulation.objects.values_list("pk", flat=True)) == [b.regulation_id]
    a.refresh_from_db()
    assert a.regulation_id == b.regulation_id and a.validity == V.AMENDED
    detail = client.get(reverse("admin:documents_regulation_change", args=[b.regulation_id])).content.decode()
    assert "上海市殡葬管理办法" in detail and "已被修改" in detail
    # Never deleted under its versions: only merged.
    assert client.get(reverse("admin:documents_regulation_delete", args=[b.regulation_id])).status_code == 403
    assert "delete_selected" not in client.get(url).content.decode()


def test_editors_see_groups_but_cannot_merge(client):
    a, b = law("上海市殡葬管理办法", date=(1997, 8, 20)), law()
    client.force_login(staff_user("editor", "编辑"))
    url = reverse("admin:documents_regulation_changelist")
    page = client.get(url)
    assert page.status_code == 200 and "上海市殡葬管理条例" in page.content.decode()
    client.post(url, {"action": "merge", "_selected_action": [a.regulation_id, b.regulation_id], "confirm": "yes",
                      "keep": b.regulation_id})
    assert Regulation.objects.count() == 2


def test_the_preview_of_a_draft_version_lists_it_among_the_published_ones(client):
    published = law(date=(2015, 6, 18))
    draft = make_article("上海市殡葬管理条例", column_slug="documents", date=(2024, 8, 22), issuer="上海",
                         kind=Article.Kind.REGULATION, status=Article.Status.DRAFT, body="第一条 甲。")
    client.force_login(staff_user("reviewer", "审核"))
    page = client.get(reverse("admin:documents_article_preview", args=[draft.pk])).content.decode()
    listed = page[page.index('<ol class="versions__list">'):]
    assert listed.index("2024年8月22日") < listed.index("2015年6月18日") and "（本页）" in listed
    published.refresh_from_db()
    assert published.validity == V.CURRENT  # until the draft is published
