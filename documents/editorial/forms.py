"""Forms of the staff pages in the admin."""

from django import forms
from django.conf import settings
from django.forms.models import model_to_dict
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from tinymce.widgets import AdminTinyMCE

from ..common.dates import InvalidDate, format_moment, parse_partial_date
from ..ingest.attachment_text import read_file
from ..models import Article, ArticleRevision, Attachment, Column, EquivalentTerms, Speaker
from ..common.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, clean_text
from ..search.language import equivalents

# The editor offers what the sanitizer keeps, so that what staff see is what gets saved.
EDITOR_CONFIG = {
    "language": "zh_CN",
    "height": 600,
    "menubar": False,
    "promotion": False,
    "branding": False,
    "license_key": "gpl",
    "plugins": "lists advlist link autolink image table code fullscreen searchreplace wordcount",
    "toolbar": (
        "undo redo | blocks | bold italic underline strikethrough | bullist numlist outdent indent | "
        "table link image | removeformat | searchreplace code fullscreen"
    ),
    "block_formats": "正文=p; 标题 2=h2; 标题 3=h3; 标题 4=h4; 引用=blockquote",
    "valid_elements": ",".join(
        f"{tag}[{'|'.join(ALLOWED_ATTRIBUTES[tag])}]" if tag in ALLOWED_ATTRIBUTES else tag
        for tag in sorted(ALLOWED_TAGS)
    ),
    # Keep /media/... image addresses as typed: the sanitizer accepts the site's own media by that prefix.
    "relative_urls": False,
    "convert_urls": False,
    "entity_encoding": "raw",
    # Pictures are uploaded to the site's media (documents.editorial.images): the sanitizer keeps only those and http(s)
    # addresses. Pasted screenshots would become data: URLs, which it drops.
    "paste_data_images": False,
    "images_upload_url": reverse_lazy("admin:documents_article_body_image"),
    "images_upload_handler": "documentsUploadImage",
    "images_file_types": "jpeg,jpg,png,gif,webp",
    "link_default_protocol": "https",
    "table_default_styles": {},
    "table_default_attributes": {},
}


class AmendmentsField(forms.Field):
    """修订沿革 as staff write it, one event a line: `2021-06-01 市人大常委会第五次会议通过` (the date may be
    2021-06 or 2021, or left out). Stored as the import format's list of {"date", "event"}."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 80})

    def prepare_value(self, value):
        if isinstance(value, str):  # the text of a form that failed validation, shown back as typed
            return value
        lines = []
        for item in value or []:
            if isinstance(item, dict):
                lines.append(" ".join(part for part in (item.get("date") or "", item.get("event") or "") if part))
        return "\n".join(lines)

    def to_python(self, value):
        entries = []
        # Cleaned first, as the model will: splitlines() would take a pasted vertical tab or NEL for a line break.
        for number, line in enumerate(clean_text(value or "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            first, _, rest = line.partition(" ")
            date = None
            if first[:4].isdigit():
                try:
                    date = parse_partial_date(first).isoformat()
                except InvalidDate as error:
                    raise forms.ValidationError(f"第 {number} 行：{error}") from None
                line = rest.strip()
            if not line:
                raise forms.ValidationError(f"第 {number} 行：日期后面缺少事件说明")
            entries.append({"date": date, "event": line})
        return entries


class ArticleAdminForm(forms.ModelForm):
    amendments = AmendmentsField(
        label="修订沿革", required=False,
        help_text="每行一条：日期（2021-06-01、2021-06 或 2021，可省略）加空格再写事件，如“2021-06-01 市人大常委会通过”。",
    )

    # The pending revision as the page showed it ("" for none). When an editor's edit goes to review and someone
    # saved that revision since, nothing is lost: their changes stay in the fields this person left alone, and a
    # field both changed is refused with a message rather than silently overwritten.
    revision_seen = forms.CharField(label="所见的待审核版本", widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = "__all__"
        widgets = {"body": AdminTinyMCE(mce_attrs=EDITOR_CONFIG)}

    class Media:
        js = ["documents/editor-upload.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        revision = self._revision_in_edit()
        if "revision_seen" in self.fields and revision:
            self.fields["revision_seen"].initial = revision.version

    def _revision_in_edit(self):
        """The pending revision this form edits (documents.editorial.workflow.open_for_edit put it on the article), if any."""
        return getattr(self.instance, "pending_revision", None) if getattr(self.instance, "edit_goes_to_review", False) else None

    def clean(self):
        cleaned = super().clean()
        if getattr(self.instance, "edit_goes_to_review", False) and "revision_seen" in cleaned:
            self._merge_with_newer_revision(cleaned)
        return cleaned

    def _merge_with_newer_revision(self, cleaned):
        revision = self._revision_in_edit()
        seen, current = cleaned["revision_seen"], revision.version if revision else ""
        if seen == current:
            return
        if seen:  # the revision this person was editing changed again, or was approved or rejected, meanwhile
            who = f"{revision.editors} 于 {format_moment(revision.updated_at)} 又修改了它" if revision else "它已被审核"
            raise forms.ValidationError(
                f"您编辑的是一份待审核的修改，而在您打开本页之后{who}。为免覆盖，本次没有保存："
                "请先复制您写的内容，再重新打开本页继续修改。"
            )
        # This person saw the published text; another editor's revision arrived meanwhile.
        published = model_to_dict(Article.objects.get(pk=self.instance.pk), fields=ArticleRevision.FIELDS)
        clashes = []
        for name in ArticleRevision.FIELDS:
            if name not in cleaned:
                continue
            field, data = self.fields[name], self[name].data
            if not field.has_changed(published.get(name), data):
                del cleaned[name]  # left alone here: the revision's value stays
            elif name in revision.proposed and field.has_changed(self[name].initial, data):
                clashes.append(str(field.label))
        if clashes:
            raise forms.ValidationError(
                f"在您打开本页之后，{revision.editors} 于 {format_moment(revision.updated_at)} 提交了对这篇文章的修改，"
                f"也改动了：{'、'.join(clashes)}。为免覆盖对方的修改，本次没有保存：请先复制您写的内容，"
                "再重新打开本页，在对方修改的基础上继续。"
            )


class RevisionDecisionForm(forms.Form):
    """A reviewer's decision on a pending revision: 批准, 退回 with a reason the editors will read, or 合并到现在的版本
    when the article changed since the editor started."""

    decision = forms.ChoiceField(
        choices=[("approve", "批准"), ("reject", "退回"), ("rebase", "合并到现在的版本")],
        error_messages={"required": "请选择批准或退回。", "invalid_choice": "请选择批准或退回。"},
    )
    reason = forms.CharField(
        label="退回原因", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="退回时必填：编辑打开这篇文章时会看到。",
        error_messages={"max_length": "退回原因最多 %(limit_value)d 个字（现在 %(show_value)d 个）。"},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("reason", "").strip():
            self.add_error("reason", "退回时请写明原因，编辑会看到它。")
        return cleaned


class AttachmentForm(forms.ModelForm):
    """An attachment on the article's page. A new file's text is read for search here, during validation: the
    save that follows runs in one transaction, and on SQLite its write lock would be held while the file is read."""

    class Meta:
        model = Attachment
        fields = ["file", "title"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("file") and "file" in self.changed_data:
            read_file(cleaned["file"]).apply(self.instance)
        return cleaned


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (the pattern of Django's file upload documentation)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".docx,.pdf,.txt,.html,.htm,.zip"}))
        # An empty file is reported in the per-file results, not by refusing the whole upload.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)) and data:
            return [single(item, initial) for item in data]
        return [single(data or None, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="文件",
        help_text="可一次选择多个 .docx、.pdf、.txt、.html 文件，或一个包含这些文件的 .zip 压缩包。",
        error_messages={"required": "请选择要上传的文件。"},
    )
    column = forms.ModelChoiceField(
        Column.objects.all(), label="栏目", help_text="导入的文章放入此栏目，之后可逐篇修改。",
        error_messages={"required": "请选择栏目。"},
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        limit = settings.IMPORT_MAX_BYTES
        too_large = [f.name for f in files if f.size > limit]
        if too_large:
            raise forms.ValidationError(
                "文件太大（每个文件最大 %(limit)s）：%(names)s",
                params={"limit": filesizeformat(limit), "names": "、".join(too_large)},
            )
        return files


class MergeForm(forms.Form):
    """Which one of the records selected for merging (发言人, 法规) is kept: `choices` are those records, `noun`
    names one of them in the messages."""

    keep = forms.ModelChoiceField(Speaker.objects.none(), widget=forms.RadioSelect, empty_label=None)

    def __init__(self, *args, choices, noun, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["keep"]
        field.queryset, field.label = choices, f"保留的{noun}"
        field.error_messages = {"required": f"请选择要保留的{noun}。", "invalid_choice": f"请选择所列的{noun}之一。"}


class EquivalentTermsForm(forms.ModelForm):
    """A group of equivalent terms, checked against itself and the other groups (search.equivalents.check_forms)."""

    class Meta:
        model = EquivalentTerms
        fields = ["forms", "note"]
        widgets = {"forms": forms.Textarea(attrs={"rows": 6, "cols": 40})}

    def clean_forms(self):
        others = EquivalentTerms.objects.exclude(pk=self.instance.pk).values_list("forms", flat=True)
        return equivalents.check_forms(clean_text(self.cleaned_data["forms"]), others)
