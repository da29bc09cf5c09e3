"""What stored text may hold: the one plain-text rule (`clean_text`, every text field) and the one HTML policy
(`sanitize_html`, every stored body)."""

import html
import itertools
import re
import unicodedata
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

# Dropped from all stored text: control characters but tab and line breaks (NUL, which PostgreSQL refuses; the others
# XML cannot carry, so one in a title broke the feeds), format characters (zero-width spaces and joiners, bidi
# overrides that reorder a title on screen, byte-order marks, soft hyphens, tag characters: invisible, they make
# equal-looking titles differ and can disguise text) and lone surrogates (not UTF-8). Private-use and unassigned
# code points stay: old fonts put rare characters of names there, and newer Unicode characters are unassigned
# to this Python. Nothing is normalized (no NFKC): the full-width forms staff type in titles (（２０２２）, Ａ) stay
# as typed. Search folds them when it matches (search/analysis.py, search/query.py): a search concern, not cleaning.
_KEPT = "\t\n\r"
# Categories Cc, Cf and Cs occur only in planes 0, 1 and 14 (2 and 3 hold ideographs, 15 and 16 private use, the
# others nothing): scanning those takes 25 ms at import instead of 200 ms for all of Unicode.
_DROPPED = frozenset(
    char
    for char in map(chr, itertools.chain(range(0x20000), range(0xE0000, 0xE1000)))
    if unicodedata.category(char) in ("Cc", "Cf", "Cs") and char not in _KEPT
)


def _char_class(chars):
    codes = sorted(map(ord, chars))
    runs = [[codes[0], codes[0]]]
    for code in codes[1:]:
        if code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in runs)


# The dropped characters of the BMP, and every character beyond it (sorted out by _drop): a class with ranges
# beyond the BMP checks each of them for every character, four times slower on a long body than one range.
_CANDIDATES = re.compile("[" + _char_class(c for c in _DROPPED if ord(c) < 0x10000) + "\U00010000-\U0010ffff]")


def _drop(match):
    char = match.group()
    return "" if char in _DROPPED else char


def clean_text(value):
    """`value` without the characters no stored text keeps (above); the same string when it has none."""
    if not value or _CANDIDATES.search(value) is None:
        return value
    cleaned = _CANDIDATES.sub(_drop, value)
    return value if len(cleaned) == len(value) else cleaned


def clean_json(value):
    """A JSON value (修订沿革, a revision's values) with clean_text applied to every string in it."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_json(item) for item in value]
    if isinstance(value, dict):
        return {key: clean_json(item) for key, item in value.items()}
    return value


_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*)\s*:")


def _url_scheme(value):
    # Browsers ignore control characters and whitespace inside a scheme (java\tscript:), so drop them first. How
    # a browser reads a URL, not text cleaning: spaces and entities (&#0;) count here, unlike in clean_text.
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
    value = clean_text(value)
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
