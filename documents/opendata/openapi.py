"""The OpenAPI 3.1 description of every JSON answer of the site (/api/openapi.json), built here once; the tests fuzz
the served API against it (schemathesis) and check that every field a real answer holds is declared, so the two
cannot drift apart."""

from functools import cache

from django.conf import settings

STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
URL = {"type": "string", "format": "uri"}


def nullable(schema):
    return {"anyOf": [schema, {"type": "null"}]}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties, required=None, description=None):
    schema = {"type": "object", "properties": properties, "required": list(required or properties)}
    if description:
        schema["description"] = description
    return schema


def array(items):
    return {"type": "array", "items": items}


VALIDITY = {"enum": ["current", "amended", "repealed", "pending", None],
            "description": "时效性：现行有效、已被修改、已废止、尚未生效；不是法规时为 null"}
CITED_VERSION = {"enum": ["in_force", "later", "earlier", "undated", None],
                 "description": "链接的版本：引用时施行的版本；引用时施行的版本未收录时较新或较早的版本；"
                                "引用文件日期不详时的最新版本"}
ROW_STATUS = {"enum": ["same", "changed", "added", "deleted"], "description": "未改、修改、新增、删除"}
DATE = {"type": ["string", "null"], "description": "文件日期，精确到的部分：YYYY-MM-DD、YYYY-MM、YYYY；日期不详为 null"}

SCHEMAS = {
    "Named": obj({"name": STR, "slug": STR, "url": URL}, description="栏目、发言人或会议"),
    "Brief": obj({"id": INT, "title": STR, "url": URL, "date": DATE, "date_display": STR}),
    "Pinned": {"allOf": [ref("Brief"), obj({"pinned": BOOL})]},
    "ArticleSummary": obj({
        "id": INT, "title": STR, "url": URL, "date": DATE, "date_display": STR, "column": ref("Named"),
        "kind": STR, "pinned": BOOL, "validity": VALIDITY,
    }),
    "DatedLink": obj({"url": URL, "title": STR, "date": DATE, "date_display": STR}),
    "CitedLink": {"allOf": [ref("DatedLink"), obj({"version": CITED_VERSION})]},
    "Version": obj({"id": INT, "url": URL, "title": STR, "date": DATE, "date_display": STR}),
    "Comparison": obj({
        "old": ref("Version"), "new": ref("Version"),
        "unit": {"enum": ["条", "段"], "description": "对照的单位：条，或没有条时的段落"},
        "counts": obj({"changed": INT, "added": INT, "deleted": INT}, description="改、增、删的条数（不计标题、序言、落款）"),
        "rows": array(obj({
            "status": ROW_STATUS, "old": nullable(obj({"label": STR, "text": STR})),
            "new": nullable(obj({"label": STR, "text": STR})),
            "similarity": {"type": "number", "description": "修改的条新旧文字的相似度（0–1）"},
        }, required=["status", "old", "new"])),
    }),
    "ClauseHistory": obj({
        "article": ref("Version"), "anchor": STR, "first": ref("Version"),
        "steps": array(obj({
            "version": ref("Version"),
            "status": {"enum": ["first", "same", "changed", "deleted"],
                       "description": "首次出现、未改、修改、删除（该版本没有这一条）"},
            "label": nullable(STR), "text": nullable(STR), "similarity": {"type": "number"},
            "diff": nullable(obj({"old_html": STR, "new_html": STR})),
        })),
    }, description="条文沿革：一条在各版本中的文字，最早的在前"),
    "Page": obj({"count": INT, "page": INT, "num_pages": INT, "results": array(ref("ArticleSummary"))}),
    "Speaker": obj({"name": STR, "slug": STR, "url": URL, "position": STR, "organization": STR, "count": INT},
                   required=["name", "slug", "url", "position", "organization"]),
    "Meeting": obj({"name": STR, "slug": STR, "url": URL, "date": nullable(STR), "count": INT},
                   required=["name", "slug", "url", "date"]),
    "Article": obj({
        "id": INT, "title": STR, "url": URL, "date": DATE, "date_display": STR, "column": ref("Named"),
        "kind": STR, "kind_display": STR, "pinned": BOOL, "validity": VALIDITY, "subtitle": STR,
        "speaker": nullable(ref("Named")), "speaker_title": STR, "meeting": nullable(ref("Named")),
        "doc_number": STR, "issuer": STR, "body_html": STR, "text": STR, "source": STR,
        "amendments": array({"type": "object", "description": "修订沿革：{date, event}"}),
        "attachments": array(obj({"name": STR, "size": INT, "url": URL})),
        "cites": array(ref("CitedLink")), "cited_by": array(ref("CitedLink")), "cited_by_count": INT,
        "cited_by_url": URL, "related": array(ref("DatedLink")),
        "effective_date": {**nullable(STR), "description": "本版施行日期：本版本文字生效之日，YYYY-MM-DD"},
        "first_effective_date": {**nullable(STR), "description": "首次施行日期：原法生效之日，YYYY-MM-DD"},
        "repealed_by": nullable(obj({"url": URL, "title": STR, "date": DATE, "effective_date": STR},
                                    description="废止本文件的文件及废止生效之日")),
        "versions": array(obj({"url": URL, "date": DATE, "validity": VALIDITY, "this": BOOL,
                               "duplicates": array(URL)})),
        "parts": array(obj({"url": URL, "subtitle": STR, "this": BOOL}, description="分编公布的法律的各编，按编次")),
        "toc": array(obj({"name": STR, "anchor": STR})), "previous": nullable(URL), "next": nullable(URL),
        "updated_at": STR,
        "downloads": obj({"docx": URL, "pdf": URL}, description="下载 Word 与 PDF"),
    }),
    "Home": obj({
        "notices": obj({"column": ref("Named"), "results": array(ref("Pinned"))}),
        "pictures": array({"allOf": [ref("Brief"), obj({"image": URL, "alt": STR})]}),
        "sections": array(obj({"column": ref("Named"), "results": array(ref("Pinned"))})),
    }),
    "Archive": obj({
        "years": array(obj({"year": INT, "count": INT})), "unknown": INT,
        "months": array(obj({"month": INT, "count": INT})), "year": INT, "month": nullable(INT),
        "count": INT, "page": INT, "num_pages": INT, "results": array(ref("ArticleSummary")),
        "undated": {"const": True, "description": "日期不详的文件"},
    }, required=["years", "unknown"]),
    "SearchHit": obj({"title": STR, "url": URL, "date": STR, "speaker": STR, "column": STR, "snippet": STR,
                      "validity": VALIDITY,
                      "genre": {**nullable(STR), "description": "文件类型：法律、行政法规、地方性法规、司法解释、案例、解读……"}},
                     required=["title", "url", "date", "speaker", "column", "snippet", "validity"]),
    "SearchResults": obj({
        "query": STR, "count": INT, "page": INT, "per_page": INT, "num_pages": INT, "messages": array(STR),
        "equivalents": array(obj({"term": STR, "forms": array(STR)})), "exact_query": nullable(STR),
        "searched_instead": {**nullable(STR), "description": "没有文件同时包含所有词时，实际搜索的词"},
        "left_out": {**array(STR), "description": "为找到结果而略去的词"},
        "index_unavailable": BOOL,
        "incomplete": {"type": "boolean", "description": "搜索超过时限而提前停止：结果不完整"},
        "results": array(ref("SearchHit")),
        "also_without": {**nullable(STR), "description": "第一页结果不足一页时，其后列出的文件不含的词"},
        "also": {**array(ref("SearchHit")), "description": "同时包含全部搜索词的文件不足一页时，其后列出的不含 also_without 的文件"},
        "facets": {"type": "object", "additionalProperties": array(obj({"value": STR, "label": STR, "count": INT})),
                   "description": "按栏目、类型、时效性、年份、发言人的计数"},
    }),
    "Suggestions": obj({"suggestions": array(obj({"text": STR, "kind": STR, "label": STR, "hint": STR, "url": STR}))}),
    "Error": obj({"error": STR, "errors": array(STR)}, required=["error"], description="错误说明（中文）"),
}

PAGE = {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1},
        "description": "页码，每页 20 篇"}
FORMAT = {"name": "format", "in": "query", "required": True, "schema": {"const": "json"}}


def _answer(schema, description):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _get(summary, schema, parameters=(), errors=(404,)):
    responses = {"200": _answer(schema, summary)}
    for status in errors:
        responses[str(status)] = _answer(ref("Error"), {400: "参数有误", 404: "没有找到"}[status])
    return {"get": {"summary": summary, "parameters": [FORMAT, *parameters], "responses": responses}}


def _path(name, description, schema=STR):
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


ID = _path("id", "文章编号", {"type": "integer", "minimum": 1})
SLUG = _path("slug", "网址中的名称")


@cache
def description():
    with_about = lambda name, schema: {"allOf": [ref("Page"), obj({name: schema})]}  # noqa: E731
    search_params = [
        {"name": "q", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 100}},
        {"name": "sort", "in": "query", "required": False, "schema": {"enum": ["relevance", "newest", "oldest"]}},
        {**PAGE, "schema": {"type": "integer", "minimum": 1, "maximum": 100_000}},
    ]
    paths = {
        "/": _get("首页各栏目", ref("Home"), errors=()),
        "/columns/{slug}/": _get(
            "栏目的文章，最新在前",
            {"allOf": [ref("Page"), obj({"column": ref("Named"), "validity": VALIDITY})]}, [SLUG, PAGE]),
        "/articles/{id}/": _get("一篇文章及其元数据、引用、版本", ref("Article"), [ID]),
        "/articles/{id}/compare/{other}/": _get(
            "同一法规两个版本的新旧对照", ref("Comparison"),
            [ID, _path("other", "另一版本的文章编号", {"type": "integer", "minimum": 1})]),
        "/articles/{id}/provisions/{anchor}/history/": _get(
            "一条的条文沿革", ref("ClauseHistory"), [ID, _path("anchor", "条的锚点，如 第十条")]),
        "/articles/{id}/cited-by/": _get(
            "引用这篇文章的文件", with_about("article", obj({"url": URL, "title": STR})), [ID, PAGE]),
        "/speakers/": _get("发言人及其文件数",
                           obj({"count": INT, "page": INT, "num_pages": INT, "results": array(ref("Speaker"))}),
                           errors=()),
        "/speakers/{slug}/": _get(
            "一位发言人的文件，最新在前；years 是每年的篇数（year 为 null：日期不详）",
            {"allOf": [ref("Page"), obj({"speaker": ref("Speaker"),
                                         "years": array(obj({"year": nullable(INT), "count": INT}))})]},
            [SLUG]),
        "/meetings/": _get("会议，最新在前",
                           obj({"count": INT, "page": INT, "num_pages": INT, "results": array(ref("Meeting"))}),
                           [PAGE]),
        "/meetings/{slug}/": _get("一次会议的文件", with_about("meeting", ref("Meeting")), [SLUG, PAGE]),
        "/archive/": _get("每年的文件数", ref("Archive"), errors=()),
        "/archive/{year}/": _get("一年的文件", ref("Archive"),
                                 [_path("year", "年份", {"type": "string", "pattern": "^[0-9]{4}$"}), PAGE]),
        "/archive/undated/": _get("日期不详的文件", ref("Archive"), [PAGE]),
        "/search/": _get("搜索：结果、分面计数", ref("SearchResults"), search_params, errors=(400,)),
    }
    paths["/search/suggest/"] = {"get": {
        "summary": "搜索框的提示", "parameters": [{"name": "q", "in": "query", "required": False, "schema": STR}],
        "responses": {"200": {"description": "提示", "content": {
            "application/x-suggestions+json": {"schema": {}}, "application/json": {"schema": ref("Suggestions")}}}},
    }}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.SITE_NAME} 文档档案 API",
            "version": "1.0",
            "description": "只读的 JSON 接口：在网站的列表和文章网址后加 ?format=json。字段列在这里的会保持；"
                           "新增的字段会先写进这份说明。允许其他网站从浏览器调用（Access-Control-Allow-Origin: *）。",
        },
        "paths": paths,
        "components": {"schemas": SCHEMAS},
    }
