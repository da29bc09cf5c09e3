"""Editors' edits of published articles wait for review: pending revisions, the comparison, 批准 and 退回."""

import html
import re

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from documents.editorial import workflow
from documents.models import Article, ArticleRevision, Attachment, Speaker
from documents.editorial.revision_diff import body_change
from documents.search.query import search
from documents.search.index.queue import apply_pending
from tests.portal_helpers import make_article, page_text
from tests.staff_support import form_data, staff_user

pytestmark = pytest.mark.django_db

TITLE = "关于加强预算审查监督的决定"
BODY = "第一条 为了加强预算审查监督，制定本决定。\n\n第二条 市人大常委会审查预算执行情况。\n\n第三条 本决定自公布之日起施行。"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # Accounts are made with a password in every test; the real hasher's slowness is no part of what is tested.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def article():
    return make_article(TITLE, body=BODY)


@pytest.fixture
def editor():
    return staff_user("zhangsan", "编辑")


@pytest.fixture
def reviewer():
    return staff_user("lisi", "审核")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def change_url(article):
    return reverse("admin:documents_article_change", args=[article.pk])


def review_url(revision):
    return reverse("admin:documents_article_revision", args=[revision.article_id, revision.pk])


def shown_form(client, article):
    """The change form as this client's page shows it."""
    return client.get(change_url(article)).context["adminform"].form


def edit(client, article, form=None, **changes):
    """Post the change form (as shown now, or `form` shown earlier) with `changes`."""
    data = form_data(form or shown_form(client, article))
    data.update(changes)
    return client.post(change_url(article), data)


def public_texts(client, article):
    apply_pending()
    pages = {
        "article": page_text(client.get(article.get_absolute_url())),
        "home": page_text(client.get("/")),
        "feed": client.get(reverse("documents:feed")).content.decode(),
    }
    return pages, [hit.pk for hit in search("预算").hits]


def test_an_editors_edit_of_a_published_article_changes_nothing_public(client, article, editor):
    before, _ = public_texts(client, article)  # also fills the page cache
    assert TITLE in before["article"] and TITLE in before["home"] and TITLE in before["feed"]

    response = edit(logged_in(editor), article, title="关于加强和改进预算审查监督的决定", body="<p>全新的正文。</p>",
                    pinned="on")
    assert response.status_code == 302

    article.refresh_from_db()
    assert (article.title, article.text, article.pinned) == (TITLE, BODY, False)
    revision = ArticleRevision.objects.get()
    assert revision.status == "pending" and revision.author == editor == revision.updated_by
    assert revision.proposed == {"title": "关于加强和改进预算审查监督的决定", "body": "<p>全新的正文。</p>", "pinned": True}
    assert article.history.count() == 1  # the article itself did not change

    after, hits = public_texts(client, article)
    for name, text in after.items():
        assert TITLE in text and "改进" not in text and "全新的正文" not in text, name
    assert hits == [article.pk]
    assert [hit.pk for hit in search("全新的正文").hits] == []


def test_approval_publishes_everywhere_and_the_history_names_both(client, article, editor, reviewer):
    public_texts(client, article)
    edit(logged_in(editor), article, title="关于加强和改进预算审查监督的决定", body="<p>全新的正文。</p>")
    revision = ArticleRevision.objects.get()

    response = logged_in(reviewer).post(review_url(revision), {"decision": "approve"}, follow=True)
    assert "已批准 zhangsan 的修改" in response.content.decode()

    article.refresh_from_db()
    assert article.title == "关于加强和改进预算审查监督的决定" and article.text == "全新的正文。"
    pages, _ = public_texts(client, article)
    for name, text in pages.items():
        assert "关于加强和改进预算审查监督的决定" in text, name
    assert [hit.pk for hit in search("全新的正文").hits] == [article.pk]

    revision.refresh_from_db()
    assert (revision.status, revision.reviewer) == ("approved", reviewer) and revision.decided_at
    latest = article.history.first()
    assert latest.history_user == reviewer and latest.history_change_reason == "审核通过：编辑 zhangsan 的修改"
    history = logged_in(reviewer).get(reverse("admin:documents_article_history", args=[article.pk])).content.decode()
    assert "审核通过：编辑 zhangsan 的修改" in history and "lisi" in history


def test_rejection_changes_nothing_and_the_editor_reads_the_reason(client, article, editor, reviewer):
    editor_client, reviewer_client = logged_in(editor), logged_in(reviewer)
    edit(editor_client, article, title="错误的标题")
    revision = ArticleRevision.objects.get()

    # A reason is required.
    response = reviewer_client.post(review_url(revision), {"decision": "reject", "reason": "  "})
    assert response.status_code == 200 and "退回时请写明原因" in response.content.decode()
    revision.refresh_from_db()
    assert revision.status == "pending"

    reviewer_client.post(review_url(revision), {"decision": "reject", "reason": "标题与文件原文不符，请核对。"})
    revision.refresh_from_db()
    article.refresh_from_db()
    assert (revision.status, revision.reviewer, revision.rejection_reason) == ("rejected", reviewer, "标题与文件原文不符，请核对。")
    assert article.title == TITLE and article.history.count() == 1
    assert TITLE in page_text(client.get(article.get_absolute_url()))

    page = editor_client.get(change_url(article))
    text = page_text(page)
    assert "lisi 于" in text and "退回了 zhangsan 提交的修改，原因：标题与文件原文不符，请核对。" in text
    assert page.context["adminform"].form["title"].value() == TITLE  # the published text, not the rejected one
    assert "标题与文件原文不符" in page_text(editor_client.get(review_url(revision)))

    # The next edit is a new revision.
    edit(editor_client, article, title="核对后的标题")
    assert article.revisions.pending().get().proposed == {"title": "核对后的标题"}
    assert article.revisions.count() == 2


def test_only_reviewers_decide_even_by_posting_directly(client, article, editor):
    edit(logged_in(editor), article, title="改过的标题")
    revision = ArticleRevision.objects.get()
    url = review_url(revision)

    editor_client = logged_in(editor)
    page = editor_client.get(url)
    assert page.status_code == 200 and '<th scope="row">标题</th>' in page.content.decode()
    assert 'value="approve"' not in page.content.decode()  # editors see the comparison, not the buttons
    assert editor_client.post(url, {"decision": "approve"}).status_code == 403
    assert logged_in(staff_user("nobody")).post(url, {"decision": "approve"}).status_code == 403
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    other = make_article("别的文章")
    assert editor_client.get(reverse("admin:documents_article_revision", args=[other.pk, revision.pk])).status_code == 404

    revision.refresh_from_db()
    article.refresh_from_db()
    assert revision.status == "pending" and article.title == TITLE


def test_decisions_need_the_csrf_token(article, editor, reviewer):
    edit(logged_in(editor), article, title="改过的标题")
    url = review_url(ArticleRevision.objects.get())
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    page = client.get(url).content.decode()
    assert client.post(url, {"decision": "approve"}).status_code == 403
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(url, {"decision": "approve", "csrfmiddlewaretoken": token}).status_code == 302
    article.refresh_from_db()
    assert article.title == "改过的标题"


def test_a_decided_revision_cannot_be_decided_again(article, editor, reviewer):
    edit(logged_in(editor), article, title="改过的标题")
    revision = ArticleRevision.objects.get()
    workflow.reject_revision(revision, reviewer, "不需要修改")
    response = logged_in(reviewer).post(review_url(revision), {"decision": "approve"}, follow=True)
    assert "这份修改已由 lisi 于" in response.content.decode() and "退回，本次没有改动" in response.content.decode()
    article.refresh_from_db()
    assert article.title == TITLE
    with pytest.raises(workflow.RevisionDecided):
        workflow.approve_revision(revision, reviewer)


def test_the_comparison_shows_each_changed_field_and_marks_the_body(article, editor, reviewer):
    speaker = Speaker.objects.create(name="张雷明")
    edit(logged_in(editor), article, title="关于加强预算审查监督的决定（修正）", speaker=speaker.pk,
         body="<p>第一条 为了加强预算审查监督，制定本决定。</p><p>第二条 市人大常委会监督预算执行情况。</p>"
              "<p>第三条 本决定自公布之日起施行。</p><p>第四条 新增的一条。</p>")
    page = logged_in(reviewer).get(review_url(ArticleRevision.objects.get())).content.decode()
    rows = re.findall(r'<tr><th scope="row">(.*?)</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td></tr>', page)
    assert rows == [
        ("标题", TITLE, f"{TITLE}<ins>（修正）</ins>"),
        ("发言人", "<del>（空）</del>", "<ins>张雷明</ins>"),
    ]
    body = re.search(r'<div class="revision-body">(.*?)</div>', page, re.S).group(1)
    assert "<p>第一条 为了加强预算审查监督，制定本决定。</p>" in body
    assert "<p>第二条 市人大常委会<del>审查</del><ins>监督</ins>预算执行情况。</p>" in body
    assert "<p><ins>第四条 新增的一条。</ins></p>" in body
    assert 'value="approve"' in page and 'value="reject"' in page and 'name="reason"' in page


def test_body_comparison_folds_unchanged_paragraphs_and_notices_format_only_changes():
    old = "".join(f"<p>第{n}段。</p>" for n in range(1, 11))
    new = old.replace("第5段。", "第五段。")
    paragraphs = body_change(old, new).paragraphs
    assert paragraphs == [
        [("folded", "……（3 段未改动）")],
        [("equal", "第4段。")],
        [("equal", "第"), ("delete", "5"), ("insert", "五"), ("equal", "段。")],
        [("equal", "第6段。")],
        [("folded", "……（4 段未改动）")],
    ]
    assert body_change("<p>正文</p>", "<p><strong>正文</strong></p>").format_only


def test_an_editor_continues_the_pending_revision_and_there_is_only_one(article, editor):
    client = logged_in(editor)
    edit(client, article, title="第一次修改的标题")
    page = client.get(change_url(article))
    form = page.context["adminform"].form
    assert form["title"].value() == "第一次修改的标题" and form["body"].value() == article.body
    assert "尚待审核的修改，您可以继续修改它" in page_text(page)
    preview = client.get(reverse("admin:documents_article_preview", args=[article.pk]))
    assert "第一次修改的标题" in page_text(preview) and "审核通过前不会公开" in page_text(preview)

    edit(client, article, form=form, subtitle="加上副标题")
    revision = article.revisions.get()
    assert revision.proposed == {"title": "第一次修改的标题", "subtitle": "加上副标题"}

    # Back to the published values: nothing is left to review, and the revision is withdrawn.
    response = edit(client, article, title=TITLE, subtitle="")
    assert not article.revisions.exists() and response.status_code == 302
    with pytest.raises(IntegrityError), transaction.atomic():
        for _ in range(2):
            ArticleRevision.objects.create(article=article, proposed={"title": "x"})


def test_a_concurrent_second_edit_updates_the_pending_revision_without_losing_the_first(article):
    first, second = logged_in(staff_user("zhangsan", "编辑")), logged_in(staff_user("wangwu", "编辑"))
    # Both open the published article; the first saves a new title, then the second, from the page opened before,
    # a new subtitle.
    seen_by_second = shown_form(second, article)
    edit(first, article, title="张三改的标题")
    assert edit(second, article, form=seen_by_second, subtitle="王五加的副标题").status_code == 302
    revision = article.revisions.get()
    assert revision.proposed == {"title": "张三改的标题", "subtitle": "王五加的副标题"}
    assert (revision.author.username, revision.updated_by.username) == ("zhangsan", "wangwu")
    assert revision.editors == "zhangsan、wangwu"

    # Both change the same field from pages opened before the other's save: the later one is refused, and sees why.
    seen_by_first, seen_by_second = shown_form(first, article), shown_form(second, article)
    edit(first, article, form=seen_by_first, title="张三又改的标题")
    response = edit(second, article, form=seen_by_second, title="王五改的标题")
    assert response.status_code == 200
    assert "又修改了它。为免覆盖，本次没有保存" in page_text(response)
    assert "王五改的标题" in response.content.decode()  # what they typed is still on the page
    assert article.revisions.get().proposed["title"] == "张三又改的标题"


def test_the_same_field_changed_by_two_editors_from_the_published_text_is_refused(article):
    first, second = logged_in(staff_user("zhangsan", "编辑")), logged_in(staff_user("wangwu", "编辑"))
    seen_by_second = shown_form(second, article)
    edit(first, article, title="张三改的标题")
    response = edit(second, article, form=seen_by_second, title="王五改的标题")
    assert response.status_code == 200 and "也改动了：标题" in page_text(response)
    assert article.revisions.get().proposed == {"title": "张三改的标题"}


def test_drafts_and_reviewers_edits_save_at_once(article, editor, reviewer):
    draft = make_article("草稿", status=Article.Status.DRAFT)
    edit(logged_in(editor), draft, title="改过的草稿")
    draft.refresh_from_db()
    assert draft.title == "改过的草稿" and not ArticleRevision.objects.exists()

    edit(logged_in(editor), article, title="编辑改的标题")
    reviewer_client = logged_in(reviewer)
    page = reviewer_client.get(change_url(article))
    assert page.context["adminform"].form["title"].value() == TITLE  # the reviewer edits the published text
    assert "提交了对这篇文章的修改，尚待审核：查看对比并审核" in page_text(page)
    edit(reviewer_client, article, subtitle="审核直接加的副标题")
    article.refresh_from_db()
    assert article.subtitle == "审核直接加的副标题" and article.history.first().history_user == reviewer
    # The editor's revision still waits, and approving it keeps the reviewer's change.
    workflow.approve_revision(article.revisions.pending().get(), reviewer)
    article.refresh_from_db()
    assert (article.title, article.subtitle) == ("编辑改的标题", "审核直接加的副标题")


def test_changelist_lists_articles_with_pending_changes(article, editor, reviewer):
    other = make_article("没有修改的文章")
    edit(logged_in(editor), article, title="改过的标题")
    revision = ArticleRevision.objects.get()
    url = reverse("admin:documents_article_changelist")
    client = logged_in(reviewer)
    page = client.get(url).content.decode()
    assert "有 1 篇已发布文章的修改等待审核" in page
    assert f'<a href="{review_url(revision)}">待审核</a>' in page
    filtered = page_text(client.get(url, {"pending": "yes"}))
    assert TITLE in filtered and "没有修改的文章" not in filtered
    unchanged = page_text(client.get(url, {"pending": "no"}))
    assert other.title in unchanged and TITLE not in unchanged


def test_files_of_a_published_article_are_read_only_for_editors(article, editor):
    Attachment.objects.create(article=article, file="attachments/a.pdf", title="原件")
    client = logged_in(editor)
    page = client.get(change_url(article)).content.decode()
    assert 'name="cover_image"' not in page and "封面图片和附件只能由审核人员更换" in page
    assert 'name="attachments-0-DELETE"' not in page and 'name="attachments-0-title"' not in page

    data = form_data(shown_form(client, article))
    data.update({"attachments-TOTAL_FORMS": "1", "attachments-INITIAL_FORMS": "1",
                 "attachments-0-id": article.attachments.get().pk, "attachments-0-article": article.pk,
                 "attachments-0-title": "改名", "attachments-0-DELETE": "on", "title": "改过的标题"})
    assert client.post(change_url(article), data).status_code == 302
    assert article.attachments.get().title == "原件"

    draft = make_article("草稿", status=Article.Status.DRAFT)
    assert 'name="cover_image"' in client.get(change_url(draft)).content.decode()


def test_merging_speakers_updates_pending_revisions(article, editor, reviewer):
    keep, twin = Speaker.objects.create(name="张雷明"), Speaker.objects.create(name="张雷明", organization="市人大")
    edit(logged_in(editor), article, speaker=twin.pk)
    workflow.merge_speakers(keep, [twin], reviewer)
    workflow.approve_revision(ArticleRevision.objects.get(), reviewer)
    article.refresh_from_db()
    assert article.speaker == keep


def test_preview_of_a_revision_needs_a_number(article, editor):
    client = logged_in(editor)
    url = reverse("admin:documents_article_preview", args=[article.pk])
    assert client.get(url + "?revision=abc").status_code == 404
    assert client.get(url + "?revision=999").status_code == 404


def test_two_first_saves_that_cross_both_count(article):
    first, second = staff_user("zhangsan", "编辑"), staff_user("wangwu", "编辑")
    # The second editor's form is checked while there is no revision yet...
    edited = workflow.open_for_edit(Article.objects.get(pk=article.pk), second)
    edited.subtitle = "王五加的副标题"
    # ...then the first editor's save commits, before the second's is written.
    first_edit = Article.objects.get(pk=article.pk)
    first_edit.title = "张三改的标题"
    workflow.submit_revision(article, first_edit, first)
    revision = workflow.submit_revision(article, edited, second)
    assert revision.proposed == {"title": "张三改的标题", "subtitle": "王五加的副标题"}
    assert (revision.author, revision.updated_by) == (first, second)
    assert ArticleRevision.objects.count() == 1


def test_the_comparison_escapes_what_editors_typed(article, editor, reviewer):
    payload = '<img src=x onerror="alert(1)">'
    edit(logged_in(editor), article, title=f"{TITLE}{payload}", subtitle=payload,
         body=f"<p>第一条 {html.escape(payload)}</p>")
    reviewer_client = logged_in(reviewer)
    page = reviewer_client.get(review_url(ArticleRevision.objects.get())).content.decode()
    assert "<img" not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    workflow.reject_revision(ArticleRevision.objects.get(), reviewer, payload)
    form_page = logged_in(editor).get(change_url(article)).content.decode()
    assert 'onerror="alert(1)"' not in form_page and "原因：&lt;img src=x" in form_page


def test_a_reviewers_restore_publishes_at_once_and_says_which_version(article, reviewer):
    first = article.history.get()
    article.title = "后来的标题"
    article.save()
    client = logged_in(reviewer)
    url = reverse("admin:documents_article_simple_history", args=[article.pk, first.history_id])
    assert client.post(url, form_data(client.get(url).context["adminform"].form)).status_code == 302
    article.refresh_from_db()
    latest = article.history.first()
    assert article.title == TITLE and not ArticleRevision.objects.exists()
    assert latest.history_user == reviewer and re.fullmatch(r"恢复到 \d{4}年\d+月\d+日 \d\d:\d\d 的版本", latest.history_change_reason)
