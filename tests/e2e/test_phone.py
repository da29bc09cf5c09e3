"""Journey 5: the same pages on a phone (375×812): navigation usable, no horizontal scrolling."""

from playwright.sync_api import expect

from .support import screenshot
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
    expect(links).to_have_text(NAVIGATION)
    # Every entry is on screen (the bar wraps rather than running off the edge) and big enough to tap.
    for link in links.all():
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, (link.inner_text(), box)
        assert box["height"] >= 24, (link.inner_text(), box)
    screenshot(page, "5-phone-home")

    nav.get_by_role("link", name="会议报道").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("会议报道")
    assert_no_horizontal_scroll(page)

    page.locator("main .article-list a").first.tap()
    expect(page.locator(".article-body")).to_be_visible()
    assert_no_horizontal_scroll(page)
    screenshot(page, "5-phone-article")

    search = page.get_by_role("search").get_by_role("searchbox", name="站内搜索")
    expect(search).to_be_in_viewport()
    search.fill("条例")
    search.press("Enter")
    expect(page.locator("ol.search-results > li").first).to_be_visible()
    assert_no_horizontal_scroll(page)
    screenshot(page, "5-phone-search")
