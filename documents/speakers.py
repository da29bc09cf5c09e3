from django.db import transaction

from .models import Article, Speaker


def merge_speakers(keep, duplicates):
    """Move the articles of `duplicates` (the same person as `keep`) to `keep`, then delete them.

    Blank fields of `keep` take the first value a duplicate has. Returns the number of articles moved.
    """
    duplicates = [s for s in duplicates if s.pk != keep.pk]
    with transaction.atomic():
        moved = 0
        # Article by article, so that history and the search index see the new speaker.
        for article in Article.objects.filter(speaker__in=duplicates):
            article.speaker = keep
            article._change_reason = f"合并发言人到“{keep.name}”"
            article.save()
            moved += 1
        filled = {
            name: next((getattr(s, name) for s in duplicates if getattr(s, name)), "")
            for name in ("position", "organization", "bio")
            if not getattr(keep, name)
        }
        # Deleted first: taking a duplicate's organization could otherwise collide with the (name,
        # organization) uniqueness while that duplicate still exists.
        Speaker.objects.filter(pk__in=[s.pk for s in duplicates]).delete()
        changed = [name for name, value in filled.items() if value]
        for name in changed:
            setattr(keep, name, filled[name])
        if changed:
            keep.save(update_fields=changed)
    return moved
