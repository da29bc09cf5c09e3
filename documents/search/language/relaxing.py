"""What a search does when no document holds every term: it looks for the words of a typed sentence apart, then
leaves out the terms that no document holds together with the others, and says so (never an empty page).

A short first page (fewer results than a page holds) is followed by the results of the query without its one
term whose absence finds the most documents (beside), saying which term they do not hold.

1. An unquoted clause typed as a sentence (装修噪音扰民, 上下班路上出车祸算工伤吗) that finds nothing by itself is
   searched as its jieba words, each a clause of its own (each finds its equivalent terms: 噪音 → 噪声), without
   the words that only shape a question (怎么, 吗, 算 ...).
2. When no document holds them all, one term is left out, then a second: each time the one whose absence finds
   the most documents. Quoted phrases and exclusions are never touched: a quoted query stays exact.
Each step is one more evaluation of a query within parsing.py's cost bounds, and only for short queries (at most
MAX_GROUPS terms, a sentence of at most MAX_SENTENCE_WORDS words, giving at most MAX_SPLIT_GROUPS words): at most
MAX_GROUPS (each term alone) + 1 + MAX_SPLIT_GROUPS + MAX_SPLIT_GROUPS - 1 evaluations, within the search's deadline.
"""

from dataclasses import dataclass, field

from . import equivalents
from .. import analysis
from .parsing import ASKING, ParsedQuery, parse_query

MAX_DROPPED = 2
# Cost bounds, besides the search's deadline: a need typed as a sentence is short; a query of more terms that finds
# nothing (a pasted string of names) is left as it is rather than evaluated again for each term.
MAX_SENTENCE_WORDS = 4
MAX_GROUPS = 3
MAX_SPLIT_GROUPS = 4  # a typed sentence may give one word more: 上下班路上出车祸 算工伤吗 → 上下班 路上 车祸 工伤
# Words that shape a question or a sentence and say nothing of its subject: never searched in a typed sentence
# (the asking words, cut from a clause's ends when it is parsed, and these anywhere in it).
QUESTION_WORDS = ASKING | frozenset("""
几 可以 能 会 要 应该 应当 需要 是 有 没有 没 不 被 把 让 给 对 的 了 着 过 和 与 及 或
我 我们 你 你们 他 她 他们 自己 别人 人家 这 那 这个 那个 这种 那种 这样 那样 一个 一下 一些 很 太 非常 特别 还 也 都 就 又 再
想 想要 知道 问 规定 有关 关于 相关 方面 问题 情况 办法 处理 合法 违法吗 犯法 犯法吗
""".split())


@dataclass
class Relaxed:
    """How a query was relaxed: the query searched instead, the message saying so, the terms left out."""

    parsed: ParsedQuery
    message: str
    dropped: list = field(default_factory=list)
    found: object = None  # the backend's interface.Found for `parsed`

    @property
    def query(self):
        """The query searched, as a reader would type it (its link on the page)."""
        groups = [" OR ".join(f'"{c.text}"' if c.phrase else c.text for c in group) for group in self.parsed.groups]
        return " ".join(groups + [f'-"{clause.text}"' for clause in self.parsed.excluded])


def _terms(clause, table):
    """A clause's words as searched apart: each form of the equivalent terms it holds whole (上下班路上出车祸 →
    上下班路上, 车祸, though jieba cuts 上下班 | 路上 | 出 | 车祸), the rest as its jieba words of more than one
    character (a single one, 出 or 来, is the grammar of the sentence), question words left out."""
    pieces = []
    for run in clause.runs:
        at = 0
        for found in table.pattern.finditer(run) if table is not None and table.pattern else ():
            pieces += _words(run[at:found.start()]) + [found.group()]
            at = found.end()
        pieces += _words(run[at:])
    return [piece for piece in dict.fromkeys(pieces) if piece not in QUESTION_WORDS]


def _words(text):
    return [word for word in analysis.words(text) if len(word) > 1 or word.isdigit()]


def as_words(parsed, table=None, finds=None):
    """The query text with each unquoted clause of several jieba words that finds nothing by itself (finds(clause)
    -> bool; None: every such clause) typed as those words apart (question words left out; equivalents.Table
    `table` cuts a word around a form it knows), or None when nothing changes; and {word: the clause it is
    from}."""
    pieces, origin = [], {}
    for group in parsed.groups:
        texts = []
        for clause in group:
            words = _terms(clause, table)
            if (clause.phrase or len(clause.words) < 2 or not words or len(words) > MAX_SENTENCE_WORDS
                    or (finds and finds(clause))):
                texts.append(f'"{clause.text}"' if clause.phrase else clause.text)
            else:
                texts.append(" ".join(words))
                origin.update((word, clause.text) for word in words)
        pieces.append(" OR ".join(texts))
    if not origin:
        return None, origin
    pieces += [f'-"{clause.text}"' for clause in parsed.excluded]
    return " ".join(pieces), origin


def _without(parsed, index):
    groups = [group for i, group in enumerate(parsed.groups) if i != index]
    return ParsedQuery(groups, parsed.excluded, parsed.messages, parsed.cleaned, parsed.period)


def _label(group):
    return " 或 ".join(clause.text for clause in group)


def relax(parsed, run):
    """A Relaxed search for a parsed query (as typed, before equivalents) that found nothing, or None when
    nothing can be left out. run(expanded parsed query) -> interface.Found."""
    if len(parsed.groups) > MAX_GROUPS:
        return None
    def finds(clause):
        alone = ParsedQuery([[clause]], [], [], clause.text, parsed.period)
        return len(parsed.groups) > 1 and run(equivalents.expand(alone)).count > 0

    typed = [_label(group) for group in parsed.groups]
    words, origin = as_words(parsed, equivalents.current_table(), finds)
    if words is not None:
        split = parse_query(words)
        split.period = parsed.period
        found = run(equivalents.expand(split)) if split.groups else None
        if found is not None and found.count:
            terms = "”“".join(_label(group) for group in split.groups)
            return Relaxed(split, f"没有含有“{parsed.cleaned}”这串文字的文件，以下是同时含有“{terms}”的文件。",
                           found=found)
        if split.groups and len(split.groups) <= MAX_SPLIT_GROUPS:
            parsed = split
    kept, dropped, found = parsed, [], None
    for _ in range(MAX_DROPPED):
        droppable = [i for i, group in enumerate(kept.groups) if not all(clause.phrase for clause in group)]
        if len(kept.groups) < 2 or not droppable:
            break
        best = None
        for index in droppable:
            candidate = _without(kept, index)
            result = run(equivalents.expand(candidate))
            # The most documents; on a tie, leave out the later term (the first typed is usually the subject).
            if best is None or result.count >= best[2].count:
                best = (index, candidate, result)
        index, candidate, found = best
        dropped.append(_label(kept.groups[index]))
        kept = candidate
        if found.count:
            break
    if not dropped or not found or not found.count:
        return None
    # A typed clause all of whose words were left out is named as typed (楼上邻居, not 楼上 and 邻居).
    kept_words = {clause.text for clause in kept.positive}
    named = list(dict.fromkeys(
        origin[term] if term in origin and not any(origin.get(w) == origin[term] for w in kept_words) else term
        for term in dropped))
    return Relaxed(kept, f"没有同时包含“{'”“'.join(typed)}”的文件，以下结果不含“{'”“'.join(named)}”。", named,
                   found)


def beside(parsed, run, shown):
    """(the term left out, interface.Found) of `parsed` (as typed, before equivalents) without the one term whose
    absence finds the most documents, to follow a first page of `shown` results; None when no term can be left out
    or leaving one out finds nothing more. Cost: one evaluation per term, for queries of at most MAX_GROUPS."""
    if not 2 <= len(parsed.groups) <= MAX_GROUPS:
        return None
    best = None
    for index, group in enumerate(parsed.groups):
        if all(clause.phrase for clause in group):
            continue  # a quoted phrase is never left out
        result = run(equivalents.expand(_without(parsed, index)))
        if best is None or result.count >= best[1].count:
            best = (index, result)
    if best is None or best[1].count <= shown:
        return None
    return _label(parsed.groups[best[0]]), best[1]
