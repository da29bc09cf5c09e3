import pytest

from documents.common.sanitize import html_to_text, sanitize_html, split_paragraphs, text_to_html

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="  JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="width: expression(alert(1))">x</p>',
    "<iframe src=javascript:alert(1)></iframe>",
    "<object data=javascript:alert(1)></object>",
    '<body onload="alert(1)">',
    "<style>@import 'javascript:alert(1)';</style>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">',
    "<p onclick=alert(1)>x",
    "<<script>script>alert(1)<</script>/script>",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_nothing_executable_survives(payload):
    cleaned = sanitize_html(payload).lower()
    for marker in ("<script", "javascript:", "onerror", "onload", "onclick", "expression(", "<iframe", "<svg",
                   "<object", "<style", "data:", "<form", " style="):
        assert marker not in cleaned, (payload, cleaned)


def test_removed_script_and_style_leave_no_text():
    cleaned = sanitize_html("<p>前<script>var secret = 1;</script>后</p><style>p{color:red}</style>")
    assert cleaned == "<p>前后</p>"


def test_allowed_structure_is_kept():
    source = (
        "<h2>标题</h2><p><strong>粗</strong><em>斜</em></p><ul><li>一</li></ul>"
        "<table><tr><td colspan=\"2\">格</td></tr></table>"
    )
    cleaned = sanitize_html(source)
    for fragment in ("<h2>标题</h2>", "<strong>粗</strong>", "<li>一</li>", 'colspan="2"'):
        assert fragment in cleaned


def test_links_get_rel_and_keep_safe_protocols():
    cleaned = sanitize_html('<a href="https://www.pds.gov.cn/">市政府</a> <a href="mailto:a@b.cn">信</a>')
    assert cleaned.count('rel="noopener nofollow"') == 2
    assert 'href="https://www.pds.gov.cn/"' in cleaned and 'href="mailto:a@b.cn"' in cleaned


def test_images_only_from_http_or_own_media():
    assert 'src="https://img.example/a.png"' in sanitize_html('<img src="https://img.example/a.png" alt="图">')
    assert 'src="/media/covers/a.png"' in sanitize_html('<img src="/media/covers/a.png">')
    assert "src" not in sanitize_html('<img src="/admin/logout/">')


def test_plain_text_becomes_escaped_paragraphs():
    html = text_to_html("第一段\n\n第二段 <b>不是标签</b>\n\n\n")
    assert html == "<p>第一段</p>\n<p>第二段 &lt;b&gt;不是标签&lt;/b&gt;</p>"
    assert split_paragraphs("a\r\n\r\nb") == ["a", "b"]


def test_html_to_text_keeps_paragraphs():
    assert html_to_text("<h1>题</h1><p>甲 &amp; 乙</p><p>丙<br>丁</p>") == "题\n\n甲 & 乙\n\n丙\n\n丁"


# --- the one plain-text rule: clean_text, applied by every model's save ----------------------------------------

# Typed or pasted junk: NUL, bell, vertical tab (Word's line break), a C1 control, zero-width space and joiner,
# a bidi override and isolate, a byte-order mark, a soft hyphen, a tag character. The full-width （２０２２） and
# the ideographic space are what people type in titles: kept.
DIRTY = "关于\x00加强\x07预算\x0b审查\x85监督\u200b工作\u200d的\u202e决定\u2066\ufeff（２０２２）\xad\U000e0041　全文"
CLEAN = "关于加强预算审查监督工作的决定（２０２２）　全文"


def test_clean_text_drops_controls_and_format_characters_only():
    from documents.common.sanitize import clean_text

    assert clean_text(DIRTY) == CLEAN
    kept = "第一条\t内容\r\n\n２０２２ＡＢ　𠮷\ue000\U000e0100😀\u2028"  # tab, line breaks, full width, Ext. B, PUA, IVS
    assert clean_text(kept) is kept  # unchanged: the same string, nothing copied
    assert clean_text("\ud800孤立代理") == "孤立代理"  # a lone surrogate (json.loads makes them) cannot be stored
    assert clean_text("") == "" and clean_text(None) is None


def test_the_dropped_set_is_every_control_format_and_surrogate_code_point():
    """The set is computed from planes 0, 1 and 14 only (fast at import): it must be the whole of Unicode's."""
    import sys
    import unicodedata

    from documents.common.sanitize import _DROPPED

    everything = {
        chr(code) for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) in ("Cc", "Cf", "Cs")
    }
    assert _DROPPED == everything - set("\t\n\r")


@pytest.mark.django_db
def test_every_model_save_cleans_its_text_fields(tmp_path):
    from django.core.files.base import ContentFile

    from documents.models import Article, ArticleRevision, Attachment, Column, Meeting, Speaker

    column = Column.objects.create(name=f"栏目{DIRTY[:6]}", slug="x")
    speaker = Speaker.objects.create(name=DIRTY[:12], position=DIRTY, organization=DIRTY, bio=DIRTY)
    meeting = Meeting.objects.create(name=DIRTY, location=DIRTY)
    article = Article(title=DIRTY, subtitle=DIRTY, column=column, speaker=speaker, speaker_title=DIRTY,
                      meeting=meeting, doc_number=DIRTY, issuer=DIRTY, source=DIRTY, cover_alt=DIRTY,
                      body=f"<p>{DIRTY}</p>", amendments=[{"date": None, "event": DIRTY}])
    article.save()
    attachment = Attachment(article=article, title=DIRTY, text=DIRTY)
    attachment.file.save("a.txt", ContentFile(b"x"), save=False)
    attachment.save()
    revision = ArticleRevision.objects.create(article=article, proposed={"title": DIRTY}, rejection_reason=DIRTY)

    assert Column.objects.get(pk=column.pk).name == f"栏目{CLEAN[:4]}"
    speaker = Speaker.objects.get(pk=speaker.pk)
    assert (speaker.name, speaker.position, speaker.bio) == (clean_of(DIRTY[:12]), CLEAN, CLEAN)
    assert Meeting.objects.get(pk=meeting.pk).location == CLEAN
    article = Article.objects.get(pk=article.pk)
    for name in ("title", "subtitle", "speaker_title", "doc_number", "issuer", "source", "cover_alt", "text"):
        assert getattr(article, name) == CLEAN, name
    assert article.body == f"<p>{CLEAN}</p>" and article.amendments == [{"date": None, "event": CLEAN}]
    assert article.history.get().title == CLEAN
    attachment = Attachment.objects.get(pk=attachment.pk)
    assert (attachment.title, attachment.text) == (CLEAN, CLEAN)
    revision = ArticleRevision.objects.get(pk=revision.pk)
    assert (revision.proposed, revision.rejection_reason) == ({"title": CLEAN}, CLEAN)


def clean_of(text):
    from documents.common.sanitize import clean_text

    return clean_text(text)


@pytest.mark.django_db
def test_a_title_typed_in_the_admin_is_cleaned_and_the_feed_page_and_json_stay_valid(client):
    import json
    import xml.etree.ElementTree as ET

    from django.urls import reverse

    from documents.models import Article, Column
    from tests.staff_support import form_data, staff_user

    client.force_login(staff_user("reviewer", "审核"))
    add = reverse("admin:documents_article_add")
    data = form_data(client.get(add).context["adminform"].form)
    data.update(title=DIRTY, subtitle=DIRTY, issuer=DIRTY, column=Column.objects.get(slug="news").pk,
                status=Article.Status.PUBLISHED, body=f"<p>{DIRTY}</p>", amendments=f"2022-09-22 {DIRTY}",
                kind=Article.Kind.NEWS, date="2022-09-22", date_precision="day")
    response = client.post(add, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    article = Article.objects.get()
    assert (article.title, article.subtitle, article.issuer, article.text) == (CLEAN, CLEAN, CLEAN, CLEAN)
    assert article.amendments == [{"date": "2022-09-22", "event": CLEAN}]
    client.logout()

    feed = ET.fromstring(client.get(reverse("documents:feed")).content)  # parses: no character XML refuses
    assert feed.find("channel/item/title").text == CLEAN
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200 and CLEAN in page.content.decode()
    assert all(char not in page.content.decode() for char in "\x00\x07\u200b\u202e\ufeff")
    detail = json.loads(client.get(article.get_absolute_url(), {"format": "json"}).content)
    assert detail["title"] == CLEAN
