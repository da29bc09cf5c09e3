"""The site's request and transport rules kept in one place: GET and HEAD only on the public site (before CSRF),
text answers compressed, HEAD answered without a body."""

from django.middleware.gzip import GZipMiddleware

from .errors import SAFE_METHODS, method_not_allowed

# What is worth compressing: pages, feeds, JSON, the sitemap, suggestions. Files (attachments, pictures) go out as
# they are: mostly compressed formats already, and streamed.
COMPRESSIBLE_TYPES = ("text/", "application/json", "application/xml", "application/rss+xml", "application/atom+xml",
                      "application/x-suggestions+json", "application/opensearchdescription+xml")


class PublicMethodsMiddleware:
    """Any method but GET and HEAD on a public address (everything outside the admin) gets the 405 page with
    `Allow: GET, HEAD`. It sits before CsrfViewMiddleware: a POST to a page is the wrong method, whether or not
    it carries a form token, and it says so instead of the 403 of a refused form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS or "admin" in request.resolver_match.app_names:
            return None
        return method_not_allowed(request)


class TextGZipMiddleware(GZipMiddleware):
    """Django's gzip (with its BREACH mitigation: random padding in the gzip header, so that a page holding a CSRF
    token cannot be read by its compressed length) for text answers only; it adds `Vary: Accept-Encoding`."""

    def process_response(self, request, response):
        if response.streaming or not response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES):
            return response
        return super().process_response(request, response)


class HeadWithoutBodyMiddleware:
    """A HEAD answer carries the headers of the GET (Content-Length included) and no body: gunicorn would drop
    the body itself and log a warning for every HEAD request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "HEAD":
            if response.streaming:
                response.streaming_content = []  # the file stays registered: closed with the response
            else:
                response.content = b""
        return response
