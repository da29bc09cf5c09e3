"""Journey 6: axe-core on 首页, a column, an article and the search page: no serious or critical violations."""

from axe_playwright_python.sync_playwright import Axe

from .support import orm, screenshot


def first_article_url():
    from documents.models import Article

    return Article.objects.published().get(title="在市委人大工作会议上的讲话").get_absolute_url()


def test_no_serious_violations(page, site_data):
    axe = Axe()
    pages = {
        "home": "/",
        "column": "/columns/documents/",
        "article": orm(first_article_url),
        "search": "/search/?q=%E6%9D%A1%E4%BE%8B",  # 条例
    }
    problems = []
    for name, url in pages.items():
        response = page.goto(url)
        assert response.ok, (url, response.status)
        results = axe.run(page)
        assert results.response["passes"], f"axe checked nothing on {url}"
        for violation in results.response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]][:5]
                problems.append(f"{name} {url}: {violation['id']} ({violation['impact']}) {violation['help']} {targets}")
        screenshot(page, f"6-{name}")
    assert not problems, "\n".join(problems)
