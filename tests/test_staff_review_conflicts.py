"""A pending revision never overwrites what was published after its editor started: approving it is refused with a
three-way view, and the reviewer merges it onto the article as it is now (when the two changes do not overlap) or
returns it; a revision of an article in the recycle bin is not approved."""

import pytest
from django.urls import reverse

from documents.editorial import merge, workflow
from documents.models import Article, ArticleRevision
from tests.portal_helpers import make_article, page_text
from tests.test_staff_review import edit, logged_in, review_url

pytestmark = pytest.mark.django_db

TITLE = "关于加强预算审查监督的决定"
FIRST, SECOND, THIRD = "第一条 为了加强预算审查监督，制定本决定。", "第二条 市人大常委会审查预算执行情况。", "第三条 本决定自公布之日起施行。"


def body(*paragraphs):
    return "\n".join(f"<p>{p}</p>" for p in paragraphs)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people():
    from tests.staff_support import staff_user

    return staff_user("zhangsan", "编辑"), staff_user("lisi", "审核"), staff_user("wangwu", "审核")


@pytest.fixture
def article():
    return make_article(TITLE, body=f"{FIRST}\n\n{SECOND}\n\n{THIRD}")


def correct_directly(reviewer, article, **changes):
    """A reviewer's own edit of the published article: saved at once, no revision."""
    response = edit(logged_in(reviewer), article, **changes)
    assert response.status_code == 302
    article.refresh_from_db()


def test_approving_after_a_direct_correction_is_refused_and_the_correction_stays(client, article, people):
    editor, reviewer, other_reviewer = people
    edit(logged_in(editor), article, body=body(FIRST, SECOND, "第三条 本决定自2025年1月1日起施行。"))
    revision = ArticleRevision.objects.get()
    correct_directly(reviewer, article, body=body("第一条 为了加强和改进预算审查监督，制定本决定。", SECOND, THIRD))

    response = logged_in(other_reviewer).post(review_url(revision), {"decision": "approve"}, follow=True)
    text = page_text(response)
    assert "又被改过" in text and "正文" in text
    article.refresh_from_db()
    revision.refresh_from_db()
    assert revision.status == "pending"
    assert "加强和改进" in article.text and "2025年1月1日" not in article.text
    assert "加强和改进" in page_text(client.get(article.get_absolute_url()))
    with pytest.raises(workflow.ArticleChangedSince) as refused:
        workflow.approve_revision(revision, other_reviewer)
    assert refused.value.fields == ["body"]


def test_the_comparison_shows_the_editors_change_and_what_was_published_since(article, people):
    editor, reviewer, other_reviewer = people
    edit(logged_in(editor), article, body=body(FIRST, SECOND, "第三条 本决定自2025年1月1日起施行。"))
    correct_directly(reviewer, article, body=body("第一条 为了加强和改进预算审查监督，制定本决定。", SECOND, THIRD))
    page = logged_in(other_reviewer).get(review_url(ArticleRevision.objects.get())).content.decode()
    editors_part = page[page.index("编辑的修改（与编辑开始时的版本对比）"):]
    since_part = page[page.index("正文：编辑开始之后已发布的改动"):page.index("编辑的修改（与编辑开始时的版本对比）")]
    # The correction is shown as published meanwhile, never as something the editor deleted.
    assert "<ins>和改进</ins>" in since_part
    assert "和改进" not in editors_part and "<ins>2025年1月1</ins>" in editors_part
    assert 'value="approve"' not in page and 'value="rebase"' in page


def test_rebase_keeps_both_changes_then_approval_publishes_them(client, article, people):
    editor, reviewer, other_reviewer = people
    edit(logged_in(editor), article, body=body(FIRST, SECOND, "第三条 本决定自2025年1月1日起施行。"),
         title="关于加强和改进预算审查监督的决定")
    revision = ArticleRevision.objects.get()
    correct_directly(reviewer, article, body=body("第一条 为了加强和改进预算审查监督，制定本决定。", SECOND, THIRD))

    decider = logged_in(other_reviewer)
    response = decider.post(review_url(revision), {"decision": "rebase"}, follow=True)
    assert "已把这份修改合并到现在发布的版本" in page_text(response)
    assert 'value="approve"' in response.content.decode()
    decider.post(review_url(revision), {"decision": "approve"})
    article.refresh_from_db()
    assert "加强和改进预算审查监督，制定本决定" in article.text and "2025年1月1日" in article.text
    assert article.title == "关于加强和改进预算审查监督的决定"
    revision.refresh_from_db()
    assert revision.status == "approved"


def test_overlapping_changes_cannot_be_merged_and_are_returned(article, people):
    editor, reviewer, other_reviewer = people
    edit(logged_in(editor), article, body=body(FIRST, SECOND, "第三条 本决定自2025年1月1日起施行。"))
    revision = ArticleRevision.objects.get()
    correct_directly(reviewer, article, body=body(FIRST, SECOND, "第三条 本决定自2024年7月1日起施行。"))

    response = logged_in(other_reviewer).post(review_url(revision), {"decision": "rebase"}, follow=True)
    assert "又被改过" in page_text(response)
    revision.refresh_from_db()
    article.refresh_from_db()
    assert revision.status == "pending" and revision.proposed["body"].count("2025年1月1日") == 1
    assert "2024年7月1日" in article.text
    workflow.reject_revision(revision, other_reviewer, "第三条已另行修改，请按现在的版本重新提交。")
    assert article.revisions.pending().count() == 0


def test_a_scalar_field_changed_on_both_sides_is_an_overlap(article, people):
    editor, reviewer, _ = people
    edit(logged_in(editor), article, title="编辑改的标题")
    revision = ArticleRevision.objects.get()
    correct_directly(reviewer, article, title="审核改的标题")
    with pytest.raises(workflow.ArticleChangedSince) as refused:
        workflow.rebase_revision(revision, reviewer)
    assert refused.value.fields == ["title"] and "标题" in str(refused.value)
    # The same change on both sides is no conflict: it is dropped from the revision.
    correct_directly(reviewer, article, title="编辑改的标题")
    assert workflow.rebase_revision(revision, reviewer).proposed == {}


def test_a_draft_edit_made_while_unpublished_is_not_lost(article, people):
    editor, reviewer, other_reviewer = people
    edit(logged_in(editor), article, title="编辑提交的标题")
    revision = ArticleRevision.objects.get()
    workflow.unpublish([article], reviewer)
    correct_directly(reviewer, article, title="草稿期间改的标题")
    workflow.publish([article], reviewer)

    with pytest.raises(workflow.ArticleChangedSince):
        workflow.approve_revision(revision, other_reviewer)
    article.refresh_from_db()
    assert article.title == "草稿期间改的标题" and article.status == Article.Status.PUBLISHED


def test_the_editor_continuing_a_revision_keeps_what_it_started_from(article, people):
    editor, reviewer, _ = people
    editor_client = logged_in(editor)
    edit(editor_client, article, body=body(FIRST, SECOND, "第三条 本决定自2025年1月1日起施行。"))
    correct_directly(reviewer, article, body=body("第一条 为了加强和改进预算审查监督，制定本决定。", SECOND, THIRD))
    # The editor opens the revision again (their body, without the correction) and changes the subtitle only.
    edit(editor_client, article, subtitle="2024年修订")
    revision = ArticleRevision.objects.get()
    assert set(revision.proposed) == {"body", "subtitle"}
    assert revision.changed_since(Article.objects.get(pk=article.pk)) == ["body"]


def test_a_revision_of_a_recycled_article_is_not_approved(article, people):
    editor, reviewer, other_reviewer = people
    edit(logged_in(editor), article, title="改过的标题")
    revision = ArticleRevision.objects.get()
    workflow.recycle([article], reviewer)
    response = logged_in(other_reviewer).post(review_url(revision), {"decision": "approve"}, follow=True)
    text = page_text(response)
    assert "回收站" in text and "已按修改发布" not in text
    revision.refresh_from_db()
    article.refresh_from_db()
    assert revision.status == "pending" and article.title == TITLE and article.deleted_at is not None


def test_the_migration_takes_pending_revisions_to_start_from_the_article_as_it_is(article, people):
    import importlib

    from django.apps import apps

    editor, _, _ = people
    edit(logged_in(editor), article, title="改过的标题")
    ArticleRevision.objects.update(base={})
    importlib.import_module("documents.migrations.0015_revision_base").fill_base(apps, None)
    assert ArticleRevision.objects.get().base == {"title": TITLE}


@pytest.mark.parametrize("ours, theirs, merged", [
    ("A b c d", "a b c D", "A b c D"),
    ("a x b c d", "a b c y d", "a x b c y d"),
    ("a b d", "a B c d", "a B d"),
    ("A b c d", "A b c d", "A b c d"),
])
def test_merge_keeps_both_sides_when_they_touch_different_lines(ours, theirs, merged):
    assert merge.merge_lines("a b c d".split(), ours.split(), theirs.split()) == merged.split()


@pytest.mark.parametrize("ours, theirs", [("A b c d", "X b c d"), ("a y b c d", "a z b c d"), ("a c d", "a B c d")])
def test_merge_refuses_overlapping_changes(ours, theirs):
    with pytest.raises(merge.Overlap):
        merge.merge_lines("a b c d".split(), ours.split(), theirs.split())


def test_the_history_page_link_survives(article, people):
    _, reviewer, _ = people
    assert logged_in(reviewer).get(reverse("admin:documents_article_history", args=[article.pk])).status_code == 200
