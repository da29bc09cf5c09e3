"""Office files staff have on their disks: .docx, .pdf, .txt and .html, each kept as an attachment too.

One owner for reading them: read_office_file() makes a document of a file, file_text() gives the plain text of
one (an attachment's searchable text); both go through the same readers.
"""

import html
import io
import re
from pathlib import PurePath

import mammoth
from django.conf import settings
from pypdf import PdfReader
from pypdf.errors import DependencyError, PdfReadError

from ..common.sanitize import html_to_text
from .meta import BODY_DATE_LINES, MAX_META_LINES, read_head
from .types import DocumentData, Encrypted, FileTooLarge, ImportProblem, NoText, UnsupportedType
from .portal_page import fullwidth_punctuation, page_text, parse_lines

SUPPORTED = (".docx", ".pdf", ".txt", ".html", ".htm")


def check_size(size):
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise FileTooLarge(f"文件太大（{size / 1048576:.1f} MB），最大允许 {limit / 1048576:.1f} MB")
    if size == 0:
        raise NoText("文件是空的")


def check_type(filename):
    """The file's lower-case suffix; UnsupportedType unless a reader knows it."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".doc":
        raise UnsupportedType("不支持旧版 Word（.doc）文件，请在 Word 中另存为 .docx 后再导入")
    if suffix not in SUPPORTED:
        raise UnsupportedType(f"不支持的文件类型“{suffix or filename}”，支持 .docx、.pdf、.txt、.html")
    return suffix


def read_office_file(filename, data):
    """DocumentData of one office file; the original file is among its attachments, as the file the body was read
    from (its text is the body's: not read, nor indexed, a second time)."""
    check_size(len(data))
    suffix = check_type(filename)
    if suffix == ".docx":
        document = _read_docx(_docx_html(data))
    elif suffix == ".pdf":
        text = _pdf_text(data)
        if not text.strip():
            raise NoText("PDF 里没有可提取的文字（可能是扫描件），请导入文字版")
        document = _read_pdf(text)
    else:
        text = page_text(filename, data)
        document = parse_lines(text.splitlines())
    name = PurePath(filename).name
    document.attachments.append((name, data))
    document.body_file = name
    return document


def file_text(filename, data, max_chars=None):
    """The plain text of a .docx, .pdf, .txt or .html file; a PDF is read up to about `max_chars` characters.
    Raises ImportProblem (FileTooLarge, NoText, Encrypted, UnsupportedType: the file is fine but has no text to
    give) with the reason."""
    check_size(len(data))
    suffix = check_type(filename)
    if suffix == ".docx":
        # mammoth's own markup, never shown: its tags are only stripped, so the sanitizer is not needed here.
        text = html_to_text(_docx_html(data))
    elif suffix == ".pdf":
        text = _pdf_text(data, max_chars)
    else:
        text = page_text(filename, data)
    if not text.strip():
        raise NoText("PDF 里没有可提取的文字（可能是扫描件）" if suffix == ".pdf" else "文件里没有文字")
    return text


def _docx_html(data):
    try:
        return mammoth.convert_to_html(io.BytesIO(data)).value
    except Exception as error:  # a damaged file can fail anywhere inside the zip/XML readers
        raise ImportProblem(f"Word 文件已损坏或不是 .docx 格式（{type(error).__name__}）") from None


# The title is the first heading among the first blocks (文号 or 密级 may come before it), or the first block;
# meta lines and the body's first lines follow it.
_TITLE_BLOCKS = 8
_LEADING_BLOCKS = _TITLE_BLOCKS + MAX_META_LINES + BODY_DATE_LINES
_LEADING_BLOCK = re.compile(r"\s*<(h[1-6]|p)\b[^>]*>(.*?)</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _read_docx(converted):
    """The document of a .docx converted to HTML: its title and meta lines read from the first blocks."""
    # Embedded images would arrive as data: URLs the sanitizer refuses; the original file keeps them.
    body = re.sub(r"<img\b[^>]*>", "", converted)
    blocks = []  # (tag, text, start, end) of the leading headings and paragraphs
    position = 0
    while len(blocks) < _LEADING_BLOCKS and (match := _LEADING_BLOCK.match(body, position)):
        text = fullwidth_punctuation(html.unescape(_TAG.sub("", match.group(2))).strip())
        blocks.append((match.group(1), text, match.start(), match.end()))
        position = match.end()
    filled = [block for block in blocks if block[1]]
    first = [block for block in blocks[:_TITLE_BLOCKS] if block[1]]
    if not first:
        raise ImportProblem("Word 文件开头没有标题（第一段是空的，或文件里没有文字）")
    title = next((block for block in first if block[0].startswith("h")), first[0])
    data = DocumentData(title=title[1])
    head = filled[filled.index(title) + 1 :]
    cut = [title] + [head[index] for index in read_head([block[1] for block in head], data)]
    for _, _, start, end in sorted(cut, key=lambda block: block[2], reverse=True):
        body = body[:start] + body[end:]
    data.body_html = body
    return data


_PARAGRAPH_END = tuple("。！？；：”」）!?")


def _pdf_text(data, max_chars=None):
    """The text of a PDF's pages; reading stops at the page that reaches `max_chars`."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Encrypted("PDF 文件有密码保护，无法读取；请先去掉密码再导入")
        pages, length = [], 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            length += len(pages[-1])
            if max_chars is not None and length >= max_chars:
                break
        return "\n".join(pages)
    except (PdfReadError, DependencyError) as error:
        if isinstance(error, DependencyError) or "decrypt" in str(error).lower():
            raise Encrypted("PDF 文件已加密，无法读取；请先去掉密码再导入") from None
        raise ImportProblem(f"PDF 文件已损坏，无法读取（{error}）") from None
    except (ValueError, KeyError, TypeError) as error:
        raise ImportProblem(f"PDF 文件已损坏，无法读取（{type(error).__name__}）") from None


def _read_pdf(text):
    """The document of a PDF's text: lines as the page broke them, joined again into paragraphs."""
    document = parse_lines(text.splitlines())
    document.body_text = _reflow(document.body_text.split("\n\n"))
    return document


def _reflow(lines):
    """PDF text breaks lines where the page did; a paragraph ends where a sentence does."""
    paragraphs = []
    for line in lines:
        if paragraphs and not paragraphs[-1].endswith(_PARAGRAPH_END):
            paragraphs[-1] += line
        else:
            paragraphs.append(line)
    return "\n\n".join(paragraphs)
