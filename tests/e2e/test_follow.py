"""Journey 8: following a search — the chart of documents per year (a click filters to a year; a speaker's page),
suggestions under the search box with the keyboard alone (and a plain box without JavaScript), and subscribing
to a search (its feed link answers with the search's newest matches). axe stays clean with the chart and with
the suggestions open."""

import re
import xml.etree.ElementTree as ET

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .support import screenshot
from .test_phone import PHONE, assert_no_horizontal_scroll

PEOPLE = "/search/?q=%E4%BA%BA%E6%B0%91"  # 人民: in every sample document, 1954 to 2024


def assert_axe_clean(page):
    violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in violations]


def test_a_click_on_a_year_filters_the_search(page, site_data):
    page.goto(PEOPLE)
    chart = page.get_by_role("figure")
    expect(chart).to_contain_text("各年份的结果：1954—2024年")
    total = int(page.locator(".search-count > strong").inner_text())
    bars = chart.get_by_role("link", name=re.compile(r"^\d{4}年：\d+ 篇$"))
    counts = {int(label[:4]): int(re.search(r"(\d+) 篇", label).group(1))
              for label in (bars.nth(i).get_attribute("aria-label") for i in range(bars.count()))}
    undated = int(re.search(r"另有 (\d+) 篇日期不详", chart.inner_text()).group(1))
    assert sum(counts.values()) + undated == total, (counts, undated, total)
    assert_axe_clean(page)
    screenshot(page, "8-year-chart")

    year = max(counts, key=lambda y: (counts[y], y))
    chart.get_by_role("link", name=f"{year}年：{counts[year]} 篇").click()
    expect(page).to_have_url(re.compile(rf"q=%E4%BA%BA%E6%B0%91&from={year}-01-01&to={year}-12-31"))
    expect(page.locator(".search-count > strong")).to_have_text(str(counts[year]))
    for meta in page.locator(".search-result__meta").all_inner_texts():
        assert meta.startswith(f"{year}年"), meta
    # Every year is still there, this one marked; another is one keystroke away.
    expect(bars).to_have_count(len(counts))
    expect(chart.locator("[aria-current=true]")).to_have_attribute("aria-label", f"{year}年：{counts[year]} 篇")
    other = min(counts)
    chart.get_by_role("link", name=f"{other}年：{counts[other]} 篇").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"from={other}-01-01&to={other}-12-31"))
    chart.get_by_role("link", name="不限年份").click()
    expect(page.locator(".search-count > strong")).to_have_text(str(total))


def test_on_a_phone_the_chart_scrolls_within_itself_from_the_newest_year(new_page, site_data):
    page = new_page(**PHONE)
    page.goto(PEOPLE)
    page.locator(".search-filters-toggle summary").tap()  # the chart is one of the filters folded on a phone
    bars = page.locator(".year-chart__bars")
    assert bars.evaluate("e => e.scrollWidth > e.clientWidth")  # 71 years do not fit 375 px
    assert_no_horizontal_scroll(page)
    bars.scroll_into_view_if_needed()
    expect(page.get_by_role("link", name=re.compile(r"^2024年："))).to_be_in_viewport()
    first = page.get_by_role("link", name=re.compile(r"^1954年："))
    expect(first).not_to_be_in_viewport()
    first.tap()  # scrolled into view, then followed
    expect(page).to_have_url(re.compile(r"from=1954-01-01"))
    screenshot(page, "8-year-chart-phone")


def test_on_a_desktop_every_year_shows_without_scrolling(page, site_data):
    """1366 px with a mouse: the 71 years fit; none scrolled out of view, no label clipped at the edge."""
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(PEOPLE)
    bars = page.locator(".year-chart__bars")
    assert bars.evaluate("e => e.scrollWidth <= e.clientWidth"), "the chart scrolls"
    for year in ("1954", "2024"):
        expect(page.get_by_role("link", name=re.compile(rf"^{year}年："))).to_be_in_viewport()
    edges = bars.evaluate("""e => { const box = e.getBoundingClientRect();
        return [...e.querySelectorAll('.year-chart__year')].filter(l => l.textContent.trim())
          .map(l => l.getBoundingClientRect()).every(r => r.left >= box.left && r.right <= box.right); }""")
    assert edges, "a year label runs past the chart's edge"


def test_a_speakers_chart_leads_to_the_year(page, site_data):
    page.goto("/speakers/")
    page.get_by_role("link", name="温家宝", exact=True).click()
    chart = page.get_by_role("figure")
    expect(chart).to_contain_text("各年份的文章：2006—2008年")
    expect(chart.get_by_role("link")).to_have_count(2)
    chart.get_by_role("link", name="2006年：1 篇").click()
    expect(page).to_have_url(re.compile(r"#year-2006$"))
    expect(page.get_by_role("heading", name="2006年")).to_be_in_viewport()
    assert_axe_clean(page)


def test_suggestions_with_the_keyboard(page, site_data):
    page.goto("/")
    box = page.get_by_role("search").get_by_role("combobox", name="站内搜索")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.focus()
    page.keyboard.type("条例")
    listbox = page.get_by_role("listbox", name="搜索建议")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    assert 1 < options.count() <= 8
    assert all("条例" in text for text in options.locator(".suggest__text").all_inner_texts())

    page.keyboard.press("ArrowDown")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(0).get_attribute("id"))
    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    page.keyboard.press("ArrowUp")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(0).get_attribute("id"))
    expect(box).to_be_focused()  # the focus never leaves the box
    assert_axe_clean(page)
    screenshot(page, "8-suggestions")

    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("条例")
    page.keyboard.press("ArrowDown")  # opens the list again
    expect(listbox).to_be_visible()
    page.keyboard.press("ArrowDown")
    chosen = options.nth(0).locator(".suggest__text").inner_text()
    expect(options.nth(0)).to_contain_text("标题")
    page.keyboard.press("Enter")  # opens the chosen document
    expect(page).to_have_url(re.compile(r"/articles/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(chosen)

    # Enter without choosing searches what was typed.
    box = page.get_by_role("search").get_by_role("combobox", name="站内搜索")
    box.focus()
    page.keyboard.type("水污染")
    expect(page.get_by_role("listbox", name="搜索建议")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=%E6%B0%B4%E6%B1%A1%E6%9F%93$"))
    expect(page.get_by_role("search").get_by_role("combobox", name="站内搜索")).to_have_value("水污染")


def test_without_javascript_the_box_is_a_plain_search_box(new_page, site_data):
    page = new_page(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page.goto("/")
    box = page.get_by_role("search").get_by_role("searchbox", name="站内搜索")
    box.fill("条例")
    expect(page.get_by_role("listbox")).to_have_count(0)
    box.press("Enter")
    expect(page.locator("ol.search-results > li").first).to_be_visible()
    expect(page.get_by_role("figure")).to_contain_text("各年份的结果")


def test_subscribing_to_a_search(page, site_data):
    page.goto("/search/?q=%E6%9D%A1%E4%BE%8B&column=documents")  # 条例 in 公文发布
    link = page.get_by_role("link", name="订阅这个搜索（RSS）")
    href = link.get_attribute("href")
    assert page.locator(f'link[rel="alternate"][type="application/rss+xml"][href="{href}"]').count() == 1
    with page.expect_response(lambda r: "/search/feed/" in r.url) as answer:
        page.evaluate("url => fetch(url)", href)  # as a feed reader would, from the link on the page
    feed = answer.value
    assert feed.status == 200 and feed.headers["content-type"].startswith("application/rss+xml")
    channel = ET.fromstring(feed.body()).find("channel")
    assert channel.findtext("title").endswith("搜索：条例（公文发布）")
    titles = [item.findtext("title") for item in channel.findall("item")]

    newest = page.request.get(href.replace("/search/feed/", "/search/") + "&sort=newest&format=json&per_page=30")
    assert titles == [r["title"] for r in newest.json()["results"]] and len(titles) > 10

    opensearch = page.locator('link[rel="search"]').get_attribute("href")
    description = page.request.get(opensearch)
    assert description.ok and "{searchTerms}" in description.text()
