"""The query language: what a reader typed, cleaned and parsed into clauses, within its cost bounds.

  人大 监督          every word must be found (AND); each word is found wherever its characters occur (as LIKE)
  "人大常委会"        quoted: exactly the documents containing that string
  -草案              excludes documents containing 草案
  立法 OR 监督        either (OR binds the neighbouring words: 人大 立法 OR 监督 = 人大 AND (立法 OR 监督))
Operators alone, field syntax (title:), unbalanced quotes and stray symbols are plain text: any input is a valid
query. A query's cost is bounded (MAX_TERMS, MAX_SINGLE_CHARS, MAX_EXPANSIONS): what is left out is named in a
message. Nothing here knows the index: a backend counts what a single character expands to (limit_expansions).
"""

import re
import unicodedata
from dataclasses import dataclass, field, replace

from ...common.sanitize import clean_text
from .. import analysis
from .highlight import Highlighter
from ...common.limits import MAX_QUERY_CHARS

# What one query may cost (a single character is a prefix search over the bigrams, the costliest step): at most
# MAX_TERMS strings (each run of a clause counts), MAX_SINGLE_CHARS of them single characters, expanding to at
# most MAX_EXPANSIONS bigram terms over the whole index (的 expands to about 3,400, 法 to 1,400, 罚 to 260).
# The worst query then costs about five common ones (bench/search.py). What is left out is said in Chinese.
MAX_TERMS = 8
MAX_SINGLE_CHARS = 3
MAX_EXPANSIONS = 1500

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "「": '"', "」": '"', "『": '"', "』": '"', "＂": '"'})
_TOKEN = re.compile(r'(?P<neg>[-－])?"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+)')
# Words that only ask (谁赔偿, 算工伤吗, 怎么监督政府): cut from either end of an unquoted clause, since a document
# answering the question holds its subject, not the asking. A clause of asking alone stays as typed.
ASKING = frozenset("""
怎么 怎么办 怎样 怎么样 如何 什么 为什么 为何 哪些 哪个 哪里 哪儿 多少 多久 吗 呢 吧 啊 呀 么 谁 是否 能否 可否
能不能 可不可以 算不算 是不是 有没有 会不会 要不要 该不该 咋 咋办 啥 请问 算
""".split())
_OR = {"or", "|", "||"}
_AND = {"and", "&", "&&", "+"}


@dataclass
class Clause:
    text: str  # as typed (cleaned)
    phrase: bool = False
    negated: bool = False
    span: tuple = (0, 0)  # where it was typed in ParsedQuery.cleaned (equivalents.exact_query quotes it there)
    equivalents: tuple = ()  # its variants by equivalent terms (equivalents.expand), quoted clauses

    @property
    def runs(self):
        return analysis.runs(self.text)

    @property
    def words(self):
        return list(analysis.words(self.text))

    def keeping(self, runs):
        """This clause searching only `runs` (some of its own, in order), or None when none is left."""
        if runs == self.runs:
            return self
        return replace(self, text=" ".join(runs)) if runs else None


@dataclass
class ParsedQuery:
    groups: list  # AND of groups; each group is an OR of positive clauses
    excluded: list  # negated clauses
    messages: list = field(default_factory=list)
    cleaned: str = ""
    period: object = None  # a periods.Period the ranking favours (八十年代), taken out of the words searched

    @property
    def positive(self):
        return [clause for group in self.groups for clause in group]

    def keeping(self, kept):
        """The query with each clause replaced by kept[id(clause)] (None: left out); empty groups disappear."""
        groups = [[kept[id(c)] for c in group if kept[id(c)]] for group in self.groups]
        return ParsedQuery([g for g in groups if g], [kept[id(c)] for c in self.excluded if kept[id(c)]],
                           self.messages, self.cleaned, self.period)

    def highlighter(self):
        primary = [run for clause in self.positive for form in (clause, *clause.equivalents) for run in form.runs]
        secondary = [word for clause in self.positive if not clause.phrase for word in clause.words]
        groups = [[run for clause in group for form in (clause, *clause.equivalents) for run in form.runs]
                  for group in self.groups]
        return Highlighter(primary, secondary, groups)


def normalize_input(value):
    """What a reader typed, as search reads it: cleaned as stored text is (sanitize.clean_text), then compatibility
    forms folded (NFKC: full-width letters and digits to ASCII, as analysis.py folds the index) and trimmed. The fold
    is for matching only: stored titles keep the full-width forms staff typed."""
    return unicodedata.normalize("NFKC", clean_text(value or "")).strip()


def _without_asking(clause):
    """An unquoted clause of one run without the ASKING words at its ends."""
    if clause.phrase or len(clause.runs) != 1:
        return clause
    words = clause.words
    start, end = 0, len(words)
    while start < end and words[start] in ASKING:
        start += 1
    while end > start and words[end - 1] in ASKING:
        end -= 1
    if (start, end) in ((0, len(words)), (end, end)) or "".join(words) != clause.runs[0]:
        return clause
    return replace(clause, text="".join(words[start:end]))


def parse_query(raw):
    text = normalize_input(raw).translate(_QUOTES)
    messages = []
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        messages.append(f"搜索词太长，只按前 {MAX_QUERY_CHARS} 个字搜索。")
    groups, excluded, ordered, pending_or, absorbed = [], [], [], False, False
    for match in _TOKEN.finditer(text):
        if match.group("phrase") is not None:
            clause = Clause(match.group("phrase"), phrase=True, negated=bool(match.group("neg")), span=match.span())
        else:
            word = match.group("word")
            if word.lower() in _OR:
                pending_or = bool(groups)
                continue
            if word.lower() in _AND:
                continue
            negated = word[0] in "-－" and len(word) > 1
            clause = Clause(word.lstrip("+-－") if negated or word[0] == "+" else word, negated=negated,
                            span=match.span())
        if not clause.runs:
            continue  # nothing searchable: symbols, emoji, a lone operator
        clause = _without_asking(clause)
        # A clause typed again is searched once (each costs as much again and finds nothing more); so is an
        # alternative joined by OR to a repeated word (人大 人大 OR 监督 = 人大).
        if _repeats(clause, groups, excluded, pending_or) or (pending_or and absorbed and not clause.negated):
            absorbed, pending_or = absorbed or not (clause.negated or pending_or), False
            continue
        ordered.append(clause)
        if clause.negated:
            excluded.append(clause)
        elif pending_or:
            groups[-1].append(clause)
        else:
            groups.append([clause])
            absorbed = False
        pending_or = False
    groups = _distinct_groups(groups)
    ordered = [c for c in ordered if c.negated or any(c is other for g in groups for other in g)]
    kept, dropped = _within_counts(ordered)
    return ParsedQuery(groups, excluded, messages + dropped, text).keeping(kept)


def _same(a, b):
    """Two clauses searching the same: their runs alike, both quoted or both not."""
    return a.runs == b.runs and a.phrase == b.phrase


def _repeats(clause, groups, excluded, joins_or):
    """Whether a clause typed again adds nothing to the query so far: an exclusion already made, a word already
    required on its own, or an alternative already in the OR group it joins."""
    if clause.negated:
        return any(_same(clause, other) for other in excluded)
    if joins_or:
        return any(_same(clause, other) for other in groups[-1])
    return any(len(group) == 1 and _same(clause, group[0]) for group in groups)


def _distinct_groups(groups):
    """The groups without those repeating an earlier one (人大 OR 监督 typed twice)."""
    seen, out = set(), []
    for group in groups:
        key = frozenset((tuple(c.runs), c.phrase) for c in group)
        if key not in seen:
            seen.add(key)
            out.append(group)
    return out


def _within_counts(clauses):
    """({id(clause): the clause cut to the strings MAX_TERMS and MAX_SINGLE_CHARS allow, or None}, messages
    naming the strings left out), the first ones kept."""
    terms = singles = 0
    kept, too_many, too_many_singles = {}, [], []
    for clause in clauses:
        runs = []
        for run in clause.runs:
            if terms >= MAX_TERMS:
                too_many.append(run)
            elif len(run) == 1 and singles >= MAX_SINGLE_CHARS:
                too_many_singles.append(run)
            else:
                runs.append(run)
                terms, singles = terms + 1, singles + (len(run) == 1)
        kept[id(clause)] = clause.keeping(runs)
    messages = []
    if too_many:
        messages.append(f"搜索词太多，只用了前 {MAX_TERMS} 个，略去了：{_listing(too_many)}。")
    if too_many_singles:
        messages.append(f"单字太多，只用了前 {MAX_SINGLE_CHARS} 个单字，略去了：{_listing(too_many_singles)}。")
    return kept, messages


def _listing(strings, shown=10):
    """一、二、三 (and 等 N 个 past the first ten)."""
    listed = "、".join(strings[:shown])
    return listed if len(strings) <= shown else f"{listed}等 {len(strings)} 个"


def limit_expansions(parsed, expansions):
    """The query without the single characters that would take it past MAX_EXPANSIONS bigram terms of the
    index, and a message naming them. expansions(char, limit): how many terms of the index `char` expands to,
    counting up to limit + 1 (the backend's)."""
    used, kept, dropped = 0, {}, []
    for clause in parsed.positive + parsed.excluded:
        runs = []
        for run in clause.runs:
            if len(run) == 1:
                count = expansions(run, MAX_EXPANSIONS - used)
                if used + count > MAX_EXPANSIONS:
                    dropped.append(run)
                    continue
                used += count
            runs.append(run)
        kept[id(clause)] = clause.keeping(runs)
    if not dropped:
        return parsed, []
    chars = "、".join(f"“{c}”" for c in dropped)
    return parsed.keeping(kept), [f"单字{chars}太常用，查找太费时，已略去；请改用含有它的词语。"]
