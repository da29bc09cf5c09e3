"""Versions of one regulation: grouping them, their order, and each version's 时效性 (the rules of README.md,
"Regulations and their versions").

- Grouping. A 法规 document joins the group (Regulation) whose title is equal after documents.common.titles.title_key
  and whose issuer does not contradict its own (both given and different). A document that staff grouped by
  hand (regulation_by_hand) is left where they put it.
- Order. By date; an undated version by the latest date of its 修订沿革; otherwise it counts as the oldest
  (listed last, 日期不详). Equal dates: the longer 修订沿革, then the later record.
- 时效性. Staff's override when set; 尚未生效 while its 施行日期 is after today; the newest version in force is
  现行有效, or 已废止 when a 修订沿革 event or a later document outside the group repeals the regulation; the
  older versions are 已被修改. Only published versions outside the recycle bin count; a draft gets the
  status it would have once published.

The change path (documents/changes/service.py) keeps this true on every save and delete (admin, import, shell)
through `Versions`: a version's status can change when another version is saved, and those rows are rewritten here.
"""

import datetime
import math

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..changes import service
from ..common import dates
from . import provisions
from ..models import Article, Regulation, Repeal
from ..common.titles import prefix_variants, title_key

Validity = Article.Validity
# What ordering and deriving read: never the body.
FIELDS = ("id", "title", "issuer", "kind", "date", "date_precision", "amendments", "effective_date", "status",
          "deleted_at", "validity", "validity_override", "column", "regulation")


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


def derive(versions, repeal_dates=(), today=None):
    """{id(version): validity} of `versions` (one regulation's, all counted; an unsaved one too).
    `repeal_dates`: dates of the documents outside the group that repeal it."""
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
            repealed = _repealed(current, versions, repeal_dates)
            statuses[id(version)] = Validity.REPEALED if repealed else Validity.CURRENT
        else:
            statuses[id(version)] = Validity.AMENDED
    return statuses


def _repealed(current, versions, repeal_dates):
    if any(
        isinstance(item, dict) and provisions.is_repeal_event(item.get("event"))
        for version in versions for item in (version.amendments or [])
    ):
        return True
    placed = sort_date(current)
    return any(placed is None or when > placed for when in repeal_dates)


def statuses_of(members, repeal_dates=(), today=None):
    """{id(member): validity} of every member of a group: the visible versions among themselves, each other
    member as if it were published beside them."""
    visible = [m for m in members if is_visible(m)]
    statuses = derive(visible, repeal_dates, today)
    for member in members:
        if id(member) not in statuses:
            statuses[id(member)] = derive(visible + [member], repeal_dates, today)[id(member)]
    return statuses


# --- grouping -----------------------------------------------------------------------------------------------------


def _contradicts(issuer, other):
    return bool(issuer and other and issuer != other)


def automatic_group(article):
    """The Regulation `article` belongs to by the title rule (created when none fits), or None (not a 法规)."""
    if article.kind != Article.Kind.REGULATION:
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
        group.save()
        return group
    group = Regulation.objects.create(title=article.title, title_key=key, issuer=article.issuer)
    return group


def _published_on(article):
    return article.date if article.date is not None and article.date_precision == dates.DAY else None


# --- keeping it true: the change path's subscriber (documents/changes/service.py) ----------------------------------


def derive_before_save(article, keep_group=False):
    """Group the document and give it its 施行日期 and status before it is written (one write, its history row
    true). `keep_group`: the group set on it stays (a backup's record names the group it was saved in)."""
    if article.effective_date is None:
        article.effective_date = provisions.effective_date(article.text, _published_on(article))
    if article.regulation_id is not None and not _group_exists(article):
        article.regulation, article.regulation_by_hand = None, False  # an old version restored: its group merged away
    if not article.regulation_by_hand and not keep_group:
        article.regulation = automatic_group(article)
    group, siblings, repeals = article.regulation, [], []
    if group is not None:
        if group.pk is not None:
            siblings = list(Article.objects.filter(regulation=group).exclude(pk=article.pk).only(*FIELDS))
        _rename(group, siblings + [article])
        repeals = repeal_dates(group)
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
            for pk, key in Repeal.objects.filter(article_id__in=chunk).values_list("article_id", "title_key"):
                stored.setdefault(pk, set()).add(key)
            for article in Article.objects.filter(pk__in=chunk).only("id", "title", "text", "regulation"):
                groups.add(article.regulation_id)
                named |= _store_repeals(article, stored.get(article.pk, set()))
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
    if article.regulation_id is None and article.kind != Article.Kind.REGULATION and not article.validity_override:
        return ""  # no 时效性 for a document that is not a regulation's version
    return statuses_of(siblings + [article], repeals, today)[id(article)]


def _record_repeals(article, created):
    """Store the titles `article` repeals; return the groups whose status may have changed."""
    before = set() if created else set(Repeal.objects.filter(article=article).values_list("title_key", flat=True))
    return _groups_named(_store_repeals(article, before))


def _store_repeals(article, before):
    """Store the titles `article` repeals (`before`: those stored); return them and those it no longer repeals."""
    keys = provisions.repealed_title_keys(article.title, article.text) - {title_key(article.title)}
    if keys != before:
        Repeal.objects.filter(article=article, title_key__in=before - keys).delete()
        Repeal.objects.bulk_create([Repeal(article=article, title_key=key) for key in keys - before])
    return keys | before


def _groups_named(keys):
    if not keys:
        return set()
    spelled = set(keys) | {variant for key in keys for variant in prefix_variants(key)}
    return set(Regulation.objects.filter(title_key__in=spelled).values_list("pk", flat=True))


def repeal_dates(group):
    """Dates of the published documents outside `group` that repeal it (an undated one cannot be placed)."""
    keys = [group.title_key, *prefix_variants(group.title_key)]
    # Nearly always none: one look at the title_key index, the documents only when there are some.
    repealers = list(Repeal.objects.filter(title_key__in=keys).values_list("article_id", flat=True))
    if not repealers:
        return []
    rows = Article.objects.published().filter(pk__in=repealers).exclude(regulation=group)
    return [date for date, precision in rows.values_list("date", "date_precision")
            if date is not None and precision != dates.UNKNOWN]


def refresh(group_id, today=None):
    """Re-derive the statuses of one group's versions and store the changed ones; returns those (the caller tells
    the change path). A group left without versions is deleted."""
    group = Regulation.objects.filter(pk=group_id).first()
    if group is None:
        return []
    members = list(Article.objects.filter(regulation=group).only(*FIELDS))
    if not members:
        group.delete()
        return []
    _rename(group, members)
    statuses = statuses_of(members, repeal_dates(group), today)
    return _store(members, statuses)


def _rename(group, members):
    """The group takes the title of its newest version and the first issuer named, newest first."""
    ordered = newest_first([m for m in members if is_visible(m)] or members)
    title = ordered[0].title
    issuer = next((m.issuer for m in ordered if m.issuer), "")
    if (group.title, group.title_key, group.issuer) != (title, title_key(title), issuer):
        group.title, group.title_key, group.issuer = title, title_key(title), issuer
        group.save(update_fields=["title", "title_key", "issuer"])


def _refresh_alone(article, today=None):
    """A document in no group: a 法规 is its own only version; anything else has no 时效性."""
    return _store([article], {id(article): _own_status(article, [], [], today)})


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
                                          issuer=article.issuer)
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
        for article in alone.only(*FIELDS):
            with transaction.atomic():
                service.derived(m.pk for m in _refresh_alone(article, today))
        after = Article.objects.values_list("pk", "validity")
        return {"grouped": grouped, "changed": sum(1 for pk, value in after if before.get(pk) != value)}


def _sync_one(article):
    """Group one document and store its repeal statements and 施行日期 without saving it (no history row)."""
    _record_repeals(article, created=False)
    updates = {}
    if article.effective_date is None:
        found = provisions.effective_date(article.text, _published_on(article))
        if found is not None:
            updates["effective_date"] = found
    if not article.regulation_by_hand:
        group = automatic_group(article)
        if (group.pk if group else None) != article.regulation_id:
            updates["regulation"] = group
    if updates:
        before = service.remember([article.pk])
        Article.objects.filter(pk=article.pk).update(**updates)
        service.updated([article.pk], before=before)
    return int("regulation" in updates)
