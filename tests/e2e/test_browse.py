"""Journey 1: a citizen reads the site — 首页, a column, an article, a larger font that stays, printing."""

import re

from playwright.sync_api import expect

from .support import screenshot

NAVIGATION = ["首页", "人大简介", "机构设置", "人大要闻", "公文发布", "监督工作", "人事任免", "代表工作", "会议报道",
              "工作研究", "机关建设"]


def test_home_column_article_font_size_print(page, site_data):
    page.goto("/")
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav.get_by_role("link")).to_have_text(NAVIGATION)
    expect(nav.get_by_role("link", name="首页")).to_have_attribute("aria-current", "page")

    nav.get_by_role("link", name="公文发布").click()
    expect(page).to_have_url(re.compile(r"/columns/documents/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("公文发布")
    expect(nav.get_by_role("link", name="公文发布")).to_have_attribute("aria-current", "page")
    # 32 documents, 20 a page: the column pages forward.
    expect(page.get_by_role("navigation", name="分页")).to_contain_text("第 1 页 / 共 2 页")
    items = page.locator("main .article-list li")
    expect(items).to_have_count(20)

    first = items.first.get_by_role("link")
    title = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(r"/articles/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("navigation", name="位置导航").get_by_role("link", name="公文发布")).to_be_visible()

    # 大: the root font grows, the button says it is on, and both survive a reload.
    base_size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.get_by_role("button", name="大", exact=True).click()
    expect(page.get_by_role("button", name="大", exact=True)).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") > base_size
    page.reload()
    expect(page.get_by_role("button", name="大", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="中", exact=True)).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") > base_size
    screenshot(page, "1-article-large-font")

    # Printing: the print button is offered, and the print stylesheet leaves only the document.
    expect(page.get_by_role("button", name="打印本页")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="主导航")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="打印本页")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".article-body")).to_be_visible()
    screenshot(page, "1-article-print")
