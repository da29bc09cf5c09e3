"""The archive's data: columns, speakers, meetings, articles (with their pending revisions and attachments) and the
search queue; every save stores text cleaned (sanitize.clean_text) and bodies sanitized."""

import datetime
import uuid
from pathlib import PurePosixPath
from urllib.parse import unquote

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from .common import dates, titles
from .common.sanitize import clean_json, html_to_text, sanitize_html

# The longest 来源 address shown as it is; a longer one is cut (the link keeps it whole).
SOURCE_LABEL_MAX = 60


_TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def clean_text_fields(instance):
    """Every text field of `instance` as it is stored: without the characters sanitize.clean_text drops, strings
    inside JSON included. A deferred field is left alone (reading it would cost a query)."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, _TEXT_FIELDS) and field.attname in instance.__dict__:
            setattr(instance, field.attname, clean_json(instance.__dict__[field.attname]))


def unique_slug(model, text, instance_pk=None, max_length=80):
    """A readable slug (Chinese kept) that no other row of `model` has."""
    base = slugify(text, allow_unicode=True)[:max_length].strip("-") or model._meta.model_name
    slug, n = base, 1
    while model.objects.filter(slug=slug).exclude(pk=instance_pk).exists():
        n += 1
        slug = f"{base[: max_length - 6]}-{n}"
    return slug


class Column(models.Model):
    name = models.CharField("名称", max_length=50, unique=True)
    slug = models.SlugField("网址名", max_length=50, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    in_navigation = models.BooleanField("显示在导航栏", default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = verbose_name_plural = "栏目"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        clean_text_fields(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("documents:column", args=[self.slug])


class Speaker(models.Model):
    name = models.CharField("姓名", max_length=50)
    position = models.CharField("现任职务", max_length=100, blank=True)
    organization = models.CharField("单位", max_length=100, blank=True)
    bio = models.TextField("简介", blank=True)
    slug = models.SlugField("网址名", max_length=100, unique=True, allow_unicode=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "发言人"
        constraints = [models.UniqueConstraint(fields=["name", "organization"], name="unique_speaker")]

    def __str__(self):
        return f"{self.name}（{self.organization}）" if self.organization else self.name

    def save(self, *args, **kwargs):
        clean_text_fields(self)
        if not self.slug:
            self.slug = unique_slug(Speaker, self.name, self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("documents:speaker", args=[self.slug])


class Meeting(models.Model):
    name = models.CharField("会议名称", max_length=200, unique=True)
    date = models.DateField("召开日期", null=True, blank=True)
    location = models.CharField("地点", max_length=100, blank=True)
    slug = models.SlugField("网址名", max_length=200, unique=True, allow_unicode=True, blank=True)

    class Meta:
        ordering = [models.F("date").desc(nulls_last=True), "-id"]
        verbose_name = verbose_name_plural = "会议"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        clean_text_fields(self)
        if not self.slug:
            self.slug = unique_slug(Meeting, self.name, self.pk, max_length=180)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("documents:meeting", args=[self.slug])


class ArticleQuerySet(models.QuerySet):
    def live(self):
        """Not in the recycle bin."""
        return self.filter(deleted_at__isnull=True)

    def published(self):
        """What the public and search see."""
        return self.filter(status=Article.Status.PUBLISHED, deleted_at__isnull=True)

    def newest_first(self):
        return self.order_by("-pinned", models.F("date").desc(nulls_last=True), "-id")


class Regulation(models.Model):
    """A regulation across its versions: the Articles that are texts of one law at different dates (its 版本).

    Grouped automatically by title (documents.legislation.regulations) or by staff in the admin."""

    title = models.CharField("名称", max_length=300)
    title_key = models.CharField("匹配用名称", max_length=300, db_index=True, editable=False)
    # The looser key (documents.common.titles.loose_key) the titles of repeal sentences are matched with.
    repeal_key = models.CharField("废止匹配用名称", max_length=300, blank=True, db_index=True, editable=False)
    issuer = models.CharField("发文机关", max_length=200, blank=True)
    # Names the group across databases: exported, so that a backup restores the same groups.
    key = models.CharField("标识", max_length=32, unique=True, editable=False)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = verbose_name_plural = "法规（版本组）"

    def __str__(self):
        return f"{self.title}（{self.issuer}）" if self.issuer else self.title

    def save(self, *args, **kwargs):
        if not self.key:
            self.key = uuid.uuid4().hex
        super().save(*args, **kwargs)


class Article(models.Model):
    class Kind(models.TextChoices):
        SPEECH = "speech", "讲话"
        REPORT = "report", "报告"
        NEWS = "news", "新闻"
        NOTICE = "notice", "通知"
        DOCUMENT = "document", "公文"
        RESOLUTION = "resolution", "决议"
        REGULATION = "regulation", "法规"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    class Validity(models.TextChoices):
        """时效性 of a regulation's version (documents.legislation.regulations derives it)."""

        CURRENT = "current", "现行有效"
        AMENDED = "amended", "已被修改"
        REPEALED = "repealed", "已废止"
        PENDING = "pending", "尚未生效"

    title = models.CharField("标题", max_length=300)
    # The title reduced by documents.common.titles: what 《》 citations of this document are matched against.
    title_key = models.CharField("标题匹配键", max_length=300, blank=True, editable=False)
    subtitle = models.CharField("副标题", max_length=300, blank=True)
    column = models.ForeignKey(Column, models.PROTECT, verbose_name="栏目", related_name="articles")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.NEWS)
    speaker = models.ForeignKey(
        Speaker, models.SET_NULL, null=True, blank=True, verbose_name="发言人", related_name="articles"
    )
    speaker_title = models.CharField("发言人时任职务", max_length=100, blank=True)
    meeting = models.ForeignKey(
        Meeting, models.SET_NULL, null=True, blank=True, verbose_name="会议", related_name="articles"
    )
    doc_number = models.CharField("文号", max_length=100, blank=True, db_index=True)
    issuer = models.CharField("发文机关", max_length=200, blank=True)
    date = models.DateField("日期", null=True, blank=True)
    date_precision = models.CharField(
        "日期精度", max_length=10, choices=dates.PRECISION_CHOICES, default=dates.DAY
    )
    body = models.TextField("正文", blank=True)
    text = models.TextField("纯文本", blank=True, editable=False)
    cover_image = models.ImageField("封面图片", upload_to="covers/%Y/%m/", blank=True)
    cover_alt = models.CharField("封面图片说明", max_length=200, blank=True)
    source = models.CharField("来源", max_length=500, blank=True)
    amendments = models.JSONField("修订沿革", default=list, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    pinned = models.BooleanField("置顶", default=False)
    import_key = models.CharField("导入标识", max_length=64, unique=True, null=True, blank=True, editable=False)
    regulation = models.ForeignKey(
        Regulation, models.SET_NULL, null=True, blank=True, verbose_name="所属法规", related_name="versions",
        help_text="同一法规的各个版本。法规类文章按标题自动归组；在这里选择即改为手动归组。",
    )
    regulation_by_hand = models.BooleanField(
        "手动归组", default=False, help_text="勾选时不再按标题自动归组；取消勾选则恢复自动归组。"
    )
    effective_date = models.DateField(
        "本版施行日期", null=True, blank=True,
        help_text="本版本文字生效之日。留空则从正文和修订沿革读取（如“本条例自2025年1月1日起施行”）。",
    )
    # 首次施行日期: when the original law took effect (documents.legislation.regulations derives it).
    first_effective_date = models.DateField("首次施行日期", null=True, blank=True, editable=False)
    # The record that stands for this one's text when that is not this one (documents.legislation.regulations):
    # the first part of a law published in parts, the kept record of a text filed twice. Lists, suggestions and
    # citations show the text once.
    represented_by = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, editable=False, related_name="+",
        verbose_name="代表本文本的记录",
    )
    # Derived (documents.legislation.regulations), or validity_override when staff set one; "" for documents that are not
    # regulations.
    validity = models.CharField("时效性", max_length=10, choices=Validity.choices, blank=True, editable=False)
    validity_override = models.CharField(
        "时效性（人工设定）", max_length=10, choices=Validity.choices, blank=True,
        help_text="留空则自动判断：最新版本为现行有效，旧版本为已被修改，被废止的为已废止，施行日期未到的为尚未生效。",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True, editable=False)

    history = HistoricalRecords(
        excluded_fields=["text", "import_key", "title_key", "validity", "first_effective_date", "represented_by"],
        verbose_name="历史版本",
    )
    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", models.F("date").desc(nulls_last=True), "-id"]
        verbose_name = verbose_name_plural = "文章"
        indexes = [
            models.Index(fields=["speaker", "date"], name="article_speaker"),
            models.Index(fields=["meeting", "date"], name="article_meeting"),
            models.Index(fields=["date"], name="article_date"),
            # The portal's lists read only these columns: covering indexes keep SQLite from walking the long
            # body and text of every row (status and deleted_at are stored after them).
            models.Index(fields=["status", "deleted_at", "column", "pinned", "date"], name="portal_column"),
            models.Index(fields=["status", "deleted_at", "column", "date"], name="portal_column_date"),
            models.Index(fields=["status", "deleted_at", "date", "date_precision"], name="portal_date"),
            models.Index(fields=["status", "deleted_at", "cover_image"], name="portal_cover"),
            models.Index(fields=["status", "deleted_at", "speaker", "date"], name="portal_speaker"),
            models.Index(fields=["status", "deleted_at", "meeting", "date"], name="portal_meeting"),
            # Feeds, latest published first: without it SQLite reads every row's published_at past body and text
            # (94 ms for the site feed over the 3,543-document corpus, 1.8 ms with it).
            models.Index(fields=["status", "deleted_at", "published_at"], name="portal_published"),
            # Resolving a citation reads only these (documents.legislation.citation_index).
            models.Index(fields=["title_key", "status", "deleted_at", "date", "issuer"], name="article_title_key"),
            models.Index(fields=["status", "deleted_at", "column", "validity", "pinned", "date"],
                         name="portal_column_validity"),
            # A version's page lists the regulation's other versions: three equalities, so that SQLite prefers
            # it to the indexes above (which would read every published row).
            models.Index(fields=["regulation", "status", "deleted_at"], name="portal_versions"),
        ]
        permissions = [("publish_article", "可以发布和撤回文章")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("documents:article", args=[self.pk])

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED and self.deleted_at is None

    @property
    def source_label(self):
        """The 来源 address as a reader reads it: percent-encoding decoded, the scheme dropped, shortened."""
        label = unquote(self.source).split("://", 1)[-1]
        return label if len(label) <= SOURCE_LABEL_MAX else label[: SOURCE_LABEL_MAX - 1] + "…"

    @property
    def partial_date(self):
        return dates.PartialDate(self.date, self.date_precision)

    @property
    def date_display(self):
        return dates.format_partial_date(self.date, self.date_precision)

    def set_partial_date(self, partial):
        self.date, self.date_precision = partial.date, partial.precision

    # What an article's related documents are computed from (documents/related/related_index.py): a save that
    # changes none of it (pinning, a cover, the column, the date ...) leaves them as they are.
    RELATED_BASIS = ("title", "text", "regulation_id", "status", "deleted_at")

    def set_plain_text_body(self, text):
        """Set the body from plain text: escaped paragraphs, safe by construction, so save() skips bleach."""
        from .common.sanitize import split_paragraphs, text_to_html

        self.body = text_to_html(text)
        self.text = "\n\n".join(split_paragraphs(text))
        self._clean_body = self.body

    def normalize(self):
        """Bring the fields to the form they are stored in: text cleaned, the body sanitized (and its plain text), no
        precision without a date."""
        clean_text_fields(self)
        if getattr(self, "_clean_body", None) != self.body:
            self.body = sanitize_html(self.body)
            self.text = html_to_text(self.body)
            self._clean_body = self.body
        if self.date is None:
            self.date_precision = dates.UNKNOWN
        self.title_key = titles.title_key(self.title)

    def save(self, *args, **kwargs):
        self.normalize()
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        # One transaction with what the change path records (history, derived rows, the search queue), even
        # when the caller runs none (a shell).
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using")):
            return super().delete(*args, **kwargs)


class RecycledArticle(Article):
    """The recycle bin (回收站) in the admin: articles whose deleted_at is set."""

    class Meta:
        proxy = True
        # One entry of the bin is an article in it: Django's messages say "删除回收站中的文章“…”".
        verbose_name = "回收站中的文章"
        verbose_name_plural = "回收站"


class ArticleRevisionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ArticleRevision.Status.PENDING)


class ArticleRevision(models.Model):
    """Changes to a published article proposed by an editor (编辑), published only once a reviewer (审核) approves.

    `proposed` holds, by field name, the values that differ from the article (foreign keys as ids, dates as ISO
    text). The cover image and attachments are not in it: on a published article only reviewers change them.
    """

    FIELDS = (
        "title", "subtitle", "column", "kind", "pinned", "speaker", "speaker_title", "meeting", "date",
        "date_precision", "doc_number", "issuer", "body", "cover_alt", "source", "amendments", "effective_date",
        "validity_override",
    )

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已退回"

    article = models.ForeignKey(Article, models.CASCADE, verbose_name="文章", related_name="revisions")
    proposed = models.JSONField("修改的内容", default=dict)
    # What the editor started from: each proposed field's value in the article when the editor took it up (the
    # form showed it). A field of the article that differs from it now was changed by someone else meanwhile.
    base = models.JSONField("编辑开始时的内容", default=dict, editable=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, verbose_name="提交人", related_name="+"
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, verbose_name="最后修改人", related_name="+"
    )
    updated_at = models.DateTimeField("最后修改时间", auto_now=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name="审核人", related_name="+"
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    rejection_reason = models.TextField("退回原因", blank=True)

    objects = ArticleRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "文章修改"
        constraints = [
            models.UniqueConstraint(
                fields=["article"], condition=models.Q(status="pending"), name="one_pending_revision_per_article"
            )
        ]

    def __str__(self):
        return f"{self.article}（{self.get_status_display()}）"

    def save(self, *args, **kwargs):
        clean_text_fields(self)
        super().save(*args, **kwargs)

    @classmethod
    def differences(cls, article, edited):
        """The fields of `edited` (an unsaved copy of `article` as someone left it) that differ from `article`."""
        edited.normalize()
        current = cls.values(article)
        return {name: value for name, value in cls.values(edited).items() if value != current[name]}

    @classmethod
    def values(cls, article):
        """`article`'s values of FIELDS as a revision stores them (foreign keys as ids, dates as ISO text)."""
        values = {}
        for name in cls.FIELDS:
            value = Article._meta.get_field(name).value_from_object(article)
            values[name] = value.isoformat() if isinstance(value, datetime.date) else value
        return values

    def changed_since(self, article):
        """The proposed fields whose value in `article` (as it is now) is no longer what the editor started from."""
        current = self.values(article)
        return [name for name in self.proposed if name in self.base and current[name] != self.base[name]]

    def apply_to(self, article, values=None):
        """Put the proposed values (or `values`, such as the base) on `article` (in memory; the caller saves). A
        speaker, meeting or column deleted since the revision was proposed is left as the article has it."""
        for name, value in (self.proposed if values is None else values).items():
            field = Article._meta.get_field(name)
            value = field.to_python(value)
            if field.is_relation and value is not None and not field.related_model.objects.filter(pk=value).exists():
                continue
            setattr(article, field.attname, value)
        return article

    @property
    def version(self):
        """Changes whenever the revision does: what an edit form saw, to tell whether someone saved it since."""
        return f"{self.pk}:{self.updated_at.isoformat()}"

    @property
    def editors(self):
        """Who proposed the changes: the author, and whoever changed them last if someone else."""
        return "、".join(dict.fromkeys(_person(user) for user in (self.author, self.updated_by)))

    @property
    def reviewer_name(self):
        return _person(self.reviewer)


def _person(user):
    """A staff member as named in messages and the history: full name, else user name."""
    if user is None:
        return "（已删除的账号）"
    return user.get_full_name() or user.get_username()


class Attachment(models.Model):
    class TextStatus(models.TextChoices):
        """What reading the file for search gave (documents/ingest/attachment_text.py)."""

        PENDING = "pending", "未提取"
        EXTRACTED = "extracted", "已提取"
        NO_TEXT = "no_text", "无文字（扫描件）"
        ENCRYPTED = "encrypted", "已加密"
        UNREADABLE = "unreadable", "无法读取"
        UNSUPPORTED = "unsupported", "不支持的类型"
        TOO_LARGE = "too_large", "文件太大"
        BODY = "body", "即正文"  # the file the article's body was read from: its text is indexed once, as the body

    article = models.ForeignKey(Article, models.CASCADE, verbose_name="文章", related_name="attachments")
    file = models.FileField("文件", upload_to="attachments/%Y/%m/")
    title = models.CharField("名称", max_length=200, blank=True)
    size = models.PositiveBigIntegerField("大小（字节）", default=0, editable=False)
    text = models.TextField("提取的文字", blank=True, editable=False)
    text_status = models.CharField(
        "文字提取", max_length=12, choices=TextStatus.choices, default=TextStatus.PENDING, editable=False
    )
    text_note = models.CharField("提取说明", max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "附件"

    def __str__(self):
        return self.title or self.file.name

    @property
    def download_name(self):
        """The name a download is saved under: the title staff gave, with the file's extension when it lacks it."""
        extension = PurePosixPath(self.file.name).suffix
        name = self.title or PurePosixPath(self.file.name).name
        return name if not extension or name.lower().endswith(extension.lower()) else name + extension

    def save(self, *args, **kwargs):
        clean_text_fields(self)
        if self.file:
            if not self.title:
                self.title = self.file.name.rsplit("/", 1)[-1]
            try:
                self.size = self.file.size
            except (OSError, ValueError):
                pass
        replaced = self.pk and Attachment.objects.filter(pk=self.pk).exclude(file=self.file.name).first()
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            if replaced:
                _delete_file_on_commit(replaced.file)

    def delete(self, *args, **kwargs):
        # The file goes with its row (files are not transactional: only once the row is gone for good). Rows
        # deleted in bulk (an article's cascade) leave theirs to purge_orphan_files.
        with transaction.atomic(using=kwargs.get("using")):
            result = super().delete(*args, **kwargs)
            _delete_file_on_commit(self.file)
        return result


def _delete_file_on_commit(file):
    if file:
        name, storage = file.name, file.storage
        transaction.on_commit(lambda: storage.delete(name))


class Citation(models.Model):
    """A title a document cites in 《》, and the document it names (documents.legislation.citation_index keeps it true)."""

    class Outcome(models.TextChoices):
        LINKED = "linked", "已链接"
        MISSING = "missing", "档案中没有"
        AMBIGUOUS = "ambiguous", "对应多篇文件"
        SELF = "self", "引用自身"

    citing = models.ForeignKey(Article, models.CASCADE, verbose_name="引用的文章", related_name="citations")
    title_key = models.CharField("被引标题匹配键", max_length=300)
    cited = models.ForeignKey(
        Article, models.SET_NULL, null=True, blank=True, verbose_name="被引用的文章", related_name="citations_received"
    )
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices, default=Outcome.MISSING)

    class Version(models.TextChoices):
        IN_FORCE = "in_force", "引用时施行的版本"
        LATER = "later", "引用时施行的版本未收录：较新的版本"
        EARLIER = "earlier", "引用时施行的版本未收录：较早的版本"
        UNDATED = "undated", "引用文件日期不详：最新版本"

    # Which version of the cited document a linked row names (documents.legislation.cited_version).
    version = models.CharField("所指版本", max_length=8, choices=Version.choices, blank=True, default="")
    # A copy of citing.is_published, kept true because every save of the citing article rewrites its rows: the
    # 被引用 list reads it here instead of in the article row, after its long body.
    citing_published = models.BooleanField("引用的文章已发布", default=False)
    count = models.PositiveIntegerField("次数", default=1)
    position = models.PositiveIntegerField("顺序", default=0)  # order of first appearance in the body

    class Meta:
        ordering = ["citing", "position"]
        verbose_name = verbose_name_plural = "引用"
        constraints = [models.UniqueConstraint(fields=["citing", "title_key"], name="unique_citation")]
        # A newly added title finds the documents that cite it through this index.
        indexes = [models.Index(fields=["title_key"], name="citation_title_key")]

    def __str__(self):
        return f"《{self.title_key}》"


class Repeal(models.Model):
    """A document's statement that it repeals another, by title (废止《…》, 《…》同时废止): found in its text on save,
    so that the regulation it names is 已废止 whichever of the two was saved first."""

    article = models.ForeignKey(Article, models.CASCADE, verbose_name="废止文件", related_name="repeals")
    # documents.common.titles.loose_key of the title repealed (matched with Regulation.repeal_key).
    title_key = models.CharField("被废止的名称", max_length=300, db_index=True)
    # The latest date the sentence states of that title (its adoption, amendments): how far back a newer text of
    # the same title repeals.
    named_until = models.DateField("所废止文本的最晚日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "废止声明"


class TermFrequency(models.Model):
    """How many published documents hold a word (jieba, documents.related.related_terms): the archive's document
    frequencies as the last full computation of related documents found them (refresh_related)."""

    term = models.CharField("词", max_length=20, primary_key=True)
    documents = models.PositiveIntegerField("文档数")

    class Meta:
        verbose_name = verbose_name_plural = "词的文档频率"


class ArticleTerm(models.Model):
    """One of a published document's most distinctive words, with its weight (TF-IDF, the document's weights of
    unit length): related documents are those sharing heavy words (documents.related.related_index)."""

    article = models.ForeignKey(Article, models.CASCADE, verbose_name="文章", related_name="terms")
    term = models.CharField("词", max_length=20)
    weight = models.FloatField("权重")
    # The article's regulation_id when its terms were stored (every save stores them again): versions are told
    # apart without reading article rows, whose long body and text come before regulation_id.
    group = models.BigIntegerField("所属法规", null=True)

    class Meta:
        verbose_name = verbose_name_plural = "文档关键词"
        constraints = [models.UniqueConstraint(fields=["article", "term"], name="unique_article_term")]
        # The documents sharing a word are found through this index.
        indexes = [models.Index(fields=["term"], name="article_term_term")]


class RelatedDocument(models.Model):
    """One of the documents listed as related (相关文档) on an article's page, by rank (documents.related.related_index)."""

    article = models.ForeignKey(Article, models.CASCADE, verbose_name="文章", related_name="related_documents")
    related = models.ForeignKey(Article, models.CASCADE, verbose_name="相关文档", related_name="related_to")
    rank = models.PositiveSmallIntegerField("顺序")
    score = models.FloatField("相似度")

    class Meta:
        ordering = ["article_id", "rank"]  # not "article": that would join Article for its own ordering
        verbose_name = verbose_name_plural = "相关文档"
        constraints = [models.UniqueConstraint(fields=["article", "rank"], name="unique_related_rank")]


class IndexOperation(models.Model):
    """A pending change to the search index, applied by one writer at a time (documents.search.index.queue)."""

    class Action(models.TextChoices):
        UPDATE = "update", "更新"
        DELETE = "delete", "删除"

    article_id = models.BigIntegerField("文章编号", db_index=True)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    created_at = models.DateTimeField("加入时间", auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "待处理索引操作"


class EquivalentTerms(models.Model):
    """Forms official writing uses for one thing (人大常委会 / 人民代表大会常务委员会), one a line: a search for one
    also finds the others (documents/search/language/equivalents.py reads and checks them)."""

    forms = models.TextField(
        "等同说法",
        help_text="每行一个说法，至少两个，例如“人大常委会”和“人民代表大会常务委员会”。一个说法里用空格分开的几个词都要出现"
        "（“最高人民法院 最高人民检察院”）。不能是单字，也不能与另一组重复；繁体、简体不必分别填写。",
    )
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "等同说法"

    def __str__(self):
        return " / ".join(line.strip() for line in self.forms.splitlines() if line.strip())

    def save(self, *args, **kwargs):
        clean_text_fields(self)
        super().save(*args, **kwargs)
