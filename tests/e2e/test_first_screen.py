"""Phone first (issue 25): on a 375 × 812 phone the answer starts on the first screen — the first result of a
search, the first paragraph of an article, of a regulation with versions, the first row of a comparison, a
speaker's first document — measured with getBoundingClientRect at the phone's size and at 1366 × 900. Each page's
first screen is saved under var/screenshots/first-screen/ with the measured positions (positions.json)."""

import json

import pytest
from playwright.sync_api import expect

from .support import SCREENSHOTS, orm
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


def test_the_answer_starts_on_the_first_screen(regulation_data, new_page, positions):
    urls = orm(page_urls)
    late = []
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
    assert not late, "Below the first screen on a phone:\n" + "\n".join(late)
