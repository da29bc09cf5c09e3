"""The Whoosh backend (the default): haystack's Whoosh engine for Chinese, the index embedded beside the site.

The fields are schema.py's (the SearchIndex in documents/search_indexes.py says where their values come from);
this subclass builds the Whoosh schema from it, and changes how the Whoosh index is written and read:

- writes take a file lock beside the index with bounded waiting and raise instead of retrying forever (haystack's
  AsyncWriter) or swallowing a LockError (haystack's remove());
- readers never create or modify the index: a missing or broken index raises IndexUnavailable;
- readers and writers open it without a memory map (index_storage: Whoosh's copies the mapped files whole);
- haystack's own highlighter (a hard-coded StemmingAnalyzer, empty for Chinese) is replaced by ours;
- it runs a parsed query through run_query(parsed, filters, sort, page, per_page) (interface.py) by engine.py.
"""

import fcntl
import functools
import logging
import os
import threading
import time
import contextlib
from contextlib import contextmanager

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.exceptions import SkipDocument
from haystack.utils import get_identifier
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from . import engine
from ...language import parsing
from .. import ranking
from ... import schema
from ...codec import writing_codec
from ...interface import Found, IndexBusy, IndexUnavailable


log = logging.getLogger(__name__)


def index_storage(path):
    """The storage every reader and writer opens the index through. Whoosh's memory-mapped compound segments
    copy each file they open whole into the process (its BufferFile wraps the map in a BytesIO, which copies):
    a worker held a private copy of the index (bench/scale.py: 651 MB at 1 ×, 1.9 GB at 3 ×), and each admin
    save copied it again to delete the old version. Without the map a read is a positioned read of the file,
    served from the page cache all processes share; searches measured no slower."""
    return FileStorage(path, supports_mmap=False)


LOCK_TIMEOUT = 60.0


def lock_path(index_path):
    return os.path.normpath(str(index_path)) + ".lock"


@contextmanager
def index_lock(index_path, timeout=LOCK_TIMEOUT):
    """One writer at a time, across processes: an flock on a file beside the index directory (not inside it,
    so it survives a rebuild swapping the directory). timeout=0 means try once."""
    path = lock_path(index_path)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "a") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(f"search index {index_path} is locked by another writer") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class ChineseWhooshSearchBackend(WhooshSearchBackend):
    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self._local = threading.local()

    # --- schema -------------------------------------------------------------------------------------------
    def build_schema(self, fields):
        """schema.py's Whoosh schema, once the SearchIndex is found to declare the same fields."""
        schema.check_declared(fields)
        return schema.TEXT.name, schema.whoosh_schema()

    # --- writing ------------------------------------------------------------------------------------------
    def setup(self):
        super().setup()
        if self.use_file_storage:  # haystack opened the index on a FileStorage of its own
            self.storage = index_storage(self.path)
            self.index = self.storage.open_index(schema=self.schema)

    def index_exists(self):
        try:
            return whoosh_index.exists_in(self.path)
        except Exception:
            return False

    @contextmanager
    def writer(self, timeout=LOCK_TIMEOUT, locked=False):
        """A Whoosh writer under the project's index lock (pass locked=True when the caller holds it already);
        commits on success, cancels on error."""
        with contextlib.ExitStack() as stack:
            if not locked:
                stack.enter_context(index_lock(self.path, timeout))
            self.setup()  # (re)creates an empty index if the directory is gone: only writers do this
            writer = self.index.writer(codec=writing_codec())
            try:
                yield writer
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    def prepare(self, index, obj):
        """The Whoosh document of one object, or None when the SearchIndex skips it."""
        try:
            doc = index.full_prepare(obj)
        except SkipDocument:
            return None
        doc.pop("boost", None)
        return {key: self._from_python(value) for key, value in doc.items()}

    def update(self, index, iterable, commit=True):
        with self.writer() as writer:
            for obj in iterable:
                doc = self.prepare(index, obj)
                if doc is not None:
                    writer.update_document(**doc)

    def remove(self, obj_or_string, commit=True):
        with self.writer() as writer:
            writer.delete_by_term(schema.DOCUMENT_ID.name, get_identifier(obj_or_string))

    # --- reading ------------------------------------------------------------------------------------------
    def searcher(self):
        """A Whoosh searcher on the current index, reused across requests of this thread (opening one reads
        every segment's metadata). Never creates anything on disk. A rebuild swaps in a new directory whose
        generation numbers start again, so the directory's identity is checked too."""
        searcher, opened_dir = getattr(self._local, "searcher", None), getattr(self._local, "dir_id", None)
        try:
            stat = os.stat(self.path)
            dir_id = (stat.st_dev, stat.st_ino)
            if searcher is not None and dir_id == opened_dir:
                fresh = searcher.refresh()
            else:
                if searcher is not None:
                    searcher.close()
                    self._local.searcher = None
                if not whoosh_index.exists_in(self.path):
                    raise IndexUnavailable(self.path)
                fresh = index_storage(self.path).open_index().searcher()
        except IndexUnavailable:
            raise
        except Exception as exc:  # no directory, a missing segment file, a truncated TOC ...
            self.close_searcher()
            raise IndexUnavailable(self.path) from exc
        self._local.searcher, self._local.dir_id = fresh, dir_id
        return fresh

    def close_searcher(self):
        searcher, self._local.searcher = getattr(self._local, "searcher", None), None
        if searcher is not None:
            try:
                searcher.close()
            except OSError:
                pass

    # --- querying -----------------------------------------------------------------------------------------
    def run_query(self, parsed, filters, sort, page, per_page):
        """The interface.Found of a parsed query: evaluated by engine.py over the reused searcher, ranked by
        ranking.py; single characters expanding past the cost bound are left out (parsing.limit_expansions)."""
        searcher = self.searcher()
        parsed, messages = parsing.limit_expansions(parsed, functools.partial(engine.prefix_terms, searcher))
        if messages and not parsed.groups:
            return Found([], 0, {}, parsed, messages)  # nothing left to look for: the message says why
        try:
            results = engine.run(searcher, parsed, filters, sort=sort, page=page, per_page=per_page,
                                 named=ranking.names(parsed), weights=ranking.weights())
        except engine.UnsupportedIndex as exc:  # an index of an older version: readers wait for rebuild_index
            log.error("%s", exc)
            raise IndexUnavailable(self.path) from exc
        return Found(results.ids, results.total, results.facets, parsed, messages, any_date=results.any_date)

    def _process_results(self, raw_page, highlight=False, query_string="", **kwargs):
        """haystack's result building, with a highlighter that understands Chinese."""
        results = super()._process_results(raw_page, highlight=False, query_string=query_string, **kwargs)
        if highlight:
            from ...language.highlight import Highlighter

            highlighter = Highlighter.from_query(query_string)
            for result in results["results"]:
                text = getattr(result.object, "text", "") if result.object is not None else ""
                result.highlighted = {self.content_field_name: [highlighter.snippet(text)]}
        return results


class ChineseWhooshEngine(WhooshEngine):
    backend = ChineseWhooshSearchBackend
