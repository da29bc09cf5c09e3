"""Versions of one regulation: grouping them, their order, and each version's 时效性 (the rules of
docs/regulations.md).

- Grouping. A normative 法规 document joins the group (Regulation) whose title is equal after
  documents.common.titles.title_key and whose issuer does not contradict its own (both given and different). A
  document that staff grouped by hand (regulation_by_hand) is left where they put it. Cases and explainers
  (provisions.is_normative) join no group and carry no 时效性.
- Texts. The records of a group are its texts: a law published in parts (民法典: 总则, 物权编 … 附则, told
  apart by `subtitle`) is one text, its parts in their order; records whose text is the same after whitespace
  are one text, the others its duplicate records. Each text is one version.
- Order. By date; an undated version by the latest date of its 修订沿革; otherwise it counts as the oldest
  (listed last, 日期不详). Equal dates: the longer 修订沿革, then the later record.
- 时效性. Staff's override when set; 尚未生效 while its 施行日期 is after today; the newest version in force is
  现行有效, or 已废止 when a 修订沿革 event repeals it or a later document outside the group repeals it and
  that document's 施行日期 has come; an older version is 已废止 when a newer version of the same title says it
  同时废止 (a new law under the old name), else 已被修改. Every record of a text has the text's status. Only
  published versions outside the recycle bin count; a draft gets the status it would have once published.
- 施行日期. 本版施行日期 (effective_date, staff may set it) and 首次施行日期 (first_effective_date) from the
  text (provisions.effective_dates); a version whose own text does not state the original law's takes it from
  another version of the same law (the same first 修订沿革 date); the parts of a law share theirs.

The change path (documents/changes/service.py) keeps this true on every save and delete (admin, import, shell)
through `Versions`: a version's status can change when another version is saved, and those rows are rewritten here.
"""

import datetime
import hashlib
import math
import re
from typing import NamedTuple

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..changes import service
from ..common import dates
from ..common.numerals import CHARACTERS as NUMERAL_CHARACTERS
from ..common.numerals import to_int
from ..common.titles import loose_key, title_key
from ..models import Article, Regulation, Repeal
from . import provisions

Validity = Article.Validity
# What ordering and deriving read: never the body.
FIELDS = ("id", "title", "subtitle", "issuer", "kind", "date", "date_precision", "amendments", "effective_date",
          "first_effective_date", "status", "deleted_at", "validity", "validity_override", "column", "regulation",
          "represented_by")
# A part of a law published in parts, as its subtitle names it: 总则, 附则, 物权编, 第一编, 第二分编.
_PART = re.compile(r"^(?:总则|分则|附则|第[一二三四五六七八九十]+(?:编|分编)|[^\s，。]{1,8}编)$")
_FIRST_CLAUSE = re.compile(rf"第([{NUMERAL_CHARACTERS}0-9]+)条")


class Repeals(NamedTuple):
    """What repeals a group: (published, in force from) of each document outside it that repeals it, and
    (repealing member's id, the latest date its sentence states) of each member that repeals an older one."""

    outside: list
    own: list


NO_REPEALS = Repeals([], [])


# --- order and status (pure) ----------------------------------------------------------------------------------


def sort_date(article):
    """The date a version is placed by: its own, else the latest of its 修订沿革, else None."""
    if article.date is not None and article.date_precision != dates.UNKNOWN:
        return article.date
    found = []
    for item in article.amendments or []:
        if isinstance(item, dict):
            try:
                found.append(dates.parse_partial_date(item.get("date")).date)
            except dates.InvalidDate:
                continue
    return max((d for d in found if d is not None), default=None)


def age_key(article):
    """Ascending: oldest first, undated-and-unplaceable before all (an unsaved one: the latest record)."""
    placed = sort_date(article)
    history = len(article.amendments) if isinstance(article.amendments, list) else 0
    return placed is not None, placed or datetime.date.min, history, article.pk or math.inf


def newest_first(versions):
    return sorted(versions, key=age_key, reverse=True)


def is_visible(article):
    return article.status == Article.Status.PUBLISHED and article.deleted_at is None


def is_part(article):
    return bool(_PART.match((article.subtitle or "").strip()))


def _fingerprint(text):
    return hashlib.sha1("".join((text or "").split()).encode()).hexdigest()


def texts_of(members, fingerprints):
    """The texts of `members`, newest first: each the list of its records, the one that stands for it first (a
    law's parts in their order, by `part_order`; of equal texts the one with the longer 修订沿革, then the
    earlier record). `fingerprints`: {id(member): its text's fingerprint}."""
    parts = [m for m in members if is_part(m)]
    parts = parts if len(parts) > 1 else []
    in_parts = {id(m) for m in parts}
    same_text = {}
    for member in members:
        if id(member) not in in_parts:
            same_text.setdefault(fingerprints.get(id(member)) or id(member), []).append(member)
    texts = [sorted(text, key=lambda m: (-len(m.amendments or []), m.pk or math.inf)) for text in same_text.values()]
    if parts:
        texts.append(sorted(parts, key=lambda m: (part_order(m), m.pk or math.inf)))
    return sorted(texts, key=lambda text: age_key(text[0]), reverse=True)


def part_order(article):
    """Where a part stands in its law: the number of its first 条 (总则 第一条 … 附则 第一千二百五十九条)."""
    found = _FIRST_CLAUSE.search(getattr(article, "text", "") or "")
    number = to_int(found.group(1)) if found else None
    return number if number is not None else math.inf


def derive(versions, repeals=NO_REPEALS, today=None):
    """{id(version): validity} of `versions` (one regulation's texts, each by the record that stands for it; an
    unsaved one too)."""
    today = today or timezone.localdate()
    pending = {id(v) for v in versions if v.effective_date is not None and v.effective_date > today}
    current = next((v for v in newest_first(versions) if id(v) not in pending), None)
    statuses = {}
    for version in versions:
        if version.validity_override:
            statuses[id(version)] = version.validity_override
        elif id(version) in pending:
            statuses[id(version)] = Validity.PENDING
        elif version is current:
            repealed = _repealed(current, versions, repeals.outside, today)
            statuses[id(version)] = Validity.REPEALED if repealed else Validity.CURRENT
        elif _replaced(version, versions, repeals.own, pending):
            statuses[id(version)] = Validity.REPEALED
        else:
            statuses[id(version)] = Validity.AMENDED
    return statuses


def _repealed(current, versions, outside, today):
    if any(
        isinstance(item, dict) and provisions.is_repeal_event(item.get("event"))
        for version in versions for item in (version.amendments or [])
    ):
        return True
    placed = sort_date(current)
    # A repeal takes effect with the repealing act: until its 施行日期 the old text is still in force.
    return any((placed is None or published > placed) and in_force <= today for published, in_force in outside)


def _replaced(version, versions, own, pending):
    """A newer version in force of the same title says `version` 同时废止 (and the dates it names reach it)."""
    placed = sort_date(version)
    by_id = {v.pk: v for v in versions if v.pk is not None}
    for repealer_id, until in own:
        repealer = by_id.get(repealer_id)
        if (repealer is not None and id(repealer) not in pending and age_key(repealer) > age_key(version)
                and (until is None or placed is None or placed <= until)):
            return True
    return False


def statuses_of(members, repeals=NO_REPEALS, today=None, fingerprints=None):
    """{id(member): validity} of every member of a group: the visible texts among themselves, each other member
    as if it were published beside them; every record of a text has the status of the text."""
    fingerprints = fingerprints if fingerprints is not None else _fingerprints(members)
    visible = [m for m in members if is_visible(m)]
    statuses = _by_text(visible, repeals, today, fingerprints)
    for member in members:
        if id(member) not in statuses:
            statuses[id(member)] = _by_text(visible + [member], repeals, today, fingerprints)[id(member)]
    return statuses


def _by_text(members, repeals, today, fingerprints):
    texts = texts_of(members, fingerprints)
    derived = derive([text[0] for text in texts], repeals, today)
    return {id(record): record.validity_override or derived[id(text[0])] for text in texts for record in text}


def _fingerprints(members):
    """{id(member): fingerprint of its text} (one query loads the texts not loaded with the members)."""
    if len(members) < 2:
        return {}
    _load_texts(members)
    return {id(m): _fingerprint(m.text) for m in members}


def _load_texts(members):
    deferred = {m.pk: m for m in members if m.pk and "text" in m.get_deferred_fields()}
    if deferred:
        for pk, text in Article.objects.filter(pk__in=deferred).values_list("pk", "text"):
            deferred[pk].text = text


# --- grouping -----------------------------------------------------------------------------------------------------


def _contradicts(issuer, other):
    return bool(issuer and other and issuer != other)


def is_normative(article):
    return article.kind == Article.Kind.REGULATION and provisions.is_normative(article.title, article.text)


def automatic_group(article):
    """The Regulation `article` belongs to by the title rule (created when none fits), or None (not a normative
    法规)."""
    if not is_normative(article):
        return None
    key = title_key(article.title)
    compatible = [r for r in Regulation.objects.filter(title_key=key).order_by("pk")
                  if not _contradicts(r.issuer, article.issuer)]
    exact = [r for r in compatible if article.issuer and r.issuer == article.issuer]
    # Its current group when that fits as well as any: grouping never moves a document without a reason.
    for group in exact or compatible:
        if group.pk == article.regulation_id:
            return group
    if exact:
        return exact[0]
    if compatible and len({r.issuer for r in compatible if r.issuer}) <= 1:
        return compatible[0]
    # None fits, or groups of several issuers would (the document names none): a group of its own.
    if article.regulation_id and not Article.objects.filter(regulation_id=article.regulation_id).exclude(
        pk=article.pk
    ).exists():
        group = article.regulation
        group.title, group.title_key, group.issuer = article.title, key, article.issuer
        group.repeal_key = loose_key(article.title)
        group.save()
        return group
    group = Regulation.objects.create(title=article.title, title_key=key, issuer=article.issuer,
                                      repeal_key=loose_key(article.title))
    return group


def _published_on(article):
    return article.date if article.date is not None and article.date_precision == dates.DAY else None


def _own_dates(article):
    return provisions.effective_dates(article.text, _published_on(article), article.amendments)


# --- keeping it true: the change path's subscriber (documents/changes/service.py) ----------------------------------


def derive_before_save(article, keep_group=False):
    """Group the document and give it its 施行日期 and status before it is written (one write, its history row
    true). `keep_group`: the group set on it stays (a backup's record names the group it was saved in)."""
    found = _own_dates(article)
    if article.effective_date is None:
        article.effective_date = found.version
    article.first_effective_date = found.first
    if article.regulation_id is not None and not _group_exists(article):
        article.regulation, article.regulation_by_hand = None, False  # an old version restored: its group merged away
    if not article.regulation_by_hand and not keep_group:
        article.regulation = automatic_group(article)
    if article.regulation_id is None:
        article.represented_by = None  # in a group, the group's refresh says which record stands for its text
    group, siblings, repeals = article.regulation, [], NO_REPEALS
    if group is not None:
        if group.pk is not None:
            siblings = list(Article.objects.filter(regulation=group).exclude(pk=article.pk).only(*FIELDS))
        _rename(group, siblings + [article])
        repeals = repeals_of(group)
    article.validity = _own_status(article, siblings, repeals)


class Versions:
    """The change path's subscriber: before a write, the version group and status; after it, the other versions'
    statuses, the group a document left and the regulations it repeals (their rows rewritten: returned)."""

    name, command, remembers = "法规版本与时效性", "sync_regulations", ("regulation_id",)

    def prepare(self, article, keep_group=False):
        derive_before_save(article, keep_group)

    def deleting(self, ids):
        keys = {}
        for pk, key in Repeal.objects.filter(article_id__in=ids).values_list("article_id", "title_key"):
            keys.setdefault(pk, set()).add(key)
        return keys

    def one(self, change):
        groups = {row.get("regulation_id") for row in change.before.values()}
        for keys in change.gone.get(self.name, {}).values():
            groups |= _groups_named(keys)
        ids, named = sorted(change.saved), set()
        for start in range(0, len(ids), 100):  # a few bodies at a time
            chunk = ids[start : start + 100]
            stored = {}
            rows = Repeal.objects.filter(article_id__in=chunk).values_list("article_id", "title_key", "named_until")
            for pk, key, until in rows:
                stored.setdefault(pk, {})[key] = until
            for article in Article.objects.filter(pk__in=chunk).only("id", "title", "text", "regulation"):
                groups.add(article.regulation_id)
                named |= _store_repeals(article, stored.get(article.pk, {}))
        groups |= _groups_named(named)
        rewritten = set()
        for group_id in sorted(groups - {None}):
            with transaction.atomic():
                rewritten |= {m.pk for m in refresh(group_id)}
        return rewritten

    many = one


def _group_exists(article):
    article.regulation = Regulation.objects.filter(pk=article.regulation_id).first()
    return article.regulation is not None


def _own_status(article, siblings, repeals, today=None):
    if article.regulation_id is None and not article.validity_override and not is_normative(article):
        return ""  # no 时效性 for a case, an explainer or any document that is not a regulation's version
    return statuses_of(siblings + [article], repeals, today)[id(article)]


def _record_repeals(article, created):
    """Store the titles `article` repeals; return the groups whose status may have changed."""
    before = {} if created else dict(Repeal.objects.filter(article=article).values_list("title_key", "named_until"))
    return _groups_named(_store_repeals(article, before))


def _store_repeals(article, before):
    """Store the titles `article` repeals (Repeal.title_key holds their titles.loose_key, named_until the last date a
    same-title successor's statement reaches); `before`: {key: until} stored. Returns the keys it repeals and those
    it no longer does."""
    found = {s.key: s.until for s in provisions.repeal_statements(article.title, article.text)}
    if found != before:
        Repeal.objects.filter(article=article).exclude(title_key__in=found).delete()
        for key, until in found.items():
            if key not in before:
                Repeal.objects.create(article=article, title_key=key, named_until=until)
            elif before[key] != until:
                Repeal.objects.filter(article=article, title_key=key).update(named_until=until)
    return set(found) | set(before)


def _groups_named(keys):
    if not keys:
        return set()
    return set(Regulation.objects.filter(repeal_key__in=keys).values_list("pk", flat=True))


def repeals_of(group):
    """The published documents' statements that repeal `group` (by the loose key of its title): those outside it
    (with their publication and 施行日期; an undated one cannot be placed) and its own versions' ones."""
    # Nearly always none: one look at the title_key index, the documents only when there are some.
    statements = list(Repeal.objects.filter(title_key=group.repeal_key).values_list("article_id", "named_until"))
    if not statements:
        return NO_REPEALS
    rows = Article.objects.published().filter(pk__in=[a for a, _ in statements])
    inside = set(rows.filter(regulation=group).values_list("pk", flat=True))
    outside = [(date, effective or date) for date, precision, effective in
               rows.exclude(regulation=group).values_list("date", "date_precision", "effective_date")
               if date is not None and precision != dates.UNKNOWN]
    return Repeals(outside, [(a, until) for a, until in statements if a in inside])


def repealed_by(article):
    """(the document that repealed `article`, the day that took effect), or None: a newer version of the same
    title that says 同时废止, else the earliest published document outside its group whose repeal of it is in
    force."""
    if article.validity != Validity.REPEALED or article.regulation_id is None:
        return None
    group = article.regulation
    statements = dict(Repeal.objects.filter(title_key=group.repeal_key).values_list("article_id", "named_until"))
    if not statements:
        return None
    today, placed = timezone.localdate(), sort_date(article)
    candidates = Article.objects.published().filter(pk__in=statements).exclude(pk=article.pk).order_by("date", "pk")
    for other in candidates.only("id", "title", "date", "date_precision", "effective_date", "regulation"):
        in_force = other.effective_date or other.date
        if other.date is None or in_force is None or in_force > today or (placed and other.date <= placed):
            continue
        until = statements[other.pk]
        if other.regulation_id == group.pk and until is not None and placed and placed > until:
            continue
        return other, in_force
    return None


def refresh(group_id, today=None):
    """Re-derive the statuses, shared 施行日期 and stand-ins of one group's versions and store the changed ones;
    returns those (the caller tells the change path). A group left without versions is deleted."""
    group = Regulation.objects.filter(pk=group_id).first()
    if group is None:
        return []
    members = list(Article.objects.filter(regulation=group).only(*FIELDS, "text"))
    if not members:
        group.delete()
        return []
    _rename(group, members)
    fingerprints = _fingerprints(members)
    statuses = statuses_of(members, repeals_of(group), today, fingerprints)
    return _store(members, statuses) + _share_dates(members, fingerprints) + _store_stand_ins(members, fingerprints)


def _store_stand_ins(members, fingerprints):
    """Each record's `represented_by`: the record that stands for its text, or None for that record itself (the
    published texts; a draft or a recycled record stands for itself). Returns the members changed."""
    changed = []
    for text in texts_of([m for m in members if is_visible(m)], fingerprints):
        for record in text:
            wanted = text[0].pk if record is not text[0] else None
            if record.represented_by_id != wanted:
                changed.append(record)
                record.represented_by_id = wanted
                Article.objects.filter(pk=record.pk).update(represented_by_id=wanted)
    for member in members:
        if not is_visible(member) and member.represented_by_id is not None:
            member.represented_by_id = None
            Article.objects.filter(pk=member.pk).update(represented_by_id=None)
            changed.append(member)
    return changed


def _share_dates(members, fingerprints):
    """The parts of a law share its 施行日期; a version whose text does not state the original law's 首次施行日期
    takes it from a version of the same law (same first 修订沿革 date) that does. Returns the members changed."""
    changed = []
    texts = texts_of(members, fingerprints)
    for text in texts:
        version = next((m.effective_date for m in text if m.effective_date), None)
        first = next((m.first_effective_date for m in text if m.first_effective_date), None)
        for member in text:
            updates = {}
            if member.effective_date is None and version is not None:
                updates["effective_date"] = version
            if member.first_effective_date is None and first is not None:
                updates["first_effective_date"] = first
            if updates:
                Article.objects.filter(pk=member.pk).update(**updates)
                for name, value in updates.items():
                    setattr(member, name, value)
                changed.append(member)
    for member in members:
        origin = _origin(member)
        if member.first_effective_date is None and origin is not None:
            first = min((m.first_effective_date for m in members if m.first_effective_date and _origin(m) == origin),
                        default=None)
            if first is not None:
                Article.objects.filter(pk=member.pk).update(first_effective_date=first)
                member.first_effective_date = first
                changed.append(member)
    return changed


def _origin(article):
    """The first dated event of the 修订沿革: the original law's adoption, shared by its amended texts."""
    for item in article.amendments or []:
        if isinstance(item, dict) and item.get("date"):
            return str(item["date"])
    return None


def version_records(members):
    """The texts of a group's `members`, newest first, each the list of its records (see texts_of): what the
    version list shows, one entry a version."""
    members = list(members)
    return texts_of(members, _fingerprints(members))


def first_part(article):
    """The record that stands for the law `article` belongs to when that law is published in parts (its first
    part, 总则): what a citation of the whole law links to. `article` itself otherwise."""
    if article.regulation_id is None or not is_part(article):
        return article
    return Article.objects.get(pk=stand_ins([article.pk])[article.pk])


def stand_ins(article_ids):
    """{id: the id of the record that stands for its text} for `article_ids` (Article.represented_by, kept by
    refresh): a law's first part for each of its parts, the kept record for each duplicate of a text, itself
    otherwise. For the resolution of citations: a text cited is one target, never several."""
    rows = Article.objects.filter(pk__in=set(article_ids)).values_list("pk", "represented_by_id")
    return {pk: stand_in or pk for pk, stand_in in rows}


def _rename(group, members):
    """The group takes the title of its newest version and the first issuer named, newest first."""
    ordered = newest_first([m for m in members if is_visible(m)] or members)
    title = ordered[0].title
    issuer = next((m.issuer for m in ordered if m.issuer), "")
    wanted = (title, title_key(title), issuer, loose_key(title))
    if (group.title, group.title_key, group.issuer, group.repeal_key) != wanted:
        group.title, group.title_key, group.issuer, group.repeal_key = wanted
        group.save(update_fields=["title", "title_key", "issuer", "repeal_key"])


def _refresh_alone(article, today=None):
    """A document in no group: a normative 法规 is its own only version; anything else has no 时效性."""
    return _store([article], {id(article): _own_status(article, [], NO_REPEALS, today)})


def _store(members, statuses):
    """Write the statuses that changed; return those members."""
    changed = [m for m in members if m.validity != statuses[id(m)]]
    for member in changed:
        member.validity = statuses[id(member)]
        Article.objects.filter(pk=member.pk).update(validity=member.validity)
    return changed


# --- staff actions and the whole archive ----------------------------------------------------------------------


def _save_by_hand(article, group, user, reason):
    article.regulation, article.regulation_by_hand = group, True
    service.save(article, user=user, reason=reason)


def attach(article, group, user=None):
    """Make `article` a version of `group`, by hand."""
    with transaction.atomic():
        _save_by_hand(article, group, user, f"归入法规“{group.title}”")


def detach(article, user=None):
    """Take `article` out of its group into one of its own, by hand."""
    with transaction.atomic():
        group = Regulation.objects.create(title=article.title, title_key=title_key(article.title),
                                          issuer=article.issuer, repeal_key=loose_key(article.title))
        _save_by_hand(article, group, user, "从所属法规中分离")


def merge(keep, others, user=None):
    """Move the versions of `others` into `keep` (by hand); the emptied groups disappear. Returns how many moved."""
    moved = 0
    with service.bulk(), transaction.atomic():
        for article in Article.objects.filter(regulation__in=others):
            _save_by_hand(article, keep, user, f"合并到法规“{keep.title}”")
            moved += 1
        Regulation.objects.filter(pk__in=[g.pk for g in others]).delete()
    return moved


def sync_all(today=None):
    """Group every document, derive every status, over the whole archive: after upgrading an existing archive,
    and daily (cron), when 尚未生效 versions come into force. Returns {"grouped", "changed"} counts."""
    with service.bulk():
        grouped = 0
        rows = Article.objects.only(*FIELDS, "text", "regulation_by_hand").order_by("pk")
        for article in rows.iterator(chunk_size=200):
            with transaction.atomic():
                grouped += _sync_one(article)
        before = dict(Article.objects.values_list("pk", "validity"))
        for group_id in Regulation.objects.values_list("pk", flat=True):
            with transaction.atomic():
                service.derived(m.pk for m in refresh(group_id, today))
        alone = Article.objects.filter(Q(kind=Article.Kind.REGULATION) | ~Q(validity="") | ~Q(validity_override=""),
                                       regulation__isnull=True)
        for article in alone.only(*FIELDS, "text"):
            with transaction.atomic():
                service.derived(m.pk for m in _refresh_alone(article, today))
        after = Article.objects.values_list("pk", "validity")
        return {"grouped": grouped, "changed": sum(1 for pk, value in after if before.get(pk) != value)}


def _sync_one(article):
    """Group one document and store its repeal statements and 施行日期 without saving it (no history row)."""
    _record_repeals(article, created=False)
    found, updates = _own_dates(article), {}
    if article.effective_date is None and found.version is not None:
        updates["effective_date"] = found.version
    if article.first_effective_date != found.first:
        updates["first_effective_date"] = found.first
    if not article.regulation_by_hand:
        group = automatic_group(article)
        if (group.pk if group else None) != article.regulation_id:
            updates["regulation"] = group
    if updates:
        before = service.remember([article.pk])
        Article.objects.filter(pk=article.pk).update(**updates)
        service.updated([article.pk], before=before)
    return int("regulation" in updates)
