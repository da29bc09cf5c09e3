import os
import pytest
from django.test import Client
from .portal_helpers import seed_speech

URLS = os.environ.get("PROBE", "").split("|")

@pytest.mark.django_db
def test_probe(settings):
    settings.DEBUG = False
    seed_speech()
    c = Client(raise_request_exception=False)
    for line in URLS:
        method, _, url = line.partition(" ")
        resp = c.generic(method, url)
        print("\n", method, url, resp.status_code, resp.get("Content-Type"), resp.get("Allow"), resp.content[:100].decode(errors="replace"))
