"""Phone first (issue 25): on a 375 × 812 phone the answer starts on the first screen — the first result of a
search, the first paragraph of an article, of a regulation with versions, the first row of a comparison, a
speaker's first document — measured with getBoundingClientRect at the phone's size and at 1366 × 900. Each page's
first screen is saved under var/screenshots/first-screen/ with the measured positions (positions.json). On the
phone the controls are at least 44 px, the text at least 16 px; axe is clean at both sizes; the menu folds behind
栏目 and opens without JavaScript, by keyboard too."""

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .support import SCREENSHOTS, orm, screenshot
from .test_phone import PHONE
from .test_regulations import ROADS, regulation_data, version_urls  # noqa: F401 (a fixture)

DESKTOP = {"viewport": {"width": 1366, "height": 900}}
OUTPUT = SCREENSHOTS / "first-screen"

# Where the answer starts on each page type: the element measured.
ANSWER = {
    "search": "ol.search-results > li",
    "article": ".article-body p",
    "regulation": ".article-body p",
    "comparison": ".diff__row",
    "speaker": "main .article-list li",
}


def page_urls():
    from documents.models import Article, Speaker

    newest, middle, _ = version_urls(ROADS)
    newest_pk, middle_pk = (url.strip("/").split("/")[-1] for url in (newest, middle))
    return {
        "search": "/search/?q=%E4%BA%BA%E6%B0%91",  # 人民: every sample document
        "article": Article.objects.published().get(title="在市委人大工作会议上的讲话").get_absolute_url(),
        "regulation": middle,
        "comparison": f"/articles/{middle_pk}/compare/{newest_pk}/",
        "speaker": Speaker.objects.get(name="李克强").get_absolute_url(),
    }


def answer_top(page, selector):
    """The answer's top edge in CSS px from the top of the page, with the page scrolled to its top."""
    first = page.locator(selector).first
    expect(first).to_be_visible()
    return round(first.evaluate("el => el.getBoundingClientRect().top + window.scrollY"))


@pytest.fixture
def positions():
    OUTPUT.mkdir(parents=True, exist_ok=True)
    measured = {}
    yield measured
    (OUTPUT / "positions.json").write_text(json.dumps(measured, ensure_ascii=False, indent=2), encoding="utf-8")


# What a finger taps on a phone (links inside running text — the body, a breadcrumb, a date — are exempt, as in
# WCAG's target-size rules).
CONTROLS = (
    "button, summary, input:not([type=hidden]), select, .site-nav a, .article-bar a, .search-chip, .pagination a,"
    " .search-facet a, .search-sort a, .toolbar a, .search-result h2 a, .article-list a, .versions__list a, .toc__item a,"
    " a.year-chart__bar, .prev-next a, .counts a, .comparison__jump a, .comparison__versions a"
)
# Labels drawn small on purpose: status badges and the chart's axis (each bar's year is in its link's name).
SMALL_LABELS = ".validity, .year-chart__year, .diff-badge, .diff__side, .visually-hidden"

SMALL_TARGETS = """selector => [...document.querySelectorAll(selector)]
  .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.height < 44 || (el.matches("button, summary") && box.width < 44))
  .map(([el, box]) => `${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 20)}"`
                      + ` ${Math.round(box.width)}×${Math.round(box.height)}`)"""

SMALL_TEXT = """exempt => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el.getClientRects().length || el.closest(exempt)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 16) small.push(`${el.tagName.toLowerCase()}.${el.className} "${node.textContent.trim().slice(0, 20)}" ${size}px`);
  }
  return small;
}"""


def serious_violations(page):
    results = Axe().run(page)
    assert results.response["passes"], f"axe checked nothing on {page.url}"
    return [f"{page.url}: {v['id']} {[n['target'] for n in v['nodes']][:5]}" for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def test_the_answer_starts_on_the_first_screen(regulation_data, new_page, positions):
    urls = orm(page_urls)
    late, small_targets, small_text, violations = [], [], [], []
    for size, options in (("phone", PHONE), ("desktop", DESKTOP)):
        page = new_page(**options)
        height = options["viewport"]["height"]
        for name, url in urls.items():
            response = page.goto(url)
            assert response.ok, (url, response.status)
            top = answer_top(page, ANSWER[name])
            positions[f"{name} {size}"] = top
            page.screenshot(path=OUTPUT / f"{name}-{size}.png")
            # At least a line of it shows, not only its top edge.
            line = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize) * 1.7")
            if size == "phone" and top + line > height:
                late.append(f"{name} ({url}): starts at {top} px on a {height} px screen")
            if size == "phone" and name == "speaker":
                # The box of the search within the speaker's documents keeps its width beside its label.
                width = page.get_by_role("searchbox", name="在李克强的讲话和报告中搜索").bounding_box()["width"]
                assert width >= 200, f"the speaker's search box is {width} px wide"
            if size == "phone":
                small_targets += [f"{name}: {t}" for t in page.evaluate(SMALL_TARGETS, CONTROLS)]
                small_text += [f"{name}: {t}" for t in page.evaluate(SMALL_TEXT, SMALL_LABELS)]
            violations += serious_violations(page)
    assert not late, "Below the first screen on a phone:\n" + "\n".join(late)
    assert not small_targets, "Tap targets under 44 px on a phone:\n" + "\n".join(small_targets)
    assert not small_text, "Text under 16 px on a phone:\n" + "\n".join(small_text)
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("script", [True, False], ids=["with-javascript", "without-javascript"])
def test_the_menu_folds_behind_one_button_reached_by_keyboard(site_data, new_page, script):
    page = new_page(**PHONE, java_script_enabled=script)
    page.goto("/")
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav.get_by_role("link")).to_have_count(0)
    toggle = nav.locator("summary")
    box = toggle.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, box
    # A native disclosure button (its state is announced): Tab reaches it, Enter opens it, Tab goes on into the
    # columns. No page script runs here without JavaScript (page.evaluate would wait for ever).
    expect(nav.locator("details")).not_to_have_attribute("open", "")
    page.get_by_role("search").get_by_role("button", name="搜索").focus()
    page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(nav.locator("details")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="首页")).to_be_focused()
    if script:
        assert serious_violations(page) == []
    screenshot(page, f"5-phone-menu-open-{'js' if script else 'no-js'}")
    nav.get_by_role("link", name="公文发布").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("公文发布")
    # On a wide screen the button is gone and the columns are a bar, as before.
    page.set_viewport_size({"width": 1366, "height": 900})
    expect(nav.locator("summary")).to_be_hidden()
    expect(nav.get_by_role("link")).to_have_count(11)


def test_font_sizes_apply_on_a_phone(site_data, new_page):
    """大/中/小 stay: 大 enlarges the text on the phone and survives a reload."""
    page = new_page(**PHONE)
    page.goto(orm(lambda: __import__("documents.models").models.Article.objects.published()
                  .get(title="在市委人大工作会议上的讲话").get_absolute_url()))
    paragraph = page.locator(".article-body p").first
    medium = paragraph.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    page.get_by_role("button", name="大", exact=True).tap()
    expect(page.get_by_role("button", name="大", exact=True)).to_have_attribute("aria-pressed", "true")
    page.reload()
    assert paragraph.evaluate("el => parseFloat(getComputedStyle(el).fontSize)") > medium
    page.get_by_role("button", name="小", exact=True).tap()
    assert paragraph.evaluate("el => parseFloat(getComputedStyle(el).fontSize)") < medium
    screenshot(page, "5-phone-article-small-font")


def test_on_a_phone_the_filters_fold_under_one_button_and_a_filter_in_use_stays_a_chip(site_data, new_page):
    page = new_page(**PHONE)
    page.goto("/search/?q=%E4%BA%BA%E6%B0%91&column=documents")  # 人民 in 公文发布
    chip = page.get_by_role("list", name="正在使用的筛选").get_by_role("link", name=re.compile(r"^栏目：公文发布\s*（去掉这项筛选）$"))
    expect(chip).to_be_in_viewport()
    expect(page.locator("ol.search-results > li").first).to_be_in_viewport()
    for part in ("#search-from", ".search-sort", ".year-chart", ".search-facets"):
        expect(page.locator(part)).to_be_hidden()
    toggle = page.locator(".search-filters-toggle summary")
    expect(toggle).to_have_accessible_name("筛选（已用 1 项）")  # the drawn ▸ is not read out
    toggle.tap()
    for part in ("#search-from", ".search-sort", ".year-chart", ".search-facets"):
        expect(page.locator(part)).to_be_visible()
    # Opened, the facets stand before the results.
    facets_bottom = page.locator(".search-facets").bounding_box()
    assert facets_bottom["y"] + facets_bottom["height"] <= page.locator("ol.search-results").bounding_box()["y"]
    assert serious_violations(page) == []
    screenshot(page, "2-search-phone-filters-open")
    chip.tap()
    expect(page).to_have_url(re.compile(r"/search/\?q=%E4%BA%BA%E6%B0%91$"))
    expect(page.locator(".search-chip")).to_have_count(0)
