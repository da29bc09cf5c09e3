"""Journey 7: a regulation in its versions — the page of one version (its status, the versions, a jump through the
table of contents and to a 条 by its address), a 新旧对照 and a 条文沿革 on a screen and on a phone, and axe on
those pages."""

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .support import orm, screenshot
from .test_phone import PHONE, assert_no_horizontal_scroll

REGULATIONS = Path(__file__).parent.parent / "fixtures" / "regulations.jsonl"
ROADS = "中华人民共和国道路运输条例"


@pytest.fixture
def regulation_data(site_data):
    """Versions of four regulations of the test corpus, imported (grouped and given their statuses on the way)."""
    from documents.ingest.importer import import_paths
    from documents.search.index.queue import apply_pending

    report = import_paths([REGULATIONS], status="published", progress=False)
    assert not report.failed, report.summary()
    apply_pending()


def version_urls(title):
    """The versions' addresses, newest first."""
    from documents.legislation import regulations
    from documents.models import Article

    return [a.get_absolute_url() for a in regulations.newest_first(list(Article.objects.filter(title=title)))]


def test_a_version_page_status_versions_and_anchors(regulation_data, page):
    newest, middle, oldest = orm(version_urls, ROADS)
    page.goto(middle)
    expect(page.locator(".dateline .validity")).to_have_text("已被修改")
    expect(page.locator(".doc-meta")).to_contain_text("时效性已被修改")
    versions = page.get_by_role("region", name=re.compile("版本"))
    items = versions.get_by_role("listitem")
    expect(items).to_have_count(3)
    expect(items.nth(0)).to_contain_text("2023年7月20日")
    expect(items.nth(0)).to_contain_text("现行有效")
    expect(items.nth(1)).to_have_attribute("aria-current", "page")
    expect(items.nth(1)).to_contain_text("（本页）")

    # The table of contents beside the text jumps to a chapter; the address names it.
    toc = page.get_by_role("navigation", name="目录")
    expect(toc).to_be_visible()
    toc.get_by_role("link", name="第六章 法律责任").click()
    expect(page).to_have_url(re.compile(re.escape(quote("#第六章", safe="#")) + "$"))
    heading = page.get_by_role("heading", name="第六章 法律责任")
    expect(heading).to_be_in_viewport()
    screenshot(page, "7-regulation-toc-jump")

    # A 条 by its address, as a citation or a search result links to it.
    page.goto(f"{newest}#{quote('第二十条')}")
    clause = page.locator("#第二十条")
    expect(clause).to_be_in_viewport()
    expect(clause).to_contain_text("第二十条")
    assert page.evaluate("document.querySelector(':target').id") == "第二十条"
    expect(page.locator(".dateline .validity")).to_have_text("现行有效")
    screenshot(page, "7-regulation-clause-anchor")


def test_a_comparison_on_a_screen_and_on_a_phone(regulation_data, page, new_page):
    newest, _, oldest = orm(version_urls, ROADS)
    page.goto(newest)
    versions = page.get_by_role("region", name=re.compile("版本"))
    versions.get_by_role("listitem").nth(2).get_by_role("link", name="与本版本对照").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新旧对照")
    summary = page.locator(".comparison__summary")
    expect(summary).to_have_text(re.compile(r"^改 \d+ 条，增 \d+ 条，删 \d+ 条$"))
    changed = int(re.match(r"改 (\d+)", summary.inner_text()).group(1))
    assert changed > 0
    expect(page.locator(".diff ins").first).to_be_visible()
    # The list of changes jumps to each one.
    jump = page.locator(".comparison__jump a").nth(3)
    if not page.locator(".comparison__changes").evaluate("d => d.open"):
        page.locator(".comparison__changes summary").click()
    target = jump.get_attribute("href")
    jump.click()
    expect(page.locator(target)).to_be_in_viewport()
    screenshot(page, "7-comparison")

    phone = new_page(**PHONE)
    phone.goto(page.url.split("#")[0])
    assert_no_horizontal_scroll(phone)
    expect(phone.locator(".comparison__summary")).to_be_visible()
    # One column: the old text above the new, each labelled.
    row = phone.locator(".diff__row--changed").first
    old_box, new_box = (row.locator(f".diff__cell--{side}").bounding_box() for side in ("old", "new"))
    assert new_box["y"] >= old_box["y"] + old_box["height"] - 1
    expect(row.locator(".diff__cell--old .diff__side")).to_be_visible()
    screenshot(phone, "7-comparison-phone", full_page=False)  # the whole is 29,000 px tall on a phone


def test_on_a_phone_the_text_follows_the_title_and_a_bar_leads_to_the_parts(regulation_data, new_page):
    """The title, the date and 时效性, then the text; the facts, the versions and the 目录 below it, each one tap
    away from the bar under the title."""
    newest, *_ = orm(version_urls, ROADS)
    phone = new_page(**PHONE)
    phone.goto(newest)
    assert_no_horizontal_scroll(phone)
    body_top = phone.locator(".article-body").bounding_box()["y"]
    for part in (".doc-meta", ".versions", ".toc"):
        assert phone.locator(part).bounding_box()["y"] > body_top, part
    expect(phone.locator(".dateline .validity")).to_be_in_viewport()
    bar = phone.get_by_role("navigation", name="本文各部分")
    expect(bar.get_by_role("link")).to_have_text(["文件信息", "版本（3）", "目录", "修订沿革", "相关文档"])
    bar.get_by_role("link", name="版本（3）").tap()
    expect(phone.get_by_role("heading", name="版本（共 3 个）")).to_be_in_viewport()
    phone.go_back()
    bar.get_by_role("link", name="目录").tap()
    toc = phone.get_by_role("navigation", name="目录")
    expect(toc.locator(".toc__details")).to_have_attribute("open", "")  # open where it stands, after the text
    toc.get_by_role("link", name="第二章 道路运输经营").tap()
    expect(phone.get_by_role("heading", name="第二章 道路运输经营")).to_be_in_viewport()
    screenshot(phone, "7-regulation-phone")


def test_on_a_middling_screen_the_table_of_contents_starts_folded_above_the_text(regulation_data, new_page):
    newest, *_ = orm(version_urls, ROADS)
    tablet = new_page(viewport={"width": 800, "height": 1000}, has_touch=True)
    tablet.goto(newest)
    toc = tablet.locator(".toc__details")
    expect(toc).not_to_have_attribute("open", "")
    assert toc.bounding_box()["y"] < tablet.locator(".article-body").bounding_box()["y"]
    tablet.locator(".toc summary").tap()
    expect(toc).to_have_attribute("open", "")
    tablet.get_by_role("link", name="第二章 道路运输经营").tap()
    expect(tablet.get_by_role("heading", name="第二章 道路运输经营")).to_be_in_viewport()


def test_a_clause_history_from_its_link_on_a_screen_and_on_a_phone(regulation_data, page, new_page):
    """From a 条 of the newest version, its 沿革: the 条 in all three versions, oldest first, renumbered on the way
    (2019 and 2022 第六十九条, 2023 第六十八条), what changed marked."""
    newest, *_ = orm(version_urls, ROADS)
    page.goto(newest)
    page.locator("#第六十八条").get_by_role("link", name="第六十八条的沿革").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("条文沿革：第六十八条")
    steps = page.locator(".clause-step")
    expect(steps).to_have_count(3)
    expect(steps.nth(0)).to_contain_text("首次出现")
    expect(steps.nth(0)).to_contain_text("第六十九条")
    expect(steps.nth(2)).to_contain_text("2023年7月20日版")
    expect(steps.nth(2)).to_contain_text("第六十八条")
    expect(steps.nth(2).locator("ins").first).to_be_visible()
    screenshot(page, "7-clause-history")
    phone = new_page(**PHONE)
    phone.goto(page.url)
    assert_no_horizontal_scroll(phone)
    screenshot(phone, "7-clause-history-phone", full_page=False)


def test_axe_on_the_regulation_pages(regulation_data, page):
    newest, middle, _ = orm(version_urls, ROADS)
    compare = middle.rstrip("/") + "/compare/" + newest.strip("/").split("/")[-1] + "/"
    axe, problems = Axe(), []
    history = newest + quote("provisions/第六十八条/history/")
    pages = {"version": middle, "comparison": compare, "column": "/columns/documents/?validity=amended",
             "history": history}
    for name, url in pages.items():
        response = page.goto(url)
        assert response.ok, (url, response.status)
        results = axe.run(page)
        assert results.response["passes"], f"axe checked nothing on {url}"
        for violation in results.response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]][:5]
                problems.append(f"{name} {url}: {violation['id']} ({violation['impact']}) {violation['help']} {targets}")
        screenshot(page, f"7-axe-{name}")
    assert not problems, "\n".join(problems)
