"""The 开放数据 page and its bulk files, the API's description (/api/openapi.json) and its readable page (/api/)."""

from django.http import Http404, JsonResponse
from django.shortcuts import render

from ..archive.errors import safe_methods_only
from . import bulk, openapi, ranges

CONTENT_TYPES = {bulk.JSONL: "application/gzip", bulk.CSV: "text/csv; charset=utf-8"}


@safe_methods_only
def data_page(request):
    manifest = bulk.manifest()
    return render(request, "opendata/data.html", {"manifest": manifest, "nav_current": "data"})


@safe_methods_only
def data_file(request, name):
    manifest = bulk.manifest()
    described = {entry["name"]: entry for entry in (manifest or {}).get("files", [])}
    if name not in described or name not in CONTENT_TYPES:
        raise Http404("没有这个数据文件")
    path = bulk.directory() / name
    if not path.exists():
        raise Http404("数据文件正在生成，请稍后再试")
    return ranges.serve(request, path, described[name]["sha256"], CONTENT_TYPES[name], name)


@safe_methods_only
def openapi_json(request):
    response = JsonResponse(openapi.description(), json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@safe_methods_only
def api_page(request):
    spec = openapi.description()
    operations = [
        {"path": path, "summary": item["get"]["summary"],
         "parameters": [p for p in item["get"]["parameters"] if p["name"] != "format"],
         "json": "format" in [p["name"] for p in item["get"]["parameters"]]}
        for path, item in spec["paths"].items()
    ]
    return render(request, "opendata/api.html", {"spec": spec, "operations": operations, "nav_current": "api"})
