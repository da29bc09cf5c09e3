"""The staff pages in Django's admin: columns, speakers (merge), meetings, articles with their attachments, uploads,
the recycle bin; staff actions go through workflow.py."""

import functools

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from ..changes import service
from .history import StaffHistoryHelper

from . import images, uploads, workflow
from ..common.ids import parse_id
from ..legislation import regulations
from .admin_review import PendingRevisionFilter, ReviewMixin
from .forms import ArticleAdminForm, AttachmentForm, EquivalentTermsForm, MergeForm, UploadForm
from ..models import Article, Attachment, Column, EquivalentTerms, Meeting, RecycledArticle, Regulation, Speaker


def _finishing(action):
    """An action on many articles whose saves went through but a step after them failed (the change path's
    StepFailed) tells staff so, with the command that finishes it, instead of an error page."""

    @functools.wraps(action)
    def run(self, request, queryset):
        try:
            return action(self, request, queryset)
        except service.StepFailed as failed:
            self.message_user(request, f"修改已保存，但后续步骤未完成：{failed}", messages.ERROR)
            return None

    return run

# What TinyMCE needs beyond the site's policy: style attributes for formatting and the placement of its menus,
# blob: images while editing. Scripts still come from the site only.
EDITOR_CSP = csp_update({"style-src": [UNSAFE_INLINE], "img-src": ["blob:"]})


class TextCleanedOnSave:
    """A NUL typed or pasted in a text field is dropped on save with the other invisible characters
    (sanitize.clean_text, in every model's save), as from any other source, instead of Django's form refusing the
    whole page with a message that speaks of an empty string (不允许是用空字符串)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
        return field


class BoundedDateChangeList(ChangeList):
    """Django's date drill-down fails on a year a date cannot hold (?date__year=99999999999999999999 overflows,
    9999 has no next year): that is a bad filter, which the list answers by showing itself with ?e=1."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


class BoundedDateHierarchy:
    """For a ModelAdmin with a date_hierarchy."""

    def get_changelist(self, request, **kwargs):
        return BoundedDateChangeList


@admin.register(Column)
class ColumnAdmin(TextCleanedOnSave, admin.ModelAdmin):
    list_display = ["name", "slug", "order", "in_navigation"]
    list_editable = ["order", "in_navigation"]
    search_fields = ["name"]


@admin.register(Speaker)
class SpeakerAdmin(TextCleanedOnSave, admin.ModelAdmin):
    list_display = ["name", "position", "organization", "article_count"]
    search_fields = ["name", "position", "organization"]
    actions = ["merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="文章数", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count

    def has_merge_permission(self, request):
        # Django allows an action on any one of its permissions; merging needs both.
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.action(description="合并所选发言人（同一人的多条记录）", permissions=["merge"])
    @_finishing
    def merge(self, request, queryset):
        chosen = self.get_queryset(request).filter(pk__in=queryset.values("pk"))
        if len(chosen) < 2:
            self.message_user(request, "请至少选择两个发言人记录再合并。", messages.WARNING)
            return None
        form = MergeForm(request.POST if "confirm" in request.POST else None, choices=chosen, noun="发言人记录")
        if form.is_valid():
            keep = form.cleaned_data["keep"]
            moved = workflow.merge_speakers(keep, [s for s in chosen if s.pk != keep.pk], request.user)
            self.message_user(
                request, f"已合并到“{keep}”，移动了 {moved} 篇文章，删除了 {len(chosen) - 1} 条重复记录。",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/documents/speaker/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": "合并发言人",
                "opts": self.model._meta,
                "form": form,
                "speakers": chosen,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Meeting)
class MeetingAdmin(BoundedDateHierarchy, TextCleanedOnSave, admin.ModelAdmin):
    list_display = ["name", "date", "location"]
    search_fields = ["name", "location"]
    date_hierarchy = "date"


@admin.register(EquivalentTerms)
class EquivalentTermsAdmin(TextCleanedOnSave, admin.ModelAdmin):
    """Search reads the table at once, without rebuilding the index (search/language/equivalents.py)."""

    form = EquivalentTermsForm
    list_display = ["listing", "note", "updated_at"]
    search_fields = ["forms", "note"]

    @admin.display(description="等同说法")
    def listing(self, obj):
        return str(obj)


class VersionInline(admin.TabularInline):
    """A regulation's versions, read-only here: each is edited (and attached or detached) on its own page."""

    model = Article
    fields = ["title_link", "date_display", "validity", "status", "regulation_by_hand", "text_note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = verbose_name_plural = "版本"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).live().only(
            "id", "title", "subtitle", "date", "date_precision", "validity", "status", "regulation_by_hand",
            "regulation", "represented_by",
        )

    @admin.display(description="标题")
    def title_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:documents_article_change", args=[obj.pk]), obj.title)

    @admin.display(description="日期")
    def date_display(self, obj):
        return obj.date_display

    @admin.display(description="文本")
    def text_note(self, obj):
        """A law's part, or a duplicate record (the same text as another: staff may remove it)."""
        if regulations.is_part(obj):
            return obj.subtitle
        if obj.represented_by_id is not None:
            return format_html('重复记录：与<a href="{}">第 {} 号记录</a>正文相同，可删除',
                               reverse("admin:documents_article_change", args=[obj.represented_by_id]),
                               obj.represented_by_id)
        return ""


@admin.register(Regulation)
class RegulationAdmin(admin.ModelAdmin):
    """Version groups: read, renamed by their newest version, merged by reviewers (合并所选法规)."""

    list_display = ["title", "issuer", "version_count"]
    search_fields = ["title", "issuer"]
    readonly_fields = ["title", "issuer"]
    fields = ["title", "issuer"]
    inlines = [VersionInline]
    actions = ["merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(version_count=Count("versions"))

    def has_add_permission(self, request):
        return False  # a group is made by its documents (or by 分离 on a document)

    def has_delete_permission(self, request, obj=None):
        # A group is emptied by merging (which needs this permission), never deleted under its versions.
        return obj is None and super().has_delete_permission(request)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="版本数", ordering="version_count")
    def version_count(self, obj):
        return obj.version_count

    def has_merge_permission(self, request):
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.action(description="合并所选法规（同一法规的多个版本组）", permissions=["merge"])
    @_finishing
    def merge(self, request, queryset):
        chosen = list(self.get_queryset(request).filter(pk__in=queryset.values("pk")))
        if len(chosen) < 2:
            self.message_user(request, "请至少选择两个法规再合并。", messages.WARNING)
            return None
        form = MergeForm(
            request.POST if "confirm" in request.POST else None,
            choices=self.get_queryset(request).filter(pk__in=[g.pk for g in chosen]), noun="法规",
        )
        if form.is_valid():
            keep = form.cleaned_data["keep"]
            moved = regulations.merge(keep, [g for g in chosen if g.pk != keep.pk], request.user)
            self.message_user(request, f"已合并到“{keep}”，移入 {moved} 个版本。", messages.SUCCESS)
            return None
        return TemplateResponse(request, "admin/documents/regulation/merge.html", {
            **self.admin_site.each_context(request),
            "title": "合并法规",
            "opts": self.model._meta,
            "form": form,
            "regulations": chosen,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })


class AttachmentInline(TextCleanedOnSave, admin.TabularInline):
    model = Attachment
    form = AttachmentForm
    extra = 0
    fields = ["file", "title", "size", "text_outcome"]
    readonly_fields = ["size", "text_outcome"]

    @admin.display(description="提取的文字（供搜索）")
    def text_outcome(self, obj):
        if obj.text_status == Attachment.TextStatus.EXTRACTED:
            return f"已提取（{len(obj.text):,} 字）"
        label = obj.get_text_status_display()
        return f"{label}：{obj.text_note}" if obj.text_note else label

    # An editor's edit of a published article waits for review, and files cannot wait with it: the attachments
    # of a published article are shown to editors read-only (the change form says so).
    def _editable(self, request, obj):
        return obj is None or not workflow.edits_go_to_review(obj, request.user)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(request, obj)


@admin.register(Article)
class ArticleAdmin(BoundedDateHierarchy, TextCleanedOnSave, ReviewMixin, SimpleHistoryAdmin):
    form = ArticleAdminForm
    object_history_list_template = "admin/documents/article/history_list.html"
    list_display = [
        "title", "column", "kind", "speaker", "date_display", "validity", "status", "pending_review", "pinned",
        "updated_at",
    ]
    list_filter = [
        "status", PendingRevisionFilter, "column", "kind", "validity", "pinned",
        ("speaker", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["column", "speaker"]
    search_fields = ["title", "doc_number"]
    date_hierarchy = "date"
    autocomplete_fields = ["speaker", "meeting", "regulation"]
    inlines = [AttachmentInline]
    actions = ["publish", "unpublish", "recycle", "detach"]
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "column", "kind", "status", "pinned", "revision_seen"]}),
        ("发言人与会议", {"fields": ["speaker", "speaker_title", "meeting"]}),
        ("日期", {"fields": ["date", "date_precision"]}),
        ("公文信息", {"fields": ["doc_number", "issuer"], "classes": ["collapse"]}),
        ("版本与时效性", {"fields": ["regulation", "regulation_by_hand", "validity", "validity_override",
                                    "effective_date"]}),
        ("正文", {"fields": ["body", "cover_image", "cover_alt", "source", "amendments"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).live()

    @method_decorator(EDITOR_CSP)
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        if parse_id(unquote(object_id)) is None:
            raise Http404("没有这篇文章")
        return super().history_view(request, object_id, extra_context)

    @method_decorator(EDITOR_CSP)
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history's own pattern takes any text for both ids; a query would fail on one that is not a number.
        if parse_id(unquote(object_id)) is None or parse_id(version_id) is None:
            raise Http404("没有这个历史版本")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return StaffHistoryHelper(self.model, historical_record)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="documents_article_upload"),
            path("<path:object_id>/preview/", view(self.preview_view), name="documents_article_preview"),
            path("body-image/", view(self.body_image_view), name="documents_article_body_image"),
        ] + super().get_urls()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj)) + ["validity"]
        if not workflow.can_publish(request.user):
            fields.append("status")
        return fields

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    def change_reason(self, obj, form):
        reasons = [super().change_reason(obj, form)]
        if "validity_override" in form.changed_data:
            reasons.append(f"时效性设为：{obj.get_validity_override_display() or '自动判断'}")
        return "；".join(reason for reason in reasons if reason)

    def save_model(self, request, obj, form, change):
        if "regulation" in form.changed_data:
            obj.regulation_by_hand = True  # chosen by staff: the title rule leaves it there
        super().save_model(request, obj, form, change)

    # What the public sees of a regulation's versions is the reviewers' decision, as its text is.
    @admin.action(description="从所属法规中分离（单独成为一个法规）", permissions=["publish"])
    def detach(self, request, queryset):
        count = 0
        for article in queryset.filter(regulation__isnull=False):
            regulations.detach(article, request.user)
            count += 1
        self.message_user(request, f"已分离 {count} 篇文章，每篇单独成为一个法规（手动归组）。", messages.SUCCESS)

    # Deleting moves to the recycle bin (RecycledArticleAdmin), from which a reviewer may restore or purge.
    def delete_model(self, request, obj):
        workflow.recycle([obj], request.user)

    def delete_queryset(self, request, queryset):
        workflow.recycle(queryset, request.user)

    def response_delete(self, request, obj_display, obj_id):
        self.message_user(request, f"“{obj_display}”已移入回收站，可在“回收站”中恢复。", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:documents_article_changelist"))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # replaced by `recycle`, which needs no confirmation: it is undoable
        return actions

    @admin.action(description="移入回收站", permissions=["delete"])
    @_finishing
    def recycle(self, request, queryset):
        count = workflow.recycle(queryset, request.user)
        self.message_user(request, f"已将 {count} 篇文章移入回收站。", messages.SUCCESS)

    @admin.display(description="日期", ordering="date")
    def date_display(self, obj):
        return obj.date_display

    @admin.action(description="发布所选文章", permissions=["publish"])
    @_finishing
    def publish(self, request, queryset):
        count = workflow.publish(queryset, request.user)
        self.message_user(request, f"已发布 {count} 篇文章。", messages.SUCCESS)

    @admin.action(description="撤回所选文章（改为草稿）", permissions=["publish"])
    @_finishing
    def unpublish(self, request, queryset):
        count = workflow.unpublish(queryset, request.user)
        self.message_user(request, f"已撤回 {count} 篇文章。", messages.SUCCESS)

    def upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
        outcomes = None
        if form.is_bound and form.is_valid():
            files = [(f.name, f.read()) for f in form.cleaned_data["files"]]
            outcomes = uploads.import_uploads(files, column=form.cleaned_data["column"])
            imported = sum(1 for outcome in outcomes if outcome.ok)
            failed = len(outcomes) - imported
            if imported:
                self.message_user(request, f"成功导入 {imported} 个文件，文章为草稿状态，请检查后发布。", messages.SUCCESS)
            if failed:
                self.message_user(request, f"{failed} 个文件未能导入，原因见下表。", messages.ERROR)
            form = UploadForm()
        return TemplateResponse(
            request,
            "admin/documents/article/upload.html",
            {
                **self.admin_site.each_context(request),
                "title": "上传文件",
                "opts": self.model._meta,
                "form": form,
                "outcomes": outcomes,
                "max_bytes": settings.IMPORT_MAX_BYTES,
                "media": self.media + form.media,
            },
        )

    def body_image_view(self, request):
        """The editor's picture upload: JSON {"location": url} or {"error": message}."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        uploaded = request.FILES.get("file")
        if uploaded is None:
            return JsonResponse({"error": "没有收到图片"}, status=400)
        try:
            return JsonResponse({"location": images.save_body_image(uploaded)})
        except images.ImageProblem as problem:
            return JsonResponse({"error": str(problem)}, status=400)

    def preview_view(self, request, object_id):
        """The article as the public will see it: as its editor is editing it (an editor sees the pending revision
        of a published article), or with the revision given by `?revision=`."""
        from ..archive.pages import article_context, article_queryset

        article_id = parse_id(unquote(object_id))
        if article_id is None:
            raise Http404("没有这篇文章")
        article = get_object_or_404(article_queryset(), pk=article_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        revision_id = request.GET.get("revision", "")
        if revision_id:
            revision = get_object_or_404(article.revisions, pk=revision_id) if revision_id.isdigit() else None
            if revision is None:
                raise Http404
            revision.apply_to(article)
        else:
            workflow.open_for_edit(article, request.user)
            revision = article.pending_revision if article.edit_goes_to_review else None
        context = {**article_context(article), "revision": revision}
        return TemplateResponse(request, "admin/documents/article/preview.html", context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["preview_url"] = reverse("admin:documents_article_preview", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(RecycledArticle)
class RecycledArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "column", "status", "deleted_at", "history_link"]
    list_filter = ["column"]
    list_select_related = ["column"]
    search_fields = ["title", "doc_number"]
    ordering = ["-deleted_at"]
    actions = ["restore", "purge"]
    delete_confirmation_template = "admin/documents/recycledarticle/delete_confirmation.html"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(deleted_at__isnull=False)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Restoring is a change of the bin; an article itself is edited only after it is restored.
        return obj is None and super().has_change_permission(request)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Replaced by `purge`, whose confirmation and message speak of articles and their files.
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="历史版本")
    def history_link(self, obj):
        return format_html('<a href="{}">查看</a>', reverse("admin:documents_article_history", args=[obj.pk]))

    @admin.action(description="恢复所选文章", permissions=["change"])
    @_finishing
    def restore(self, request, queryset):
        count = workflow.restore(queryset, request.user)
        self.message_user(request, f"已恢复 {count} 篇文章。", messages.SUCCESS)

    @admin.action(description="彻底删除所选文章（不可恢复）", permissions=["delete"])
    @_finishing
    def purge(self, request, queryset):
        if request.POST.get("post") == "yes":
            count, files = workflow.purge(queryset, request.user)
            self.message_user(request, f"已彻底删除 {count} 篇文章及其 {files} 个文件。", messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "admin/documents/recycledarticle/purge_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": "彻底删除文章",
                "opts": self.model._meta,
                "articles": queryset.annotate(attachment_count=Count("attachments")),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def delete_model(self, request, obj):
        workflow.purge([obj], request.user)

    def response_delete(self, request, obj_display, obj_id):
        self.message_user(request, f"已彻底删除文章“{obj_display}”。", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:documents_recycledarticle_changelist"))
