"""The shared last step of every reader: validate one document, find it if it is already there, save it.

A document is identified by its import key: given by the reader (JSON Lines: from `source`), else a hash of its
title, date and body text. Saving is all or nothing per document (one transaction).
"""

import dataclasses
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import translation

from ..changes import service
from ..models import Article, Attachment, Column, Meeting, Regulation, Speaker
from ..common.sanitize import clean_json, clean_text, html_to_text, sanitize_html, split_paragraphs, text_to_html
from ..common.titles import title_key
from .noise import strip_notices
from .attachment_text import of_body, read_file, read_text
from .types import ImportProblem


@dataclass
class SaveResult:
    outcome: str  # "imported" | "unchanged" | "updated"
    article: Article
    # The document exists with different content and was left alone (no `update`).
    stale: bool = False
    # The names of the licence notices dropped from its body's end (documents.ingest.noise).
    cleaned: list = field(default_factory=list)


def source_key(source):
    return hashlib.sha256(f"source:{source}".encode()).hexdigest()


def content_key(title, date, text):
    payload = "\x1f".join([title, date.isoformat() or "", text])
    return hashlib.sha256(f"content:{payload}".encode()).hexdigest()


def _clean_body(data):
    """(sanitized html, plain text, names of the licence notices dropped) of the body; plain text becomes
    paragraphs without going through bleach, a licence notice at its end dropped (documents.ingest.noise)."""
    if (data.body_html is None) == (data.body_text is None):
        raise ImportProblem("正文缺失：应有且只有一种正文（纯文本或 HTML）")
    if data.body_text is not None:
        body_text, dropped = strip_notices(data.body_text)
        paragraphs = split_paragraphs(body_text)
        return text_to_html(body_text), "\n\n".join(paragraphs), dropped
    html = sanitize_html(data.body_html)
    return html, html_to_text(html), []


def _cleaned(data):
    """`data` with its text as it will be stored (sanitize.clean_text, the rule Article.save applies): the import
    key and the comparison with the stored article are computed from that."""
    changes = {}
    for f in dataclasses.fields(data):
        value = getattr(data, f.name)
        if isinstance(value, str) and (cleaned := clean_text(value)) is not value:
            changes[f.name] = cleaned
    if data.amendments:
        changes["amendments"] = clean_json(data.amendments)
    return dataclasses.replace(data, **changes) if changes else data


def _wanted(data, body, column):
    """The one field map of an import: what the document gives each field of its article, in the form `_stored`
    reads the article's; None where it gives nothing (the article keeps its value)."""
    return {
        "title": data.title.strip(),
        "subtitle": data.subtitle or "",
        "column_id": column.pk,
        "kind": data.kind or Article._meta.get_field("kind").default,
        "speaker": data.speaker or "",
        "speaker_title": data.speaker_title or "",
        "meeting": data.meeting or "",
        "issuer": data.issuer or "",
        "doc_number": data.doc_number or "",
        "partial_date": data.date,
        "body": body,
        "source": data.source or "",
        "amendments": list(data.amendments),
        "status": data.status,
        "pinned": data.pinned,
        "cover_image": data.cover_image,
        "cover_alt": data.cover_alt,
        "effective_date": data.effective_date,
        "validity_override": data.validity,
        "regulation": data.regulation,
        "regulation_by_hand": data.regulation_by_hand,
    }


# The fields of the map an article does not hold as the attribute of that name.
_READ = {
    "speaker": lambda article: article.speaker.name if article.speaker else "",
    "meeting": lambda article: article.meeting.name if article.meeting else "",
    "partial_date": lambda article: article.partial_date,
    "cover_image": lambda article: article.cover_image.name or "",
    "regulation": lambda article: article.regulation.key if article.regulation else None,
}
# Set apart: speaker and meeting once the article's own fields are valid (new ones are created then), the version
# group by _set_regulation (it may create the group a backup names).
_LINKED = ("speaker", "meeting", "regulation")


def _stored(article, name):
    return _READ[name](article) if name in _READ else getattr(article, name)


def _same(article, wanted, data):
    return all(value is None or _stored(article, name) == value for name, value in wanted.items()) and (
        {name for _, name in data.media_attachments} <= set(article.attachments.values_list("file", flat=True))
    )


def _write(article, wanted):
    for name, value in wanted.items():
        if value is None or name in _LINKED:
            continue
        if name == "partial_date":
            article.set_partial_date(value)
        elif name == "cover_image":
            article.cover_image = _media_file(value) if value else ""
        else:
            setattr(article, name, value)


# Not validated again: what the importer looked up (column, speaker, meeting: Django would query each) or made
# itself (the sanitized body and its text, the amendments read from JSON, the import key it searched by; the
# database refuses a duplicate key all the same). Unique checks would query too: lookups already did them.
_TRUSTED = ["column", "speaker", "meeting", "regulation", "body", "text", "amendments", "import_key"]


def _validate(instance, exclude=()):
    """full_clean() of a model instance about to be saved: its length and choice limits. ImportProblem naming the
    field, in Chinese."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ImportProblem(_reason(instance, error)) from None


def _reason(instance, error):
    """The first problem full_clean() found, in the words of the import report."""
    name, problems = next(iter(error.error_dict.items()))
    problem, meta = problems[0], instance._meta
    label = str(meta.get_field(name).verbose_name) if name != NON_FIELD_ERRORS else ""
    if meta.model is not Article and not label.startswith(str(meta.verbose_name)):
        label = f"{meta.verbose_name}{label}"  # 发言人姓名, not 姓名
    params = problem.params or {}
    if problem.code == "max_length":
        return f"{label}太长（{params['show_value']} 字，最多 {params['limit_value']} 字）"
    if problem.code == "invalid_choice":
        return f"{label}“{params['value']}”不存在"
    with translation.override("zh-hans"):
        message = " ".join(problem.messages)
    return f"{label}：{message}" if label else message


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
                speaker = Speaker(name=name, position=position)
                _validate(speaker, exclude=["slug"])  # made on save
                speaker.save()
                self._new.append((self._speakers, name))
            self._speakers[name] = speaker
        return self._speakers[name]

    def meeting(self, name):
        if name not in self._meetings:
            meeting = Meeting.objects.filter(name=name).first()
            if meeting is None:
                meeting = Meeting(name=name)
                _validate(meeting, exclude=["slug"])
                meeting.save()
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
    data = _cleaned(data)
    if not (data.title or "").strip():
        raise ImportProblem("缺少标题")
    body, text, dropped = _clean_body(data)
    if not text and not data.attachments and not data.media_attachments:
        raise ImportProblem("正文为空")
    column = cache.column(data.column or default_column)
    key = data.import_key or content_key(data.title.strip(), data.date, text)
    stored_files = []
    try:
        with transaction.atomic():
            result = _save(data, key, body, text, column, status, update, dry_run, cache, stored_files)
            result.cleaned = dropped
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
    wanted = _wanted(data, body, column)
    if existing is not None and (existing.deleted_at is not None or not update):
        # Left alone: staff put it in the recycle bin, or the caller did not ask for updates.
        stale = existing.deleted_at is None and not _same(existing, wanted, data)
        return SaveResult("unchanged", existing, stale=stale)
    if existing is not None and _same(existing, wanted, data):
        return SaveResult("unchanged", existing)

    article = existing or Article(import_key=key, status=status)
    _write(article, wanted)
    article.text = text
    article._clean_body = body  # already sanitized: save() must not run bleach again
    _validate(article, exclude=_TRUSTED)
    article.speaker = cache.speaker(data.speaker, wanted["speaker_title"]) if data.speaker else None
    article.meeting = cache.meeting(data.meeting) if data.meeting else None
    given = _set_regulation(article, data)
    service.save(article, reason="导入更新" if existing else "导入", keep_group=given)
    if not existing:
        cache.saved(key)
    if not dry_run:
        _attach(article, data.attachments, data.body_file, stored_files)
    _link_media(article, data.media_attachments, read=not dry_run)
    return SaveResult("updated" if existing else "imported", article)


def _set_regulation(article, data):
    """Whether the record names the group it was saved in (a backup's): kept, not the title rule's choice."""
    if data.effective_date is None:
        article.effective_date = None  # read again from the (possibly new) body on save
    if data.regulation is not None:
        article.regulation = Regulation.objects.filter(key=data.regulation).first() or Regulation.objects.create(
            key=data.regulation, title=article.title, title_key=title_key(article.title), issuer=article.issuer
        )
    return data.regulation is not None


def _attach(article, attachments, body_file, stored_files):
    """Attachments with their searchable text, read from each file except the one the body was read from."""
    if not attachments:
        return
    present = set(article.attachments.values_list("title", flat=True))
    for filename, content in attachments:
        if filename in present:
            continue
        attachment = Attachment(article=article, title=filename)
        (of_body() if filename == body_file else read_text(filename, content)).apply(attachment)
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
