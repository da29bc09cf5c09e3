"""JSON Lines import: mapping, bad lines, idempotence, --update, all or nothing, export round trip."""

import gzip
import hashlib
import json
from pathlib import Path

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from documents.common.dates import MONTH, UNKNOWN
from documents.ingest import pipeline
from documents.ingest.importer import import_paths
from documents.ingest.jsonl import write_jsonl
from documents.ingest.pipeline import ImportProblem, save_document
from documents.ingest.types import DocumentData
from documents.legislation.regulations import attach
from documents.models import Article, Attachment, Column, Meeting, Regulation, Speaker

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
CORPUS = FIXTURES / "corpus_small.jsonl"
REGULATIONS = FIXTURES.parent / "regulations.jsonl"  # versions of four regulations from the test corpus
SEED = Path(__file__).resolve().parent.parent / "documents" / "sample_data" / "portal_page_speech_2022-09-22.txt"


def record(**fields):
    base = {
        "title": "关于加强预算审查监督的决定", "subtitle": None, "date": "2021-06", "kind": "决议",
        "category": "公文发布", "speaker": None, "speaker_title": None, "meeting": None, "issuer": "市人大常委会",
        "history": [], "body": "第一条 为了加强预算审查监督。\n\n第二条 本决定自公布之日起施行。",
        "source": "test:decision-1",
    }
    return base | fields


def write(path, *records, raw_lines=()):
    lines = [json.dumps(r, ensure_ascii=False).encode() for r in records] + list(raw_lines)
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def run(*paths, **options):
    return import_paths(paths, status=options.pop("status", "published"), progress=False, **options)


def counts(report):
    return report.imported, report.unchanged, report.updated, report.failed


@pytest.mark.django_db
def test_control_characters_are_dropped_not_fatal(tmp_path):
    """A NUL (which PostgreSQL refuses) or a bell in an old file is junk: dropped, the document still imported."""
    path = write(tmp_path / "a.jsonl", record(
        title="关于\u0000加强\u0007预算审查监督的决定", body="第一条\u0000 内容。\u000b\n\n第二条 施行。",
        history=[{"date": "2021-06-01", "event": "通过\u0000"}],
    ))
    assert counts(run(path)) == (1, 0, 0, 0)
    article = Article.objects.get()
    assert article.title == "关于加强预算审查监督的决定"
    assert article.text == "第一条 内容。\n\n第二条 施行。"
    assert article.amendments == [{"date": "2021-06-01", "event": "通过"}]


@pytest.mark.django_db
def test_invisible_characters_are_dropped_as_every_save_drops_them_and_a_second_import_changes_nothing(tmp_path):
    """Zero-width, bidi and BOM characters go too (sanitize.clean_text, the rule of Article.save): the import key and
    the comparison use the cleaned values, so importing the same file again finds the document unchanged."""
    path = write(tmp_path / "a.jsonl", record(
        title="关于\u200b加强\u202e预算审查监督的决定\ufeff", speaker="王\u200d建国", meeting="常委会\u2066会议",
        history=[{"date": "2021-06-01", "event": "通过\u200b"}], body="第一条\u00ad 内容。",
    ))
    assert counts(run(path)) == (1, 0, 0, 0)
    article = Article.objects.select_related("speaker", "meeting").get()
    assert (article.title, article.speaker.name, article.meeting.name) == ("关于加强预算审查监督的决定", "王建国", "常委会会议")
    assert article.amendments == [{"date": "2021-06-01", "event": "通过"}] and article.text == "第一条 内容。"
    again = run(path)
    assert counts(again) == (0, 1, 0, 0) and again.stale == 0
    assert counts(run(path, update=True)) == (0, 1, 0, 0)


@pytest.mark.django_db
def test_limits_of_the_models_fail_a_line_with_a_chinese_reason_naming_it(tmp_path):
    """Lengths and choices are the models' (full_clean): too long a title, issuer, speaker name or meeting name
    fails its line, says which field and how long, and creates no speaker or meeting."""
    path = write(
        tmp_path / "a.jsonl",
        record(source="ok"),
        record(source="long-title", title="长" * 301),
        record(source="long-issuer", issuer="机" * 201),
        record(source="long-speaker", speaker="王" * 51),
        record(source="long-position", speaker="王建国", speaker_title="职" * 101),
        record(source="long-meeting", meeting="会" * 201),
    )
    report = run(path)
    assert counts(report) == (1, 0, 0, 5)
    assert [str(failure) for failure in report.failures] == [
        f"{path} 第 2 行：标题太长（301 字，最多 300 字）",
        f"{path} 第 3 行：发文机关太长（201 字，最多 200 字）",
        f"{path} 第 4 行：发言人姓名太长（51 字，最多 50 字）",
        f"{path} 第 5 行：发言人时任职务太长（101 字，最多 100 字）",
        f"{path} 第 6 行：会议名称太长（201 字，最多 200 字）",
    ]
    assert not Speaker.objects.exists() and not Meeting.objects.exists()


@pytest.mark.django_db
def test_a_reader_s_impossible_kind_or_status_is_refused_by_the_model_s_rules():
    for fields, reason in (({"kind": "演讲"}, "类型“演讲”不存在"), ({"status": "pending"}, "状态“pending”不存在"),
                           ({"status": ""}, "状态：此字段不能为空。")):  # Django's own message, in Chinese
        with pytest.raises(ImportProblem, match=reason), translation.override("en"):  # Chinese whatever is active
            save_document(DocumentData(title="标题", body_text="正文", **fields), status="published",
                          default_column="news")
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_fields_of_a_record(tmp_path):
    path = write(tmp_path / "a.jsonl", record(
        speaker="王建国", speaker_title="市长", meeting="市十二届人大一次会议", kind="报告", category="会议报道",
        history=[{"date": "2021-06-01", "event": "通过"}, {"date": None, "event": "修正"}], doc_number="平人常〔2021〕3号",
    ))
    assert counts(run(path)) == (1, 0, 0, 0)
    article = Article.objects.get()
    assert article.title == "关于加强预算审查监督的决定"
    assert (article.date.isoformat(), article.date_precision) == ("2021-06-01", MONTH)
    assert article.kind == Article.Kind.REPORT
    assert article.column.name == "会议报道"
    assert (article.speaker.name, article.speaker.position, article.speaker_title) == ("王建国", "市长", "市长")
    assert article.meeting.name == "市十二届人大一次会议"
    assert article.issuer == "市人大常委会"
    assert article.doc_number == "平人常〔2021〕3号"
    assert article.amendments == [{"date": "2021-06-01", "event": "通过"}, {"date": None, "event": "修正"}]
    assert article.body == "<p>第一条 为了加强预算审查监督。</p>\n<p>第二条 本决定自公布之日起施行。</p>"
    assert article.text == "第一条 为了加强预算审查监督。\n\n第二条 本决定自公布之日起施行。"
    assert article.source == "test:decision-1"
    assert article.import_key == hashlib.sha256(b"source:test:decision-1").hexdigest()
    assert article.status == Article.Status.PUBLISHED and article.published_at is not None


@pytest.mark.django_db
def test_body_markup_is_escaped_not_interpreted(tmp_path):
    path = write(tmp_path / "a.jsonl", record(body="<script>alert(1)</script> 第一条 a < b & c"))
    run(path)
    assert Article.objects.get().body == "<p>&lt;script&gt;alert(1)&lt;/script&gt; 第一条 a &lt; b &amp; c</p>"


@pytest.mark.django_db
def test_real_corpus_sample_and_gzip(tmp_path):
    packed = tmp_path / "sample.jsonl.gz"
    packed.write_bytes(gzip.compress(CORPUS.read_bytes()))
    assert counts(run(packed)) == (7, 0, 0, 0)
    undated = Article.objects.get(title="上海市专利保护条例")
    assert (undated.date, undated.date_precision) == (None, UNKNOWN)
    report = Article.objects.get(title="1975年中华人民共和国国务院政府工作报告")
    assert (report.speaker.name, report.speaker_title, report.date_precision) == ("周恩来", "国务院总理", "year")
    assert Article.objects.filter(kind=Article.Kind.REGULATION, column__name="公文发布").count() == 4
    assert Article.objects.get(title="上海口岸服务条例").amendments[1]["date"] == "2020-05-14"


@pytest.mark.django_db
def test_importing_versions_groups_them_with_one_in_force(tmp_path):
    assert counts(run(REGULATIONS)) == (11, 0, 0, 0)
    groups = {g.title: list(g.versions.all()) for g in Regulation.objects.all()}
    assert len(groups) == 6
    for title in ("中华人民共和国道路运输条例", "上海市中小学校学生伤害事故处理条例",
                  "最高人民法院关于审理人身损害赔偿案件适用法律若干问题的解释"):
        assert len(groups[title]) >= 2
        assert sorted(v.validity for v in groups[title]).count("current") == 1
    roads = sorted(groups["中华人民共和国道路运输条例"], key=lambda v: v.date)
    assert [v.validity for v in roads] == ["amended", "amended", "current"]
    school = {v.date_precision: v.validity for v in groups["上海市中小学校学生伤害事故处理条例"]}
    assert school == {"day": "current", "unknown": "amended"}
    assert groups["中华人民共和国学位条例"][0].validity == "repealed"  # by 学位法, imported after it
    assert groups["中华人民共和国学位法"][0].effective_date.isoformat() == "2025-01-01"
    assert counts(run(REGULATIONS)) == (0, 11, 0, 0)


@pytest.mark.django_db
@pytest.mark.parametrize("fields, message", [
    ({"effective_date": "2025-02-30"}, "施行日期：日期“2025-02-30”不存在"),
    ({"effective_date": "2025"}, "施行日期“2025”应为 YYYY-MM-DD"),
    ({"effective_date": 20250101}, "施行日期“20250101”应为 YYYY-MM-DD"),
    ({"validity": "有效"}, "时效性“有效”不存在，应为 现行有效、已被修改、已废止、尚未生效 之一"),
    ({"regulation": "a/b"}, "字段 regulation 应为 1 到 32 个字母、数字、- 或 _"),
    ({"regulation_by_hand": "yes"}, "字段 regulation_by_hand 应为 true 或 false"),
])
def test_bad_regulation_fields_are_reported(tmp_path, fields, message):
    report = run(write(tmp_path / "a.jsonl", record(kind="法规", **fields)))
    assert counts(report) == (0, 0, 0, 1) and message in str(report.failures[0])
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_regulation_fields_of_a_record(tmp_path):
    path = write(tmp_path / "a.jsonl", record(kind="法规", effective_date="2021-07-01", validity="已废止",
                                              regulation="group-1", regulation_by_hand=True))
    run(path)
    article = Article.objects.get()
    assert (article.effective_date.isoformat(), article.validity_override, article.validity) == (
        "2021-07-01", "repealed", "repealed")
    assert (article.regulation.key, article.regulation_by_hand) == ("group-1", True)


@pytest.mark.django_db
def test_bad_lines_are_reported_and_the_others_imported(tmp_path):
    path = write(
        tmp_path / "mixed.jsonl",
        record(source="ok-1"),
        record(source="no-title", title="  "),
        record(source="bad-date", date="2022-02-30"),
        record(source="bad-column", category="不存在的栏目"),
        record(source="bad-kind", kind="演讲"),
        record(source="bad-history", history="通过"),
        record(source="ok-2", title="第二份"),
        raw_lines=[b'{"title": "broken", ', b"[1, 2]", "{\"title\": \"编码\"}".encode("gb18030")],
    )
    report = run(path)
    assert counts(report) == (2, 0, 0, 8)
    reasons = {failure.line: failure.reason for failure in report.failures}
    assert "缺少标题" in reasons[2]
    assert "日期“2022-02-30”不存在" in reasons[3]
    assert "栏目“不存在的栏目”不存在" in reasons[4]
    assert "类型“演讲”不存在" in reasons[5]
    assert "history" in reasons[6]
    assert "不是有效的 JSON" in reasons[8]
    assert "JSON 对象" in reasons[9]
    assert "UTF-8" in reasons[10]
    assert str(report.failures[0]) == f"{path} 第 2 行：{reasons[2]}"
    assert sorted(Article.objects.values_list("source", flat=True)) == ["ok-1", "ok-2"]
    assert not Column.objects.filter(name="不存在的栏目").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("content", [b"", b"\n  \n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(content)
    report = run(path)
    assert counts(report) == (0, 0, 0, 1)
    assert report.failures[0].line is None and "空" in report.failures[0].reason


@pytest.mark.django_db
def test_broken_gzip_file(tmp_path):
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(gzip.compress(CORPUS.read_bytes())[:3000])
    report = run(path)
    assert report.failed == 1 and "压缩文件已损坏" in report.failures[-1].reason


@pytest.mark.django_db
def test_document_over_the_size_limit(tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 400
    path = write(tmp_path / "big.jsonl", record(source="small"), record(source="big", body="长" * 400))
    report = run(path)
    assert counts(report) == (1, 0, 0, 1)
    assert report.failures[0].line == 2 and "大小限制" in report.failures[0].reason


@pytest.mark.django_db
def test_importing_twice_changes_nothing(tmp_path):
    path = write(tmp_path / "a.jsonl", record(speaker="王建国", meeting="某次会议"), record(source=None, title="无来源"))
    assert counts(run(path, SEED)) == (3, 0, 0, 0)
    before = list(Article.objects.order_by("id").values())
    history = Article.history.count()
    second = run(path, SEED)
    assert counts(second) == (0, 3, 0, 0) and second.stale == 0
    assert list(Article.objects.order_by("id").values()) == before
    assert (Speaker.objects.count(), Meeting.objects.count(), Article.history.count()) == (2, 1, history)


@pytest.mark.django_db
def test_without_source_the_key_is_the_content(tmp_path):
    first = write(tmp_path / "a.jsonl", record(source=None))
    changed = write(tmp_path / "b.jsonl", record(source=None, body="另一个正文"))
    assert counts(run(first)) == (1, 0, 0, 0)
    assert counts(run(first)) == (0, 1, 0, 0)
    # Other content without a source is another document.
    assert counts(run(changed)) == (1, 0, 0, 0)


@pytest.mark.django_db
def test_update_refreshes_changed_documents_only(tmp_path):
    path = write(tmp_path / "a.jsonl", record(), record(source="other", title="另一份"))
    run(path)
    write(path, record(body="修改后的正文。", speaker="李红"), record(source="other", title="另一份"))
    plain = run(path)
    assert counts(plain) == (0, 2, 0, 0) and plain.stale == 1
    assert "--update" in plain.summary()
    article = Article.objects.get(source="test:decision-1")
    assert article.text.startswith("第一条") and article.speaker is None
    versions = article.history.count()

    updated = run(path, update=True)
    assert counts(updated) == (0, 1, 1, 0)
    article.refresh_from_db()
    assert (article.text, article.speaker.name) == ("修改后的正文。", "李红")
    assert article.history.count() == versions + 1
    assert Article.objects.count() == 2
    assert counts(run(path, update=True)) == (0, 2, 0, 0)


@pytest.mark.django_db
def test_update_leaves_a_document_in_the_recycle_bin_alone(tmp_path):
    path = write(tmp_path / "a.jsonl", record())
    run(path)
    Article.objects.update(deleted_at="2024-01-01T00:00:00Z")
    write(path, record(body="新正文"))
    assert counts(run(path, update=True)) == (0, 1, 0, 0)
    assert Article.objects.get().text.startswith("第一条")


@pytest.mark.django_db
def test_dry_run_saves_nothing(tmp_path):
    path = write(tmp_path / "a.jsonl", record(speaker="王建国"), record(source="x", category="不存在"))
    report = run(path, dry_run=True)
    assert counts(report) == (1, 0, 0, 1)
    assert (Article.objects.count(), Speaker.objects.count()) == (0, 0)
    assert counts(run(path)) == (1, 0, 0, 1)
    assert Speaker.objects.get().name == "王建国"


@pytest.mark.django_db
def test_one_document_is_all_or_nothing(monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(Attachment, "save", broken_save)
    data = DocumentData(title="带附件的文件", body_text="正文", speaker="新发言人", meeting="新会议",
                        attachments=[("原件.txt", "原件".encode())])
    cache = pipeline.LookupCache()
    with pytest.raises(ImportProblem, match="数据库拒绝保存"):
        save_document(data, status="published", default_column="news", cache=cache)
    assert (Article.objects.count(), Speaker.objects.count(), Meeting.objects.count()) == (0, 0, 0)
    monkeypatch.undo()
    # The cache forgot the speaker and meeting rolled back with the document.
    result = save_document(data, status="published", default_column="news", cache=cache)
    assert result.outcome == "imported"
    assert result.article.speaker.name == "新发言人" and Speaker.objects.count() == 1
    assert result.article.attachments.get().file.read() == "原件".encode()


@pytest.mark.django_db
def test_lookups_are_cached_within_a_run(tmp_path):
    records = [record(source=f"s{n}", title=f"第{n}份", speaker="王建国", meeting="某次会议") for n in range(6)]
    path = write(tmp_path / "a.jsonl", *records)
    with CaptureQueriesContext(connection) as queries:
        assert counts(run(path)) == (6, 0, 0, 0)
    speaker_lookups = [q for q in queries if '"documents_speaker"."name" =' in q["sql"]]
    meeting_lookups = [q for q in queries if '"documents_meeting"."name" =' in q["sql"]]
    column_selects = [q for q in queries if 'FROM "documents_column"' in q["sql"]]
    assert (len(speaker_lookups), len(meeting_lookups), len(column_selects)) == (1, 1, 1)
    # New documents are not looked up one by one: the known keys are read once.
    key_lookups = [q for q in queries if "import_key" in q["sql"] and q["sql"].startswith("SELECT")]
    assert len(key_lookups) == 1
    # Validation (full_clean) reads nothing: what the lookups found is not checked again, uniqueness neither. The
    # reads of six documents: the columns, the known keys, the speaker and the meeting by name and a free slug each;
    # then, once for the import (documents/changes/service.py), the versions' pass (their repeal statements and
    # titles), the citation pass (documents.legislation.citation_index), one pass for related documents
    # (documents.related.related_index: here, a first import, it computes everything) and the page cache's columns,
    # whatever the number of documents.
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    linking = next(n for n, sql in enumerate(reads) if "documents_citation" in sql)
    assert linking == 6 + 2 and len(reads) - linking <= 14


def comparable(article):
    return (
        article.import_key, article.title, article.subtitle, article.column.name, article.kind,
        article.speaker.name if article.speaker else None, article.speaker_title,
        article.meeting.name if article.meeting else None, article.issuer, article.doc_number, article.date,
        article.date_precision, article.body, article.text, article.source, article.amendments, article.status,
        article.pinned, article.effective_date, article.validity, article.validity_override,
        article.regulation.key if article.regulation else None, article.regulation_by_hand,
    )


def snapshot():
    return sorted(comparable(a) for a in Article.objects.select_related("column", "speaker", "meeting", "regulation"))


@pytest.mark.django_db
def test_export_then_import_into_an_empty_archive_gives_the_same_documents(tmp_path):
    run(CORPUS, SEED, REGULATIONS)
    rich = DocumentData(title="表格通知", body_html="<p>见下表：</p><table><tr><td>一</td></tr></table>",
                        column="通知公告", source="平顶山日报")
    save_document(rich, status="draft")
    Article.objects.filter(title="上海市专利保护条例").update(pinned=True)
    # What staff set about regulations: a status overridden, a version attached to a group by hand.
    regulations_by_title = {a.title: a for a in Article.objects.filter(kind=Article.Kind.REGULATION)}
    overridden = regulations_by_title["中华人民共和国学位法"]
    overridden.validity_override = Article.Validity.PENDING
    overridden.save()
    attach(regulations_by_title["上海口岸服务条例"], regulations_by_title["上海市专利保护条例"].regulation)
    before = snapshot()
    assert len(before) == 20
    assert len({row[-2] for row in before if row[-2]}) == 9  # version groups

    out = tmp_path / "backup.jsonl.gz"
    write_jsonl(out, Article.objects.select_related("column", "speaker", "meeting").order_by("id"))
    first = json.loads(gzip.decompress(out.read_bytes()).decode().splitlines()[0])
    assert {"title", "subtitle", "date", "kind", "category", "speaker", "speaker_title", "meeting", "issuer",
            "history", "body", "source"} <= set(first)

    # The same archive: nothing to do.
    assert counts(run(out)) == (0, 20, 0, 0)
    Article.objects.all().delete()
    Speaker.objects.all().delete()
    Meeting.objects.all().delete()
    assert not Regulation.objects.exists()
    assert counts(run(out, status="draft")) == (20, 0, 0, 0)
    assert snapshot() == before
