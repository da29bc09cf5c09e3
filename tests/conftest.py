import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to its own folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _search_index_in_tmp(settings, tmp_path):
    """Each test gets its own search index folder (created when a test builds it), never var/whoosh_index."""
    from tests.search_support import use_index

    settings.SEARCH_INDEX_DIR = tmp_path / "whoosh_index"
    with use_index(settings.SEARCH_INDEX_DIR, settings):
        yield settings.SEARCH_INDEX_DIR


@pytest.fixture(autouse=True)
def _page_cache_in_tmp(settings, tmp_path):
    """Each test starts with an empty page cache of its own (the database is rolled back; the cache would not be)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }


@pytest.fixture
def editor_client(client, db):
    """A test client logged in as a member of the 编辑 group (staff who write drafts but cannot publish)."""
    from tests.staff_support import staff_user

    client.force_login(staff_user("editor", "编辑"))
    return client


@pytest.fixture
def reviewer_client(client, db):
    """A test client logged in as a member of the 审核 group (staff who also publish and review)."""
    from tests.staff_support import staff_user

    client.force_login(staff_user("reviewer", "审核"))
    return client
