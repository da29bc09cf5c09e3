"""Staff actions on articles and speakers: each one records in the articles' history who did it and why.

Editors (编辑) write drafts; reviewers (审核, the publish permission) decide what the public sees. An editor's edit of
a published article is held as the article's one pending ArticleRevision until a reviewer approves or rejects it.
"""

from django.db import models, transaction
from django.utils import timezone

from ..models import Article, ArticleRevision, Speaker
from . import merge

PUBLISH_PERMISSION = "documents.publish_article"


def can_publish(user):
    """Whether `user` decides what the public sees (the 审核 group): publishing, and edits of published articles."""
    return user.has_perm(PUBLISH_PERMISSION)


def _record(article, user, reason=""):
    """Save `article` as `user`'s doing, for `reason`: the one place where a staff action writes the history."""
    article._history_user = user
    article._change_reason = reason or None
    article.save()


def _articles(items):
    """`items` (articles, recycle-bin entries, or a queryset of either) as Article rows, freshly read: history, the
    search index and the page cache listen to Article's signals, not to the proxy's."""
    pks = items.values("pk") if isinstance(items, models.QuerySet) else [item.pk for item in items]
    return Article.objects.filter(pk__in=pks).order_by("pk")


class RevisionDecided(Exception):
    """The revision was approved or rejected by someone else meanwhile."""


class RevisionRefused(Exception):
    """The revision cannot be approved as it stands; the message says why and what to do, in Chinese."""


class ArticleChangedSince(RevisionRefused):
    """The article changed, in fields the revision touches, after the editor started: approving would overwrite
    that change. `fields` names them; the reviewer merges the revision onto the article as it is now, or returns it."""

    def __init__(self, fields):
        self.fields = fields
        labels = "、".join(str(Article._meta.get_field(name).verbose_name) for name in fields)
        super().__init__(
            f"编辑提交这份修改之后，文章的{labels}又被改过：直接批准会覆盖那次改动。"
            "请先“合并到现在的版本”再审核，或退回给编辑。"
        )


def edits_go_to_review(article, user):
    """Whether `user`'s edits of `article` wait for a reviewer: an editor's edits of a published article do."""
    return bool(article.pk) and not can_publish(user) and (
        Article.objects.filter(pk=article.pk, status=Article.Status.PUBLISHED).exists()
    )


def open_for_edit(article, user):
    """`article` as `user` edits (and previews) it: for an editor of a published article, with its pending revision
    applied, so that they continue that revision rather than start again from the published text.

    Sets `article.pending_revision` (the pending revision or None) and `article.edit_goes_to_review`.
    """
    article.pending_revision = (
        article.revisions.pending().select_related("author", "updated_by").first() if article.pk else None
    )
    article.edit_goes_to_review = edits_go_to_review(article, user)
    if article.edit_goes_to_review and article.pending_revision:
        article.pending_revision.apply_to(article)
    return article


def save_edit(article, user, reason=""):
    """Save `article` as `user` left it in the edit form (or as an old version being restored).

    An editor's edit of a published article goes to review instead: it becomes the article's pending revision
    (returned), and the public keeps seeing the published text. Otherwise the article is saved, and None returned.
    Only a reviewer changes the status (publishing is their decision); nobody moves an article in or out of the
    recycle bin by editing, restoring a version that was in the bin included.
    """
    current = Article.objects.filter(pk=article.pk).first() if article.pk else None
    if current is not None and edits_go_to_review(current, user):
        return submit_revision(current, article, user)
    if not can_publish(user):
        article.status = current.status if current else Article.Status.DRAFT
    if current:
        article.deleted_at = current.deleted_at
    _record(article, user, reason)
    return None


def submit_revision(article, edited, user):
    """Make `edited` (an unsaved copy of `article` as `user` left it) the article's one pending revision, created or
    updated. Returns it, or None when nothing differs from the article any more (a pending revision is withdrawn).
    """
    with transaction.atomic():
        # Locks the article's row: saves of the same article's revision wait for each other (PostgreSQL).
        Article.objects.select_for_update().filter(pk=article.pk).first()
        revision = article.revisions.pending().first()
        proposed = ArticleRevision.differences(article, edited)
        if revision and getattr(edited, "pending_revision", revision) is None:
            # Another editor's revision was saved after this person's form was checked against the published text
            # (the two saves crossed): keep both sets of changes.
            proposed = {**revision.proposed, **proposed}
        if not proposed:
            if revision:
                revision.delete()
            return None
        if revision is None:
            revision = ArticleRevision(article=article, author=user)
        # A field the revision already held was edited from the revision's value, which came from its base; any
        # other field was edited from the article as it is now.
        current = ArticleRevision.values(article)
        revision.base = {
            name: revision.base[name] if name in revision.proposed and name in revision.base else current[name]
            for name in proposed
        }
        revision.proposed, revision.updated_by = proposed, user
        revision.save()
    return revision


def _pending(revision):
    """`revision` read again and locked; RevisionDecided if someone approved or rejected it meanwhile."""
    revision = ArticleRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.status != ArticleRevision.Status.PENDING:
        raise RevisionDecided(revision)
    return revision


def _approvable(revision, article):
    if article.deleted_at is not None:
        raise RevisionRefused("这篇文章在回收站中，不能批准对它的修改：请先从回收站恢复，再审核。")
    changed = revision.changed_since(article)
    if changed:
        raise ArticleChangedSince(changed)


def approve_revision(revision, user):
    """Apply `revision` to its article as `user` (a reviewer): the history records the reviewer as the one who
    saved it, and the editors in the reason. RevisionRefused when the article is in the recycle bin or changed
    since the editor started (ArticleChangedSince): nothing published meanwhile is ever overwritten."""
    with transaction.atomic():
        revision = _pending(revision)
        article = Article.objects.select_for_update().get(pk=revision.article_id)
        _approvable(revision, article)
        article = revision.apply_to(article)
        _record(article, user, f"审核通过：编辑 {revision.editors} 的修改")
        revision.status, revision.reviewer, revision.decided_at = ArticleRevision.Status.APPROVED, user, timezone.now()
        revision.save(update_fields=["status", "reviewer", "decided_at"])
    return revision


def rebase_revision(revision, user):
    """Carry `revision` onto its article as it is now: a field changed on one side only takes that side's value, the
    body keeps both sides' changes when they touch different paragraphs. ArticleChangedSince (naming the fields)
    when both sides changed a field in overlapping ways: the reviewer then returns the revision."""
    with transaction.atomic():
        revision = _pending(revision)
        article = Article.objects.select_for_update().get(pk=revision.article_id)
        current, proposed, overlapping = ArticleRevision.values(article), dict(revision.proposed), []
        for name in revision.changed_since(article):
            base = revision.base[name]
            if proposed[name] == current[name]:
                continue
            if name == "body":
                try:
                    proposed[name] = merge.merge_text(base or "", proposed[name] or "", current[name] or "")
                    continue
                except merge.Overlap:
                    pass
            overlapping.append(name)
        if overlapping:
            raise ArticleChangedSince(overlapping)
        revision.proposed = {name: value for name, value in proposed.items() if value != current[name]}
        revision.base = {name: current[name] for name in revision.proposed}
        revision.updated_by = user
        revision.save(update_fields=["proposed", "base", "updated_by", "updated_at"])
    return revision


def reject_revision(revision, user, reason):
    """Send `revision` back to its editors with `reason`; the article does not change."""
    with transaction.atomic():
        revision = _pending(revision)
        revision.status, revision.reviewer, revision.decided_at = ArticleRevision.Status.REJECTED, user, timezone.now()
        revision.rejection_reason = reason
        revision.save(update_fields=["status", "reviewer", "decided_at", "rejection_reason"])
    return revision


def _set_status(items, user, status, reason):
    count = 0
    with transaction.atomic():
        for article in _articles(items).live().exclude(status=status):
            article.status = status  # Article.save stamps published_at on first publication
            _record(article, user, reason)
            count += 1
    return count


def publish(items, user):
    """Publish the drafts among `items`; returns how many were published."""
    return _set_status(items, user, Article.Status.PUBLISHED, "发布")


def unpublish(items, user):
    """Turn the published articles among `items` back into drafts; returns how many changed."""
    return _set_status(items, user, Article.Status.DRAFT, "撤回为草稿")


def recycle(items, user):
    """Move `items` to the recycle bin (off the site and out of search, undoable); returns how many moved."""
    now, count = timezone.now(), 0
    with transaction.atomic():
        for article in _articles(items).live():
            article.deleted_at = now
            _record(article, user, "移入回收站")
            count += 1
    return count


def restore(items, user):
    """Take `items` out of the recycle bin; returns how many came back."""
    count = 0
    with transaction.atomic():
        for article in _articles(items).filter(deleted_at__isnull=False):
            article.deleted_at = None
            _record(article, user, "从回收站恢复")
            count += 1
    return count


def purge(items, user):
    """Delete for good the articles among `items` that are in the recycle bin, with their attachment and cover files.

    Returns (articles deleted, files removed). The history keeps each article's last version, marked deleted by
    `user`.
    """
    files, count = [], 0
    with transaction.atomic():
        for article in _articles(items).filter(deleted_at__isnull=False).prefetch_related("attachments"):
            files += [attachment.file for attachment in article.attachments.all() if attachment.file]
            if article.cover_image:
                files.append(article.cover_image)
            article._history_user = user
            article._change_reason = "从回收站彻底删除"
            article.delete()
            count += 1
        # Files are not transactional: remove them only once the rows are gone for good.
        transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])
    return count, len(files)


def merge_speakers(keep, others, user):
    """Move the articles of `others` (records of the same person as `keep`) to `keep`, then delete `others`.

    Blank fields of `keep` take the first value one of the others has. Returns the number of articles moved.
    """
    others = [speaker for speaker in others if speaker.pk != keep.pk]
    with transaction.atomic():
        moved = 0
        for article in Article.objects.filter(speaker__in=others).order_by("pk"):
            article.speaker = keep
            _record(article, user, f"合并发言人到“{keep.name}”")
            moved += 1
        filled = {
            name: next((getattr(s, name) for s in others if getattr(s, name)), "")
            for name in ("position", "organization", "bio")
            if not getattr(keep, name)
        }
        # Deleted first: taking a duplicate's organization could otherwise collide with the (name,
        # organization) uniqueness while that duplicate still exists.
        for revision in ArticleRevision.objects.pending().filter(proposed__has_key="speaker").select_for_update():
            if revision.proposed["speaker"] in {s.pk for s in others}:
                revision.proposed["speaker"] = keep.pk
                revision.save(update_fields=["proposed"])
        Speaker.objects.filter(pk__in=[s.pk for s in others]).delete()
        changed = [name for name, value in filled.items() if value]
        for name in changed:
            setattr(keep, name, filled[name])
        if changed:
            keep.save(update_fields=changed)
    return moved
