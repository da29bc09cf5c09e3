"""Journey: a reader opens a search result and steps through the query's matches in the document, with the
keyboard, on a screen and on a phone; axe-clean with the bar and the marks."""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .support import screenshot

TITLE = "最高人民法院关于审理侵害知识产权民事案件适用惩罚性赔偿的解释"


def current_number(page):
    return int(page.locator("mark.find-hit.is-current").first.get_attribute("data-hit"))


def serious_violations(page):
    results = Axe().run(page)
    assert results.response["passes"], "axe checked nothing"
    return [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def test_step_through_matches_with_the_keyboard(page, site_data):
    page.goto("/search/?q=%E6%95%85%E6%84%8F%E4%BE%B5%E5%AE%B3")  # 故意侵害: first found in 第一条
    page.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(re.compile(r"/articles/\d+/\?hl=[^#]+#%E7%AC%AC%E4%B8%80%E6%9D%A1$"))  # #第一条
    bar = page.get_by_role("region", name="本文中的搜索词")
    status = bar.locator("[data-find-status]")
    total = len(set(page.locator("mark.find-hit").evaluate_all("marks => marks.map(m => m.dataset.hit)")))
    assert total >= 5, total  # 故意, 侵害 and the phrase, all over the text
    # Arriving at 第一条: its match is the current one (an earlier 侵害 in the preamble is not).
    start = current_number(page)
    assert start > 1
    expect(page.locator('[id="第一条"] mark.is-current')).to_have_count(1)
    expect(status).to_have_text(f"第 {start} / {total} 处")
    assert serious_violations(page) == []
    screenshot(page, "7-find-arrived")

    # N: the next match, focused (reading goes on from there) and on screen below the bar.
    page.keyboard.press("n")
    expect(status).to_have_text(f"第 {start + 1} / {total} 处")
    focused = page.locator("mark.find-hit:focus")
    expect(focused).to_have_attribute("data-hit", str(start + 1))
    expect(focused).to_be_in_viewport()
    page.keyboard.press("Shift+N")
    expect(status).to_have_text(f"第 {start} / {total} 处")
    expect(page.locator("mark.find-hit:focus")).to_have_attribute("data-hit", str(start))

    # The buttons keep the focus: Enter again and again steps on, past the last back to the first.
    following = bar.get_by_role("button", name="下一处")
    following.focus()
    for n in list(range(start + 1, total + 1)) + [1]:
        page.keyboard.press("Enter")
        expect(status).to_have_text(f"第 {n} / {total} 处")
        expect(following).to_be_focused()
    expect(page.locator(f'mark.find-hit[data-hit="1"]').first).to_be_in_viewport()
    bar.get_by_role("button", name="上一处").press("Enter")
    expect(status).to_have_text(f"第 {total} / {total} 处")
    # Far down the text, the bar is still on screen, and the current match is not hidden under it.
    expect(bar).to_be_in_viewport()
    bar_bottom = bar.bounding_box()["y"] + bar.bounding_box()["height"]
    assert page.locator("mark.find-hit.is-current").first.bounding_box()["y"] >= bar_bottom
    screenshot(page, "7-find-last")

    # Typing N in the search box types it.
    box = page.get_by_role("combobox", name="站内搜索")
    box.fill("")
    box.press("n")
    expect(box).to_have_value("n")
    expect(status).to_have_text(f"第 {total} / {total} 处")

    # 取消高亮: the plain page.
    bar.get_by_role("link", name="取消高亮").click()
    expect(page).to_have_url(re.compile(r"/articles/\d+/$"))
    expect(page.locator("mark.find-hit")).to_have_count(0)


def test_find_bar_on_a_phone(new_page, site_data):
    page = new_page(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page.goto("/search/?q=%E6%83%A9%E7%BD%9A%E6%80%A7%E8%B5%94%E5%81%BF")  # 惩罚性赔偿
    page.get_by_role("link", name=TITLE).click()
    bar = page.get_by_role("region", name="本文中的搜索词")
    expect(bar.locator("[data-find-status]")).to_contain_text("正文中共")
    bar.get_by_role("button", name="下一处").tap()
    bar.get_by_role("button", name="下一处").tap()
    expect(bar.locator("[data-find-status]")).to_have_text(re.compile(r"第 2 / \d+ 处"))
    expect(page.locator("mark.find-hit.is-current").first).to_be_in_viewport()
    expect(bar).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_violations(page) == []
    screenshot(page, "7-find-phone")


def test_find_bar_without_javascript(new_page, site_data):
    page = new_page(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page.goto("/search/?q=%E6%83%A9%E7%BD%9A%E6%80%A7%E8%B5%94%E5%81%BF")  # 惩罚性赔偿
    page.get_by_role("link", name=TITLE).click()
    bar = page.get_by_role("region", name="本文中的搜索词")
    expect(bar.get_by_role("button")).to_have_count(0)  # the stepping buttons need the script
    expect(page.locator("mark.find-hit").first).to_be_visible()
    bar.get_by_role("link", name="跳到第一处").click()
    expect(page).to_have_url(re.compile(r"#hl-1$"))
    expect(page.locator("#hl-1")).to_be_in_viewport()
