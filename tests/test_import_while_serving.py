"""An import while the site serves (issue 20): gunicorn with `make serve`'s configuration and its search applier,
readers on the public pages, a staff member saving an article again and again, and `import_documents` beside them.
The import ends without `database is locked`, every writer's saves go through, and what the import derived
(related documents, citations, versions' 时效性, the search index) is what the full recomputations give."""

import json
import os
import secrets
import subprocess
import sys
import threading
import urllib.parse
from pathlib import Path

import pytest

from tests.test_faults import GUNICORN, children, free_port, get, manage, shell
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

# What the import derives, read as one JSON value: compared with what the full recomputations give.
DERIVED = (
    "import json; from documents.models import Article, Citation, RelatedDocument; print(json.dumps(["
    "sorted(RelatedDocument.objects.values_list('article_id', 'related_id', 'rank')),"
    "sorted(Citation.objects.values_list('citing_id', 'title_key', 'outcome', 'cited_id')),"
    "sorted(Article.objects.values_list('pk', 'regulation_id', 'validity'))]))"
)

# A staff member saving the same article again each time the import has saved more documents (so that every save
# meets the import's writes), until told to stop (the test closes its stdin); a failed save ends it with an error.
# Between saves it polls for that condition, with a deadline, waiting on its stdin between polls: told to stop, it
# stops at once.
WRITER = """
import select, sys, time
from documents.changes import service
from documents.models import Article
saves = 0


def stopped(seconds=0.0):
    return bool(select.select([sys.stdin], [], [], seconds)[0])  # readable: the test closed it


def import_went_on(count, seconds=1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not stopped(0.05):
        if Article.objects.count() != count:
            return


while not stopped():
    article = Article.objects.order_by('pk').first()
    article.pinned = not article.pinned
    service.save(article, reason='测试：导入时保存')
    saves += 1
    import_went_on(Article.objects.count())
print(saves)
"""


def postgres_url(name):
    """A database of its own on the PostgreSQL server of the suite's DATABASE_URL, or None on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    parsed = urllib.parse.urlsplit(url)
    return parsed._replace(path=f"/{parsed.path.lstrip('/')}_{name}").geturl()


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request, tmp_path):
    var = tmp_path / "site"
    var.mkdir()
    env = {**os.environ, "VAR_DIR": str(var), "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(40),
           "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "ERROR"}
    for name in ("DATABASE_URL", "MEDIA_ROOT", "SEARCH_INDEX_DIR", "CACHE_DIR", "STATIC_ROOT", "STATIC_MANIFEST"):
        env.pop(name, None)
    database = None
    if request.param == "postgresql":
        url = postgres_url("serving")
        if url is None:
            pytest.skip("PostgreSQL: run the suite with DATABASE_URL=postgres://…")
        database = urllib.parse.urlsplit(url).path.lstrip("/")
        _postgres(f"DROP DATABASE IF EXISTS {database}", f"CREATE DATABASE {database}")
        env["DATABASE_URL"] = url
    try:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "import_documents", str(FIXTURES / "search_sample.jsonl"), "--status", "published",
               "--no-progress")
        yield var, env
    finally:
        if database:
            _postgres(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def _postgres(*statements):
    import psycopg

    maintenance = urllib.parse.urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def test_an_import_while_the_site_serves_finishes_with_everything_derived(site):
    var, env = site
    port = free_port()
    serving = {**env, "WORKERS": "2", "SEARCH_APPLIER_INTERVAL": "0.5"}
    server = subprocess.Popen(
        [str(GUNICORN), "--config", "congress_site/gunicorn.conf.py", "congress_site.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--timeout", "30", "--graceful-timeout", "5", "--log-level", "warning"],
        cwd=ROOT, env=serving, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    writer = None
    statuses, reading = [], threading.Event()
    try:
        assert wait_for(lambda: _serving(port), 60, server), "gunicorn did not start"
        assert wait_for(lambda: children(server.pid, applier=True), 10, server), "no search applier"
        writer = subprocess.Popen([sys.executable, "manage.py", "shell", "-c", WRITER], cwd=ROOT, env=env,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        reader = threading.Thread(target=_read_pages, args=(port, statuses, reading))
        reader.start()
        imported = subprocess.run(
            [sys.executable, "manage.py", "import_documents", str(FIXTURES / "regulations.jsonl"), "--status",
             "published", "--no-progress"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        reading.set()
        reader.join(timeout=30)
        out, err = writer.communicate(timeout=60)  # closes its stdin: stop
        assert imported.returncode == 0, imported.stdout + imported.stderr
        assert "locked" not in imported.stderr
        assert writer.returncode == 0 and int(out.split()[-1]) > 0, err
        assert statuses and set(statuses) <= {200}, sorted(set(statuses))
        # Everything derived: the full recomputations change nothing, and the applier empties the search queue.
        derived = shell(env, DERIVED)
        for command in ("sync_regulations", "link_citations", "refresh_related"):
            manage(env, command)
        assert shell(env, DERIVED) == derived
        pending = "from documents.models import IndexOperation; print(IndexOperation.objects.count())"
        assert wait_for(lambda: shell(env, pending) == "0", 60, server)
        title = json.loads((FIXTURES / "regulations.jsonl").read_text(encoding="utf-8").splitlines()[0])["title"]
        pk = shell(env, f"from documents.models import Article; print(Article.objects.filter(title={title!r}).first().pk)")
        status, page = get(port, "/search/?" + urllib.parse.urlencode({"q": title}))
        assert status == 200 and f"/articles/{pk}/" in page
    finally:
        if writer is not None and writer.poll() is None:
            writer.kill()
            writer.wait(timeout=10)
        reading.set()
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)


def _serving(port):
    try:
        return get(port, "/robots.txt", timeout=2)[0] == 200
    except OSError:
        return False


def _read_pages(port, statuses, done):
    """Public pages, one after another, until `done`: their statuses."""
    paths = ["/", "/columns/documents/", "/search/?q=%E4%BA%BA%E5%A4%A7"]
    while not done.is_set():
        for path in paths:
            try:
                statuses.append(get(port, path, timeout=30)[0])
            except OSError as error:
                statuses.append(repr(error))
