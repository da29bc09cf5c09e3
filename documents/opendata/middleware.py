"""The JSON API's manners on every public route: answers other sites may read from a browser (CORS), and errors
as JSON with a Chinese message when JSON was asked for (?format=json)."""

from django.http import Http404, JsonResponse

JSON_TYPES = ("application/json", "application/x-suggestions+json")
ERRORS = {400: "请求的参数有误。", 404: "没有找到。", 405: "只接受 GET 和 HEAD 请求。", 503: "暂时不可用，请稍后再试。"}


def _wants_json(request):
    return request.GET.get("format") == "json" and not request.path.startswith("/admin/")


class JsonApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _wants_json(request) and response.status_code in ERRORS and not _is_json(response):
            allow = response.get("Allow")
            response = JsonResponse({"error": ERRORS[response.status_code]}, status=response.status_code,
                                    json_dumps_params={"ensure_ascii": False})
            if allow:
                response["Allow"] = allow
        if _is_json(response) and not request.path.startswith("/admin/"):
            response["Access-Control-Allow-Origin"] = "*"
        return response

    def process_exception(self, request, exception):
        if _wants_json(request) and isinstance(exception, Http404):
            message = str(exception) if exception.args else ERRORS[404]
            return JsonResponse({"error": message}, status=404, json_dumps_params={"ensure_ascii": False})
        return None


def _is_json(response):
    return response.get("Content-Type", "").split(";")[0].strip() in JSON_TYPES
