"""gunicorn settings for `make serve`: the app loaded and warmed once in the master, workers forked from it,
and the search applier and the open data builder supervised beside them."""

import os
import signal
import sys
import threading
import time
from pathlib import Path

# The master imports the app (congress_site/wsgi.py warms up search) before it forks: every worker starts with
# jieba's dictionary and the index tables loaded, shared copy-on-write, and answers its first search at once.
preload_app = True
workers = int(os.environ.get("WORKERS", "4"))
timeout = 60
graceful_timeout = 20
accesslog = "-"
errorlog = "-"
# The longest request line gunicorn takes: its maximum, 8190 bytes, instead of its default 4094, from which a
# search of about 450 Chinese characters (9 bytes each in a URL) got gunicorn's English "414 URI Too Long".
# Up to this limit every query reaches the site, which reads its first 100 characters (the search boxes'
# maxlength) and says so in Chinese; nginx in front refuses request lines over 8 KB itself (414).
limit_request_line = 8190

ROOT = Path(__file__).resolve().parent.parent
APPLIER_INTERVAL = os.environ.get("SEARCH_APPLIER_INTERVAL", "5")
OPEN_DATA_INTERVAL = os.environ.get("OPEN_DATA_INTERVAL", "600")
# Processes supervised beside the workers: the search applier, and the builder of the 开放数据 files (rebuilt
# when the archive changed, never in a request).
SUPERVISED = {
    "search applier": ["search_sync", "--loop", "--interval", APPLIER_INTERVAL],
    "open data builder": ["build_open_data", "--loop", "--interval", OPEN_DATA_INTERVAL],
}
_supervised = {"stop": False, "processes": {}, "threads": []}


def _spawn(server, command):
    """Start `manage.py command`; returns its pid. os.posix_spawn, not subprocess: Popen waits for its child's exec
    on a pipe, and a worker the master forks meanwhile inherits that pipe and holds it open for its whole life, so a
    supervisor started beside the first workers hung there and never restarted what died. posix_spawn returns once
    the child runs, with no pipe to inherit; the master's listening sockets are closed in the child."""
    closing = [(os.POSIX_SPAWN_CLOSE, listener.fileno()) for listener in server.LISTENERS]
    return os.posix_spawn(sys.executable, [sys.executable, str(ROOT / "manage.py"), *command], dict(os.environ),
                          file_actions=closing)


def _wait(pid):
    """Wait for `pid` to end: its status, or None when the master's reaping of its workers collected it first."""
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return None


def _supervise(server, name, command):
    """Run `command` and start it again if it dies, until the master exits."""
    while not _supervised["stop"]:
        pid = _supervised["processes"][name] = _spawn(server, command)
        status = _wait(pid)
        if not _supervised["stop"]:
            server.log.warning("%s exited (status %s); restarting it", name, status)
            time.sleep(1)


def post_fork(server, worker):
    """Each worker opens the index for itself (open files are not shared across a fork) before it takes a
    request: its first search then costs what any other does."""
    from documents.search.index.warmup import warm_up

    warm_up(keep_open=True)


def when_ready(server):
    for name, command in SUPERVISED.items():
        thread = threading.Thread(target=_supervise, args=(server, name, command), name=name, daemon=True)
        _supervised["threads"].append(thread)
        thread.start()


def on_exit(server):
    _supervised["stop"] = True
    for pid in _supervised["processes"].values():
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for thread in _supervised["threads"]:
        thread.join(timeout=10)  # each supervisor returns once its process has ended
