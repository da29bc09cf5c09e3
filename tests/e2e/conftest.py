"""End-to-end tests: Debian's Chromium driven by Playwright against pytest-django's live server.

No browser is downloaded: Playwright's bundled driver starts /usr/bin/chromium (`make test` installs the Debian
package through .ci/system-packages.sh). Without it these tests fail; they never skip.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking switches Chromium dials out at start, which a closed network refuses.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
SEED_PAGE = Path(settings.BASE_DIR) / "sample_data" / "portal_page_speech_2022-09-22.txt"
SAMPLE = Path(__file__).parent.parent / "fixtures" / "search_sample.jsonl"

# Chromium reports CSP violations on the console too; this makes each one explicit, whatever the page.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is missing ({CHROMIUM}): the browser tests need Debian's chromium package. "
            "Install it with `.ci/system-packages.sh chromium` (apt-get install chromium); `make test` does.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop marked as running in this thread while it is open, so Django
    # would refuse the tests' own ORM calls (SynchronousOnlyOperation). The calls are plain blocking ones made
    # between browser steps, never from inside the loop: allow them, for this package only.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


class ConsoleWatch:
    """JavaScript errors, console errors and CSP violations seen by a browser context."""

    def __init__(self):
        self.errors = []

    def watch(self, page):
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"{page.url}: {msg.text}"))
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))


@pytest.fixture
def console():
    return ConsoleWatch()


@pytest.fixture
def new_page(browser, live_server, console):
    """Opens pages in fresh browser contexts (own storage, cookies) at the live server; fails the test's teardown
    on any JavaScript or CSP error seen on them."""
    contexts = []

    def open_page(**context_options):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", **context_options)
        context.set_default_timeout(10_000)
        context.add_init_script(CSP_LISTENER)
        context.on("page", console.watch)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    assert not console.errors, "JavaScript or CSP errors:\n" + "\n".join(console.errors)


@pytest.fixture
def page(new_page):
    return new_page(viewport={"width": 1280, "height": 900})


@pytest.fixture
def site_data(transactional_db):
    """The seed portal page and the 40 sample documents (two columns, many years, several speakers), published
    through the importer, and a search index holding them (in this test's own folder)."""
    from documents.ingest.importer import import_paths
    from documents.models import Article
    from documents.search.queue import apply_pending

    report = import_paths([SEED_PAGE, SAMPLE], status=Article.Status.PUBLISHED, progress=False)
    assert not report.failed, report.summary()
    apply_pending()
    return Article.objects.published()


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
