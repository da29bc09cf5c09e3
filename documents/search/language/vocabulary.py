"""The vocabulary that bridges people's words and the law's: short forms the documents define themselves and a
reviewed list of colloquial forms, merged into the equivalent terms staff edit (EquivalentTerms).

Definitions: a law names a thing once in full and then by a short form, `市人民代表大会常务委员会（以下简称市人大常委会）`,
`（简称“X”）`, `（即X）`. The full name is cut at a real term boundary: the shortest tail of the text before the
bracket that starts where jieba starts a word, holds the short form's characters in order (an abbreviation keeps
its characters), and holds no clause word (的, 和, 或者 ...: those belong to the sentence around the name). A short
form defined with different names in different documents is kept only when one name holds two thirds of its
definitions; generic short forms (本法, 单位, 代表) and the anonymised parties of cases (某公司) are left out.

Colloquial forms (colloquial_terms.tsv beside this file): one line a formal term, the colloquial forms people type
for it and the reason or source, reviewed by hand.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from .. import analysis
from . import equivalents

COLLOQUIAL = Path(__file__).with_name("colloquial_terms.tsv")
DEFINITION = re.compile(
    r"([\u4e00-\u9fff]{2,40})[（(](?:以下|下文)?(?:简称|统称|即)[为：:]?[“\"「]?([\u4e00-\u9fff]{2,12})[”\"」]?[）)]")
CLAUSE_WORDS = ("的", "和", "或者", "以及", "及其", "是", "、", "在", "对", "由", "与", "等")
# Short forms too generic to stand for one name: they name something else in most documents.
GENERIC = {"本法", "本条例", "本规定", "本办法", "本细则", "代表", "单位", "用户", "常委会", "委员会", "部门", "机构",
           "主管部门", "主管机关", "管委会", "工作机构", "办事机构", "协会", "中心", "平台", "项目", "企业", "区内"}
MIN_SHARE = 2 / 3
MAX_FULL_CHARS = 30


@dataclass(frozen=True)
class Definition:
    short: str
    full: str
    title: str  # the document that defines it


def _in_order(short, full):
    chars = iter(full)
    return all(char in chars for char in short)


def _word_starts(text):
    starts, position = set(), 0
    for word in analysis.words(text):
        starts.add(position)
        position += len(word)
    return starts


def full_name(short, before):
    """The name `short` abbreviates, cut from the text just before its bracket, or None when no tail of it is
    a whole term (see the module's docstring)."""
    starts = _word_starts(before)
    for start in range(len(before) - len(short) - 1, -1, -1):
        full = before[start:]
        if any(word in full for word in CLAUSE_WORDS) or len(full) > MAX_FULL_CHARS:
            return None  # going further left only adds the sentence around the name
        if full[0] == short[0] and start in starts and short not in full and _in_order(short, full):
            return full
    return None


def definitions(text, title=""):
    """The Definitions a document's text makes."""
    for match in DEFINITION.finditer(text or ""):
        short = match.group(2)
        if short in GENERIC or short.startswith(("本", "该", "上述", "前款")) or "某" in match.group(0):
            continue
        full = full_name(short, match.group(1))
        if full:
            yield Definition(short, full, title)


def defined_groups(documents):
    """[(forms, note)] of the short forms the documents define, one group a short form; documents: (title, text)."""
    names, first = defaultdict(Counter), {}
    for title, text in documents:
        for found in definitions(text, title):
            names[found.short][found.full] += 1
            first.setdefault((found.short, found.full), title)
    groups = []
    for short, counted in sorted(names.items()):
        full, count = counted.most_common(1)[0]
        if count >= MIN_SHARE * sum(counted.values()):
            where = first[(short, full)]
            groups.append(([full, short], f"语料定义：《{where}》“{full}（以下简称{short}）”"[:200]))
    return groups


def colloquial_groups(path=COLLOQUIAL):
    """[(forms, note)] of the reviewed list: the formal term first."""
    groups = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        formal, colloquial, reason = line.split("\t")
        groups.append(([formal, *colloquial.split("，")], f"口语说法：{reason}"[:200]))
    return groups


def merge(rows, groups):
    """Merge groups into the stored rows. rows: [[forms, note]] as stored (staff edits win: a form already in a
    row is never moved); each group either joins the row holding one of its forms (the forms that fit:
    equivalents.MAX_GROUP_FORMS) or becomes a row. A form containing another form of its group, or already found
    by the variants the rows give, adds nothing and is left out. Returns (indexes of the rows added, indexes of the
    rows given before that were extended)."""
    owner = {equivalents.form_key(f): i for i, (forms, _) in enumerate(rows) for f in forms}
    added, extended, stored = [], set(), len(rows)
    for forms, note in groups:
        keys = [equivalents.form_key(f) for f in forms]
        if any(not key or any(len(run) == 1 for run in key) for key in keys):
            continue
        home = next((owner[key] for key in keys if key in owner), None)
        current = rows[home][0] if home is not None else []
        fresh = []
        for form, key in zip(forms, keys):
            if key in owner or any(_contains(form, other) for other in [*current, *fresh]):
                continue
            fresh.append(form)
        if home is None:
            if len(fresh) < 2 or _already_found(rows, fresh):
                continue
            rows.append([fresh, note])
            added.append(len(rows) - 1)
            home = len(rows) - 1
        else:
            room = equivalents.MAX_GROUP_FORMS - len(current)
            fresh = fresh[:max(room, 0)]
            if not fresh:
                continue
            rows[home][0] = current + fresh
            if home < stored:  # a row added by this merge is simply added, with its new forms
                extended.add(home)
        owner.update((equivalents.form_key(f), home) for f in fresh)
    return added, extended


def _contains(a, b):
    return a != b and (a in b or b in a)


def _already_found(rows, forms):
    """True when the rows' groups already search forms[1:] for forms[0] (市人大常委会 through 人大常委会)."""
    table = equivalents.Table.from_rows("\n".join(f) for f, _ in rows)
    found = {tuple(v) for v in table.variants(equivalents.form_key(forms[0]), limit=50)}
    return all(equivalents.form_key(f) in found for f in forms[1:])
