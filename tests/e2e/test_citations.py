"""Journey 7: a reader follows a 《》 citation to the law it names and its 条, then back through 被引用."""

import re
from urllib.parse import unquote

from playwright.sync_api import expect

from .support import orm, screenshot

LAW = "中华人民共和国反不正当竞争法"
INTERPRETATION = "最高人民法院关于审理侵害知识产权民事案件适用惩罚性赔偿的解释"


def add_citing_documents():
    """A regulation citing the law's 第二条 with the national prefix left out, and 21 notices citing it."""
    from tests.portal_helpers import make_article

    make_article("平顶山市反不正当竞争条例", column_slug="documents", date=(2023, 5, 1),
                 body="根据《反不正当竞争法》第二条和有关法律，结合本市实际，制定本条例。")
    for day in range(1, 22):
        make_article(f"关于市场秩序的通知（第{day}号）", column_slug="notices", date=(2023, 6, day),
                     body=f"各单位应当遵守《{LAW}》。")


def test_follow_a_citation_to_its_article_and_back(page, site_data):
    orm(add_citing_documents)
    page.goto("/columns/documents/")
    page.get_by_role("link", name="平顶山市反不正当竞争条例").click()
    body = page.locator(".article-body")
    link = body.get_by_role("link", name="《反不正当竞争法》第二条")
    expect(link).to_be_visible()
    expect(page.get_by_role("region", name="本文引用").get_by_role("link")).to_have_text([LAW])
    link.focus()
    screenshot(page, "7-citation-link")

    link.click()
    expect(page).to_have_url(re.compile(r"/articles/\d+/#%E7%AC%AC%E4%BA%8C%E6%9D%A1$"))
    assert unquote(page.url.rsplit("#", 1)[1]) == "第二条"
    expect(page.get_by_role("heading", level=1)).to_have_text(LAW)
    cited_by = page.get_by_role("region", name=re.compile("被引用"))
    expect(cited_by.get_by_role("heading")).to_have_text("被引用（23 篇）")
    expect(cited_by.locator(".article-list li")).to_have_count(20)
    screenshot(page, "7-cited-law")

    cited_by.get_by_role("link", name="查看全部 23 篇引用本文的文件").click()
    expect(page).to_have_url(re.compile(r"/articles/\d+/cited-by/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"引用《{LAW}》的文件")
    expect(page.get_by_role("navigation", name="分页")).to_contain_text("第 1 页 / 共 2 页")
    page.get_by_role("link", name="下一页").click()
    expect(page.locator("main .article-list li")).to_have_count(3)
    screenshot(page, "7-cited-by-page-2")
    page.get_by_role("link", name=INTERPRETATION).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(INTERPRETATION)
    expect(page.locator(".article-body").get_by_role("link", name=f"《{LAW}》")).to_be_visible()
