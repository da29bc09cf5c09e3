"""PostgreSQL in production (issue 26): `make serve` brings the driver, each gunicorn worker keeps one connection
across requests, and the site gets through a restart of the database without failing a request once the database
accepts connections again.

The restart test runs gunicorn as `make serve` does against a PostgreSQL server of its own
(.ci/postgres-throwaway.sh, on a free loopback port: the shared server other tests use is never restarted), on
either pass of the suite."""

import http.client
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg
import pytest

from tests.waiting import listening, wait_for

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".ci" / "postgres-throwaway.sh"
WORKERS = 2
CLIENTS = 4


def make_dry_run(target, database_url):
    env = {**os.environ, "DATABASE_URL": database_url}
    result = subprocess.run(["make", "-n", target], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_serve_and_run_install_the_driver_for_postgresql():
    """A fresh clone: `DATABASE_URL=postgres://… make serve` installs psycopg (the `postgres` extra) first."""
    postgres_install = 'pip install --quiet ".[postgres]"'
    for target in ("serve", "run"):
        for url in ("postgres://congress:x@127.0.0.1/congress", "postgresql://congress@db.example/archive"):
            assert postgres_install in make_dry_run(target, url), (target, url)
        # The embedded default needs nothing more.
        assert postgres_install not in make_dry_run(target, "sqlite:///var/db.sqlite3")
        assert postgres_install not in make_dry_run(target, "")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def postgres_server():
    """(folder, DATABASE_URL) of a PostgreSQL server of this test's own, removed afterwards."""
    started = subprocess.run([str(SCRIPT), "start", str(free_port())], capture_output=True, text=True, timeout=300)
    assert started.returncode == 0, started.stderr
    folder, url = started.stdout.split()
    yield folder, url
    subprocess.run([str(SCRIPT), "stop", folder], capture_output=True, timeout=120)


SETUP = """
from documents.models import Article, Column
column = Column.objects.get(slug="news")
for i in range(3):
    article = Article(title=f"数据库重启测试{i}", column=column, status=Article.Status.PUBLISHED)
    article.set_plain_text_body("数据库重启期间仍被访问的文章。")
    article.save()
    print(f"saved {article.pk}")
"""

SAVE_AFTER = """
from documents.models import Article, Column
article = Article(title="重启之后保存的稿件", column=Column.objects.get(slug="news"), status=Article.Status.PUBLISHED)
article.set_plain_text_body("数据库重启之后保存，应当被检索到。")
article.save()
print(f"saved {article.pk}")
"""


class Traffic:
    """Clients asking continuously for pages that read the database (a query string keeps them out of the
    page cache); every answer kept as (started, ended, status). `pause()` lets the workers go idle."""

    def __init__(self, port, paths):
        self.port, self.paths, self.answers = port, paths, []
        self.stopping, self.going = threading.Event(), threading.Event()
        self.lock, self.in_flight = threading.Lock(), 0
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(CLIENTS)]

    def run(self, n):
        count = 0
        while not self.stopping.is_set():
            if not self.going.wait(timeout=0.1):
                continue
            with self.lock:
                self.in_flight += 1
            count += 1
            path = f"{self.paths[count % len(self.paths)]}?client={n}&n={count}"
            started = time.monotonic()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("GET", path)
                status = conn.getresponse().status
                conn.close()
            except (OSError, http.client.HTTPException):
                status = None
            self.answers.append((started, time.monotonic(), status))
            with self.lock:
                self.in_flight -= 1

    def ok_since(self, moment):
        return sum(1 for started, _, status in list(self.answers) if started >= moment and status == 200)

    def pause(self, server):
        self.going.clear()
        assert wait_for(lambda: self.in_flight == 0, 60, server)

    def resume(self):
        self.going.set()

    def __enter__(self):
        self.going.set()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)


def site_backends(url):
    """The process ids of the site's connections to PostgreSQL (each is a server process of its own)."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend'"
        ).fetchall()
    return {pid for (pid,) in rows}


def test_gunicorn_keeps_its_connections_and_survives_a_database_restart(postgres_server, tmp_path):
    folder, url = postgres_server
    env = {"PATH": os.environ.get("PATH", ""), "VAR_DIR": str(tmp_path), "DEBUG": "0",
           "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": url,
           "SEARCH_APPLIER_INTERVAL": "0.5", "LOG_LEVEL": "ERROR"}

    def manage(*args):
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        return result.stdout

    manage("migrate", "--noinput", "-v0")
    paths = [f"/articles/{pk}/" for pk in saved_ids(manage("shell", "-c", SETUP))]
    port = free_port()
    log = tmp_path / "gunicorn.log"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "congress_site.wsgi:application",
         "--config", "congress_site/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        assert wait_for(lambda: listening(port), 120, server), "gunicorn did not start"
        with Traffic(port, paths) as traffic:
            begun = time.monotonic()
            assert wait_for(lambda: traffic.ok_since(begun) >= 40, 120, server)
            # Persistent: the server processes that answered go on answering the next requests (the applier's and
            # the open data builder's may join them); one connection per worker, and one each for those two.
            before = site_backends(url)
            marker = time.monotonic()
            assert wait_for(lambda: traffic.ok_since(marker) >= 40, 120, server)
            now = site_backends(url)
            assert before and before <= now
            assert len(now) <= WORKERS + 2

            # PostgreSQL restarted while the workers sit idle: their connections are dead when the next
            # requests come, and none of those fails (each worker's health check opens a new connection).
            traffic.pause(server)
            restart(folder)
            idle_restart = time.monotonic()
            traffic.resume()
            assert wait_for(lambda: traffic.ok_since(idle_restart) >= 40, 120, server)

            # Restarted under load: requests in flight while it is down fail; once it accepts connections again,
            # not one does.
            restarting = time.monotonic()
            restart(folder)
            back = time.monotonic()
            assert wait_for(lambda: traffic.ok_since(back) >= 60, 120, server)

            # The search applier reconnected too: an article saved now reaches the search index.
            saved = saved_ids(manage("shell", "-c", SAVE_AFTER))[0]
            assert wait_for(lambda: f'href="/articles/{saved}/' in search_page(port), 60, server)

        answers = list(traffic.answers)
        failed = [(round(started - begun, 2), status) for started, _, status in answers if status != 200]
        assert all(status == 200 for _, ended, status in answers if ended < restarting), failed
        assert all(status == 200 for started, _, status in answers if started >= back), failed
        assert len(site_backends(url)) <= WORKERS + 2
    finally:
        server.terminate()
        server.wait(timeout=60)


def restart(folder):
    """A fast restart of the test's PostgreSQL server (its connections are cut); back when it accepts again."""
    restarted = subprocess.run([str(SCRIPT), "restart", folder], capture_output=True, text=True, timeout=120)
    assert restarted.returncode == 0, restarted.stderr


def saved_ids(output):
    return [int(line.split()[1]) for line in output.splitlines() if line.startswith("saved ")]


def search_page(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/search/?q=" + urllib.parse.quote("重启之后保存"))
        return conn.getresponse().read().decode()
    finally:
        conn.close()
