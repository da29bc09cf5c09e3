"""Equivalent terms (人大常委会 = 人民代表大会常务委员会): the table staff edit in the admin, checked there, read once
per process and generation, and applied to a parsed query at search time.

An unquoted clause containing a form of a group is also searched as each variant with that form replaced by
another of its group (市人大常委会 → 市人民代表大会常务委员会); the engine finds a variant as it finds the typed clause
(its string, or its words apart) and ranks it below the typed form (SHARE). Quoted phrases and exclusions stay exact. Nothing is in
the index: a change to the table takes effect at the next search of every process (the `equivalents` token of
cache_invalidation.py). Forms are compared normalised (analysis.normalize: traditional and simplified, full and
half width alike), so one entry serves both scripts.
"""

import itertools
import re
import threading
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError

from ...changes import cache_invalidation
from .. import analysis

# Cost bound: a query searches at most this many variants besides what was typed (each costs about as much as
# another clause), the first clauses' first; they do not count in query.MAX_TERMS. Forms are never single
# characters (check_forms), so variants add no prefix expansions.
MAX_FORMS = 8
MAX_GROUP_FORMS = 6
MAX_FORM_CHARS = 50
# A variant found in a document adds this share of what the typed form would: 0.01 × (title + byline + body)
# stays below the typed form found in the body alone, and above its words found apart.
SHARE = 0.01


def forms_of(text):
    """The forms of one group as stored: its non-blank lines, trimmed, inner spaces made single."""
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def form_key(form):
    """What forms are compared by: their runs, normalised."""
    return tuple(analysis.runs(form))


def _problem(form, key, seen, taken):
    """Why `form` cannot be in a group (Chinese), or None."""
    if not key:
        return f"“{form}”里没有可以查找的文字或数字。"
    if len(form) > MAX_FORM_CHARS:
        return f"“{form[:20]}…”太长（{len(form)} 字，最多 {MAX_FORM_CHARS} 字）。"
    single = next((run for run in key if len(run) == 1), None)
    if single:
        where = f"“{form}”只有一个字" if len(key) == 1 else f"“{form}”里的“{single}”只有一个字"
        return f"{where}：单字太常见（如“人”“大”），会让搜索结果泛滥，不能作为等同说法，请写成词语。"
    if key in seen:
        same = seen[key]
        if same == form:
            return f"“{form}”写了不止一次。"
        return f"“{form}”与“{same}”是同一个说法（繁体简体、全角半角不分）。"
    if key in taken:
        return f"“{form}”已在另一组等同说法里（{taken[key]}）：一个说法只能属于一组。"
    return None


def check_forms(text, other_groups=()):
    """The forms of one group (one a line) as they will be stored, or ValidationError listing in Chinese every
    form that is empty of text, a single character, too long, repeated in the group or in another group
    (`other_groups`: the other rows' forms), and a group of fewer than two or too many forms."""
    forms = forms_of(text)
    taken = {}
    for other in other_groups:
        for form in forms_of(other):
            taken.setdefault(form_key(form), " / ".join(forms_of(other)))
    errors, seen = [], {}
    for form in forms:
        key = form_key(form)
        problem = _problem(form, key, seen, taken)
        if problem:
            errors.append(problem)
        else:
            seen[key] = form
    if len(forms) < 2:
        errors.append("请至少填写两个等同的说法，每行一个。")
    elif len(forms) > MAX_GROUP_FORMS:
        errors.append(f"一组最多 {MAX_GROUP_FORMS} 个说法（现有 {len(forms)} 个）。")
    if errors:
        raise ValidationError(errors)
    return "\n".join(forms)


@dataclass(frozen=True)
class Table:
    """The groups' forms (each a tuple of normalised runs) and a pattern finding the one-run forms in a run."""

    groups: tuple
    group_of: dict
    pattern: re.Pattern | None

    @classmethod
    def from_rows(cls, rows):
        """From the stored forms of each group; a form the admin would refuse (a row saved another way) is left
        out, and a group left with fewer than two forms."""
        groups, group_of = [], {}
        for text in rows:
            keys = []
            for form in forms_of(text):
                key = form_key(form)
                if key and all(len(run) > 1 for run in key) and key not in group_of and key not in keys:
                    keys.append(key)
            if len(keys) >= 2:
                group_of.update((key, len(groups)) for key in keys)
                groups.append(tuple(keys))
        singles = sorted((key[0] for key in group_of if len(key) == 1), key=len, reverse=True)
        pattern = re.compile("|".join(map(re.escape, singles))) if singles else None
        return cls(tuple(groups), group_of, pattern)

    def _run_options(self, run):
        """Each way to write one run of a clause with its forms replaced, the run as typed first, made one at a
        time (a run of 100 characters may hold 25 forms: their combinations are never listed). A form typed
        several times in the run is replaced alike everywhere (人大常委会 × 20 has two ways, not 2²⁰); a form of
        several words replaces only a whole run. Each option is a tuple of runs."""
        spans, choices = [], {}
        for match in self.pattern.finditer(run) if self.pattern else ():
            typed, whole = (match.group(),), match.span() == (0, len(run))
            if typed not in choices:
                others = [f for f in self.groups[self.group_of[typed]] if f != typed and (len(f) == 1 or whole)]
                choices[typed] = [None, *others] if others else None
            if choices[typed]:
                spans.append((match.start(), match.end(), typed))
        forms = list(choices)
        for choice in itertools.product(*(choices[form] or [None] for form in forms)):
            chosen = dict(zip(forms, choice))
            replacing = chosen[spans[0][2]] if len(spans) == 1 else None
            if replacing is not None and len(replacing) > 1:
                yield replacing  # a form of several words for the whole run
                continue
            pieces, last = [], 0
            for start, end, typed in spans:
                pieces += [run[last:start], run[start:end] if chosen[typed] is None else chosen[typed][0]]
                last = end
            yield ("".join(pieces) + run[last:],)

    def variants(self, runs, limit=MAX_FORMS):
        """Up to `limit` variants of a clause's runs (tuples of runs), without those containing every typed run
        (they find nothing the typed form does not). At most 4 × limit combinations are looked at, the first
        runs' first, and each run's options are made only as far as they can be used."""
        runs, looked_at = tuple(runs), 4 * limit
        if len(runs) > 1 and runs in self.group_of:  # the clause is a form of several words
            found = [f for f in self.groups[self.group_of[runs]] if f != runs]
        else:
            options = [list(itertools.islice(self._run_options(run), looked_at + 1)) for run in runs]
            combinations = itertools.product(*options)  # lazy: only the combinations taken are made
            next(combinations)  # as typed
            found = [sum(combination, ()) for combination in itertools.islice(combinations, looked_at)]
        kept = []
        for variant in found:
            if variant not in kept and not all(any(t in v for v in variant) for t in runs):
                kept.append(variant)
        return kept[:limit]


def load_table():
    from ...models import EquivalentTerms

    return Table.from_rows(EquivalentTerms.objects.order_by("pk").values_list("forms", flat=True))


_current = {"generation": None, "table": None}
_lock = threading.Lock()


def current_table():
    """This process's table, read again when the `equivalents` token changed (a row saved or deleted)."""
    name = cache_invalidation.EQUIVALENTS
    generation = cache_invalidation.tokens([name])[name]
    with _lock:
        if _current["generation"] != generation or _current["table"] is None:
            _current["table"], _current["generation"] = load_table(), generation
        return _current["table"]


def expand(parsed, table=None):
    """The parsed query with each unquoted clause given its variants (`equivalents`, unquoted clauses of their
    own), at most MAX_FORMS in all. A clause with a single character is left as typed (its prefix expansion
    would be paid again for each variant)."""
    if all(clause.phrase for clause in parsed.positive):
        return parsed  # nothing to expand: the table is not even read
    table = table or current_table()
    kept, room = {id(clause): clause for clause in parsed.excluded}, MAX_FORMS
    for clause in parsed.positive:
        kept[id(clause)] = clause
        if clause.phrase or room <= 0 or not table.groups or any(len(run) == 1 for run in clause.runs):
            continue
        variants = table.variants(clause.runs, room)
        if variants:
            room -= len(variants)
            # Unquoted as the clause is: a variant is found by its string and by its words apart (罢免人大代表 →
            # 罢免 … 人民代表大会代表 in one 条 of the 选举法, where the string itself never occurs).
            forms = tuple(replace(clause, text=" ".join(v), equivalents=()) for v in variants)
            kept[id(clause)] = replace(clause, equivalents=forms)
    return parsed.keeping(kept)


def used(parsed):
    """[(a clause as typed, [its variants])] for the page to say what it searched."""
    return [(clause.text, [form.text for form in clause.equivalents]) for clause in parsed.positive
            if clause.equivalents]


def exact_query(parsed):
    """The query with each expanded clause in quotes (a quoted phrase is exact): the same search without the
    equivalents, for the page's link; empty when nothing was expanded."""
    expanded = sorted((clause for clause in parsed.positive if clause.equivalents), key=lambda c: c.span)
    if not expanded:
        return ""
    out, last = [], 0
    for clause in expanded:
        start, end = clause.span
        out += [parsed.cleaned[last:start], f'"{clause.text}"']
        last = end
    return "".join(out) + parsed.cleaned[last:]
