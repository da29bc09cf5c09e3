"""manage.py import_documents / export_documents: output lines, exit code, options."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from documents.ingest.importer import import_paths
from documents.management.commands import import_documents
from documents.models import Article

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "fixtures" / "ingest" / "corpus_small.jsonl"


@pytest.fixture
def index_runs(monkeypatch):
    """The calls the command makes to apply the search queue (the index itself is the search tests' subject)."""
    calls = []
    monkeypatch.setattr(import_documents, "apply_pending", lambda: calls.append(Article.objects.count()))
    return calls


def command(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_documents", *args, stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_failures_are_listed_and_the_exit_code_is_not_zero(tmp_path, index_runs):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "好的", "body": "正文", "category": "人大要闻"}\n{"body": "没有标题"}\n',
                   encoding="utf-8")
    code, out, err = command(str(tmp_path), str(CORPUS))
    assert code == 1
    assert err.splitlines() == [f"失败：{bad} 第 2 行：缺少标题（title）"]
    assert out.strip() == "导入 8 篇，未变 0 篇，更新 0 篇，失败 1 篇，清理版权声明 3 篇（正文末尾的来源版权声明已删去）"
    assert index_runs == [8]  # once, at the end, after all documents were saved


@pytest.mark.django_db
def test_second_run_changes_nothing(index_runs):
    assert command(str(CORPUS))[0] == 0
    code, out, err = command(str(CORPUS))
    assert (code, out.strip(), err) == (0, "导入 0 篇，未变 7 篇，更新 0 篇，失败 0 篇", "")


@pytest.mark.django_db
def test_dry_run_status_and_column_options(tmp_path, index_runs):
    page = ROOT / "documents" / "sample_data" / "portal_page_speech_2022-09-22.txt"
    code, out, _ = command(str(page), "--dry-run")
    assert (code, out.strip()) == (0, "（试运行，没有写入任何内容）导入 1 篇，未变 0 篇，更新 0 篇，失败 0 篇")
    assert Article.objects.count() == 0 and index_runs == []

    assert command(str(page), "--status", "draft", "--column", "工作研究")[0] == 0
    article = Article.objects.get()
    assert (article.status, article.column.name) == (Article.Status.DRAFT, "工作研究")
    assert index_runs == [1]


@pytest.mark.django_db
def test_notes_on_dates_not_read_are_printed_without_failing(tmp_path, index_runs):
    page = tmp_path / "page.txt"
    page.write_text("关于调整会议时间的通知\n（2023年2月30日）\n会议改在下午三点召开。\n", encoding="utf-8")
    code, out, err = command(str(page))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"提示：{page}：日期“2023年2月30日”不存在",
        f"提示：{page}：没有找到日期，文章将显示为“日期不详”；可在后台补上",
        "导入 1 篇，未变 0 篇，更新 0 篇，失败 0 篇",
    ]


@pytest.mark.django_db
def test_unknown_default_column_stops_before_importing(index_runs):
    with pytest.raises(CommandError, match="栏目“没有这个栏目”不存在"):
        call_command("import_documents", str(CORPUS), "--column", "没有这个栏目", stdout=StringIO())
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_progress_bar_only_when_asked_or_on_a_terminal(capsys):
    import_paths([CORPUS], status="published")  # stderr is not a terminal under pytest
    assert capsys.readouterr().err == ""
    import_paths([CORPUS], status="published", progress=True)
    assert "导入" in capsys.readouterr().err


@pytest.mark.django_db
def test_export_command(tmp_path, index_runs):
    command(str(CORPUS))
    out = StringIO()
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "backup.jsonl"
    call_command("export_documents", str(target), stdout=out)
    assert out.getvalue().strip() == f"已导出 7 篇文档到 {target}"
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["title"] for r in records) == sorted(Article.objects.values_list("title", flat=True))
    assert [p.name for p in target.parent.iterdir()] == ["backup.jsonl"]  # no partial file left behind


def test_exit_code_of_the_real_command(tmp_path):
    env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3", "SECRET_KEY": "test",
                        "MEDIA_ROOT": str(tmp_path / "media"), "SEARCH_INDEX_DIR": str(tmp_path / "index")}
    missing = tmp_path / "nothing-here.jsonl"
    done = subprocess.run([sys.executable, "manage.py", "import_documents", str(missing), "--dry-run"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert f"失败：{missing}：找不到这个文件或文件夹" in done.stderr.splitlines()
    assert "导入 0 篇，未变 0 篇，更新 0 篇，失败 1 篇" in done.stdout


@pytest.mark.django_db
def test_imported_documents_are_searchable_after_the_command(tmp_path):
    """The real queue and index (each test has its own index folder): indexed once, at the end."""
    from documents.models import IndexOperation
    from documents.search.query import search

    page = ROOT / "documents" / "sample_data" / "portal_page_speech_2022-09-22.txt"
    assert command(str(page), str(CORPUS))[0] == 0
    assert IndexOperation.objects.count() == 0
    assert [hit.title for hit in search("人大工作会议").hits] == ["在市委人大工作会议上的讲话"]
    assert search("上海口岸服务条例").count == 1

    draft = tmp_path / "draft.jsonl"
    draft.write_text('{"title": "尚未发布的草稿", "body": "草稿正文", "source": "draft-1"}\n', encoding="utf-8")
    assert command(str(draft), "--status", "draft")[0] == 0
    # Drafts are not searched: nothing holds the title (the relaxed search offers other documents instead).
    found = search("尚未发布的草稿")
    assert "尚未发布的草稿" not in [hit.title for hit in found.hits] and found.relaxed
