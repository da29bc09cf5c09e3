"""The error pages in Chinese with the site's frame (400, 403, 405, 500); the 405 answers any method but GET and
HEAD on the public site (documents.archive.middleware).

They are rendered from the site's identity in settings alone: no database and nothing from the request's Host
header, which may be the very thing that was wrong (a bad host, too many parameters, the database down).
"""

from django.core.exceptions import DisallowedHost, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse
from django.template import loader

from .context_processors import site as site_context

SAFE_METHODS = ("GET", "HEAD")

_BAD_REQUEST_REASONS = [
    (DisallowedHost, "请求里的网站地址（Host）不是本网站的地址。"),
    ((TooManyFieldsSent, TooManyFilesSent), "网址或表单里的参数太多。"),
    (RequestDataTooBig, "提交的内容太大。"),
]


def render_error(request, template_name, status, **context):
    context = {**site_context(request), "nav_columns": (), **context}
    return HttpResponse(loader.get_template(template_name).render(context), status=status)


def bad_request(request, exception=None):
    """handler400: a malformed request (SuspiciousOperation: bad Host header, too many parameters ...)."""
    reason = next((text for kind, text in _BAD_REQUEST_REASONS if isinstance(exception, kind)),
                  "请求的格式不对，网站无法处理。")
    return render_error(request, "400.html", 400, reason=reason)


def permission_denied(request, exception=None):
    """handler403."""
    return render_error(request, "403.html", 403, reason="您没有访问这个页面的权限。")


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without its valid token (a page left open too long, cookies off)."""
    return render_error(
        request, "403.html", 403, reason="表单已过期或来源不对：请返回上一页，刷新后再提交（浏览器需允许本网站的 Cookie）。"
    )


def method_not_allowed(request):
    response = render_error(request, "405.html", 405, method=request.method)
    response["Allow"] = ", ".join(SAFE_METHODS)
    return response


def server_error(request):
    """handler500."""
    return render_error(request, "500.html", 500)
