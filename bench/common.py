"""What several benchmarks share: reading the corpus, percentiles, query substrings, the SQLite FTS5 table they
compare with, and gunicorn run on loopback as `make serve` runs it (its config, warmed master, applier)."""

import gzip
import json
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from throwaway import ROOT

PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


def corpus_files(*paths):
    """The JSON Lines files (.jsonl, .jsonl.gz) given, or in the given folders; exits with a message if none."""
    files = []
    for path in map(Path, paths):
        files += sorted(path.glob("*.jsonl*")) if path.is_dir() else [path]
    if not files:
        sys.exit(f"no .jsonl files in {', '.join(map(str, paths))}")
    return files


def read_records(paths):
    """The records of JSON Lines files (.jsonl, .jsonl.gz), or of the files in the given folders."""
    for file in corpus_files(*paths):
        opener = gzip.open if file.suffix == ".gz" else open
        with opener(file, "rt", encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)


def percentile(values, fraction):
    """Nearest-rank percentile (fraction 0.5 = median); NaN for no values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def han_substring(text, rng, shortest=2, longest=8):
    """A random run of shortest..longest Chinese characters from text, or None when it has none."""
    runs = HAN_RUN.findall(text or "")
    if not runs:
        return None
    run = rng.choice(runs)
    size = rng.randint(shortest, min(longest, len(run)))
    start = rng.randint(0, len(run) - size)
    return run[start : start + size]


def create_fts5(cursor):
    """The articles in an SQLite FTS5 trigram table `bench_fts` (title and text searchable, the filter values
    beside them); returns the seconds it took."""
    started = time.perf_counter()
    cursor.execute(
        "CREATE VIRTUAL TABLE bench_fts USING fts5(title, text, kind UNINDEXED, column_slug UNINDEXED,"
        " speaker_slug UNINDEXED, date UNINDEXED, tokenize='trigram')")
    cursor.execute(
        "INSERT INTO bench_fts(rowid, title, text, kind, column_slug, speaker_slug, date)"
        " SELECT a.id, a.title, a.text, a.kind, c.slug, s.slug, a.date FROM documents_article a"
        " JOIN documents_column c ON c.id = a.column_id LEFT JOIN documents_speaker s ON s.id = a.speaker_id"
        " WHERE a.status = 'published' AND a.deleted_at IS NULL")
    return time.perf_counter() - started


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args, capture=False):
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,
                          capture_output=capture, text=True)


def worker_pids(master):
    """The gunicorn workers of a master: its children running gunicorn (not the search applier)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (proc / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if parent == master and b"gunicorn" in command:
            pids.append(int(proc.name))
    return sorted(pids)


@contextmanager
def serve(env, *, workers, access_log=os.devnull, access_format=None, output=None, timeout=600):
    """gunicorn with `make serve`'s config on a free loopback port; yields (process, port) once `workers`
    workers run and the socket accepts. `output`: a file for its stdout/stderr (default: inherited)."""
    port = free_port()
    command = [GUNICORN, "--config", "congress_site/gunicorn.conf.py", "congress_site.wsgi:application",
               "--bind", f"127.0.0.1:{port}", "--access-logfile", access_log, "--log-level", "warning"]
    if access_format:
        command += ["--access-logformat", access_format]
    server = subprocess.Popen(command, cwd=ROOT, env={**env, "WORKERS": str(workers)}, stdout=output,
                              stderr=subprocess.STDOUT if output else None)
    try:
        deadline = time.monotonic() + timeout  # the master warms search up before it listens
        while len(worker_pids(server.pid)) < workers or not _accepts(port):
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn not serving after {timeout} s")
            try:
                server.wait(timeout=0.1)  # the poll's pace, cut short if gunicorn exits
            except subprocess.TimeoutExpired:
                pass
        yield server, port
    finally:
        server.terminate()
        server.wait(timeout=60)


def _accepts(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False
