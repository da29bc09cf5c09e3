"""Pages of the old portal (text and HTML) and their common variants."""

import datetime
from pathlib import Path

import pytest

from documents.common.dates import DAY, UNKNOWN_DATE
from documents.ingest.importer import import_paths
from documents.ingest.meta import NO_DATE
from documents.ingest.pipeline import ImportProblem
from documents.ingest.portal_page import read_portal_page
from documents.models import Article

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "documents" / "sample_data" / "portal_page_speech_2022-09-22.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"

# The portal's frame around every article: none of it may end up in a document.
FRAME = ["首 页", "人大简介", "通知公告", "图片内容", "当前位置", "网站首页", "文章内容", "Copyright", "版权所有",
         "ICP备", "市人大常委会会议召开", "关于征集"]

PAGE = """首 页   人大简介   机构设置   人大要闻   公文发布   监督工作
通知公告
· 关于征集《平顶山市机动车停...
当前位置 >> 网站首页 >> 文章内容
{title}

{meta}

  第一段,讲的是会议的主要任务。

  第二段,讲的是下一步工作!

Copyright 2004-2015 All Rights Reserved 版权所有:平顶山市人民代表大会常务委员会 豫ICP备15017033号
"""


def page(meta, title="市人大常委会召开主任会议"):
    return PAGE.format(title=title, meta=meta).encode()


@pytest.mark.django_db
def test_seed_page_gives_exactly_the_speech():
    report = import_paths([SEED], status="published", progress=False)
    assert (report.imported, report.failed) == (1, 0)
    article = Article.objects.get()
    assert article.title == "在市委人大工作会议上的讲话"
    assert article.speaker.name == "张雷明"
    assert article.speaker.position == "市委书记"
    assert article.speaker_title == "市委书记"
    assert (article.date, article.date_precision) == (datetime.date(2022, 9, 22), DAY)
    assert article.kind == Article.Kind.SPEECH
    assert article.column.name == "人大要闻"
    assert article.text.startswith("市委召开这次人大工作会议")
    assert article.text.endswith("作出更大贡献！")
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 10
    assert paragraphs[4].startswith("一、坚持正确政治方向")
    assert article.body.count("<p>") == 10
    assert article.body.startswith("<p>市委召开这次人大工作会议")
    for piece in FRAME + ["在市委人大工作会议上的讲话", "2022年9月22日", "张雷明"]:
        assert piece not in article.text, piece
    assert article.attachments.count() == 0


def test_seed_page_punctuation_is_chinese():
    data = read_portal_page(SEED.name, SEED.read_bytes())
    # The saved page wrote "工作会议,主要任务" and "县(市、区)"; Chinese text takes full-width marks.
    assert "人大工作会议，主要任务" in data.body_text
    assert "县（市、区）党委" in data.body_text
    assert "," not in data.body_text.split("\n\n")[0]


@pytest.mark.parametrize(
    "meta, date, source",
    [
        ("2022-09-22", datetime.date(2022, 9, 22), ""),
        ("发布时间：2022年09月22日", datetime.date(2022, 9, 22), ""),
        ("发布时间:2022-09-22 10:30:00  来源:平顶山日报  点击:35", datetime.date(2022, 9, 22), "平顶山日报"),
        ("来源：市人大常委会办公室", None, "市人大常委会办公室"),
        ("（2022年9月）", datetime.date(2022, 9, 1), ""),
    ],
)
def test_page_variants(meta, date, source):
    data = read_portal_page("page.txt", page(meta))
    assert data.title == "市人大常委会召开主任会议"
    assert data.date.date == date
    assert data.source == source
    assert (data.speaker, data.speaker_title, data.kind) == ("", "", None)
    assert data.body_text == "第一段，讲的是会议的主要任务。\n\n第二段，讲的是下一步工作！"


def test_page_with_speaker_and_date_lines_in_either_order():
    data = read_portal_page("page.txt", page("发布时间：2021-01-05\n\n常委会主任 李明华\n\n——在全市代表工作会议上"))
    assert (data.speaker, data.speaker_title, data.kind) == ("李明华", "常委会主任", Article.Kind.SPEECH)
    assert data.date.date == datetime.date(2021, 1, 5)
    assert data.subtitle == "——在全市代表工作会议上"
    assert data.body_text.startswith("第一段")


def test_page_without_a_date_line_has_an_unknown_date():
    data = read_portal_page("page.txt", page(""))
    assert data.date == UNKNOWN_DATE
    assert data.body_text.startswith("第一段")


def test_page_without_breadcrumb_skips_the_navigation():
    text = "首 页   人大简介   机构设置   人大要闻   公文发布\n通知公告\n· 某条通知...\n\n关于调整会议时间的通知\n\n2024-05-06\n\n会议改在下午三点召开。\n"
    data = read_portal_page("notice.txt", text.encode())
    assert data.title == "关于调整会议时间的通知"
    assert data.date.date == datetime.date(2024, 5, 6)
    assert data.body_text == "会议改在下午三点召开。"


@pytest.mark.django_db
def test_html_page():
    path = FIXTURES / "portal_page_news.html"
    report = import_paths([path], status="draft", default_column="会议报道", progress=False)
    assert (report.imported, report.failed) == (1, 0)
    article = Article.objects.get()
    assert article.title == "市人大常委会召开第三次会议"
    assert article.partial_date.isoformat() == "2023-03-15"
    assert article.source == "平顶山日报"
    assert article.speaker is None
    assert article.kind == Article.Kind.NEWS
    assert article.status == Article.Status.DRAFT
    assert article.column.name == "会议报道"
    assert article.text.split("\n\n") == [
        "3月15日，市十二届人大常委会召开第三次会议，审议《平顶山市汝瓷文化保护条例（草案）》。",
        "会议指出，要坚持科学立法、民主立法、依法立法，确保条例立得住、行得通、真管用。",
        "会议要求，各有关方面要认真做好法规宣传和实施工作！",
    ]
    for piece in FRAME + ["var menu", "float", "上一篇", "点击"]:
        assert piece not in article.text, piece


def test_html_page_in_a_declared_chinese_legacy_encoding():
    html = (FIXTURES / "portal_page_news.html").read_text(encoding="utf-8").replace("utf-8", "gb2312")
    data = read_portal_page("page.htm", html.encode("gb18030"))
    assert data.title == "市人大常委会召开第三次会议"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16"])
def test_text_page_in_a_legacy_encoding_is_detected(encoding):
    data = read_portal_page("page.txt", page("二〇一一年十一月十七日").decode().encode(encoding))
    assert data.title == "市人大常委会召开主任会议"
    assert data.date.isoformat() == "2011-11-17"
    assert data.body_text.startswith("第一段")


def test_short_gbk_text_is_detected():
    data = read_portal_page("notice.txt", "关于调整会议时间的通知\n2011年11月17日\n会议改在下午三点召开。\n".encode("gbk"))
    assert (data.title, data.date.isoformat(), data.body_text) == ("关于调整会议时间的通知", "2011-11-17", "会议改在下午三点召开。")


def test_html_page_whose_declaration_is_wrong_is_detected():
    html = (FIXTURES / "portal_page_news.html").read_text(encoding="utf-8")
    assert "utf-8" in html
    data = read_portal_page("page.html", html.encode("gb18030"))
    assert data.title == "市人大常委会召开第三次会议"


def test_file_in_no_text_encoding_is_refused_naming_the_encodings_tried():
    with pytest.raises(ImportProblem, match="无法识别文件的文字编码（试过UTF-8、GB18030/GBK"):
        read_portal_page("page.txt", bytes(range(256)) * 20)


DECISION = "（2026年3月15日平顶山市第十届人民代表大会常务委员会第二十次会议通过）"
HISTORY = (
    "（2011年11月17日平顶山市第九届人民代表大会常务委员会第二十五次会议通过　根据2020年6月2日平顶山市"
    "第十一届人民代表大会常务委员会第十八次会议《关于修改部分地方性法规的决定》修正）"
)


@pytest.mark.parametrize(
    "meta, date, amendments",
    [
        # The usual line under a 人大 decision's title: its adoption.
        (DECISION, "2026-03-15", [("2026-03-15", "平顶山市第十届人民代表大会常务委员会第二十次会议通过")]),
        # 修订沿革: every event, and the date of the version published (the latest), as in the import format.
        (HISTORY, "2020-06-02", [
            ("2011-11-17", "平顶山市第九届人民代表大会常务委员会第二十五次会议通过"),
            ("2020-06-02", "平顶山市第十一届人民代表大会常务委员会第十八次会议《关于修改部分地方性法规的决定》修正"),
        ]),
        # A date inside an event stays in its text.
        ("（2004年1月1日市人大常委会通过；根据2005年3月1日市人大常委会《关于修改〈条例〉（2003年修订）的决定》修正。）",
         "2005-03-01", [("2004-01-01", "市人大常委会通过"),
                        ("2005-03-01", "市人大常委会《关于修改〈条例〉（2003年修订）的决定》修正")]),
        ("(二〇一一年十一月十七日市人大常委会第二十五次会议通过)",
         "2011-11-17", [("2011-11-17", "市人大常委会第二十五次会议通过")]),
    ],
)
def test_adoption_and_amendment_lines(meta, date, amendments):
    data = read_portal_page("decision.txt", page(meta, title="平顶山市人民代表大会常务委员会关于某事项的决定"))
    assert data.date.isoformat() == date
    assert [(item["date"], item["event"]) for item in data.amendments] == amendments
    assert data.body_text == "第一段，讲的是会议的主要任务。\n\n第二段，讲的是下一步工作！"
    assert data.notes == []


@pytest.mark.parametrize(
    "meta, date, subtitle",
    [
        ("二〇一一年十一月十七日", "2011-11-17", ""),
        ("发布时间：二〇一一年十一月十七日", "2011-11-17", ""),
        ("（２０１１年１１月１７日）", "2011-11-17", ""),
        ("——在市人大常委会第五次会议上的讲话（2011年11月17日）", "2011-11-17", "——在市人大常委会第五次会议上的讲话（2011年11月17日）"),
        ("（2011年11月17日在市人大常委会第五次会议上）", "2011-11-17", "（2011年11月17日在市人大常委会第五次会议上）"),
        # A year in a subtitle names its topic, not the document's date.
        ("——2021年工作回顾", None, "——2021年工作回顾"),
    ],
)
def test_dates_in_meta_lines(meta, date, subtitle):
    data = read_portal_page("page.txt", page(meta))
    assert (data.date.isoformat(), data.subtitle) == (date, subtitle)
    assert data.body_text.startswith("第一段")


def test_date_line_among_the_first_lines_of_the_body():
    data = read_portal_page("decision.txt", page(f"关于某事项的决定\n\n{DECISION}", title="平顶山市人民代表大会常务委员会"))
    assert data.date.isoformat() == "2026-03-15"
    assert data.amendments[0]["event"].endswith("会议通过")
    assert data.body_text.split("\n\n") == ["关于某事项的决定", "第一段，讲的是会议的主要任务。", "第二段，讲的是下一步工作！"]


def test_a_date_deeper_in_the_body_is_not_the_documents():
    data = read_portal_page("page.txt", page("一\n\n二\n\n三\n\n2011年11月17日"))
    assert data.date == UNKNOWN_DATE
    assert "2011年11月17日" in data.body_text


@pytest.mark.parametrize(
    "meta, notes",
    [
        ("2023年2月30日", ["日期“2023年2月30日”不存在", NO_DATE]),
        ("", [NO_DATE]),
        ("2023年2月28日", []),
    ],
)
def test_dates_not_read_are_noted_for_the_report(meta, notes):
    assert read_portal_page("page.txt", page(meta)).notes == notes


@pytest.mark.django_db
def test_import_report_names_dates_not_read(tmp_path):
    (tmp_path / "a.txt").write_bytes(page("2023年2月30日"))
    (tmp_path / "b.txt").write_bytes(page("2023年2月28日", title="另一篇"))
    report = import_paths([tmp_path], status="published", progress=False)
    assert (report.imported, report.failed) == (2, 0)
    assert [str(note) for note in report.notes] == [
        f"{tmp_path / 'a.txt'}：日期“2023年2月30日”不存在", f"{tmp_path / 'a.txt'}：{NO_DATE}",
    ]
    assert Article.objects.get(title="市人大常委会召开主任会议").date_display == "日期不详"


@pytest.mark.parametrize("content", [b"", b"  \n\n ", "首 页   人大简介   机构设置   人大要闻\n当前位置 >> 网站首页\nCopyright 2004".encode()])
def test_page_without_an_article_is_refused(content):
    with pytest.raises(ImportProblem, match="空|没有找到正文"):
        read_portal_page("page.txt", content)
