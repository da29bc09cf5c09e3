"""Search that understands what people mean: the vocabulary (definitions the documents make, colloquial forms),
a typed sentence searched as its words, terms left out rather than an empty page, a period in the query, rules
before commentary. Texts are sentences of real corpus documents (laws.jsonl), cut short."""

import io

import pytest
from django.core.management import call_command

from documents.common.dates import parse_partial_date
from documents.legislation import genres
from documents.models import Article, Column, EquivalentTerms
from documents.search.language import periods, vocabulary
from documents.search.index.indexing import rebuild
from documents.search.query import Filters, search

FILLER = "各级人民政府应当加强领导，组织有关部门做好相关工作。" * 4


def make(title, body, date=None, **fields):
    article = Article(title=title, column=Column.objects.get(slug="news"), status=Article.Status.PUBLISHED,
                      **fields)
    article.set_partial_date(parse_partial_date(date))
    article.set_plain_text_body(body)
    article.save()
    return article


def ranked(q, **kwargs):
    return [hit.pk for hit in search(q, per_page=100, **kwargs).hits]


# --- genres, on real titles ------------------------------------------------------------------------------------


@pytest.mark.parametrize("title, fields, expected", [
    ("中华人民共和国民法典", {}, genres.LAW),
    ("中华人民共和国刑法修正案（十一）", {}, genres.LAW),
    ("反分裂国家法", {}, genres.LAW),
    ("中华人民共和国传染病防治法实施办法", {}, genres.ADMINISTRATIVE),
    ("保障农民工工资支付条例", {}, genres.ADMINISTRATIVE),
    ("人力资源市场暂行条例", {}, genres.ADMINISTRATIVE),
    ("城市市容和环境卫生管理条例", {}, genres.ADMINISTRATIVE),
    ("平顶山市建设工地扬尘污染防治条例", {"issuer": "河南"}, genres.LOCAL),
    ("郑州市城市养犬管理条例", {}, genres.LOCAL),
    ("最高人民法院关于限制被执行人高消费的若干规定", {}, genres.JUDICIAL),
    ("关于审理使用人脸识别技术处理个人信息相关民事案件适用法律若干问题的规定", {}, genres.JUDICIAL),
    ("公安机关办理行政案件程序规定", {"source": "LawRefBook/Laws:部门规章/公安部/公安机关办理行政案件程序规定.md"},
     genres.DEPARTMENTAL),
    ("上海市人民代表大会常务委员会关于促进和保障浦东新区改革开放再出发实现新时代高质量发展的决定", {"issuer": "上海"},
     genres.DECISION),
    ("2019年中华人民共和国国务院政府工作报告", {"kind": "report"}, genres.REPORT),
    ("高空坠物由侵权人承担赔偿责任", {"source": "LawRefBook/Laws:案例/民法典/高空坠物由侵权人承担赔偿责任.md"}, genres.CASE),
    ("赵某某诉山东省济南市历城区人民政府不履行拆迁安置补偿协议案", {}, genres.CASE),
    ("消费者与影楼签订摄影合同后可依法行使解除权", {"column": "典型案例"}, genres.CASE),
    ("劳动仲裁和劳动诉讼的攻略", {"source": "LawRefBook/Laws:其他/劳动仲裁和劳动诉讼的攻略.md"}, genres.COMMENTARY),
])
def test_genre_of_real_titles(title, fields, expected):
    assert genres.genre(title, **fields) == expected


# --- the vocabulary ------------------------------------------------------------------------------------------------


def test_definitions_are_cut_at_the_defined_name():
    text = ("第二条 市人民代表大会常务委员会（以下简称市人大常委会）对规范性文件实施备案审查。"
            "第二条 本条例所称的科学技术普及（以下简称科普），是指采用公众易于理解的方式。"
            "市人民政府设立杭州良渚遗址管理区管理委员会（以下简称良渚遗址管委会），作为派出机构。"
            "确定各类绿地的控制线（以下简称绿线），并向社会公布。"
            "本条例所称用人单位（以下简称单位）。")
    found = {(d.short, d.full) for d in vocabulary.definitions(text, "t")}
    assert ("市人大常委会", "市人民代表大会常务委员会") in found
    assert ("科普", "科学技术普及") in found
    assert ("良渚遗址管委会", "良渚遗址管理区管理委员会") in found
    assert not any(short in ("绿线", "单位") for short, _ in found)  # a clause, not a name; a generic word


def test_a_short_form_defined_two_ways_is_kept_only_when_one_way_prevails():
    docs = [("甲", "设立开发区管理委员会（以下简称开发区管委会）。")] * 3 + [("乙", "开发区建设管理委员会（以下简称开发区管委会）。")]
    assert [forms for forms, _ in vocabulary.defined_groups(docs)] == [["开发区管理委员会", "开发区管委会"]]
    tie = [("甲", "设立开发区管理委员会（以下简称开发区管委会）。"), ("乙", "开发区建设管理委员会（以下简称开发区管委会）。")]
    assert vocabulary.defined_groups(tie) == []


def test_the_colloquial_list_is_well_formed():
    groups = vocabulary.colloquial_groups()
    assert len(groups) >= 150 and sum(len(forms) - 1 for forms, _ in groups) >= 200
    for forms, note in groups:
        assert len(forms) >= 2 and note.startswith("口语说法：") and len(note) > len("口语说法：")
        assert all(len(form) >= 2 for form in forms), forms


def test_load_vocabulary_adds_to_the_staffs_table_without_moving_their_forms(db):
    make("北京市科学技术普及条例", "第二条 本条例所称的科学技术普及（以下简称科普），是指采用公众易于理解的方式。")
    staff = EquivalentTerms.objects.create(forms="噪声\n噪音", note="staff")
    out = io.StringIO()
    call_command("load_vocabulary", stdout=out)
    staff.refresh_from_db()
    assert staff.forms.splitlines()[:2] == ["噪声", "噪音"]  # staff's row kept, at most extended
    rows = {row.forms: row.note for row in EquivalentTerms.objects.all()}
    assert rows["科学技术普及\n科普"].startswith("语料定义：《北京市科学技术普及条例》")
    assert any(forms.startswith("失信被执行人\n老赖") for forms in rows)
    count = EquivalentTerms.objects.count()
    call_command("load_vocabulary", stdout=out)
    assert EquivalentTerms.objects.count() == count  # a second run adds nothing
    assert "新增 0 组" in out.getvalue().splitlines()[-1]


def test_peoples_words_find_the_laws_words_after_the_typed_form(db):
    rule = make("最高人民法院关于公布失信被执行人名单信息的若干规定", "被执行人未履行义务的，纳入失信被执行人名单。" + FILLER,
                "2017-02-28")
    typed = make("某市诚信建设条例", "对老赖依法惩戒。" + FILLER, "2010-01-01")
    call_command("load_vocabulary", "--no-definitions", stdout=io.StringIO())
    rebuild()
    results = search("老赖")
    assert [hit.pk for hit in results.hits] == [typed.pk, rule.pk]  # what was typed first
    assert ("老赖", ["失信被执行人", "失信人"]) in results.equivalents or results.equivalents[0][0] == "老赖"
    assert ranked('"老赖"') == [typed.pk]  # quoted: exact


# --- never an empty page ---------------------------------------------------------------------------------------


def test_a_sentence_is_searched_as_its_words_and_a_term_no_document_holds_is_left_out(db):
    noise = make("杭州市环境噪声管理条例", "第三十条 进行房屋室内装修活动，应当采取措施，防止噪声扰民。" + FILLER, "2010-01-13")
    other = make("杭州市市容管理条例", FILLER, "2015-01-01")
    call_command("load_vocabulary", "--no-definitions", stdout=io.StringIO())
    rebuild()
    results = search("装修噪音扰民")
    assert [hit.pk for hit in results.hits] == [noise.pk]
    # Found by the words of its variant apart (装修 … 噪声扰民), and the page says which form was searched.
    assert results.equivalents == [("装修噪音扰民", ["装修噪声扰民"])]
    # A sentence whose words hold no form: searched as its words apart, saying so.
    results = search("装修时噪声扰民")
    assert [hit.pk for hit in results.hits] == [noise.pk]
    assert "装修" in results.messages[-1] and "扰民" in results.messages[-1]
    results = search("装修 扰民 楼上邻居")
    assert [hit.pk for hit in results.hits] == [noise.pk]
    assert results.relaxed == ["楼上邻居"]
    assert "以下结果不含“楼上邻居”" in " ".join(results.messages)
    assert other.pk not in [hit.pk for hit in results.hits]


def test_a_short_first_page_is_followed_by_results_without_one_term(client, db):
    answer = make("平顶山市建设工地扬尘污染防治条例", "第一条 为了防治扬尘污染。" + FILLER, "2019-01-01")
    others = [make(f"{city}扬尘污染防治条例", "第一条 为了防治扬尘污染。" + FILLER, "2018-01-01")
              for city in ("漯河市", "开封市")]
    make("平顶山市城市绿化条例", FILLER, "2017-01-01")
    rebuild()
    results = search("平顶山 扬尘")
    assert [hit.pk for hit in results.hits] == [answer.pk] and results.count == 1
    # Leaving out 平顶山 finds the most (3 against 2): the other cities' rules follow, the answer not twice.
    assert results.also_without == "平顶山"
    assert {hit.pk for hit in results.also} == {other.pk for other in others}
    assert "同时包含全部搜索词的文件只有 1 篇；其后列出不含“平顶山”的文件。" in results.messages
    data = client.get("/search/", {"q": "平顶山 扬尘", "format": "json"}).json()
    assert data["count"] == 1 and data["also_without"] == "平顶山" and len(data["also"]) == 2
    page = client.get("/search/", {"q": "平顶山 扬尘"}).content.decode()
    assert "不含“平顶山”的文件" in page and page.count('class="search-result"') == 3
    # Only under a first page ranked by relevance, and never for a quoted phrase.
    assert search("平顶山 扬尘", sort="newest").also == []
    assert search('"平顶山" "扬尘"').also == []
    assert search("扬尘").also == []  # one term: nothing to leave out


def test_the_search_beside_a_short_page_keeps_to_the_deadline(db, monkeypatch):
    from documents.search import query as query_module
    from documents.search.language import budget

    answer = make("平顶山市建设工地扬尘污染防治条例", "第一条 为了防治扬尘污染。" + FILLER, "2019-01-01")
    make("漯河市扬尘污染防治条例", "第一条 为了防治扬尘污染。" + FILLER, "2018-01-01")
    rebuild()
    real = query_module.get_backend

    class PastTheDeadlineBeside:
        """The search itself in time; the deadline passes while the terms left out are searched (the engine then
        stops and marks the search's budget cut, as budget.Budget.check does)."""

        def __init__(self, backend):
            self.backend, self.calls = backend, 0

        def run_query(self, *args):
            self.calls += 1
            found = self.backend.run_query(*args)
            if self.calls > 1:
                budget.current().cut = True
            return found

    monkeypatch.setattr(query_module, "get_backend", lambda using="default": PastTheDeadlineBeside(real(using)))
    results = search("平顶山 扬尘")
    # Its own result whole, nothing beside it, and no word of a search cut short: what it shows is complete.
    assert [hit.pk for hit in results.hits] == [answer.pk] and results.count == 1
    assert results.also == [] and results.also_without == ""
    assert not results.cut and query_module.CUT_MESSAGE not in results.messages


def test_quoted_phrases_are_never_left_out(db):
    make("杭州市环境噪声管理条例", "防止噪声扰民。" + FILLER, "2010-01-13")
    rebuild()
    results = search('"楼上邻居" 噪声')
    assert results.hits == [] and results.relaxed == []


def test_the_page_says_what_was_left_out_and_links_to_it(client, db):
    make("杭州市环境噪声管理条例", "防止噪声扰民。" + FILLER, "2010-01-13")
    rebuild()
    page = client.get("/search/", {"q": "噪声 扰民 楼上邻居"}).content.decode()
    assert "没有同时包含“噪声”“扰民”“楼上邻居”的文件，以下结果不含“楼上邻居”。" in page
    assert "只查“噪声 扰民”" in page and "只查“楼上邻居”" in page
    data = client.get("/search/", {"q": "噪声 扰民 楼上邻居", "format": "json"}).json()
    assert data["left_out"] == ["楼上邻居"] and data["count"] == 1


# --- time, and rules before commentary -----------------------------------------------------------------------------


@pytest.mark.parametrize("q, first, last, rest", [
    ("八十年代 经济体制改革", 1980, 1989, "经济体制改革"),
    ("九十年代初 治理整顿", 1990, 1993, "治理整顿"),
    ("上世纪五十年代末", 1956, 1959, ""),
    ("2000年代", 2000, 2009, ""),
])
def test_periods_people_say(q, first, last, rest):
    words, period = periods.extract(q)
    assert (words, period.first.year, period.last.year) == (rest, first, last)


def test_a_quoted_period_stays_a_phrase():
    assert periods.extract('"八十年代" 歌曲') == ('"八十年代" 歌曲', None)


def test_a_period_favours_documents_of_that_time(db):
    later = make("2005年政府工作报告", "深化经济体制改革。" + FILLER, "2005-03-05", kind=Article.Kind.REPORT)
    eighties = make("1985年政府工作报告", "推进经济体制改革。" + FILLER, "1985-03-27", kind=Article.Kind.REPORT)
    rebuild()
    assert ranked("经济体制改革") == [later.pk, eighties.pk]  # newest first without a period
    results = search("八十年代 经济体制改革")
    assert [hit.pk for hit in results.hits] == [eighties.pk, later.pk]
    assert "1980—1989年" in results.messages[0]


def test_a_year_beside_other_words_is_a_period_and_the_title_is_named_with_it(db):
    constitution = make("中华人民共和国宪法", "第一条 中华人民共和国是人民民主专政的社会主义国家。" + FILLER, "2018-03-11")
    report_82 = make("1982年政府工作报告", "关于宪法修改草案的说明。" + FILLER, "1982-12-01", kind=Article.Kind.REPORT)
    report_19 = make("2019年政府工作报告", FILLER, "2019-03-05", kind=Article.Kind.REPORT)
    report_20 = make("2020年政府工作报告", "2019年的工作回顾。依照宪法。" + FILLER, "2020-05-22", kind=Article.Kind.REPORT)
    rebuild()
    # The constitution of 1982 never prints the year: the 宪法 by its name, then the report of 1982 before 2020's.
    assert ranked("1982年 宪法") == [constitution.pk, report_82.pk, report_20.pk]
    assert ranked("2019年 政府工作报告")[0] == report_19.pk  # named with its year
    assert periods.extract("2019年") == ("2019年", None)  # alone: the word itself
    assert periods.extract("2019年政府工作报告") == ("2019年政府工作报告", None)  # inside a term: a title
    assert periods.extract('宪法 -1982年') == ('宪法 -1982年', None)  # excluded: exact


def test_a_rule_holding_the_query_ranks_before_a_case_whose_title_repeats_it(db):
    case = make("高空抛物由侵权人承担赔偿责任", "基本案情 张某诉某物业公司高空抛物损害赔偿。", None,
                source="LawRefBook/Laws:案例/民法典/高空坠物由侵权人承担赔偿责任.md")
    code = make("中华人民共和国民法典", "第一千二百五十四条 禁止从建筑物中抛掷物品。高空抛物造成他人损害的，由侵权人依法承担侵权责任。"
                + FILLER, "2021-01-01")
    rebuild()
    assert ranked("高空抛物") == [code.pk, case.pk]
    hits = search("高空抛物").hits
    assert [hit.genre for hit in hits] == [genres.LAW, genres.CASE]
    assert ranked("高空抛物", filters=Filters(genre=genres.CASE)) == [case.pk]
    page = pytest.importorskip("django.test").Client().get("/search/", {"q": "高空抛物"}).content.decode()
    assert '<span class="search-result__genre">案例</span>' in page


def test_the_report_about_a_policy_ranks_before_a_short_text_naming_it_once(db):
    # Lengths as in the corpus: a work report of many sections, a resolution of a few lines on it.
    report = make("2024年政府工作报告", "\n\n".join(
        [("加快发展新质生产力。" if n % 8 == 0 else "") + FILLER for n in range(48)]), "2024-03-05",
        kind=Article.Kind.REPORT)
    resolution = make("关于政府工作报告的决议", "会议要求因地制宜发展新质生产力。", "2024-03-11")
    rebuild()
    assert ranked("新质生产力") == [report.pk, resolution.pk]


# --- passages ------------------------------------------------------------------------------------------------------


def test_the_snippet_and_link_show_the_article_holding_every_term(db):
    code = make("中华人民共和国民法典", "\n\n".join([
        "第一条 为了保护民事主体的合法权益，制定本法。",
        "第二条 侵权人应当承担侵权责任。" + FILLER,
        "第三条 禁止从建筑物中抛掷物品。",
        "第一千二百五十四条 禁止从建筑物中抛掷物品。从建筑物中抛掷物品造成他人损害的，由侵权人依法承担侵权责任。",
    ]), "2021-01-01")
    rebuild()
    hit = search("抛掷物品 侵权人").hits[0]
    assert hit.pk == code.pk
    assert "第一千二百五十四条" in hit.snippet
    assert hit.url.endswith("#" + "%E7%AC%AC%E4%B8%80%E5%8D%83%E4%BA%8C%E7%99%BE%E4%BA%94%E5%8D%81%E5%9B%9B%E6%9D%A1")
    assert "第一条" in search("侵权人 合法权益").hits[0].snippet  # the first 条 holding both: not the 第二条


def test_every_term_within_one_article_weighs_more_than_the_same_terms_scattered(db):
    scattered = make("某省物业管理条例", "第一条 业主应当按时交纳物业服务费。" + FILLER * 3 + "\n\n第九十条 高空抛物的，依法处理。",
                     "2023-01-01")
    together = make("某市文明行为促进条例", "第十条 " + FILLER * 8 + "\n\n第十一条 不得高空抛物；业主拖欠物业服务费的，依法处理。",
                    "2019-01-01")
    rebuild()
    assert ranked("物业服务费") == [scattered.pk, together.pk]  # shorter and newer: first on one term
    assert ranked("物业服务费 高空抛物") == [together.pk, scattered.pk]  # both terms in one 条


def test_a_group_joining_a_row_added_by_the_same_merge_extends_that_new_row():
    rows = [[["人大常委会", "人民代表大会常务委员会"], "seed"]]
    added, extended = vocabulary.merge(rows, [(["噪声", "噪音"], "a"), (["噪声", "噪声污染"], "b"),
                                              (["人民代表大会常务委员会", "人大常务委员会"], "c")])
    assert added == [1] and rows[1][0] == ["噪声", "噪音"]  # 噪声污染 contains 噪声: nothing more to find
    assert extended == {0} and rows[0][0] == ["人大常委会", "人民代表大会常务委员会", "人大常务委员会"]
    rows = [[["甲乙丙", "丁戊"], "seed"]]
    added, extended = vocabulary.merge(rows, [(["己庚", "辛壬"], "a"), (["辛壬", "癸子"], "b")])
    assert added == [1] and extended == set() and rows[1][0] == ["己庚", "辛壬", "癸子"]


def test_a_question_in_peoples_words_finds_the_rule(db):
    rule = make("工伤保险条例", "第十四条 职工有下列情形之一的，应当认定为工伤：（六）在上下班途中，受到非本人主要责任的交通事故伤害的。"
                + FILLER, "2010-12-20")
    make("某市道路交通安全条例", "发生交通事故的，应当立即停车。" + FILLER, "2020-01-01")
    call_command("load_vocabulary", "--no-definitions", stdout=io.StringIO())
    rebuild()
    results = search("上下班路上出车祸 算工伤吗")
    assert [hit.pk for hit in results.hits][:1] == [rule.pk]
