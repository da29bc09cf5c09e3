"""The portal pages: content, links, breadcrumbs, pagination edges, partial dates, 404s."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from documents.common import dates
from documents.models import Article, Attachment, Column, Meeting, Speaker

from .portal_helpers import SEED_TITLE, breadcrumb_text, make_article, page_text, seed_speech

pytestmark = pytest.mark.django_db

NAVIGATION = "首页 人大简介 机构设置 人大要闻 公文发布 监督工作 人事任免 代表工作 会议报道 工作研究 机关建设"

# A 1x1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def nav_text(response):
    body = response.content.decode()
    start = body.index("<ul>", body.index('<nav class="site-nav"'))  # the columns, after the 栏目 button
    end = body.index("</nav>", start)

    class R:
        content = body[start:end].encode()

    return page_text(R)


class TestEveryPage:
    def test_frame_of_the_seed_speech_page(self, client, settings):
        article = seed_speech()
        response = client.get(article.get_absolute_url())
        body = response.content.decode()
        assert response.status_code == 200
        assert '<html lang="zh-CN">' in body
        assert settings.SITE_NAME in page_text(response)
        assert nav_text(response) == NAVIGATION
        assert f'action="{reverse("documents:search")}"' in body and 'name="q"' in body
        text = page_text(response)
        assert settings.SITE_COPYRIGHT in text
        assert f"版权所有：{settings.SITE_OWNER}" in text
        assert settings.SITE_ICP in text
        assert 'href="#main"' in body and 'id="main"' in body
        # The footer speaks Chinese; the ICP number links to the filing site, as on every Chinese portal.
        footer = body[body.index('<footer class="site-footer">'):]
        assert "Copyright" not in footer and "All Rights Reserved" not in footer
        assert f'<a href="https://beian.miit.gov.cn/" rel="noopener">{settings.SITE_ICP}</a>' in footer
        # The narrow screen's menu button: a native disclosure, before the columns.
        assert '<details class="site-nav__toggle"><summary>栏目</summary></details>' in body

    def test_navigation_follows_the_columns(self, client):
        Column.objects.filter(slug="about").update(name="本会简介", order=999)
        Column.objects.filter(slug="office").update(in_navigation=False)
        text = nav_text(client.get("/"))
        assert text == "首页 机构设置 人大要闻 公文发布 监督工作 人事任免 代表工作 会议报道 工作研究 本会简介"

    def test_no_inline_script_or_style(self, client):
        response = client.get(seed_speech().get_absolute_url())
        body = response.content.decode()
        assert "<script>" not in body and " style=" not in body and " onclick=" not in body


class TestArticlePage:
    def test_seed_speech(self, client):
        article = seed_speech()
        response = client.get(article.get_absolute_url())
        text = page_text(response)
        assert SEED_TITLE in text
        assert "市委书记 张雷明" in text
        assert "（2022年9月22日）" in text
        assert "人民代表大会制度是根本政治制度。" in text
        assert breadcrumb_text(response) == "当前位置 >> 网站首页 >> 人大要闻 >> 文章内容"
        body = response.content.decode()
        assert f'href="{article.speaker.get_absolute_url()}"' in body
        assert 'href="/archive/2022/09/"' in body
        assert 'href="/columns/news/"' in body
        assert 'data-font-size="large"' in body and 'data-font-size="small"' in body and "data-print" in body

    def test_speaker_title_is_the_position_held_then(self, client):
        article = seed_speech()
        Speaker.objects.filter(pk=article.speaker_id).update(position="省人大常委会副主任")
        assert "市委书记 张雷明" in page_text(client.get(article.get_absolute_url()))

    @pytest.mark.parametrize(
        "date, precision, shown, link",
        [
            ((2022, 9, 1), dates.MONTH, "（2022年9月）", "/archive/2022/09/"),
            ((2022, 1, 1), dates.YEAR, "（2022年）", "/archive/2022/"),
            (None, dates.UNKNOWN, "（日期不详）", None),
        ],
    )
    def test_partial_dates(self, client, date, precision, shown, link):
        article = make_article("部分日期", date=date, precision=precision)
        response = client.get(article.get_absolute_url())
        assert shown in page_text(response)
        if link:
            assert f'href="{link}"' in response.content.decode()
        else:
            assert "/archive/" not in response.content.decode().split('class="dateline"')[1].split("</p>")[0]

    def test_official_document_metadata_meeting_attachments_amendments_source(self, client):
        meeting = Meeting.objects.create(name="市十二届人大常委会第三十次会议", date=datetime.date(2022, 9, 20))
        article = make_article(
            "关于批准某条例的决定",
            column_slug="documents",
            doc_number="平人常〔2022〕5号",
            issuer="平顶山市人大常委会",
            meeting=meeting,
            source="平顶山日报",
            amendments=[{"date": "2022-09-22", "event": "通过"}, {"date": "2023-5", "event": "修正"}],
        )
        Attachment.objects.create(article=article, file=SimpleUploadedFile("条例.pdf", b"x" * 2048))
        response = client.get(article.get_absolute_url())
        text = page_text(response)
        assert "文号 平人常〔2022〕5号" in text
        assert "发文机关 平顶山市人大常委会" in text
        assert "成文日期 2022年9月22日" in text
        assert f"会议：{meeting.name}" in text
        assert "条例.pdf（2.0 KB）" in text.replace("\xa0", " ")
        assert "修订沿革 2022年9月22日 通过 2023年5月 修正" in text
        assert "来源：平顶山日报" in text
        assert f'href="{meeting.get_absolute_url()}"' in response.content.decode()

    def test_no_metadata_block_for_ordinary_articles(self, client):
        response = client.get(make_article("普通新闻").get_absolute_url())
        assert "文号" not in page_text(response) and "修订沿革" not in page_text(response)

    def test_previous_and_next_in_the_column(self, client):
        older = make_article("较早", date=(2022, 1, 1))
        middle = make_article("中间", date=(2022, 6, 1))
        newer = make_article("较新", date=(2022, 12, 1))
        make_article("别的栏目", column_slug="supervision", date=(2022, 7, 1))
        make_article("草稿", status=Article.Status.DRAFT, date=(2022, 8, 1))
        text = page_text(client.get(middle.get_absolute_url()))
        assert "上一篇：较早" in text and "下一篇：较新" in text
        assert "上一篇：没有了" in page_text(client.get(older.get_absolute_url()))
        assert "下一篇：没有了" in page_text(client.get(newer.get_absolute_url()))

    def test_previous_and_next_with_unknown_dates(self, client):
        undated_a = make_article("无日期甲", date=None, precision=dates.UNKNOWN)
        undated_b = make_article("无日期乙", date=None, precision=dates.UNKNOWN)
        dated = make_article("有日期", date=(1990, 1, 1))
        text = page_text(client.get(undated_b.get_absolute_url()))
        assert "上一篇：无日期甲" in text and "下一篇：有日期" in text
        assert "上一篇：无日期乙" in page_text(client.get(dated.get_absolute_url()))
        assert "上一篇：没有了" in page_text(client.get(undated_a.get_absolute_url()))

    def test_drafts_and_recycled_are_404(self, client):
        draft = make_article("草稿", status=Article.Status.DRAFT)
        recycled = make_article("已删除")
        Article.objects.filter(pk=recycled.pk).update(deleted_at=timezone.now())
        for article in (draft, recycled):
            response = client.get(article.get_absolute_url())
            assert response.status_code == 404
            assert "页面不存在" in page_text(response)
        assert client.get("/articles/999999/").status_code == 404

    def test_body_html_is_rendered_not_escaped(self, client):
        article = make_article("表格")
        article.body = "<p>第一段</p><table><tr><td>单元格</td></tr></table><script>alert(1)</script>"
        article.save()
        body = client.get(article.get_absolute_url()).content.decode()
        assert "<td>单元格</td>" in body
        assert "alert(1)</script>" not in body


class TestHomePage:
    def test_boxes(self, client):
        notice = make_article("关于征集地方性法规立法项目的公告", column_slug="notices", date=(2023, 3, 1))
        pinned = make_article("置顶的要闻", date=(2000, 1, 1), pinned=True)
        latest = make_article("最新的要闻", date=(2023, 5, 1))
        pictured = make_article("市人大常委会会议召开", cover_alt="会议现场")
        pictured.cover_image = SimpleUploadedFile("meeting.png", PNG)
        pictured.save()
        make_article("草稿通知", column_slug="notices", status=Article.Status.DRAFT)
        response = client.get("/")
        body, text = response.content.decode(), page_text(response)
        assert response.status_code == 200
        notices_box = text.split("通知公告", 1)[1].split("图片内容", 1)[0]
        assert "关于征集地方性法规立法项目的公告 2023年3月1日" in notices_box
        assert "草稿通知" not in text
        assert 'href="/columns/notices/"' in body and "更多" in notices_box
        assert f'href="{notice.get_absolute_url()}"' in body
        assert 'alt="会议现场"' in body and pictured.cover_image.url in body
        news_box = text.split("人大要闻", 2)[2]
        assert news_box.index("置顶的要闻") < news_box.index("最新的要闻") < news_box.index("市人大常委会会议召开")
        assert f'href="{latest.get_absolute_url()}"' in body and f'href="{pinned.get_absolute_url()}"' in body

    def test_picture_alt_falls_back_to_the_title(self, client):
        pictured = make_article("代表视察")
        pictured.cover_image = SimpleUploadedFile("visit.png", PNG)
        pictured.save()
        assert 'alt="代表视察"' in client.get("/").content.decode()

    def test_each_column_box_shows_only_the_latest(self, client):
        for day in range(1, 10):
            make_article(f"监督第{day}篇", column_slug="supervision", date=(2022, 1, day))
        text = page_text(client.get("/"))
        assert "监督第9篇" in text and "监督第4篇" in text and "监督第3篇" not in text


class TestColumnPage:
    def test_newest_first_pinned_first_twenty_a_page(self, client):
        for day in range(1, 26):
            make_article(f"要闻{day:02d}", date=(2022, 1, day))
        make_article("置顶", date=(1999, 1, 1), pinned=True)
        make_article("草稿", status=Article.Status.DRAFT, date=(2023, 1, 1))
        first = client.get("/columns/news/")
        text = page_text(first)
        assert first.status_code == 200
        assert breadcrumb_text(first) == "当前位置 >> 网站首页 >> 人大要闻"
        assert text.index("置顶") < text.index("要闻25 2022年1月25日") < text.index("要闻07")
        assert "要闻06" not in text and "草稿" not in text
        assert "第 1 页 / 共 2 页" in text and "共 26 篇" in text
        second = page_text(client.get("/columns/news/?page=2"))
        assert "要闻06" in second and "要闻01" in second and "要闻07" not in second

    @pytest.mark.parametrize("page", ["0", "3", "abc", "-1", "1.5", "99999999999999999999"])
    def test_bad_pages_are_404(self, client, page):
        for day in range(1, 22):
            make_article(f"要闻{day}", date=(2022, 1, day))
        response = client.get(f"/columns/news/?page={page}")
        assert response.status_code == 404
        assert "页面不存在" in page_text(response)

    def test_empty_column_and_unknown_column(self, client):
        response = client.get("/columns/research/")
        assert response.status_code == 200 and "暂无文章" in page_text(response)
        assert client.get("/columns/no-such-column/").status_code == 404


class TestSpeakers:
    def test_index_and_page(self, client):
        speech = seed_speech()
        make_article("2021年的报告", speaker=speech.speaker, speaker_title="市长", kind="report", date=(2021, 2, 1))
        make_article("草稿讲话", speaker=speech.speaker, status=Article.Status.DRAFT)
        Speaker.objects.create(name="无文章的人")
        index = client.get("/speakers/")
        text = page_text(index)
        assert "张雷明 市委书记 2 篇" in text and "无文章的人" not in text
        assert f'href="{speech.speaker.get_absolute_url()}"' in index.content.decode()

        response = client.get(speech.speaker.get_absolute_url())
        text = page_text(response)
        assert breadcrumb_text(response) == "当前位置 >> 网站首页 >> 发言人 >> 张雷明"
        assert text.index("2022年") < text.index(SEED_TITLE) < text.index("2021年") < text.index("2021年的报告")
        assert "草稿讲话" not in text
        body = response.content.decode()
        assert f'<input type="hidden" name="speaker" value="{speech.speaker.slug}">' in body
        assert f'action="{reverse("documents:search")}"' in body

    def test_unknown_dates_grouped_last(self, client):
        speech = seed_speech()
        make_article("无日期讲话", speaker=speech.speaker, date=None, precision=dates.UNKNOWN)
        text = page_text(client.get(speech.speaker.get_absolute_url()))
        assert text.index(SEED_TITLE) < text.index("日期不详 无日期讲话")

    def test_speaker_without_public_documents_is_404(self, client):
        speaker = Speaker.objects.create(name="只有草稿")
        make_article("草稿", speaker=speaker, status=Article.Status.DRAFT)
        assert client.get(speaker.get_absolute_url()).status_code == 404
        assert client.get("/speakers/nobody/").status_code == 404


class TestMeetings:
    def test_index_newest_first_and_page(self, client):
        old = Meeting.objects.create(name="第一次会议", date=datetime.date(2020, 1, 1))
        new = Meeting.objects.create(name="第二次会议", date=datetime.date(2022, 1, 1))
        make_article("旧会议文件", meeting=old)
        make_article("新会议文件", meeting=new, column_slug="documents")
        text = page_text(client.get("/meetings/"))
        assert text.index("第二次会议") < text.index("第一次会议")
        response = client.get(new.get_absolute_url())
        text = page_text(response)
        assert "新会议文件" in text and "旧会议文件" not in text and "2022年1月1日" in text
        assert breadcrumb_text(response) == "当前位置 >> 网站首页 >> 会议 >> 第二次会议"
        assert client.get("/meetings/no-such/").status_code == 404


class TestArchive:
    def test_counts_and_lists(self, client):
        seed_speech()
        make_article("九月另一篇", date=(2022, 9, 1))
        make_article("只有月份", date=(2022, 9, 1), precision=dates.MONTH)
        make_article("只有年份", date=(2022, 1, 1), precision=dates.YEAR)
        make_article("一月", date=(2022, 1, 5))
        make_article("前一年", date=(2021, 3, 3))
        make_article("不详", date=None, precision=dates.UNKNOWN)
        make_article("草稿", status=Article.Status.DRAFT)

        index = page_text(client.get("/archive/"))
        assert "2022年（5）" in index and "2021年（1）" in index and "日期不详（1）" in index

        year = client.get("/archive/2022/")
        text = page_text(year)
        assert breadcrumb_text(year) == "当前位置 >> 网站首页 >> 按日期浏览 >> 2022年"
        assert "1月（1）" in text and "9月（3）" in text and "月份不详（1）" in text
        assert "只有年份" in text and "前一年" not in text and "草稿" not in text

        month = client.get("/archive/2022/09/")
        text = page_text(month)
        assert breadcrumb_text(month) == "当前位置 >> 网站首页 >> 按日期浏览 >> 2022年 >> 9月"
        assert SEED_TITLE in text and "只有月份" in text and "只有年份" not in text and "一月" not in text
        assert client.get("/archive/2022/9/").status_code == 200

    def test_undated_documents_are_browsable(self, client):
        seed_speech()
        make_article("不详一", date=None, precision=dates.UNKNOWN)
        make_article("不详二", date=None, precision=dates.UNKNOWN)
        make_article("不详草稿", date=None, precision=dates.UNKNOWN, status=Article.Status.DRAFT)
        index = client.get("/archive/").content.decode()
        assert '<a href="/archive/undated/">日期不详</a>（2）' in index

        undated = client.get("/archive/undated/")
        text = page_text(undated)
        assert breadcrumb_text(undated) == "当前位置 >> 网站首页 >> 按日期浏览 >> 日期不详"
        assert "文章（2 篇）" in text and "不详一" in text and "不详二" in text
        assert "不详草稿" not in text and SEED_TITLE not in text
        assert '<strong aria-current="page">日期不详（2）</strong>' in undated.content.decode()
        payload = client.get("/archive/undated/?format=json").json()
        assert payload["undated"] is True and payload["count"] == 2 and payload["unknown"] == 2
        assert sorted(item["title"] for item in payload["results"]) == ["不详一", "不详二"]

    def test_no_undated_documents_no_link(self, client):
        seed_speech()
        assert "/archive/undated/" not in client.get("/archive/").content.decode()
        assert client.get("/archive/undated/").status_code == 404

    @pytest.mark.parametrize("url", ["/archive/2022/13/", "/archive/2022/00/", "/archive/1999/", "/archive/22/",
                                     "/archive/2022/10/", "/archive/2022/09/?page=2",
                                     # Years no calendar computation accepts: 404, not a server error.
                                     "/archive/0000/", "/archive/0000/01/", "/archive/9999/", "/archive/9999/12/",
                                     "/archive/0000/?format=json", "/archive/9999/12/?format=json"])
    def test_missing_periods_are_404(self, client, url):
        seed_speech()
        assert client.get(url).status_code == 404

    def test_the_last_month_of_a_year_ends_with_it(self, client):
        make_article("十二月的文章", date=(2021, 12, 31))
        make_article("一月的文章", date=(2022, 1, 1))
        titles = [item["title"] for item in client.get("/archive/2021/12/?format=json").json()["results"]]
        assert titles == ["十二月的文章"]


class TestErrorPages:
    def test_404_in_chinese_with_the_site_frame(self, client, settings):
        response = client.get("/no/such/page/")
        assert response.status_code == 404
        text = page_text(response)
        assert "页面不存在" in text and settings.SITE_ICP in text
        assert nav_text(response).startswith("首页 人大简介")

    def test_500_renders_without_the_database(self, rf, settings, django_assert_num_queries):
        from documents.archive.errors import server_error

        with django_assert_num_queries(0):
            response = server_error(rf.get("/"))
        text = page_text(response)
        assert response.status_code == 500
        assert "服务器错误" in text and settings.SITE_NAME in text and settings.SITE_ICP in text

    def test_500_handler_is_used(self, client, settings, monkeypatch):
        from documents.archive import pages

        def broken():
            raise RuntimeError("database is down")

        monkeypatch.setattr(pages, "home", broken)
        client.raise_request_exception = False
        response = client.get("/")
        assert response.status_code == 500 and "服务器错误" in page_text(response)


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text and "Sitemap: http://testserver/sitemap.xml" in text


def test_partial_dates_in_lists(client):
    make_article("月份文章", date=(2022, 9, 1), precision=dates.MONTH)
    make_article("年份文章", date=(2021, 1, 1), precision=dates.YEAR)
    make_article("无日期文章", date=None, precision=dates.UNKNOWN)
    text = page_text(client.get("/columns/news/"))
    assert "月份文章 2022年9月" in text and "年份文章 2021年" in text and "无日期文章 日期不详" in text


def test_staff_preview_context_renders_a_draft(rf):
    """The admin preview renders the public template with article_context(): drafts included."""
    from django.template.loader import render_to_string

    from documents.archive.pages import article_context, article_queryset

    draft = make_article("尚未发布的讲话", status=Article.Status.DRAFT)
    html = render_to_string("documents/article_detail.html", article_context(article_queryset().get(pk=draft.pk)),
                            request=rf.get("/"))
    assert "尚未发布的讲话" in html and "当前位置" in html


def test_pages_are_read_only(client):
    assert client.post("/").status_code == 405
    assert client.post(seed_speech().get_absolute_url()).status_code == 405
