"""The one HTML policy of the site: every stored body passes through `sanitize_html`."""

import html
import re
from functools import partial

import bleach

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "div", "span", "blockquote", "pre", "code",
        "h1", "h2", "h3", "h4", "h5", "h6",
        "ul", "ol", "li", "dl", "dt", "dd",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col",
        "strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "mark",
        "a", "img", "figure", "figcaption",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "img": ["src", "alt", "title", "width", "height"],
    "td": ["colspan", "rowspan"],
    "th": ["colspan", "rowspan", "scope"],
    "col": ["span"],
    "colgroup": ["span"],
    "ol": ["start"],
}
LINK_PROTOCOLS = frozenset({"http", "https", "mailto"})
IMAGE_PROTOCOLS = frozenset({"http", "https"})

# Elements removed together with everything inside them: stripping only the tag would leave their text
# (a script's code, a style sheet) on the page.
DROP_WITH_CONTENT = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object", "embed",
        "applet", "svg", "math", "textarea", "select", "title", "head", "xmp", "noembed", "noframes",
    }
)

_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*)\s*:")


def _url_scheme(value):
    # Browsers ignore control characters and whitespace inside a scheme (java\tscript:), so drop them first.
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(value))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def _allowed_attribute(media_url, tag, name, value):
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    if tag == "a" and name == "href":
        scheme = _url_scheme(value)
        if scheme is None:
            return not value.strip().startswith("//")
        return scheme in LINK_PROTOCOLS
    if tag == "img" and name == "src":
        scheme = _url_scheme(value)
        if scheme is None:
            # Only the site's own media may be referenced without a scheme.
            return value.strip().startswith(media_url)
        return scheme in IMAGE_PROTOCOLS
    return True


def _drop_dangerous_elements(element):
    for child in list(element):
        # SVG and MathML elements carry their namespace in the tag: {http://www.w3.org/2000/svg}svg.
        if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1].lower() in DROP_WITH_CONTENT:
            _remove_keeping_tail(element, child)
        else:
            _drop_dangerous_elements(child)


def _remove_keeping_tail(parent, child):
    tail = child.tail or ""
    if tail:
        index = list(parent).index(child)
        if index:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(child)


class _Cleaner(bleach.Cleaner):
    """bleach's Cleaner, but elements in DROP_WITH_CONTENT disappear together with their text.

    bleach's parser turns a tag it does not know into text, so the parser is built knowing the dropped
    elements; they are cut from the tree before the sanitizer filter, which allows only `tags`, sees it.
    """

    def __init__(self, *, tags, **kwargs):
        super().__init__(tags=tags | DROP_WITH_CONTENT, **kwargs)
        self.tags = tags
        walk = self.walker

        def walker(dom):
            _drop_dangerous_elements(dom)
            return walk(dom)

        self.walker = walker


_cleaners = {}


def _cleaner():
    from django.conf import settings

    media_url = "/" + settings.MEDIA_URL.lstrip("/")
    if media_url not in _cleaners:
        _cleaners[media_url] = _Cleaner(
            tags=ALLOWED_TAGS,
            attributes=partial(_allowed_attribute, media_url),
            protocols=LINK_PROTOCOLS,
            strip=True,
            strip_comments=True,
        )
    return _cleaners[media_url]


_LINK = re.compile(r"<a\b")


def sanitize_html(value):
    """Return `value` with only the tags, attributes and URLs the site allows; links get rel=noopener."""
    if not value:
        return ""
    # The sanitizer dropped every attribute `rel` could be confused with, so adding it is safe.
    return _LINK.sub('<a rel="noopener nofollow"', _cleaner().clean(value))


def text_to_html(text):
    """Plain text with paragraphs split by blank lines becomes escaped `<p>` paragraphs."""
    paragraphs = split_paragraphs(text)
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)


def split_paragraphs(text):
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return paragraphs


_BLOCK_END = re.compile(r"</(p|div|h[1-6]|li|tr|blockquote|pre|table|figure|dd|dt)>|<br\s*/?>|<hr\s*/?>", re.I)
_TAG = re.compile(r"<[^>]*>")


def html_to_text(value):
    """Plain text of sanitized HTML: blocks become paragraphs separated by a blank line."""
    if not value:
        return ""
    text = _BLOCK_END.sub("\n\n", value)
    text = html.unescape(_TAG.sub("", text))
    return "\n\n".join(split_paragraphs(text))
