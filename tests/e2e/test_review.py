"""Journey 5: an editor corrects a published article in the real editor (TinyMCE); the change waits for review, and
a reviewer compares it and approves it."""

import re

from playwright.sync_api import expect

from documents.models import Article
from tests.staff_support import PASSWORD, staff_user

from .support import orm, screenshot


def published_article():
    article = Article.objects.published().filter(text__contains="\n\n").order_by("pk").first()
    return article.pk, article.title, article.get_absolute_url()


def pending_changes(pk):
    return [revision.proposed for revision in Article.objects.get(pk=pk).revisions.pending()]


def log_in(page, username):
    page.goto("/admin/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#user-tools")).to_contain_text(username)


def test_editor_change_waits_for_review_then_the_reviewer_approves(new_page):
    orm(staff_user, "editor", "编辑")
    orm(staff_user, "reviewer", "审核")
    pk, title, url = orm(published_article)
    corrected = f"{title}（更正）"

    editor = new_page(viewport={"width": 1280, "height": 900})
    log_in(editor, "editor")
    editor.goto(f"/admin/documents/article/{pk}/change/")
    expect(editor.locator(".review-notice").first).to_contain_text("您的修改保存后将提交审核")
    expect(editor.frame_locator("iframe.tox-edit-area__iframe").locator("body p").first).to_be_visible()
    editor.locator("#id_title").fill(corrected)
    editor.get_by_role("button", name="保存并继续编辑").click()
    expect(editor.locator(".messagelist")).to_contain_text("修改已提交审核")
    # Only the title is proposed: the body as the browser's editor sends it back is not taken for a change.
    assert orm(pending_changes, pk) == [{"title": corrected}]
    expect(editor.locator("#id_title")).to_have_value(corrected)
    expect(editor.locator(".review-notice").first).to_contain_text("尚待审核的修改，您可以继续修改它")
    screenshot(editor, "5-editor-pending")

    public = new_page(viewport={"width": 1280, "height": 900})
    public.goto(url)
    expect(public.get_by_role("heading", level=1)).to_have_text(title)

    reviewer = new_page(viewport={"width": 1280, "height": 900})
    log_in(reviewer, "reviewer")
    reviewer.goto("/admin/documents/article/")
    reviewer.get_by_role("link", name="列出这些文章").click()
    reviewer.get_by_role("link", name="待审核", exact=True).click()
    expect(reviewer.locator(".revision-fields")).to_contain_text(corrected)
    screenshot(reviewer, "5-comparison")
    reviewer.get_by_role("button", name="批准").click()
    expect(reviewer.locator(".messagelist")).to_contain_text("已批准 editor 的修改")
    expect(reviewer).to_have_url(re.compile(r"pending=yes"))

    public.goto(url)
    expect(public.get_by_role("heading", level=1)).to_have_text(corrected)
