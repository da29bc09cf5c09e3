"""The shared last step of every reader: validate one document, find it if it is already there, save it.

A document is identified by its import key: given by the reader (JSON Lines: from `source`), else a hash of its
title, date and body text. Saving is all or nothing per document (one transaction).
"""

import dataclasses
import datetime
import hashlib
import re
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction

from ..dates import UNKNOWN_DATE, PartialDate
from ..models import Article, Attachment, Column, Meeting, Regulation, Speaker
from ..sanitize import html_to_text, sanitize_html, split_paragraphs, text_to_html
from ..titles import title_key


class ImportProblem(Exception):
    """A document that cannot be imported; str() is the reason, in Chinese, for the user."""


# What a reader found, for callers that keep the file anyway (an attachment is kept, marked with the reason).
class FileTooLarge(ImportProblem):
    """Larger than IMPORT_MAX_BYTES: not read."""


class NoText(ImportProblem):
    """Nothing to read: an empty file, a scan without a text layer."""


class Encrypted(ImportProblem):
    """A password protects the content."""


class UnsupportedType(ImportProblem):
    """Not a kind of file the readers know."""


@dataclass
class DocumentData:
    title: str
    subtitle: str = ""
    date: PartialDate = UNKNOWN_DATE
    kind: str | None = None  # an Article.Kind value; None: the model's default
    column: str | None = None  # a column's name (or slug); None: the caller's default column
    speaker: str = ""
    speaker_title: str = ""
    meeting: str = ""
    issuer: str = ""
    doc_number: str = ""
    amendments: list = field(default_factory=list)  # [{"date": "YYYY[-MM[-DD]]" or None, "event": str}]
    body_html: str | None = None
    body_text: str | None = None
    source: str = ""
    attachments: list = field(default_factory=list)  # [(filename, bytes)]
    # The plain text of those files when the reader has it: the attachment is not read a second time.
    attachment_texts: dict = field(default_factory=dict)  # {filename: text}
    # Backups (export_documents): files already in MEDIA_ROOT, copied there from the backup's media folder.
    media_attachments: list = field(default_factory=list)  # [(title, name relative to MEDIA_ROOT)]
    cover_image: str | None = None  # a name relative to MEDIA_ROOT; None: not given
    cover_alt: str | None = None
    # Carried by exported archives so that a backup restores exactly what it saved.
    import_key: str | None = None
    status: str | None = None  # None: the status the caller asks for
    pinned: bool | None = None
    # What the reader could not read but imported anyway (an impossible date, none found): for the import report.
    notes: list = field(default_factory=list)
    # Regulations: None leaves them to the rules (documents.regulations); a backup carries what staff set.
    effective_date: datetime.date | None = None  # 施行日期; None: read from the body
    validity: str | None = None  # an Article.Validity set by staff
    regulation: str | None = None  # the key of the version group
    regulation_by_hand: bool | None = None


@dataclass
class SaveResult:
    outcome: str  # "imported" | "unchanged" | "updated"
    article: Article
    # The document exists with different content and was left alone (no `update`).
    stale: bool = False


def source_key(source):
    return hashlib.sha256(f"source:{source}".encode()).hexdigest()


def content_key(title, date, text):
    payload = "\x1f".join([title, date.isoformat() or "", text])
    return hashlib.sha256(f"content:{payload}".encode()).hexdigest()


def _max_length(name):
    return Article._meta.get_field(name).max_length


_LABELS = {
    "title": "标题", "subtitle": "副标题", "speaker_title": "发言人职务", "issuer": "发文机关",
    "doc_number": "文号", "source": "来源",
}


def _clean_body(data):
    """(sanitized html, plain text) of the body; plain text becomes paragraphs without going through bleach."""
    if (data.body_html is None) == (data.body_text is None):
        raise ImportProblem("正文缺失：应有且只有一种正文（纯文本或 HTML）")
    if data.body_text is not None:
        paragraphs = split_paragraphs(data.body_text)
        return text_to_html(data.body_text), "\n\n".join(paragraphs)
    html = sanitize_html(data.body_html)
    return html, html_to_text(html)


# C0 control characters but tab and line breaks, and DEL: invisible junk of old files that PostgreSQL refuses (NUL)
# and XML feeds cannot carry.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _without_control_characters(data):
    changes = {
        f.name: _CONTROL.sub("", value)
        for f in dataclasses.fields(data)
        if isinstance(value := getattr(data, f.name), str) and _CONTROL.search(value)
    }
    if data.amendments:
        changes["amendments"] = [
            {k: _CONTROL.sub("", v) if isinstance(v, str) else v for k, v in entry.items()}
            if isinstance(entry, dict) else entry
            for entry in data.amendments
        ]
    return dataclasses.replace(data, **changes) if changes else data


def _check_text_fields(data):
    if not (data.title or "").strip():
        raise ImportProblem("缺少标题")
    for name, label in _LABELS.items():
        value = getattr(data, name) or ""
        if len(value) > _max_length(name):
            raise ImportProblem(f"{label}太长（{len(value)} 字，最多 {_max_length(name)} 字）")
    if len(data.speaker or "") > Speaker._meta.get_field("name").max_length:
        raise ImportProblem(f"发言人姓名“{data.speaker[:20]}…”太长")
    if len(data.meeting or "") > Meeting._meta.get_field("name").max_length:
        raise ImportProblem(f"会议名称“{data.meeting[:20]}…”太长")
    if data.kind is not None and data.kind not in Article.Kind.values:
        raise ImportProblem(f"类型“{data.kind}”不存在")
    if data.status is not None and data.status not in Article.Status.values:
        raise ImportProblem(f"状态“{data.status}”不存在")
    if data.validity is not None and data.validity not in Article.Validity.values:
        raise ImportProblem(f"时效性“{data.validity}”不存在")


class LookupCache:
    """Columns, speakers, meetings and known import keys, looked up once per import run.

    Objects created inside a document's transaction are forgotten if that transaction rolls back.
    """

    def __init__(self):
        self._columns = None
        self._speakers = {}
        self._meetings = {}
        self._keys = None
        self._new = []

    def column(self, name):
        if self._columns is None:
            self._columns = {}
            for column in Column.objects.all():
                self._columns[column.name] = self._columns.setdefault(column.slug, column)
        if not name:
            raise ImportProblem("没有指定栏目（文件中没有 category，也没有默认栏目）")
        try:
            return self._columns[name]
        except KeyError:
            raise ImportProblem(f"栏目“{name}”不存在（只能导入到已有栏目）") from None

    def speaker(self, name, position):
        if name not in self._speakers:
            speaker = Speaker.objects.filter(name=name).order_by("id").first()
            if speaker is None:
                speaker = Speaker.objects.create(name=name, position=position)
                self._new.append((self._speakers, name))
            self._speakers[name] = speaker
        return self._speakers[name]

    def meeting(self, name):
        if name not in self._meetings:
            meeting, created = Meeting.objects.get_or_create(name=name)
            if created:
                self._new.append((self._meetings, name))
            self._meetings[name] = meeting
        return self._meetings[name]

    def may_exist(self, key):
        """False when no article has this key: saves one query per new document."""
        if self._keys is None:
            self._keys = set(Article.objects.exclude(import_key=None).values_list("import_key", flat=True))
        return key in self._keys

    def saved(self, key):
        self._keys.add(key)
        self._new.append((self._keys, key))

    def commit(self):
        self._new.clear()

    def rollback(self):
        for store, item in self._new:
            if isinstance(store, set):
                store.discard(item)
            else:
                store.pop(item, None)
        self._new.clear()


class _DryRun(Exception):
    def __init__(self, result):
        self.result = result


def save_document(data, *, status, default_column=None, update=False, dry_run=False, cache=None):
    """Save one document, or find it unchanged. Raises ImportProblem; saves nothing then."""
    cache = cache or LookupCache()
    data = _without_control_characters(data)
    _check_text_fields(data)
    body, text = _clean_body(data)
    if not text and not data.attachments and not data.media_attachments:
        raise ImportProblem("正文为空")
    column = cache.column(data.column or default_column)
    key = data.import_key or content_key(data.title.strip(), data.date, text)
    stored_files = []
    try:
        with transaction.atomic():
            result = _save(data, key, body, text, column, status, update, dry_run, cache, stored_files)
            if dry_run:
                raise _DryRun(result)
    except _DryRun as stop:
        cache.rollback()
        return stop.result
    except DatabaseError as error:
        _forget(cache, stored_files)
        raise ImportProblem(f"数据库拒绝保存：{error}") from error
    except BaseException:
        _forget(cache, stored_files)
        raise
    cache.commit()
    return result


def _forget(cache, stored_files):
    cache.rollback()
    for stored in stored_files:
        stored.storage.delete(stored.name)


def _save(data, key, body, text, column, status, update, dry_run, cache, stored_files):
    existing = None
    if cache.may_exist(key):
        # Unordered: the model's default ordering only makes this one-row query slower to build.
        found = (
            Article.objects.select_related("speaker", "meeting", "regulation").filter(import_key=key).order_by()[:1]
        )
        existing = next(iter(found), None)
    if existing is not None and (existing.deleted_at is not None or not update):
        # Left alone: staff put it in the recycle bin, or the caller did not ask for updates.
        stale = existing.deleted_at is None and not _same(existing, data, body, column)
        return SaveResult("unchanged", existing, stale=stale)
    if existing is not None and _same(existing, data, body, column):
        return SaveResult("unchanged", existing)

    article = existing or Article(import_key=key, status=data.status or status)
    article.title = data.title.strip()
    article.subtitle = data.subtitle or ""
    article.column = column
    article.kind = data.kind or Article._meta.get_field("kind").default
    article.speaker = cache.speaker(data.speaker, data.speaker_title or "") if data.speaker else None
    article.speaker_title = data.speaker_title or ""
    article.meeting = cache.meeting(data.meeting) if data.meeting else None
    article.issuer = data.issuer or ""
    article.doc_number = data.doc_number or ""
    article.set_partial_date(data.date)
    article.body, article.text = body, text
    article._clean_body = body  # already sanitized: save() must not run bleach again
    article.source = data.source or ""
    article.amendments = list(data.amendments)
    if data.status is not None:
        article.status = data.status
    if data.pinned is not None:
        article.pinned = data.pinned
    if data.cover_image is not None:
        article.cover_image = _media_file(data.cover_image) if data.cover_image else ""
        article.cover_alt = data.cover_alt or ""
    _set_regulation_fields(article, data)
    article._change_reason = "导入更新" if existing else "导入"
    article.save()
    if not existing:
        cache.saved(key)
    if not dry_run:
        _attach(article, data.attachments, data.attachment_texts, stored_files)
    _link_media(article, data.media_attachments, read=not dry_run)
    return SaveResult("updated" if existing else "imported", article)


def _set_regulation_fields(article, data):
    article.effective_date = data.effective_date  # None: read again from the (possibly new) body on save
    if data.validity is not None:
        article.validity_override = data.validity
    if data.regulation is not None:
        article.regulation = Regulation.objects.filter(key=data.regulation).first() or Regulation.objects.create(
            key=data.regulation, title=article.title, title_key=title_key(article.title), issuer=article.issuer
        )
        article._regulation_given = True  # the group it was saved in, not the title rule's choice
    if data.regulation_by_hand is not None:
        article.regulation_by_hand = data.regulation_by_hand


def _same(article, data, body, column):
    speaker_name = article.speaker.name if article.speaker else ""
    meeting_name = article.meeting.name if article.meeting else ""
    return (
        article.title == data.title.strip()
        and article.subtitle == (data.subtitle or "")
        and article.column_id == column.pk
        and article.kind == (data.kind or Article._meta.get_field("kind").default)
        and speaker_name == (data.speaker or "")
        and article.speaker_title == (data.speaker_title or "")
        and meeting_name == (data.meeting or "")
        and article.issuer == (data.issuer or "")
        and article.doc_number == (data.doc_number or "")
        and article.partial_date == data.date
        and article.body == body
        and article.source == (data.source or "")
        and article.amendments == list(data.amendments)
        and (data.status is None or article.status == data.status)
        and (data.pinned is None or article.pinned == data.pinned)
        and (data.cover_image is None or (article.cover_image.name or "") == data.cover_image)
        and (data.cover_alt is None or article.cover_alt == data.cover_alt)
        and (data.effective_date is None or article.effective_date == data.effective_date)
        and (data.validity is None or article.validity_override == data.validity)
        and (data.regulation is None or (article.regulation is not None and article.regulation.key == data.regulation))
        and (data.regulation_by_hand is None or article.regulation_by_hand == data.regulation_by_hand)
        and {name for _, name in data.media_attachments} <= set(article.attachments.values_list("file", flat=True))
    )


def _attach(article, attachments, texts, stored_files):
    """Attachments with their searchable text: the text the reader already has, else read from the file."""
    from .attachment_text import extracted, read_text  # it reads with office.py, which needs this module

    if not attachments:
        return
    present = set(article.attachments.values_list("title", flat=True))
    for filename, content in attachments:
        if filename in present:
            continue
        attachment = Attachment(article=article, title=filename)
        text = texts.get(filename)
        (read_text(filename, content) if text is None else extracted(text)).apply(attachment)
        attachment.file.save(filename, ContentFile(content), save=False)
        stored_files.append(attachment.file)
        attachment.save()


def _media_file(name):
    """`name` checked: a file inside MEDIA_ROOT (a backup's media folder copied there before the import)."""
    from django.core.files.storage import default_storage

    parts = name.split("/")
    if not name or name.startswith("/") or "\\" in name or ".." in parts or not default_storage.exists(name):
        raise ImportProblem(f"媒体文件“{name}”不在 MEDIA_ROOT 中：请先把备份的 media 文件夹复制过去再导入")
    return name


def _link_media(article, media_attachments, *, read):
    """Attachments of a backup: their files are already in MEDIA_ROOT; only the records are made, with the text
    of each file unless `read` is false (a dry run)."""
    from .attachment_text import read_file  # it reads with office.py, which needs this module

    if not media_attachments:
        return
    present = set(article.attachments.values_list("file", flat=True))
    for title, name in media_attachments:
        if name not in present:
            attachment = Attachment(article=article, title=title, file=_media_file(name))
            if read:
                read_file(attachment.file).apply(attachment)
                attachment.file.close()
            attachment.save()
