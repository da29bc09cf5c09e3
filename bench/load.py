"""Bounded load test of the production server on loopback, with staff saving articles meanwhile.

    .venv/bin/python bench/load.py [CORPUS_DIR] [--workers 4] [--clients 8] [--seconds 30]
                                   [--database sqlite|postgres] [--pg-connections persistent,pool,per-request]
                                   [--results FILE]

Builds a throw-away site in a temporary folder (the whole corpus imported and indexed), starts gunicorn as
`make serve` does (its config: warmed master, search applier), sends mixed traffic (home, column, article,
search with Chinese queries, feeds) from a small client of our own for a bounded time, while another process
saves articles through the ORM as staff do.
Prints requests per second, p50 / p95 / p99 and errors per page family, then checks that every saved article is
in the database and in the search index (`search_check`). Traffic goes to 127.0.0.1 only.

With `--database postgres` the same site is also built on a PostgreSQL server of its own
(`.ci/postgres-throwaway.sh`: initdb in a temporary folder, a free loopback port, removed at the end) and served
with the site's settings (persistent connections with health checks), and the two databases are printed side by
side. `--pg-connections` adds other ways of connecting, measured on the same PostgreSQL site in the same run:
`pool` (Django 5.2's psycopg pool, bench/pool_settings.py; needs `pip install "psycopg[pool]"`) and `per-request`
(a new connection for every request: CONN_MAX_AGE=0). Each run starts with an empty page cache of its own.
`--results FILE` writes the figures, the commit and the time measured as JSON (a folder: a dated file in it).
"""

import argparse
import datetime
import http.client
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from contextlib import ExitStack, contextmanager
from pathlib import Path

from common import PYTHON, free_port, manage, percentile, serve
from throwaway import ROOT

# How each PostgreSQL setup differs from the site's settings (`persistent`: none).
PG_CONNECTIONS = {
    "persistent": {},
    "pool": {"DJANGO_SETTINGS_MODULE": "bench.pool_settings"},
    "per-request": {"CONN_MAX_AGE": "0"},
}

QUERIES = ["人民代表大会", "常务委员会", "政府工作报告", "环境保护", "食品安全", "预算", "监督", "条例",
           "教育", "乡村振兴", "\"依法治国\"", "城市 管理", "消费者权益", "GDP", "2019年"]


def build_site(env, corpus):
    started = time.perf_counter()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "import_documents", *sorted(str(p) for p in Path(corpus).glob("*.jsonl")), "--status", "published",
           capture=True)
    manage(env, "search_sync", capture=True)
    print(f"site built in {time.perf_counter() - started:.0f} s")


def site_urls(env):
    """Sample the URLs of each page family from the database."""
    code = (
        "import json;from documents.models import Article,Column,Speaker;"
        "a=list(Article.objects.published().order_by('?').values_list('id',flat=True)[:300]);"
        "c=list(Column.objects.values_list('slug',flat=True));"
        "s=list(Speaker.objects.values_list('slug',flat=True));"
        "print(json.dumps({'articles':a,'columns':c,'speakers':s}))"
    )
    data = json.loads(manage(env, "shell", "-c", code, capture=True).stdout.strip().splitlines()[-1])
    return data


def pick(urls, rng):
    family = rng.choices(["home", "column", "article", "search", "feed"], weights=[2, 3, 5, 3, 1])[0]
    if family == "home":
        return family, "/"
    if family == "column":
        return family, f"/columns/{rng.choice(urls['columns'])}/"
    if family == "article":
        return family, f"/articles/{rng.choice(urls['articles'])}/"
    if family == "search":
        return family, "/search/?" + urllib.parse.urlencode({"q": rng.choice(QUERIES)})
    return family, "/feed/"


def client(port, urls, deadline, results, seed):
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < deadline:
        family, path = pick(urls, rng)
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        results.append((family, time.perf_counter() - started, ok, path))


STAFF_SAVES = """
import sys, time
from documents.models import Article, Column
column = Column.objects.get(slug="news")
for i in range({count}):
    article = Article(title=f"负载测试稿件{{i}}号 {marker}", column=column, status=Article.Status.PUBLISHED)
    article.set_plain_text_body(f"负载测试期间保存的第{{i}}篇文章。")
    article.save()
    time.sleep({pause})
print("saved", {count})
"""


def report(results, seconds):
    """Prints the figures per page family; returns the summary row of the run."""
    print(f"\n{'page':<8} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}")
    families = defaultdict(list)
    for family, elapsed, ok, _ in results:
        families[family].append((elapsed, ok))
    for family, rows in sorted(families.items()) + [("all", [(e, ok) for _, e, ok, _ in results])]:
        times = [e * 1000 for e, _ in rows]
        errors = sum(1 for _, ok in rows if not ok)
        print(f"{family:<8} {len(rows):>8} {len(rows) / seconds:>7.1f} {statistics.median(times):>7.1f} "
              f"{percentile(times, .95):>7.1f} {percentile(times, .99):>7.1f} {errors:>6}")
    failed = [path for _, _, ok, path in results if not ok]
    if failed:
        print("failed requests (first 5):", failed[:5])
    times = [e * 1000 for _, e, _, _ in results]
    search = [e * 1000 for family, e, _, _ in results if family == "search"]
    return {"requests": len(results), "req_per_s": round(len(results) / seconds, 1),
            "p50_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, .95), 1),
            "search_p95_ms": round(percentile(search, .95), 1), "errors": len(failed)}


def run_load(label, env, urls, args):
    """gunicorn on the site of `env` under the clients and the staff saves; prints and returns its figures."""
    print(f"\n--- {label} ---", flush=True)
    with serve(env, workers=args.workers) as (_, port):
        warm = []
        client(port, urls, time.monotonic() + 3, warm, seed=0)

        marker = secrets.token_hex(4)
        pause = args.seconds / max(args.saves, 1) / 2
        staff = subprocess.Popen(
            [PYTHON, "manage.py", "shell", "-c", STAFF_SAVES.format(count=args.saves, marker=marker, pause=pause)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
        )
        results = []
        deadline = time.monotonic() + args.seconds
        threads = [threading.Thread(target=client, args=(port, urls, deadline, results, seed))
                   for seed in range(1, args.clients + 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        staff.wait(timeout=120)

    print(f"{label}: {args.clients} clients, {args.workers} gunicorn workers, {args.seconds:.0f} s, "
          f"{len(urls['articles'])} sampled articles")
    figures = report(results, args.seconds)

    manage(env, "search_sync", capture=True)
    check = subprocess.run([PYTHON, "manage.py", "search_check"], cwd=ROOT, env=env, capture_output=True,
                           text=True)
    count_code = ("from documents.models import Article;"
                  f"print(Article.objects.published().filter(title__endswith='{marker}').count())")
    saved = int(manage(env, "shell", "-c", count_code, capture=True).stdout.strip().splitlines()[-1])
    print(f"staff saves during the load: {saved} of {args.saves} in the database; "
          f"search_check exit {check.returncode}: {check.stdout.strip().splitlines()[-1] if check.stdout else ''}")
    figures["consistent"] = saved == args.saves and check.returncode == 0
    return figures


def print_side_by_side(runs):
    print(f"\n{'database':<34} {'req/s':>7} {'p50':>8} {'p95':>8} {'search p95':>11} {'errors':>6}")
    for label, f in runs.items():
        print(f"{label:<34} {f['req_per_s']:>7.1f} {f['p50_ms']:>5.0f} ms {f['p95_ms']:>5.0f} ms "
              f"{f['search_p95_ms']:>8.0f} ms {f['errors']:>6}")
    sqlite, postgres = runs.get("SQLite (default)"), runs.get("PostgreSQL (default: persistent)")
    if sqlite and postgres:
        print(f"PostgreSQL's req/s: {postgres['req_per_s'] / sqlite['req_per_s']:.0%} of SQLite's "
              f"(goal: at least 85 %, with p95 at most 100 ms)")


@contextmanager
def postgres_server():
    """A PostgreSQL server of its own (.ci/postgres-throwaway.sh); yields its DATABASE_URL."""
    started = subprocess.run([str(ROOT / ".ci" / "postgres-throwaway.sh"), "start", str(free_port())],
                             check=True, capture_output=True, text=True)
    folder, url = started.stdout.split()
    try:
        yield url
    finally:
        subprocess.run([str(ROOT / ".ci" / "postgres-throwaway.sh"), "stop", folder], check=True,
                       capture_output=True)


def results_path(path):
    if path is not None and path.is_dir():
        return path / f"load-{datetime.datetime.now():%Y-%m-%d-%H%M}.json"
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--saves", type=int, default=40)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-connections", default="persistent",
                        help=f"comma-separated, among {', '.join(PG_CONNECTIONS)} (with --database postgres)")
    parser.add_argument("--results", type=Path)
    args = parser.parse_args()
    if not Path(args.corpus).is_dir():
        sys.exit(f"corpus folder not found: {args.corpus}")
    modes = [mode.strip() for mode in args.pg_connections.split(",") if mode.strip()]
    if unknown := set(modes) - set(PG_CONNECTIONS):
        sys.exit(f"unknown --pg-connections: {', '.join(sorted(unknown))}")

    runs = {}
    with tempfile.TemporaryDirectory(prefix="congress-load-") as tmp, ExitStack() as stack:
        base = {**os.environ, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(40), "ALLOWED_HOSTS": "127.0.0.1",
                "STATIC_MANIFEST": "1", "LOG_LEVEL": "ERROR"}
        for name in ("DATABASE_URL", "CONN_MAX_AGE", "DJANGO_SETTINGS_MODULE", "CACHE_DIR"):
            base.pop(name, None)
        sites = [("SQLite (default)", {**base, "VAR_DIR": f"{tmp}/sqlite"}, {"": {}})]
        if args.database == "postgres":
            url = stack.enter_context(postgres_server())
            sites.append(("PostgreSQL", {**base, "VAR_DIR": f"{tmp}/postgres", "DATABASE_URL": url},
                          {mode: PG_CONNECTIONS[mode] for mode in modes}))
        for name, env, variants in sites:
            Path(env["VAR_DIR"]).mkdir()
            print(f"\n=== {name} ===", flush=True)
            build_site(env, args.corpus)
            urls = site_urls(env)
            for mode, changes in variants.items():
                label = f"{name} ({'default: ' if mode == 'persistent' else ''}{mode})" if mode else name
                # Each run starts with an empty page cache of its own.
                run_env = {**env, "CACHE_DIR": f"{env['VAR_DIR']}/cache-{mode or 'default'}", **changes}
                runs[label] = run_load(label, run_env, urls, args)

    print(f"\n{args.clients} clients, {args.workers} gunicorn workers, {args.seconds:.0f} s each, "
          f"{os.cpu_count()} cores, staff saving {args.saves} articles meanwhile")
    print_side_by_side(runs)
    if path := results_path(args.results):
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        path.write_text(json.dumps({"measured": datetime.datetime.now().isoformat(" ", "minutes"), "commit": commit,
                                    "workers": args.workers, "clients": args.clients, "seconds": args.seconds,
                                    "runs": runs}, indent=1, ensure_ascii=False))
        print(f"figures written to {path}")
    if any(f["errors"] or not f["consistent"] for f in runs.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
