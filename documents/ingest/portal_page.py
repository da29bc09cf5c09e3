"""Pages of the old portal, saved as text or HTML, and other plain documents: title, meta lines, body.

A saved page is the article framed by the portal's navigation, boxes of links, a breadcrumb and a footer. The
article starts after the breadcrumb (当前位置 ...) and ends at the footer; its first line is the title, followed by
a few meta lines (speaker, date, 来源 ...), then one paragraph a line.
"""

import codecs
import re
from html.parser import HTMLParser

import charset_normalizer

from ..models import Article
from .meta import read_head
from .types import DocumentData, ImportProblem, NoText

_BREADCRUMB = re.compile(r"^(当前位置|您的位置|您现在的位置|现在位置)")
_FOOTER = re.compile(r"^(Copyright|版权所有|上一篇|下一篇|【打印|【关闭|打印本页|关闭窗口|相关文章)|ICP备")
_BOX_TITLES = {"通知公告", "图片内容", "图片新闻", "最新动态", "相关链接", "友情链接", "热点文章"}
_CJK = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef“”‘’"
_HALF_AFTER_CJK = re.compile(rf"(?<=[{_CJK}])([,;:!?])")
_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_PARENTHESES = re.compile(r"\(([^()]*[\u4e00-\u9fff][^()]*)\)")


def fullwidth_punctuation(text):
    """The old portal wrote Chinese text with ASCII punctuation (作出更大贡献!); write it the Chinese way."""
    text = _HALF_AFTER_CJK.sub(lambda match: _FULL[match.group(1)], text)
    return _PARENTHESES.sub(r"（\1）", text)


def _is_frame(line):
    """Navigation bars and boxes of links around the article."""
    tokens = line.split()
    return (
        line in _BOX_TITLES
        or line.startswith("·")
        or line.endswith(("...", "…"))
        or (len(tokens) >= 4 and all(len(token) <= 6 for token in tokens) and ("首页" in line or "首 页" in line))
    )


def _article_lines(lines):
    lines = [line.strip() for line in lines]
    start = 0
    for index, line in enumerate(lines):
        if _BREADCRUMB.match(line):
            start = index + 1
            break
    content = []
    for line in lines[start:]:
        if _FOOTER.search(line):
            break
        if line and not (not content and _is_frame(line)):
            content.append(line)
    return content


def parse_lines(lines):
    """DocumentData from the lines of a page or plain document (no column, no attachments)."""
    content = [fullwidth_punctuation(line) for line in _article_lines(lines)]
    if not content:
        raise ImportProblem("没有找到正文：文件里只有空行或网站的导航、页脚")
    data = DocumentData(title=content[0], body_text="")
    rest = content[1:]
    used = set(read_head(rest, data))
    if data.speaker:
        data.kind = Article.Kind.SPEECH
    data.body_text = "\n\n".join(line for index, line in enumerate(rest) if index not in used)
    return data


class _TextLines(HTMLParser):
    """The visible text of an HTML page, one line per block."""

    SKIP = {"script", "style", "head", "title", "noscript", "select", "template", "iframe"}
    BLOCKS = {
        "p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
        "section", "article", "header", "footer", "nav", "blockquote", "dd", "dt", "hr", "center", "form",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))

    def lines(self):
        return "".join(self.parts).split("\n")


def html_lines(html):
    parser = _TextLines()
    parser.feed(html)
    parser.close()
    return parser.lines()


_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([\w-]+)""", re.I)
# GB18030 covers GB2312 and GBK, which old pages declare while using characters beyond them.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030"}
# What a Chinese archive's old files are written in: guessing among these only avoids mojibake in Cyrillic or Latin-1.
_CANDIDATES = ["utf_8", "gb18030", "big5", "utf_16", "utf_32"]


def _declared(data):
    """The codec an HTML page declares in its first 4 KB (<meta charset=...>), or None."""
    match = _CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    try:
        return codecs.lookup(_SUPERSETS.get(name, name)).name
    except LookupError:
        return None


def decode_text(data, *, html=False):
    """Text of a .txt or .html file: an HTML page's declared charset first, then UTF-8, then the likeliest of the
    encodings Chinese files use (charset-normalizer): GB18030/GBK, Big5, UTF-16."""
    if not data.strip():
        raise NoText("文件是空的")
    declared = _declared(data) if html else None
    for codec in filter(None, [declared, "utf-8-sig"]):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    best = charset_normalizer.from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is None:
        tried = f"声明的 {declared}、" if declared else ""
        raise ImportProblem(
            f"无法识别文件的文字编码（试过{tried}UTF-8、GB18030/GBK、Big5、UTF-16），可能不是文本文件；"
            "请用记事本打开后另存为 UTF-8 再导入"
        )
    return str(best)


def page_text(filename, data):
    """The visible text of a .txt or .html (.htm) file, one line per line or block."""
    if filename.lower().endswith((".html", ".htm")):
        return "\n".join(html_lines(decode_text(data, html=True)))
    return decode_text(data)


def read_portal_page(filename, data):
    """A page of the old portal saved as .txt or .html (or .htm)."""
    return parse_lines(page_text(filename, data).splitlines())
