"""Journey 2: a citizen searches from the home page, narrows the results, sorts, pages and opens one."""

import re
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from .support import screenshot


def query_of(page):
    return parse_qs(urlparse(page.url).query)


def test_search_from_home_facets_sort_pages(page, site_data):
    page.goto("/")
    page.get_by_role("search").get_by_role("combobox", name="站内搜索").fill("人民")
    page.get_by_role("search").get_by_role("button", name="搜索").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=%E4%BA%BA%E6%B0%91"))
    # The header's box holds the query: the page does not repeat it.
    expect(page.get_by_role("search", name="站内搜索").get_by_role("combobox", name="站内搜索")).to_have_value("人民")
    expect(page.get_by_role("search")).to_have_count(1)

    count = page.locator(".search-count > strong")
    total = int(count.inner_text())
    assert total > 20, total  # the sample: every document mentions 人民
    results = page.locator("ol.search-results > li")
    expect(results).to_have_count(20)
    # Matches are highlighted in titles or snippets.
    highlights = page.locator("ol.search-results em")
    assert highlights.count() >= 20
    assert set(highlights.all_inner_texts()) <= {"人民", "人", "民"}, highlights.all_inner_texts()
    screenshot(page, "2-search-results")

    # Narrow to a column: fewer results, all from it.
    facets = page.get_by_role("complementary", name="筛选")
    facets.locator(".search-facet", has_text="栏目").get_by_role("link", name="公文发布").click()
    expect(page).to_have_url(re.compile(r"column=documents"))
    in_column = int(count.inner_text())
    assert 20 < in_column < total
    assert all(text.endswith("公文发布") for text in page.locator(".search-result__meta").all_inner_texts())

    # Newest first: the dates shown go down.
    page.locator(".search-sort").get_by_role("link", name="最新").click()
    expect(page.locator(".search-sort strong")).to_have_text("最新")
    assert query_of(page)["sort"] == ["newest"] and query_of(page)["column"] == ["documents"]
    dates = [d for d in page.locator(".search-result__meta span:first-child").all_inner_texts() if "年" in d]
    as_numbers = [tuple(int(n) for n in re.findall(r"\d+", d)) for d in dates]
    assert len(as_numbers) > 10 and as_numbers == sorted(as_numbers, reverse=True), dates

    # Page forward: ranks continue at 21, the filters and the order stay.
    page.get_by_role("navigation", name="分页").get_by_role("link", name="下一页").click()
    expect(page.locator("ol.search-results")).to_have_attribute("start", "21")
    expect(results).to_have_count(in_column - 20)
    assert query_of(page)["page"] == ["2"] and query_of(page)["sort"] == ["newest"]
    expect(page.locator(".search-count")).to_contain_text("第 2/2 页")

    # Narrow to a year as well: every result is from that year.
    year_link = facets.locator(".search-facet", has_text="年份").get_by_role("link").first
    year = re.match(r"\d{4}", year_link.inner_text()).group()
    year_link.click()
    expect(page).to_have_url(re.compile(rf"from={year}-01-01&to={year}-12-31"))
    in_year = int(count.inner_text())
    assert 0 < in_year < in_column
    expect(results).to_have_count(in_year)
    for meta in page.locator(".search-result__meta").all_inner_texts():
        assert meta.startswith(f"{year}年") and meta.endswith("公文发布"), meta
    screenshot(page, "2-search-narrowed")

    # Open a result: its article page with the query's matches marked (at the 条 holding the match, when there is one).
    first = results.first.get_by_role("link")
    title = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(r"/articles/\d+/\?hl=[^#]+(#[^#]+)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_long_year_facet_folds_under_more_on_a_phone(new_page, site_data):
    """The sample spans 21 years: the recent ten are listed, the others open from 更多年份 (a <details>, by
    keyboard too), and the page stays axe-clean either way."""
    from axe_playwright_python.sync_playwright import Axe

    from .test_phone import PHONE

    page = new_page(**PHONE)
    page.goto("/search/?q=%E4%BA%BA%E6%B0%91")  # 人民
    page.locator(".search-filters-toggle summary").tap()  # the facets fold under 筛选 on a phone
    years = page.locator(".search-facet", has_text="年份")
    shown = years.locator(":scope > ul > li")
    folded = years.locator("details li")
    expect(shown).to_have_count(10)
    listed = [int(re.match(r"\d{4}", text).group()) for text in shown.all_inner_texts()]
    assert listed == sorted(listed, reverse=True), listed
    assert folded.count() > 0
    expect(folded.first).to_be_hidden()
    height_folded = page.evaluate("document.documentElement.scrollHeight")

    summary = years.locator("summary")
    expect(summary).to_have_text(f"更多年份（{folded.count()}）")
    summary.focus()
    page.keyboard.press("Enter")
    expect(folded.first).to_be_visible()
    hidden_years = [int(re.match(r"\d{4}", text).group()) for text in folded.all_inner_texts()]
    assert max(hidden_years) < min(listed), (listed, hidden_years)
    assert page.evaluate("document.documentElement.scrollHeight") > height_folded
    screenshot(page, "2-search-phone-years-open")

    violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in violations]
