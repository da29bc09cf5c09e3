"""The WSGI application (gunicorn, runserver), warmed up before it answers its first request."""

import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress_site.settings")
application = get_wsgi_application()

from congress_site.serving import require_secret_key  # noqa: E402 - needs the settings loaded above

require_secret_key()


def compile_templates():
    """Compile every template of the site's folder once (the cached loader keeps them): a worker's first page
    otherwise spends about 100 ms compiling its templates."""
    from django.template import engines

    engine = engines["django"].engine
    for directory in engine.dirs:
        for path in sorted(Path(directory).rglob("*.html")):
            engine.get_template(path.relative_to(directory).as_posix())


from documents.search.index.warmup import warm_up  # noqa: E402 - needs the settings and apps loaded above

compile_templates()
warm_up()
