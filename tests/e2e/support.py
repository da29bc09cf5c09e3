"""Helpers of the browser tests."""

import threading
from pathlib import Path

from django.conf import settings

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def orm(function, *args, **kwargs):
    """Run `function` (database work) in a thread without an event loop; return its result or raise its error."""
    from django.db import connections

    outcome = {}

    def work():
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as error:  # re-raised in the test's thread
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def screenshot(page, name, full_page=True):
    """Saved under var/screenshots/; full_page=False for the screen only (a very long page takes seconds)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=full_page)
