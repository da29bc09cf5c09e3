"""The admin's side of reviewing: editors' edits of published articles held as revisions, the comparison page with
批准 / 退回, and the changelist's filter and column of articles with pending changes (rules in workflow.py)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from . import revision_diff, workflow
from ..common.dates import format_moment
from .forms import RevisionDecisionForm
from ..models import ArticleRevision

PENDING = ArticleRevision.Status.PENDING


def revision_url(article_pk, revision_pk):
    return reverse("admin:documents_article_revision", args=[article_pk, revision_pk])


class PendingRevisionFilter(admin.SimpleListFilter):
    title = "待审核的修改"
    parameter_name = "pending"

    def lookups(self, request, model_admin):
        return [("yes", "有待审核的修改"), ("no", "没有")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(pending_revision_pk__isnull=self.value() == "no")
        return queryset


class ReviewMixin:
    """For ArticleAdmin: editors edit (and preview) the pending revision of a published article, saving updates it;
    reviewers compare it with the published text and approve or reject it."""

    def get_queryset(self, request):
        pending = ArticleRevision.objects.pending().filter(article=OuterRef("pk")).values("pk")[:1]
        return super().get_queryset(request).annotate(pending_revision_pk=Subquery(pending))

    def get_object(self, request, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        match = request.resolver_match
        if article is not None and match and match.url_name == "documents_article_change":
            workflow.open_for_edit(article, request.user)
        return article

    def edit_goes_to_review(self, request, obj):
        flag = getattr(obj, "edit_goes_to_review", None)
        return workflow.edits_go_to_review(obj, request.user) if flag is None else flag

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and self.edit_goes_to_review(request, obj):
            # Files of a published article are the reviewers' (see the notice), and so is its version group.
            fields += ["cover_image", "regulation", "regulation_by_hand"]
        return fields

    def change_reason(self, obj, form):
        """Why this save happened, for the history (restoring an old version, say); subclasses add theirs."""
        restored = getattr(obj, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)
        return f"恢复到 {format_moment(restored.history_date)} 的版本" if restored else ""

    def save_model(self, request, obj, form, change):
        reason = self.change_reason(obj, form)
        obj.edit_goes_to_review = change and workflow.edits_go_to_review(obj, request.user)
        obj.submitted_revision = workflow.save_edit(obj, request.user, reason)

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(form.instance, "submitted_revision", None):
            labels = [str(form.fields[name].label) for name in form.changed_data if name in form.fields]
            return "提交待审核的修改" + (f"：{'、'.join(labels)}" if labels else "")
        return super().construct_change_message(request, form, formsets, add)

    def response_change(self, request, obj):
        if not getattr(obj, "edit_goes_to_review", False):
            return super().response_change(request, obj)
        if obj.submitted_revision:
            self.message_user(
                request, f"对“{obj}”的修改已提交审核：审核通过后，网站上才显示修改后的内容。", messages.SUCCESS
            )
        else:
            self.message_user(request, f"“{obj}”与已发布的版本相同，没有需要审核的修改。", messages.INFO)
        if "_continue" in request.POST:
            return HttpResponseRedirect(reverse("admin:documents_article_change", args=[obj.pk]))
        return HttpResponseRedirect(reverse("admin:documents_article_changelist"))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["review"] = self._review_notice(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _review_notice(self, request, obj):
        """What the change form says about review: the pending revision being edited or awaiting this reviewer,
        the rule for a published article, or why the last revision was sent back."""
        pending = getattr(obj, "pending_revision", None)
        latest = pending or obj.revisions.select_related("author", "updated_by", "reviewer").first()
        return {
            "pending": pending,
            "editing_revision": bool(pending) and obj.edit_goes_to_review,
            "goes_to_review": obj.edit_goes_to_review,
            "rejected": latest if latest and latest.status == ArticleRevision.Status.REJECTED else None,
            "url": revision_url(obj.pk, latest.pk) if latest else None,
        }

    @admin.display(description="待审核的修改")
    def pending_review(self, obj):
        if obj.pending_revision_pk is None:
            return ""
        return format_html('<a href="{}">待审核</a>', revision_url(obj.pk, obj.pending_revision_pk))

    def changelist_view(self, request, extra_context=None):
        pending = ArticleRevision.objects.pending().filter(article__deleted_at__isnull=True).count()
        return super().changelist_view(request, {**(extra_context or {}), "pending_reviews": pending})

    def get_urls(self):
        route = path(
            "<path:object_id>/revisions/<int:revision_id>/",
            self.admin_site.admin_view(self.revision_view),
            name="documents_article_revision",
        )
        return [route] + super().get_urls()

    def revision_view(self, request, object_id, revision_id):
        """The comparison of a revision with the published article; reviewers approve or reject it here."""
        revision = get_object_or_404(
            ArticleRevision.objects.select_related("article", "author", "updated_by", "reviewer"),
            pk=revision_id, article_id=object_id,
        )
        article = revision.article
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        may_decide = workflow.can_publish(request.user)
        form = RevisionDecisionForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":
            if not may_decide:
                raise PermissionDenied
            if form.is_valid():
                return self._decide(request, revision, form.cleaned_data)
        stale = revision.status == PENDING and bool(revision.changed_since(article))
        context = {
            **self.admin_site.each_context(request),
            "title": f"审核修改：{article}",
            "opts": self.model._meta,
            "article": article,
            "revision": revision,
            # Once approved, the article holds the revision: there is nothing left to compare.
            "comparison": None if revision.status == ArticleRevision.Status.APPROVED else revision_diff.compare(article, revision),
            "form": form,
            "may_decide": may_decide and revision.status == PENDING,
            # Approving would overwrite what was published since the editor started, or revive a recycled article.
            "may_approve": not stale and article.deleted_at is None,
            "stale": stale,
        }
        return TemplateResponse(request, "admin/documents/article/revision.html", context)

    def _decide(self, request, revision, decision):
        try:
            if decision["decision"] == "approve":
                approved = workflow.approve_revision(revision, request.user)
                self.message_user(request, f"已批准 {approved.editors} 的修改，“{approved.article}”已按修改发布。")
            elif decision["decision"] == "rebase":
                workflow.rebase_revision(revision, request.user)
                self.message_user(request, "已把这份修改合并到现在发布的版本：请再核对一次对比，然后批准或退回。")
                return HttpResponseRedirect(revision_url(revision.article_id, revision.pk))
            else:
                workflow.reject_revision(revision, request.user, decision["reason"].strip())
                self.message_user(request, f"已退回 {revision.editors} 对“{revision.article}”的修改，编辑会看到原因。")
        except workflow.RevisionRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(revision_url(revision.article_id, revision.pk))
        except workflow.RevisionDecided as decided:
            done = decided.args[0]
            verb = "批准" if done.status == ArticleRevision.Status.APPROVED else "退回"
            self.message_user(
                request, f"这份修改已由 {done.reviewer_name} 于 {format_moment(done.decided_at)} {verb}，本次没有改动。",
                messages.WARNING,
            )
        return HttpResponseRedirect(reverse("admin:documents_article_changelist") + "?pending=yes")
