"""The production settings documented in the README (section Production) pass Django's deployment checks and
behave as documented behind an HTTPS proxy. Each run is a fresh process with that environment only."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

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
