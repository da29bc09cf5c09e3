from django.contrib import admin, messages
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from .models import Article, Attachment, Column, Meeting, Speaker


@admin.register(Column)
class ColumnAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "in_navigation"]
    list_editable = ["order", "in_navigation"]
    search_fields = ["name"]


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "organization"]
    search_fields = ["name", "position", "organization"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["name", "date", "location"]
    search_fields = ["name", "location"]
    date_hierarchy = "date"


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["file", "title", "size"]
    readonly_fields = ["size"]


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "column", "kind", "speaker", "date_display", "status", "pinned", "updated_at"]
    list_filter = ["status", "column", "kind", "pinned", ("speaker", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["column", "speaker"]
    search_fields = ["title", "doc_number"]
    date_hierarchy = "date"
    autocomplete_fields = ["speaker", "meeting"]
    inlines = [AttachmentInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "column", "kind", "status", "pinned"]}),
        ("发言人与会议", {"fields": ["speaker", "speaker_title", "meeting"]}),
        ("日期", {"fields": ["date", "date_precision"]}),
        ("公文信息", {"fields": ["doc_number", "issuer"], "classes": ["collapse"]}),
        ("正文", {"fields": ["body", "cover_image", "cover_alt", "source", "amendments"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).live()

    @admin.display(description="日期", ordering="date")
    def date_display(self, obj):
        return obj.date_display

    @admin.action(description="发布所选文章")
    def publish(self, request, queryset):
        self._set_status(request, queryset, Article.Status.PUBLISHED, "已发布 %d 篇文章。")

    @admin.action(description="撤回所选文章（改为草稿）")
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Article.Status.DRAFT, "已撤回 %d 篇文章。")

    def _set_status(self, request, queryset, status, message):
        # Saved one by one so that history, the sanitizer and the search index see each change.
        changed = 0
        for article in queryset.exclude(status=status):
            article.status = status
            if status == Article.Status.PUBLISHED and article.published_at is None:
                article.published_at = timezone.now()
            article.save()
            changed += 1
        self.message_user(request, message % changed, messages.SUCCESS)
