"""Journey 5: the same pages on a phone (375×812): navigation usable, no horizontal scrolling."""

from playwright.sync_api import expect

from .support import orm, screenshot
from .test_browse import NAVIGATION

PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def assert_no_horizontal_scroll(page):
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,"
        " widest: Math.max(...[...document.body.querySelectorAll('*')].map(e => e.getBoundingClientRect().right))})"
    )
    assert widths["scroll"] <= widths["inner"], f"{page.url} scrolls sideways: {widths}"


def test_phone_navigation_and_widths(new_page, site_data):
    page = new_page(**PHONE)
    page.goto("/")
    assert_no_horizontal_scroll(page)
    nav = page.get_by_role("navigation", name="主导航")
    links = nav.get_by_role("link")
    # The columns fold behind one 栏目 button; opened, every entry is on screen and big enough to tap.
    expect(links).to_have_count(0)
    toggle = nav.locator("summary")
    expect(toggle).to_have_accessible_name("栏目")
    toggle.tap()
    expect(links).to_have_text(NAVIGATION)
    for link in links.all():
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, (link.inner_text(), box)
        assert box["height"] >= 44, (link.inner_text(), box)
    screenshot(page, "5-phone-home")

    nav.get_by_role("link", name="会议报道").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("会议报道")
    assert_no_horizontal_scroll(page)

    page.locator("main .article-list a").first.tap()
    expect(page.locator(".article-body")).to_be_visible()
    assert_no_horizontal_scroll(page)
    screenshot(page, "5-phone-article")

    search = page.get_by_role("search").get_by_role("combobox", name="站内搜索")
    expect(search).to_be_in_viewport()
    search.fill("条例")
    search.press("Enter")
    expect(page.locator("ol.search-results > li").first).to_be_visible()
    assert_no_horizontal_scroll(page)
    screenshot(page, "5-phone-search")


def table_article():
    from documents.models import Article, Column

    article = Article(title="各区代表名额", column=Column.objects.get(slug="news"), status=Article.Status.PUBLISHED,
                      body="<p>名额分配如下：</p><table><tr><td><p>新华区</p></td><td><p>十二名</p></td></tr>"
                           "<tr><td><p>卫东区</p></td><td><p>十名</p></td></tr></table>")
    article.save()
    return article.get_absolute_url()


def test_table_cells_on_a_phone_are_not_indented(new_page, site_data):
    """The body's first-line indent is for paragraphs of text: in a cell it broke 新华 / 区 on a phone."""
    url = orm(table_article)
    page = new_page(**PHONE)
    page.goto(url)
    body = page.locator(".article-body")
    indent = "getComputedStyle(el).textIndent"
    assert body.locator(":scope > p").first.evaluate(f"el => {indent}") != "0px"
    for cell in body.locator("td p").all():
        assert cell.evaluate(f"el => {indent}") == "0px"
        # One line: the cell's text is not broken.
        assert cell.evaluate("el => el.getClientRects().length === 1 && el.offsetHeight < 2 * parseFloat("
                             "getComputedStyle(el).lineHeight)")
    assert_no_horizontal_scroll(page)
    screenshot(page, "5-phone-table")
