import pytest

from documents.sanitize import html_to_text, sanitize_html, split_paragraphs, text_to_html

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
