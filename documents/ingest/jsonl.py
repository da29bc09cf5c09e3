"""The archive's JSON Lines format (documented in README.md, "Import format"), read and written.

One JSON object a line. Export writes the same fields back, plus `status`, `pinned`, `import_key`, a regulation's
version group and what staff set about it, and, when the body is more than plain paragraphs, `body_html`, so that
a backup restores exactly what it saved.
"""

import gzip
import json
import os
import re
from pathlib import Path

from ..common.dates import InvalidDate, parse_partial_date
from ..models import Article
from ..common.sanitize import text_to_html
from .pipeline import source_key
from .types import DocumentData, ImportProblem

_KINDS = {label: value for value, label in Article.Kind.choices} | {value: value for value in Article.Kind.values}
_STATUSES = {label: value for value, label in Article.Status.choices} | {v: v for v in Article.Status.values}
_TEXT_FIELDS = {
    "subtitle": "副标题", "speaker": "发言人", "speaker_title": "发言人职务", "meeting": "会议",
    "issuer": "发文机关", "source": "来源", "doc_number": "文号", "category": "栏目",
}
_KEY = re.compile(r"^[0-9a-f]{64}$")
_VALIDITIES = {label: value for value, label in Article.Validity.choices} | {v: v for v in Article.Validity.values}
_GROUP_KEY = re.compile(r"^[0-9A-Za-z_-]{1,32}$")


def _open(path, mode):
    encoding = "utf-8" if "t" in mode else None
    if str(path).endswith(".gz"):
        return gzip.open(path, mode, encoding=encoding)
    return open(path, mode, encoding=encoding)


def read_jsonl(path, max_bytes):
    """Yield (line number, DocumentData or ImportProblem, bytes of the file read so far) for each document.

    The file is streamed, so the size limit applies to each line (one document), not to the file.
    A file without any document yields one ImportProblem with line number None.
    """
    found = False
    number = 0
    try:
        with open(path, "rb") as raw:
            lines = gzip.GzipFile(fileobj=raw) if str(path).endswith(".gz") else raw
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                found = True
                try:
                    if len(line) > max_bytes:
                        raise ImportProblem(f"这一行（一篇文档）超过了 {max_bytes / 1048576:.1f} MB 的大小限制")
                    yield number, record_to_data(_parse_line(line, number == 1)), raw.tell()
                except ImportProblem as problem:
                    yield number, problem, raw.tell()
    except (OSError, EOFError) as error:
        damaged = "压缩文件已损坏或不完整" if str(path).endswith(".gz") else "文件读取失败"
        yield number or None, ImportProblem(f"{damaged}：{error}"), 0
        return
    if not found:
        yield None, ImportProblem("文件是空的，没有任何文档"), 0


def _parse_line(raw, first):
    try:
        line = raw.decode("utf-8-sig" if first else "utf-8")
    except UnicodeDecodeError:
        raise ImportProblem("这一行不是 UTF-8 编码，请把文件另存为 UTF-8") from None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise ImportProblem(f"这一行不是有效的 JSON（第 {error.colno} 个字符附近：{error.msg}）") from None
    if not isinstance(record, dict):
        raise ImportProblem("这一行应是一个 JSON 对象（{...}）")
    return record


def _text(record, name):
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ImportProblem(f"字段 {name}（{_TEXT_FIELDS[name]}）应为文字")
    return value.strip()


def _date(value):
    try:
        return parse_partial_date(value)
    except InvalidDate as error:
        raise ImportProblem(str(error)) from None


def _history(value):
    if value is None:
        return []
    if not isinstance(value, list):
        raise ImportProblem("字段 history（修订沿革）应为列表")
    history = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("event"), str):
            raise ImportProblem("字段 history 的每一项应为 {\"date\": ..., \"event\": \"...\"}")
        history.append({"date": _date(item.get("date")).isoformat(), "event": item["event"].strip()})
    return history


def _effective_date(value):
    if value is None:
        return None
    try:
        partial = parse_partial_date(value) if isinstance(value, str) else None
    except InvalidDate as error:
        raise ImportProblem(f"施行日期：{error}") from None
    if partial is None or partial.precision != "day":
        raise ImportProblem(f"施行日期“{value}”应为 YYYY-MM-DD")
    return partial.date


def _regulation_fields(record):
    """施行日期, 时效性 set by staff, the version group and whether staff chose it (README, "Import format")."""
    validity, group, by_hand = record.get("validity"), record.get("regulation"), record.get("regulation_by_hand")
    if validity is not None and validity not in _VALIDITIES:
        raise ImportProblem(f"时效性“{validity}”不存在，应为 {'、'.join(Article.Validity.labels)} 之一")
    if group is not None and not (isinstance(group, str) and _GROUP_KEY.match(group)):
        raise ImportProblem("字段 regulation 应为 1 到 32 个字母、数字、- 或 _")
    if by_hand is not None and not isinstance(by_hand, bool):
        raise ImportProblem("字段 regulation_by_hand 应为 true 或 false")
    return {
        "effective_date": _effective_date(record.get("effective_date")),
        "validity": _VALIDITIES[validity] if validity is not None else None,
        "regulation": group,
        "regulation_by_hand": by_hand,
    }


def record_to_data(record):
    """One JSON object of the import format as DocumentData; ImportProblem for anything that does not fit."""
    title = record.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ImportProblem("缺少标题（title）")
    kind = record.get("kind")
    if kind is not None and kind not in _KINDS:
        raise ImportProblem(f"类型“{kind}”不存在，应为 {'、'.join(Article.Kind.labels)} 之一")
    status = record.get("status")
    if status is not None and status not in _STATUSES:
        raise ImportProblem(f"状态“{status}”不存在，应为 draft 或 published")
    body, body_html = record.get("body"), record.get("body_html")
    if not isinstance(body, str) or (body_html is not None and not isinstance(body_html, str)):
        raise ImportProblem("缺少正文（body 应为文字）")
    key = record.get("import_key")
    if key is not None and not (isinstance(key, str) and _KEY.match(key)):
        raise ImportProblem("import_key 应为 64 位十六进制数")
    pinned = record.get("pinned")
    if pinned is not None and not isinstance(pinned, bool):
        raise ImportProblem("字段 pinned 应为 true 或 false")
    source = _text(record, "source")
    cover_image, cover_alt = record.get("cover_image"), record.get("cover_alt")
    if not isinstance(cover_image, (str, type(None))) or not isinstance(cover_alt, (str, type(None))):
        raise ImportProblem("字段 cover_image、cover_alt 应为文字")
    return DocumentData(
        title=title.strip(),
        subtitle=_text(record, "subtitle"),
        date=_date(record.get("date")),
        kind=_KINDS[kind] if kind is not None else None,
        column=_text(record, "category") or None,
        speaker=_text(record, "speaker"),
        speaker_title=_text(record, "speaker_title"),
        meeting=_text(record, "meeting"),
        issuer=_text(record, "issuer"),
        doc_number=_text(record, "doc_number"),
        amendments=_history(record.get("history")),
        body_text=None if body_html is not None else body,
        body_html=body_html,
        source=source,
        import_key=key or (source_key(source) if source else None),
        status=_STATUSES[status] if status is not None else None,
        pinned=pinned,
        media_attachments=_media_attachments(record.get("attachments")),
        cover_image=cover_image,
        cover_alt=cover_alt,
        **_regulation_fields(record),
    )


def _media_attachments(value):
    if value is None:
        return []
    if not isinstance(value, list) or not all(
        isinstance(item, dict) and isinstance(item.get("file"), str) and isinstance(item.get("title", ""), str)
        for item in value
    ):
        raise ImportProblem("字段 attachments 的每一项应为 {\"title\": \"...\", \"file\": \"attachments/...\"}")
    return [(item.get("title", ""), item["file"]) for item in value]


def article_to_record(article):
    """The import-format object of an article (its column, speaker and meeting loaded)."""
    record = {
        "title": article.title,
        "subtitle": article.subtitle or None,
        "date": article.partial_date.isoformat(),
        "kind": article.get_kind_display(),
        "category": article.column.name,
        "speaker": article.speaker.name if article.speaker else None,
        "speaker_title": article.speaker_title or None,
        "meeting": article.meeting.name if article.meeting else None,
        "issuer": article.issuer or None,
        "history": article.amendments,
        "body": article.text,
        "source": article.source or None,
        "doc_number": article.doc_number or None,
        "status": article.status,
        "pinned": article.pinned,
    }
    if article.body != text_to_html(article.text):
        record["body_html"] = article.body
    if article.import_key:
        record["import_key"] = article.import_key
    # Files stay in the media folder, which a backup copies alongside (README, "Backups").
    attachments = [{"title": a.title, "file": a.file.name} for a in article.attachments.all()]
    if attachments:
        record["attachments"] = attachments
    if article.cover_image:
        record["cover_image"], record["cover_alt"] = article.cover_image.name, article.cover_alt
    if article.effective_date:
        record["effective_date"] = article.effective_date.isoformat()
    if article.validity_override:
        record["validity"] = article.validity_override
    if article.regulation_id:
        record["regulation"] = article.regulation.key
    if article.regulation_by_hand:
        record["regulation_by_hand"] = True
    return record


def write_jsonl(path, articles):
    """Write the articles to `path` (gzip-compressed when it ends in .gz); return how many.

    The file appears only when complete: an interrupted export never leaves a truncated backup behind.
    """
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial{path.suffix}")
    count = 0
    try:
        with _open(partial, "wt") as out:
            for article in articles:
                out.write(json.dumps(article_to_record(article), ensure_ascii=False) + "\n")
                count += 1
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return count
