"""The site's settings with Django 5.2's psycopg connection pool in place of persistent connections: the
alternative bench/load.py --pg-connections pool measures (PostgreSQL only; needs `pip install "psycopg[pool]"`)."""

import os

from congress_site.settings import *  # noqa: F403
from congress_site.settings import DATABASES

# Django refuses a pool together with persistent connections; with CONN_HEALTH_CHECKS the pool checks a
# connection when it lends it. A worker serves one request at a time: one connection, a second in reserve.
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 1, "max_size": 2}


def _close_pools():
    """gunicorn's master opens the pool while it warms up: a forked worker must not inherit its connections
    or its (absent) maintenance threads."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close_pool()


os.register_at_fork(before=_close_pools)
