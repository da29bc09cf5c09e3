"""The production settings documented in the README (section Production) pass Django's deployment checks and
behave as documented behind an HTTPS proxy. Each run is a fresh process with that environment only."""

import json
import os
import secrets
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.waiting import listening, wait_for

ROOT = Path(__file__).resolve().parent.parent


def production_env(tmp_path, **changes):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "VAR_DIR": str(tmp_path),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "rd.example.gov.cn",
        "HTTPS": "1",
    }
    env.update(changes)
    return {k: v for k, v in env.items() if v is not None}


def manage(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_check_deploy_reports_nothing(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_complains_without_https(tmp_path):
    """The control: the same check does find problems (no secure cookies, no HSTS, no redirect)."""
    result = manage(production_env(tmp_path, HTTPS=None), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in result.stdout + result.stderr


BEHIND_PROXY = """
import json
from django.test import Client
client = Client()
plain = client.get("/robots.txt", HTTP_HOST="rd.example.gov.cn")
proxied = client.get("/robots.txt", HTTP_HOST="rd.example.gov.cn", HTTP_X_FORWARDED_PROTO="https")
other = client.get("/robots.txt", HTTP_HOST="evil.example", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "proxied": [proxied.status_code, proxied.get("Strict-Transport-Security"), proxied.get("X-Frame-Options"),
                proxied.get("X-Content-Type-Options"), proxied.get("Content-Security-Policy")],
    "other_host": other.status_code,
}))
"""


def test_behind_an_https_proxy(tmp_path):
    result = manage(production_env(tmp_path), "shell", "-c", BEHIND_PROXY)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, "https://rd.example.gov.cn/robots.txt"]
    status, hsts, frames, nosniff, policy = seen["proxied"]
    assert status == 200
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert frames == "DENY" and nosniff == "nosniff" and "script-src 'self'" in policy
    assert seen["other_host"] == 400


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_lets_long_queries_reach_the_site(tmp_path):
    """`make serve`'s gunicorn settings: a query far longer than the search boxes allow (600 Chinese characters,
    5.4 KB of URL) reaches the site, which cuts it and says so in Chinese, instead of gunicorn's English 414."""
    env = production_env(tmp_path, ALLOWED_HOSTS="127.0.0.1", HTTPS=None)
    assert manage(env, "migrate", "--noinput").returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "congress_site.wsgi:application",
         "--config", "congress_site/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        def get(query):
            url = f"http://127.0.0.1:{port}/search/?q={urllib.parse.quote(query)}"
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, error.read().decode(errors="replace")

        assert wait_for(lambda: listening(port), 30, server), "gunicorn did not start"
        status, page = get("人大" * 300)
        assert status == 200
        assert "搜索词太长，只按前 100 个字搜索。" in page
        # Past gunicorn's largest request line (8190 bytes), the server's own short answer.
        assert get("人大" * 500)[0] == 414
    finally:
        server.terminate()
        server.wait(timeout=30)
