"""Login throttling (django-axes) for logins made through a web request."""

from axes.backends import AxesStandaloneBackend


class AxesBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every login made through a web request.

    A login without a request (`manage.py shell`, the test client's `login()`) has no address to throttle;
    axes would raise an error for it, so it is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
