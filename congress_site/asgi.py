"""The ASGI application (the site is served by gunicorn through WSGI; this is for ASGI servers)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress_site.settings")
application = get_asgi_application()

from congress_site.serving import require_secret_key  # noqa: E402 - needs the settings loaded above

require_secret_key()
