"""The one path of an article's change: what is derived before it is written, the write in one transaction, then
the subscribers told which articles changed, in the order registered once (DocumentsConfig.ready).

Writers call `save`, `delete` and, after a bulk `UPDATE`, `updated`; a block of many changes (an import, a staff
action on a selection) runs inside `bulk()`, and each subscriber then runs once (`many`) for all of them at the
block's end instead of once per article (`one`). A direct `Article.save()` or `delete()` (a shell, a data
migration) reaches the same path through the one receiver connected here (`connect`).

A subscriber (documents/apps.py lists them) has:

    name, command   what it keeps true, and the manage.py command that redoes it for the whole archive
    remembers       Article fields it needs as they were before the write (read once for all subscribers)
    follows_derived True: also told of articles whose derived fields another subscriber rewrote
    prepare(article, keep_group)   optional: sets derived fields on the article before it is written
    deleting(ids)   optional: {id: what it needs of a row that is about to go}
    one(change), many(change)      bring everything up to date; may return ids of other articles whose derived
                                   fields they rewrote (passed on to the following subscribers that follow those)
"""

import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction

from ..models import Article
from . import cache_invalidation

log = logging.getLogger(__name__)

_subscribers = []
_local = threading.local()


@dataclass
class Change:
    """What a subscriber is told: the articles saved (`saved`), deleted (`deleted`), the rows as they were before
    (`before`: {id: {field: value}}, none for a new article; the first state of a block), what subscribers noted of
    deleted rows (`gone`: {subscriber name: {id: note}}) and the articles whose derived fields were rewritten
    (`derived`)."""

    saved: set = field(default_factory=set)
    deleted: set = field(default_factory=set)
    before: dict = field(default_factory=dict)
    gone: dict = field(default_factory=dict)
    derived: set = field(default_factory=set)
    raw: bool = False  # fixtures loaded: no state before is known

    @property
    def ids(self):
        return self.saved | self.deleted

    def merge(self, other):
        self.saved |= other.saved - self.deleted
        self.deleted |= other.deleted
        self.saved -= other.deleted
        for pk, row in other.before.items():
            self.before.setdefault(pk, row)
        for name, notes in other.gone.items():
            for pk, note in notes.items():
                self.gone.setdefault(name, {}).setdefault(pk, note)
        self.derived |= other.derived
        self.raw |= other.raw


class StepFailed(Exception):
    """A subscriber failed at the end of a block; the writes are kept and `command` redoes its work."""

    def __init__(self, failures):
        self.failures = failures  # [(subscriber name, command, exception)]
        super().__init__("；".join(
            f"{name}未完成（{error}）" + (f"，请运行 manage.py {command} 补全" if command else "")
            for name, command, error in failures
        ))


def register(*subscribers):
    """The subscribers, in the order they run (DocumentsConfig.ready: the only caller)."""
    _subscribers[:] = subscribers


def subscribers():
    return list(_subscribers)


def _remembered_fields():
    return sorted({name for subscriber in _subscribers for name in getattr(subscriber, "remembers", ())})


def _read_before(ids):
    """{id: {field: value}} of the stored rows of `ids`, one query for every subscriber (chunked)."""
    fields, found, ids = _remembered_fields(), {}, list(ids)
    for start in range(0, len(ids), 500):
        for row in Article.objects.filter(pk__in=ids[start : start + 500]).order_by().values("pk", *fields):
            found[row.pop("pk")] = row
    return found


# --- blocks ----------------------------------------------------------------------------------------------------


def _block():
    return getattr(_local, "block", None)


@contextmanager
def bulk(apply=True):
    """Inside this block every change is collected; each subscriber runs once at its end, for all of them.
    `apply=False` (a dry run, its writes rolled back) forgets them. Nested: the outer block runs them. At the end,
    each subscriber runs even if one before it failed; StepFailed then names the commands that redo theirs."""
    if _block() is not None:
        yield
        return
    _local.block = Change()
    with cache_invalidation.batched_invalidation():
        try:
            yield
        except BaseException:
            change, _local.block = _local.block, None
            if apply and change.ids:
                # Interrupted (an error, Ctrl-C): what was committed before stays; each step is redone in full by
                # its own command, which can be run again and again.
                log.error("a block of changes stopped before what they set off; run: %s", resume_hint())
            raise
        change, _local.block = _local.block, None
        if apply and (change.ids or change.derived or change.raw):
            _run(change, many=True)


def resume_hint():
    """The commands that redo every subscriber's work for the whole archive, in order."""
    return "；".join(f"manage.py {s.command}" for s in _subscribers if s.command)


def _record(change):
    """Hand `change` to the open block, or to the subscribers now (one article's write)."""
    block = _block()
    if block is not None:
        block.merge(change)
    else:
        _run(change, many=False)


def _run(change, *, many):
    failures = []
    for subscriber in _subscribers:
        if not (change.ids or change.raw or (change.derived and getattr(subscriber, "follows_derived", False))):
            continue
        try:
            if many:
                more = subscriber.many(change)
            else:
                more = subscriber.one(change)
        except Exception as error:
            if not many:
                raise  # one article's write: its transaction rolls back with it
            log.exception("%s failed after a block of changes; `manage.py %s` redoes it", subscriber.name,
                          subscriber.command)
            failures.append((subscriber.name, subscriber.command, error))
            continue
        change.derived |= set(more or ()) - change.ids
    if failures:
        raise StepFailed(failures)


# --- writers -----------------------------------------------------------------------------------------------------


def prepare(article, *, keep_group=False):
    """Derive what is stored with the article (its version group, 施行日期, 时效性) before it is written."""
    for subscriber in _subscribers:
        if hasattr(subscriber, "prepare"):
            subscriber.prepare(article, keep_group=keep_group)


def save(article, *, user=None, reason=None, keep_group=False):
    """Save `article` (as `user`'s doing, for `reason`, in its history): derived fields first, one transaction,
    then the subscribers. `keep_group`: the version group set on it is kept (a backup's record names it)."""
    _sign(article, user, reason)
    with transaction.atomic():
        before = _read_before([article.pk]) if article.pk else {}
        prepare(article, keep_group=keep_group)
        with _writing(article):
            article.save()
        _record(Change(saved={article.pk}, before=before))
    return article


def _sign(article, user, reason):
    """Who and why, for the history row (django-simple-history's API); without a user, the history takes the
    request's."""
    if user is not None:
        article._history_user = user
    article._change_reason = reason or None


def delete(article, *, user=None, reason=None):
    """Delete `article` for good, its history marked with `user` and `reason`; then the subscribers."""
    _sign(article, user, reason)
    with transaction.atomic():
        change = _deleting([article.pk])
        with _writing(article):
            article.delete()
        _record(change)


def updated(ids, *, before=None):
    """The rows `ids` were written by a bulk UPDATE (no save() ran): tell the subscribers. `before`: what
    `remember(ids)` returned before the UPDATE, when the fields the subscribers remember changed."""
    ids = set(ids)
    if ids:
        _record(Change(saved=ids, before=before or {}))


def derived(ids):
    """Only derived fields of the rows `ids` were rewritten (时效性 by a whole-archive pass): the subscribers that
    follow derived fields (the search index, the page cache) are told."""
    ids = set(ids)
    if ids:
        _record(Change(derived=ids))


def remember(ids):
    """The stored state of `ids` the subscribers compare with: read before a bulk UPDATE, passed to `updated`."""
    return _read_before(ids)


def _deleting(ids):
    change = Change(deleted=set(ids), before=_read_before(ids))
    for subscriber in _subscribers:
        if hasattr(subscriber, "deleting"):
            change.gone[subscriber.name] = subscriber.deleting(ids)
    return change


# --- the one receiver: direct saves and deletes (a shell, a data migration) ------------------------------------


@contextmanager
def _writing(article):
    """The service is writing `article` itself: the receiver leaves it alone."""
    writing = _local.__dict__.setdefault("writing", set())
    writing.add(id(article))
    try:
        yield
    finally:
        writing.discard(id(article))


_pending = threading.local()  # direct saves between their pre and post signals: {id(instance): Change}


def article_signal(sender, instance, signal, raw=False, **kwargs):
    """Every Article signal comes here; a write the service did not make goes through the same path."""
    from django.db.models import signals

    if id(instance) in getattr(_local, "writing", ()):
        return
    notes = _pending.__dict__.setdefault("changes", {})
    if raw:
        if signal is signals.post_save:
            _record(Change(raw=True))
    elif signal is signals.pre_save:
        if kwargs.get("update_fields") is None:
            prepare(instance)
        notes[id(instance)] = Change(before=_read_before([instance.pk]) if instance.pk else {})
    elif signal is signals.post_save:
        change = notes.pop(id(instance), None) or Change()
        change.saved.add(instance.pk)
        _record(change)
    elif signal is signals.pre_delete:
        notes[id(instance)] = _deleting([instance.pk])
    elif signal is signals.post_delete:
        _record(notes.pop(id(instance), None) or Change(deleted={instance.pk}))


def connect():
    from django.db.models import signals

    for name in ("pre_save", "post_save", "pre_delete", "post_delete"):
        getattr(signals, name).connect(article_signal, sender=Article, dispatch_uid=f"changes_article_{name}")
