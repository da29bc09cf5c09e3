"""What serving the site needs beyond its settings: the secret key, checked before the first request."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key():
    """Stops the server at start when SECRET_KEY is empty (DEBUG off and none given): its sessions and signed
    values need one. Management commands never call this."""
    try:
        settings.SECRET_KEY  # Django refuses an empty key when it is read
    except ImproperlyConfigured:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable (a long random string), "
            "or DEBUG=1 for local development."
        ) from None
