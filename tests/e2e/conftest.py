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
SEED_PAGE = Path(settings.BASE_DIR) / "documents" / "sample_data" / "portal_page_speech_2022-09-22.txt"
SAMPLE = Path(__file__).parent.parent / "fixtures" / "search_sample.jsonl"

# Chromium reports CSP violations on the console too; this makes each one explicit, whatever the page.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def browser(site_data, live_server):
    """Chromium, started for each test once its data are in place.

    While Playwright's sync API is open it keeps an asyncio loop marked as running in this thread; Django then
    refuses ORM calls here and would give this thread a different database connection than the test's (which
    also breaks the restoring of migration data between transactional tests). So the data are set up before the
    browser starts, and the tests make their few ORM calls through `support.orm()`, in a thread of its own.
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is missing ({CHROMIUM}): the browser tests need Debian's chromium package. "
            "Install it with `.ci/system-packages.sh chromium` (apt-get install chromium); `make test` does.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class ConsoleWatch:
    """JavaScript errors, console errors and CSP violations seen by a browser context."""

    def __init__(self):
        self.errors = []

    def watch(self, page):
        page.on("console", lambda msg: self.console(page, msg))
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))

    def console(self, page, msg):
        source = msg.location.get("url", "")
        # The browser asks every site for /favicon.ico on its own; the site has none, and no page refers to one.
        if msg.type == "error" and not source.endswith("/favicon.ico"):
            self.errors.append(f"{page.url}: {msg.text} ({source})")


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
def site_data(transactional_db, django_db_serialized_rollback):
    """The seed portal page and the 40 sample documents (two columns, many years, several speakers), published
    through the importer, and a search index holding them (in this test's own folder)."""
    from documents.ingest.importer import import_paths
    from documents.models import Article
    from documents.search.index.queue import apply_pending

    report = import_paths([SEED_PAGE, SAMPLE], status=Article.Status.PUBLISHED, progress=False)
    assert not report.failed, report.summary()
    apply_pending()
