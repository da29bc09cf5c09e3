"""Journey 4: a reviewer logs into the admin, uploads a Word file, corrects the title in the editor, previews,
publishes, and finds the article on the site and through search."""

import re
import time

from playwright.sync_api import expect

from tests.staff_support import PASSWORD, docx_bytes, staff_user

from .support import orm, screenshot

TYPO_TITLE = "关于滨河湿地公园保护情况的调查报吿"
TITLE = "关于滨河湿地公园保护情况的调查报告"


def search_until_found(page, query, title, seconds=10):
    """The admin's save applies the index queue once its response is sent: the search is asked again until it
    finds the title or the deadline passes (each try is a page load, the poll's own pace)."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto(f"/search/?q={query}")
        titles = page.locator("ol.search-results h2").all_inner_texts()
        if title in titles or time.monotonic() > deadline:
            return titles


def test_upload_correct_preview_publish_find(new_page):
    orm(staff_user, "reviewer", "审核")
    staff = new_page(viewport={"width": 1280, "height": 900})

    # The real login form (django-axes watches it).
    staff.goto("/admin/")
    expect(staff).to_have_url(re.compile(r"/admin/login/"))
    staff.get_by_label("用户名").fill("reviewer")
    staff.get_by_label("密码").fill(PASSWORD)
    staff.get_by_role("button", name="登录").click()
    expect(staff.locator("#user-tools")).to_contain_text("reviewer")

    # 文章 -> 上传文件: a .docx made here, into 监督工作.
    staff.goto("/admin/documents/article/")
    staff.get_by_role("link", name="上传文件").click()
    staff.get_by_label("文件").set_input_files(files=[{
        "name": "调查报告.docx",
        "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "buffer": docx_bytes(TYPO_TITLE, "2024年5月20日", "市人大常委会调查组对滨河湿地公园的保护情况进行了实地调查。"),
    }])
    staff.get_by_label("栏目").select_option(label="监督工作")
    staff.get_by_role("button", name="上传并导入").click()
    result = staff.locator("#upload-results .upload-ok")
    expect(result).to_contain_text("已导入为草稿")
    screenshot(staff, "4-upload-result")
    result.get_by_role("link", name=TYPO_TITLE).click()

    # The change form: TinyMCE holds the body (its scripts and styles allowed by the page's CSP).
    editor_body = staff.frame_locator("iframe.tox-edit-area__iframe").locator("body")
    expect(editor_body).to_contain_text("进行了实地调查")
    expect(staff.get_by_label("状态")).to_have_value("draft")
    staff.locator("#id_title").fill(TITLE)
    staff.get_by_role("button", name="保存并继续编辑").click()
    expect(staff.locator(".messagelist")).to_contain_text("成功修改了")
    expect(staff.locator("#id_title")).to_have_value(TITLE)
    expect(editor_body).to_contain_text("进行了实地调查")
    screenshot(staff, "4-editor")

    # 预览 opens the public article page, marked as a preview, for the draft.
    with staff.context.expect_page() as opened:
        staff.get_by_role("link", name="预览").click()
    preview = opened.value
    expect(preview.locator(".staff-preview")).to_contain_text("草稿")
    expect(preview.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(preview.locator(".article-body")).to_contain_text("进行了实地调查")
    screenshot(preview, "4-preview")
    preview.close()

    # Not on the public site yet.
    public = new_page(viewport={"width": 1280, "height": 900})
    public.goto("/columns/supervision/")
    expect(public.get_by_role("link", name=TITLE)).to_have_count(0)

    # Publish.
    staff.get_by_label("状态").select_option(label="已发布")
    staff.get_by_role("button", name="保存", exact=True).click()
    expect(staff.locator(".messagelist")).to_contain_text("成功修改了")

    # A citizen finds it in its column and opens it...
    public.goto("/")
    public.get_by_role("navigation", name="主导航").get_by_role("link", name="监督工作").click()
    public.get_by_role("link", name=TITLE).click()
    expect(public.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(public.locator(".dateline").first).to_contain_text("2024年5月20日")
    expect(public.locator(".article-body")).to_contain_text("进行了实地调查")
    article_url = public.url

    # ...and through search, with no step but the admin's save.
    assert TITLE in search_until_found(public, "湿地公园", TITLE)
    public.get_by_role("link", name=TITLE).click()
    # A result opens its article with the query to find in it (?hl=, documents/find_in_page.py).
    expect(public).to_have_url(re.compile(re.escape(article_url) + r"\?hl=.+$"))
    screenshot(public, "4-published")
