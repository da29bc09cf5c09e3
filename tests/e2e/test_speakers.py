"""Journey 3: a citizen browses 按发言人 — the speakers, one speaker's speeches by year, a search within them."""

import re

from playwright.sync_api import expect

from .support import screenshot


def test_speaker_index_speeches_by_year_and_search(page, site_data):
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="发言人").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("发言人")
    speakers = page.locator("main .article-list li")
    # The seed page's speaker and the six premiers of the sample.
    for name in ["张雷明", "李克强", "温家宝", "朱镕基", "李鹏", "周恩来"]:
        expect(speakers.filter(has=page.get_by_role("link", name=name, exact=True))).to_have_count(1)
    expect(speakers.filter(has_text="李克强")).to_contain_text("2 篇")

    speakers.get_by_role("link", name="李克强", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("李克强")
    # Newest year first, each speech under its year.
    expect(page.get_by_role("heading", level=2)).to_have_text(["2023年", "2021年"])
    for year in ("2023", "2021"):
        section = page.get_by_role("region", name=f"{year}年")
        expect(section.get_by_role("link")).to_have_text(f"{year}年中华人民共和国国务院政府工作报告")
        expect(section).to_contain_text(f"{year}年3月5日")
    screenshot(page, "3-speaker")

    # Searching within his speeches finds only his two reports, though all eight premiers' match site-wide.
    box = page.get_by_role("searchbox", name="在李克强的讲话和报告中搜索")
    box.fill("政府工作报告")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?speaker=[^&]+&q="))
    expect(page.locator(".search-count > strong")).to_have_text("2")
    assert sorted(page.locator("ol.search-results > li h2").all_inner_texts()) == [
        "2021年中华人民共和国国务院政府工作报告", "2023年中华人民共和国国务院政府工作报告",
    ]
    expect(page.locator(".search-result__meta").first).to_contain_text("李克强")
    screenshot(page, "3-speaker-search")
    page.get_by_role("link", name="2021年中华人民共和国国务院政府工作报告").click()
    expect(page.locator(".byline")).to_contain_text("李克强")

    # The same words site-wide: every premier's report.
    page.get_by_role("search").get_by_role("combobox", name="站内搜索").fill("政府工作报告")
    page.get_by_role("search").get_by_role("button", name="搜索").click()
    assert int(page.locator(".search-count > strong").inner_text()) >= 8
