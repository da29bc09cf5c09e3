"""The WSGI application (gunicorn, runserver), warmed up before it answers its first request."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress_site.settings")
application = get_wsgi_application()

from documents.search.warmup import warm_up  # noqa: E402 - needs the settings and apps loaded above

warm_up()
