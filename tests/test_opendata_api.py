"""The API described: /api/openapi.json validates as OpenAPI 3.1, every field a real answer holds is declared, and
schemathesis fuzzes every operation against the description (fixed seed, a bounded number of cases): no 5xx,
every answer valid. JSON errors and CORS."""

import pytest
import schemathesis
from schemathesis.generation.modes import GenerationMode
from django.urls import reverse
from hypothesis import HealthCheck, settings as hypothesis_settings
from openapi_spec_validator import validate

from congress_site.wsgi import application
from documents.models import Article, Meeting
from documents.opendata import openapi
from tests.portal_helpers import make_article, seed_speech

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    speech = seed_speech()
    meeting = Meeting.objects.create(name="平顶山市第十届人民代表大会第三次会议")
    law = make_article("平顶山市城市绿化条例", kind=Article.Kind.REGULATION, column_slug="documents", meeting=meeting,
                       body="第一章 总则\n\n第一条 为了规范城市绿化工作，依据《平顶山市城市规划条例》，制定本条例。")
    make_article("平顶山市城市规划条例", kind=Article.Kind.REGULATION, column_slug="documents",
                 body="第一条 为了加强城市规划管理，制定本条例。")
    make_article("日期不详的通知", date=None)
    make_article("平顶山市城市绿化条例", kind=Article.Kind.REGULATION, column_slug="documents", date=(2020, 1, 1),
                 body="第一条 为了规范城市绿化工作，制定本条例。")
    return speech, law, meeting


def test_the_description_is_valid_openapi_3_1(client):
    spec = client.get(reverse("opendata:openapi")).json()
    validate(spec)
    assert spec["openapi"] == "3.1.0" and "/articles/{id}/" in spec["paths"]
    assert "/articles/{id}/" in client.get(reverse("opendata:api")).content.decode()


def _declared(schema, spec):
    """The property names a schema declares, following $ref and allOf."""
    if "$ref" in schema:
        return _declared(spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]], spec)
    names = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        names |= _declared(part, spec)
    return names


def _undeclared(value, schema, spec, where):
    """Paths of fields in `value` its schema does not declare."""
    if "$ref" in schema:
        return _undeclared(value, spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]], spec, where)
    found = []
    if isinstance(value, dict) and (schema.get("properties") or schema.get("allOf")):
        declared = _declared(schema, spec)
        properties = {}
        for part in [schema, *schema.get("allOf", [])]:
            part = spec["components"]["schemas"][part["$ref"].rsplit("/", 1)[1]] if "$ref" in part else part
            properties.update(part.get("properties", {}))
        for key, item in value.items():
            if key not in declared:
                found.append(f"{where}.{key}")
            elif key in properties:
                found += _undeclared(item, properties[key], spec, f"{where}.{key}")
    elif isinstance(value, list) and "items" in schema:
        for item in value[:3]:
            found += _undeclared(item, schema["items"], spec, f"{where}[]")
    elif "anyOf" in schema and value is not None:
        found += _undeclared(value, schema["anyOf"][0], spec, where)
    return found


def test_every_field_of_real_answers_is_declared(client, archive):
    speech, law, meeting = archive
    spec = openapi.description()
    older = Article.objects.get(title=law.title, date__year=2020)
    urls = {
        "/": "/", "/columns/{slug}/": "/columns/documents/", "/articles/{id}/": law.get_absolute_url(),
        "/speakers/{slug}/": speech.speaker.get_absolute_url(),
        "/articles/{id}/cited-by/": f"/articles/{law.pk}/cited-by/", "/speakers/": "/speakers/",
        "/meetings/": "/meetings/", "/meetings/{slug}/": meeting.get_absolute_url(), "/archive/": "/archive/",
        "/archive/{year}/": "/archive/2022/", "/archive/undated/": "/archive/undated/", "/search/": "/search/?q=条例",
        "/articles/{id}/compare/{other}/": f"/articles/{law.pk}/compare/{older.pk}/",
        "/articles/{id}/provisions/{anchor}/history/": f"/articles/{law.pk}/provisions/第一条/history/",
    }
    assert set(urls) | {"/search/suggest/"} == set(spec["paths"])
    for path, url in urls.items():
        separator = "&" if "?" in url else "?"
        answer = client.get(url + separator + "format=json")
        assert answer.status_code == 200, url
        schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert _undeclared(answer.json(), schema, spec, path) == []


def test_json_errors_and_cors(client, archive):
    answer = client.get("/articles/999999/?format=json")
    assert answer.status_code == 404 and answer["Content-Type"] == "application/json"
    assert answer.json()["error"] and answer["Access-Control-Allow-Origin"] == "*"
    assert client.get("/?format=json")["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/")
    assert client.get("/search/?q=&sort=bad&format=json").status_code == 400


SCHEMA = schemathesis.openapi.from_dict(openapi.description())
SCHEMA.app = application
# Requests the description allows (format=json, valid parameters); malformed ones are the hostile-route walk's.
SCHEMA.config.generation.update(modes=[GenerationMode.POSITIVE])


@pytest.fixture
def served(archive, settings):
    """The WSGI app called directly, as Django's test client calls it: without closing the test's database
    connection at each request's end (PostgreSQL keeps connections: closing it would end the test's transaction)."""
    from django.core import signals
    from django.db import close_old_connections

    settings.ALLOWED_HOSTS = ["*"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield archive
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@SCHEMA.parametrize()
@hypothesis_settings(max_examples=15, derandomize=True, deadline=None,
                     suppress_health_check=list(HealthCheck))
def test_the_served_api_matches_its_description(case, served):
    # The WSGI transport hands back the bytes as sent: ask for them uncompressed.
    case.call_and_validate(headers={"Accept-Encoding": "identity"})
