"""A throw-away site for the benchmarks: Django set up on a temporary folder (database, search index, media,
cache all inside it), production settings (DEBUG off), migrated. Nothing in var/ is touched."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_site(workdir):
    for name in ("DATABASE_URL", "DEBUG", "SEARCH_INDEX_DIR", "MEDIA_ROOT", "STATIC_MANIFEST"):
        os.environ.pop(name, None)
    os.environ.update(
        VAR_DIR=str(workdir),
        DJANGO_SETTINGS_MODULE="congress_site.settings",
        SECRET_KEY="bench-only",
        ALLOWED_HOSTS="testserver",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
