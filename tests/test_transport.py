"""Method, transport and log hygiene (issue 20): GET and HEAD only on every public address, answered before CSRF;
text answers compressed with `Vary: Accept-Encoding`; HEAD without a body under gunicorn; a bad Host logged in
one line; the JSON lists alike; OpenSearch suggestions with their media type."""

import gzip
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.test_errors import public_urls
from tests.waiting import listening, wait_for

from .portal_helpers import make_article, seed_speech

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_other_methods_get_405_before_the_form_token_is_checked(tmp_media, method):
    """A browser-like client (CSRF enforced, no token): the public site's answer is the 405, never the 403."""
    client = Client(enforce_csrf_checks=True)
    for name, url in public_urls(tmp_media).items():
        response = client.generic(method, url, "a=1", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 405, name
        assert response["Allow"] == "GET, HEAD", name


@pytest.mark.django_db
def test_the_admin_keeps_its_form_token_check():
    """The control: a form posted to the admin without its token is still refused as a forgery."""
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_text_answers_are_compressed(client, tmp_media):
    urls = public_urls(tmp_media)
    for name in ("home", "article", "column_feed", "sitemap", "search", "speaker_list"):
        url = urls[name]
        for suffix in ("", "&format=json" if "?" in url else "?format=json") if name in ("home", "article") else ("",):
            response = client.get(url + suffix, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
            assert response.status_code == 200, name
            assert response.get("Content-Encoding") == "gzip", (name, suffix)
            assert "Accept-Encoding" in response["Vary"], name
            plain = client.get(url + suffix)
            assert "Content-Encoding" not in plain
            assert gzip.decompress(response.content) == plain.content, name


@pytest.mark.django_db
def test_files_go_out_as_they_are(client, tmp_media):
    urls = public_urls(tmp_media)
    response = client.get(urls["media"], HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and "Content-Encoding" not in response


@pytest.mark.django_db
def test_opensearch_suggestions_have_their_media_type(client):
    make_article("城市绿化条例")
    opensearch = client.get("/search/suggest/?format=opensearch&q=城市")
    assert opensearch["Content-Type"] == "application/x-suggestions+json"
    assert json.loads(opensearch.content)[0] == "城市"
    assert client.get("/search/suggest/?q=城市")["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_every_list_in_json_has_results_count_and_page(client):
    speech = seed_speech()
    for url in ("/speakers/?format=json", f"{speech.speaker.get_absolute_url()}?format=json",
                "/meetings/?format=json", "/columns/news/?format=json", "/archive/2022/?format=json"):
        data = json.loads(client.get(url).content)
        assert {"results", "count", "page", "num_pages"} <= set(data), url


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_log_says_what_an_operator_needs_once(tmp_path):
    """Under `make serve`'s gunicorn: HEAD requests log no 'body bytes' warning; a request for another Host
    logs one line naming it, without a traceback."""
    import http.client

    env = {"PATH": os.environ.get("PATH", ""), "VAR_DIR": str(tmp_path), "DEBUG": "0",
           "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1"}
    assert subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env,
                          timeout=300).returncode == 0
    port, log = free_port(), tmp_path / "gunicorn.log"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "congress_site.wsgi:application",
         "--config", "congress_site/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        assert wait_for(lambda: listening(port), 120, server), "gunicorn did not start"

        def ask(method, path, host="127.0.0.1"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request(method, path, headers={"Host": host})
            response = conn.getresponse()
            body = response.read()
            conn.close()
            return response, body

        for path in ("/", "/robots.txt", "/feed/", "/sitemap.xml", "/no/such/page/"):
            get, get_body = ask("GET", path)
            head, head_body = ask("HEAD", path)
            assert head.status == get.status and head_body == b""
            assert head.getheader("Content-Length") == str(len(get_body)), path
        refused, _ = ask("GET", "/", host="evil.example")
        assert refused.status == 400
        # The access log's line for the last request is written after its answer.
        assert wait_for(lambda: '"GET / HTTP/1.1" 400' in log.read_text(), 30, server)
    finally:
        server.terminate()
        server.wait(timeout=60)
    text = log.read_text()
    assert "body bytes" not in text
    assert "Traceback" not in text
    host_lines = [line for line in text.splitlines() if "evil.example" in line and "Invalid HTTP_HOST" in line]
    assert len(host_lines) == 1, text
