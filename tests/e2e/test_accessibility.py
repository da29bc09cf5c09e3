"""Journey 6: axe-core on 首页, a column, an article, the search page (also naming equivalent terms), an article
citing and one cited (with their citation links and lists) and a 被引用 list: no serious or critical violations."""

from axe_playwright_python.sync_playwright import Axe

from .support import orm, screenshot


def article_url(title):
    from documents.models import Article

    return Article.objects.published().get(title=title).get_absolute_url()


def test_no_serious_violations(page, site_data):
    axe = Axe()
    pages = {
        "home": "/",
        "column": "/columns/documents/",
        "article": orm(article_url, "在市委人大工作会议上的讲话"),
        "search": "/search/?q=%E6%9D%A1%E4%BE%8B",  # 条例
        "search-equivalents": "/search/?q=%E5%85%A8%E5%9B%BD%E4%BA%BA%E5%A4%A7",  # 全国人大: names its equivalents
        "article-citing": orm(article_url, "最高人民法院关于审理侵害知识产权民事案件适用惩罚性赔偿的解释"),
        "article-cited": orm(article_url, "中华人民共和国反不正当竞争法"),
        "cited-by": orm(article_url, "中华人民共和国反不正当竞争法") + "cited-by/",
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
