"""Forms of the staff pages in the admin."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from tinymce.widgets import AdminTinyMCE

from .dates import InvalidDate, parse_partial_date
from .models import Article, Column, Regulation, Speaker
from .sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

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
    # Pictures are uploaded to the site's media (documents.images): the sanitizer keeps only those and http(s)
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
        for number, line in enumerate((value or "").splitlines(), start=1):
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

    class Meta:
        model = Article
        fields = "__all__"
        widgets = {"body": AdminTinyMCE(mce_attrs=EDITOR_CONFIG)}

    class Media:
        js = ["documents/editor-upload.js"]


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


class SpeakerMergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        Speaker.objects.none(), label="保留的记录", widget=forms.RadioSelect, empty_label=None,
        error_messages={"required": "请选择要保留的发言人记录。", "invalid_choice": "请选择所列的发言人之一。"},
    )

    def __init__(self, *args, speakers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = speakers


class RegulationMergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        Regulation.objects.none(), label="保留的法规", widget=forms.RadioSelect, empty_label=None,
        error_messages={"required": "请选择要保留的法规。", "invalid_choice": "请选择所列的法规之一。"},
    )

    def __init__(self, *args, regulations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = regulations
