"""Files under MEDIA_ROOT that no row names any more (an attachment or cover replaced, rows deleted in bulk): found
and removed. Body pictures (images/) are named only inside bodies and are left alone."""

import os
import time
from pathlib import Path

from django.conf import settings

from ..models import Article, Attachment

# Folders whose files belong to rows: attachments and cover images.
FOLDERS = ("attachments", "covers")
# A file younger than this may belong to an upload whose row is not committed yet.
MIN_AGE_SECONDS = 3600


def referenced():
    """Every media file name a row holds: attachments, covers, and the covers of older versions in the history
    (restoring one brings its cover back)."""
    names = set(Attachment.objects.exclude(file="").values_list("file", flat=True))
    names |= set(Article.objects.exclude(cover_image="").values_list("cover_image", flat=True))
    names |= set(Article.history.exclude(cover_image="").values_list("cover_image", flat=True))
    return names


def orphans(min_age=MIN_AGE_SECONDS):
    """Media files (relative names) in FOLDERS that no row names, older than `min_age` seconds."""
    root, keep, cutoff = Path(settings.MEDIA_ROOT), referenced(), time.time() - min_age
    found = []
    for folder in FOLDERS:
        for directory, _, files in os.walk(root / folder):
            for name in files:
                path = Path(directory) / name
                relative = path.relative_to(root).as_posix()
                if relative not in keep and path.stat().st_mtime < cutoff:
                    found.append(relative)
    return sorted(found)


def purge(names):
    """Remove the files `names` (relative to MEDIA_ROOT); returns the bytes freed."""
    root, freed = Path(settings.MEDIA_ROOT), 0
    for name in names:
        path = root / name
        try:
            freed += path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            continue
    return freed
