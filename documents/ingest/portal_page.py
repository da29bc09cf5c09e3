"""Pages of the old portal, saved as text or HTML, and other plain documents: title, meta lines, body.

A saved page is the article framed by the portal's navigation, boxes of links, a breadcrumb and a footer. The
article starts after the breadcrumb (当前位置 ...) and ends at the footer; its first line is the title, followed by
a few meta lines (speaker, date, 来源 ...), then one paragraph a line.
"""

import re
from html.parser import HTMLParser

from ..dates import UNKNOWN_DATE, find_date
from ..models import Article
from .pipeline import DocumentData, ImportProblem, NoText

_BREADCRUMB = re.compile(r"^(当前位置|您的位置|您现在的位置|现在位置)")
_FOOTER = re.compile(r"^(Copyright|版权所有|上一篇|下一篇|【打印|【关闭|打印本页|关闭窗口|相关文章)|ICP备")
_BOX_TITLES = {"通知公告", "图片内容", "图片新闻", "最新动态", "相关链接", "友情链接", "热点文章"}
_META_LABEL = re.compile(r"(发布时间|发布日期|发表时间|更新时间|时间|日期|来源|作者|编辑|责任编辑|点击数|点击|浏览次数|浏览|阅读)\s*[:：]")
_DATE_LABELS = {"发布时间", "发布日期", "发表时间", "更新时间", "时间", "日期"}
_BRACKETS = "()（）[]【】 "
_SPEAKER = re.compile(r"^(?P<position>[\u4e00-\u9fff]{2,20})[ \u3000]+(?P<name>[\u4e00-\u9fff·]{2,5})$")
_SUBTITLE = re.compile(r"^(——|--|—)\s*")

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


def _labelled_meta(line):
    """{label: value} when the line consists only of labelled fields (发布时间：… 来源：…), else None."""
    matches = list(_META_LABEL.finditer(line))
    if not matches or matches[0].start() != 0:
        return None
    fields = {}
    for match, following in zip(matches, matches[1:] + [None]):
        end = following.start() if following else len(line)
        fields[match.group(1)] = line[match.end() : end].strip()
    return fields


def _date_line(line):
    """The date of a line that is only a date, possibly in brackets: (2022年9月22日), 2022-09-22."""
    date = find_date(line)
    if date is None:
        return None
    rest = re.sub(r"\d{4}\s*年(\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?)?|\d{4}[-/.]\d{1,2}([-/.]\d{1,2})?", "", line, 1)
    return date if not rest.strip(_BRACKETS) else None


def parse_lines(lines):
    """DocumentData from the lines of a page or plain document (no column, no attachments)."""
    content = [fullwidth_punctuation(line) for line in _article_lines(lines)]
    if not content:
        raise ImportProblem("没有找到正文：文件里只有空行或网站的导航、页脚")
    data = DocumentData(title=content[0], body_text="")
    rest = content[1:]
    meta_lines = 0
    while rest and meta_lines < 6 and read_meta_line(rest[0], data):
        rest.pop(0)
        meta_lines += 1
    if data.speaker:
        data.kind = Article.Kind.SPEECH
    data.body_text = "\n\n".join(rest)
    return data


def read_meta_line(line, data):
    """Fill `data` from a meta line; False when the line is not one (the body starts)."""
    fields = _labelled_meta(line)
    if fields is not None:
        for label, value in fields.items():
            if label in _DATE_LABELS and data.date == UNKNOWN_DATE:
                data.date = find_date(value) or UNKNOWN_DATE
            elif label == "来源":
                data.source = value
        return True
    date = _date_line(line)
    if date is not None:
        if data.date == UNKNOWN_DATE:
            data.date = date
        return True
    speaker = _SPEAKER.match(line)
    if speaker and not data.speaker:
        data.speaker, data.speaker_title = speaker.group("name"), speaker.group("position")
        return True
    if _SUBTITLE.match(line) and not data.subtitle:
        data.subtitle = line
        return True
    return False


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


def decode_text(data, *, html=False):
    """Text of a file: UTF-8; an HTML page may also declare a Chinese legacy encoding (gb2312, gbk)."""
    if not data.strip():
        raise NoText("文件是空的")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        declared = _CHARSET.search(data[:4096]) if html else None
        if declared and declared.group(1).lower() in {b"gb2312", b"gbk", b"gb18030"}:
            try:
                return data.decode("gb18030")
            except UnicodeDecodeError:
                pass
    raise ImportProblem("文件不是 UTF-8 编码，请另存为 UTF-8 后再导入")


def page_text(filename, data):
    """The visible text of a .txt or .html (.htm) file, one line per line or block."""
    if filename.lower().endswith((".html", ".htm")):
        return "\n".join(html_lines(decode_text(data, html=True)))
    return decode_text(data)


def read_portal_page(filename, data):
    """A page of the old portal saved as .txt or .html (or .htm)."""
    return parse_lines(page_text(filename, data).splitlines())
