"""Faults on a real production server (gunicorn with `make serve`'s configuration on a free 127.0.0.1 port, a
throw-away site in a temporary folder): a worker killed mid-request, the search applier killed, the index writer
killed mid-batch; and a fresh process's first search. Bounded: every wait has a deadline."""

import fcntl
import http.client
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "search_sample.jsonl"
GUNICORN = Path(sys.executable).parent / "gunicorn"


def manage(env, *args, check=True):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def shell(env, code):
    return manage(env, "shell", "-c", code).stdout.strip().splitlines()[-1]


def get(port, path, timeout=10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid, applier=False):
    """The master's worker processes, or (applier=True) its search applier."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        # The open data builder is supervised beside them too: neither a worker nor the applier.
        if int(fields[1]) == pid and b"build_open_data" not in command and (b"search_sync" in command) == applier:
            found.append(int(stat.parent.name))
    return sorted(found)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    var = tmp_path_factory.mktemp("site")
    env = {**os.environ, "VAR_DIR": str(var), "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(40),
           "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "ERROR"}
    for name in ("DATABASE_URL", "MEDIA_ROOT", "SEARCH_INDEX_DIR", "CACHE_DIR", "STATIC_ROOT", "STATIC_MANIFEST"):
        env.pop(name, None)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "import_documents", str(SAMPLE), "--status", "published", "--no-progress")
    ids = json.loads(shell(env, "import json; from documents.models import Article; "
                                "print(json.dumps(list(Article.objects.published().values_list('pk', flat=True))))"))
    return var, env, ids


@pytest.fixture(scope="module")
def server(site):
    var, env, _ = site
    port = free_port()
    # The applier runs once at start, then sleeps: the writer test below drives the queue itself.
    serving = {**env, "WORKERS": "2", "SEARCH_APPLIER_INTERVAL": "3600"}
    process = subprocess.Popen(
        [str(GUNICORN), "--config", "congress_site/gunicorn.conf.py", "congress_site.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--timeout", "30", "--graceful-timeout", "5", "--log-level", "warning"],
        cwd=ROOT, env=serving, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )

    def ready():
        try:
            return get(port, "/robots.txt", timeout=2)[0] == 200
        except OSError:
            return False

    try:
        assert wait_for(ready, 30, process), "gunicorn did not start"
        assert wait_for(lambda: len(children(process.pid)) == 2, 10, process)
        yield process, port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_the_search_applier_is_restarted_with_the_workers(server):
    # First in this module, on a server whose first workers still run: a supervisor once hung in its start, on a
    # pipe those workers inherited, and restarted nothing until a worker died (gunicorn.conf.py, _spawn).
    process, _ = server
    assert wait_for(lambda: len(children(process.pid, applier=True)) == 1, 60, process)
    applier = children(process.pid, applier=True)[0]
    os.kill(applier, signal.SIGKILL)
    assert wait_for(lambda: children(process.pid, applier=True) not in ([], [applier]), 60, process)
    assert len(children(process.pid)) == 2


def test_a_killed_worker_is_replaced_and_the_site_keeps_answering(site, server):
    _, _, ids = site
    process, port = server
    paths = ["/", "/columns/documents/", "/search/?" + urllib.parse.urlencode({"q": "人民代表大会"})]
    paths += [f"/articles/{pk}/" for pk in ids[:10]]
    results, killed = [], {}
    deadline = time.monotonic() + 6

    def client(seed):
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                status = get(port, rng.choice(paths))[0]
            except (OSError, http.client.HTTPException):
                status = None
            results.append((started, status))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    assert wait_for(lambda: sum(status == 200 for _, status in results) >= 20, 5, process, step=0.01)
    victim = children(process.pid)[0]
    killed["at"] = time.monotonic()
    os.kill(victim, signal.SIGKILL)  # 4 clients on 2 workers: it is serving a request
    for thread in threads:
        thread.join(timeout=30)

    assert wait_for(lambda: len(children(process.pid)) == 2 and victim not in children(process.pid), 15, process)
    assert process.poll() is None
    failed = [started for started, status in results if status != 200]
    # Only the request the killed worker was serving may fail; everything else was answered.
    assert len(failed) <= 1, failed
    after = [status for started, status in results if started > killed["at"] + 1]
    assert after and all(status == 200 for status in after)
    for path in paths[:4]:
        assert get(port, path)[0] == 200


def test_a_change_in_another_process_reaches_every_worker(site, server):
    _, env, ids = site
    _, port = server
    path = f"/articles/{ids[0]}/"
    for _ in range(4):  # cached, whichever worker answers
        assert get(port, path)[0] == 200
    marker = secrets.token_hex(4)
    shell(env, f"from documents.models import Article; a = Article.objects.get(pk={ids[0]}); "
               f"a.title = '改过的标题{marker}'; a.save(); print('ok')")
    for _ in range(4):
        assert f"改过的标题{marker}" in get(port, path)[1]
    assert f"改过的标题{marker}" in get(port, "/feed/")[1]


def lock_held(lock):
    with open(lock, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


# A search_sync whose batch stops halfway (half its documents written, nothing committed) until it is killed.
HALFWAY_WRITER = """
import os, signal
from documents.search.index import indexing, queue
write = indexing.index_documents
def halfway(backend, writer, ids, using="default"):
    write(backend, writer, ids[: len(ids) // 2], using)
    open(os.environ["HALFWAY_MARK"], "w").close()
    signal.pause()  # until the test kills it
indexing.index_documents = halfway
queue.apply_pending()
"""


def test_a_writer_killed_mid_batch_loses_nothing(site, server, tmp_path):
    var, env, ids = site
    _, port = server
    manage(env, "search_sync")
    assert manage(env, "search_check", check=False).returncode == 0
    # The database moves on without the index knowing (an update() sends no signal): 5 unpublished, then
    # queued operations for every document: more than one batch, fewer than a full rebuild takes.
    from documents.search.index.queue import BATCH, REBUILD_ABOVE

    hidden, repeat = ids[-5:], REBUILD_ABOVE // len(ids)
    assert BATCH < len(ids) * repeat <= REBUILD_ABOVE
    shell(env, "from documents.models import Article; from documents.search.index.queue import enqueue; "
               f"Article.objects.filter(pk__in={hidden}).update(status='draft'); enqueue({ids} * {repeat}); "
               "print('ok')")
    differs = manage(env, "search_check", check=False)
    assert differs.returncode != 0 and "多余" in differs.stdout + differs.stderr

    from documents.search.backends.whoosh.backend import lock_path

    lock, halfway = lock_path(var / "whoosh_index"), tmp_path / "halfway"
    writer = subprocess.Popen([sys.executable, "manage.py", "shell", "-c", HALFWAY_WRITER], cwd=ROOT,
                              env={**env, "HALFWAY_MARK": str(halfway)}, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(halfway.exists, 60, writer, step=0.02)
        assert halfway.exists(), "the writer never reached the middle of its batch: " + writer.stderr.read()
        assert lock_held(lock)
        writer.send_signal(signal.SIGKILL)
    finally:
        writer.wait(timeout=10)
    assert writer.returncode == -signal.SIGKILL

    # The site keeps answering search meanwhile.
    status, body = get(port, "/search/?" + urllib.parse.urlencode({"q": "人民代表大会"}))
    assert status == 200
    status, body = get(port, "/search/?" + urllib.parse.urlencode({"q": "法", "format": "json"}))
    assert status == 200 and "results" in json.loads(body)

    assert not lock_held(lock)  # the lock died with its holder
    assert shell(env, "from documents.models import IndexOperation; print(IndexOperation.objects.count())") == \
        str(len(ids) * repeat)  # nothing was taken off the queue
    manage(env, "search_sync")
    check = manage(env, "search_check", check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert shell(env, "from documents.models import IndexOperation; print(IndexOperation.objects.count())") == "0"


FIRST_SEARCH = """
import json
import jieba
from documents.search.backends.whoosh import engine
import congress_site.wsgi  # what gunicorn and runserver load before serving
warmed, tables = jieba.dt.initialized, len(engine._tables)
loads = []
jieba.initialize = lambda *args, **kwargs: loads.append(1)
from documents.search.query import search
results = search("监督 报告")
print(json.dumps({"warmed": warmed, "tables": tables, "loads": len(loads), "count": results.count,
                  "new_tables": len(engine._tables) - tables}))
"""


def test_a_fresh_process_answers_its_first_search_without_loading_the_dictionary(site):
    _, env, _ = site
    manage(env, "search_sync")
    first = json.loads(shell(env, FIRST_SEARCH))
    assert first["warmed"] and first["tables"] >= 1
    assert first["loads"] == 0 and first["new_tables"] == 0
    assert first["count"] > 0
