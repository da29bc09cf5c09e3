"""What kind of text a document is, for search to put rules before commentary: 法律, 行政法规, 地方性法规, 司法解释,
部门规章, 决定, 报告, 决议, 案例, 解读, 其他 — derived from what the archive holds (title, issuer, column, source,
the article's kind), as a reader would tell them apart.

- a column or a source naming 案例 (典型案例, 指导性案例) or a title ending in …案 with a party suing (诉) → 案例;
  a column or source naming 解读, 问答, 攻略 → 解读;
- the article's kind 报告 / 决议 → 报告 / 决议;
- a title of the Supreme People's Court or Procuratorate (最高人民法院…, 关于审理…的解释) → 司法解释;
- 中华人民共和国…法 (its 修正案 too) → 法律; 全国人民代表大会（常务委员会）关于…的决定 and other …决定 → 决定;
- a province's or city's 条例, 规定, 办法, 细则 (an issuer other than the State Council, or a place name opening
  the title) → 地方性法规; the source's 部门规章 → 部门规章; other 条例, 规定, 办法, 细则 → 行政法规.
"""

import re

LAW, ADMINISTRATIVE, LOCAL, JUDICIAL, DEPARTMENTAL = "法律", "行政法规", "地方性法规", "司法解释", "部门规章"
DECISION, REPORT, RESOLUTION, CASE, COMMENTARY, OTHER = "决定", "报告", "决议", "案例", "解读", "其他"
GENRES = (LAW, ADMINISTRATIVE, LOCAL, JUDICIAL, DEPARTMENTAL, DECISION, REPORT, RESOLUTION, CASE, COMMENTARY, OTHER)
# Texts that bind (a 条 of them answers a legal question) and texts about them.
NORMATIVE = frozenset({LAW, ADMINISTRATIVE, LOCAL, JUDICIAL, DEPARTMENTAL, DECISION})
EXPLANATORY = frozenset({CASE, COMMENTARY})

_RULE_ENDINGS = re.compile(r"(条例|规定|办法|细则|规则|准则|标准|决定|命令)(（[^）]*）)?(\(\d{4}-\d{2}-\d{2}\))?$")
_PLACE = re.compile(r"^(?!国务院|中华人民共和国|全国|中国|城市)[\u4e00-\u9fff]{2,6}?(省|市(?!场)|自治区|自治州|自治县|县|经济特区|新区)")
_JUDICIAL = re.compile(r"^(最高人民法院|最高人民检察院|关于审理|关于办理|关于适用|人民法院|人民检察院)")
_CASE_TITLE = re.compile(r"诉.{2,60}(一案|案)$")


def of(article):
    """The genre of an Article (its column loaded)."""
    return genre(article.title, issuer=article.issuer, column=article.column.name if article.column_id else "",
                 source=article.source, kind=article.kind)


def genre(title, *, issuer="", column="", source="", kind=""):
    """The genre (one of GENRES) of a document."""
    title, issuer, where = (title or "").strip(), (issuer or "").strip(), f"{column or ''} {source or ''}"
    if "案例" in where or _CASE_TITLE.search(title):
        return CASE
    if any(word in where for word in ("解读", "问答", "攻略")):
        return COMMENTARY
    if kind in ("report", REPORT):
        return REPORT
    if kind in ("resolution", RESOLUTION):
        return RESOLUTION
    if _JUDICIAL.match(title) or "司法解释" in where:
        return JUDICIAL
    if title.startswith("中华人民共和国") and re.search(r"(?<!办)法(典)?(修正案(（[^）]*）)?)?$", title):
        return LAW
    if re.search(r"决定$", title):
        return DECISION
    if _RULE_ENDINGS.search(title):
        if "部门规章" in where:
            return DEPARTMENTAL
        if (issuer and "国务院" not in issuer) or _PLACE.match(title):
            return LOCAL
        return ADMINISTRATIVE
    if re.search(r"(?<!办)法$", title):
        return LAW
    return OTHER
