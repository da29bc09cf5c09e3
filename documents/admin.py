"""Django's admin autodiscovery imports this module: the registrations live in editorial/admin.py."""
from .editorial import admin  # noqa: F401
