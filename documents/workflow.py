"""Staff actions on articles and speakers: each one records in the articles' history who did it and why."""

from django.db import models, transaction
from django.utils import timezone

from .models import Article, Speaker

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


def save_edit(article, user, reason=""):
    """Save `article` as `user` left it in the edit form (or as an old version being restored).

    Only a reviewer changes its status (publishing is their decision); nobody moves it in or out of the recycle bin
    by editing, restoring a version that was in the bin included.
    """
    current = Article.objects.filter(pk=article.pk).values("status", "deleted_at").first() if article.pk else None
    if not can_publish(user):
        article.status = current["status"] if current else Article.Status.DRAFT
    if current:
        article.deleted_at = current["deleted_at"]
    _record(article, user, reason)


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
        Speaker.objects.filter(pk__in=[s.pk for s in others]).delete()
        changed = [name for name, value in filled.items() if value]
        for name in changed:
            setattr(keep, name, filled[name])
        if changed:
            keep.save(update_fields=changed)
    return moved
