"""Run a file reader in a forked child process, stopped at a deadline and kept within a memory limit.

Why (figures from `bench/attachment_text.py` on this 2-core machine): an ordinary 300-page report PDF is read in
1.8 s, but pypdf reads a page whole and its time grows faster than the page's text: one page of 50,000 short lines
(0.8 MB) took 1.4 s, of 200,000 lines (3.2 MB) 16.5 s, so a machine-made PDF well within IMPORT_MAX_BYTES can take
tens of minutes, and capping pages or characters cannot stop inside a page. A .docx is a zip whose XML mammoth
unpacks whole. Only a process can be stopped at a deadline and kept from eating the memory; a forked child costs
8 ms for a small file (nothing is imported again), and a web request waits for it at most FILE_READ_SECONDS.
"""

import logging
import multiprocessing
import resource

from django.conf import settings

from .types import ImportProblem

log = logging.getLogger(__name__)

# Memory the child may take beyond what it shares with the process it was forked from (a web worker).
CHILD_MEMORY = 1024 * 1024 * 1024


class TimedOut(ImportProblem):
    """The reader did not finish in time: the file is too complex (or built to be)."""


class ReaderFailed(ImportProblem):
    """The reader ran out of memory or tripped over a malformed file."""


def run(function, *args, seconds=None):
    """function(*args) computed in a child process; what it raises is raised here (an ImportProblem as itself,
    anything else as ReaderFailed); TimedOut after `seconds` (default FILE_READ_SECONDS)."""
    seconds = settings.FILE_READ_SECONDS if seconds is None else seconds
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, function, args), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise TimedOut(f"读取超过 {seconds:g} 秒，已停止（文件可能过于复杂）")
        ok, value = receiver.recv()
    except EOFError:  # the child died without a word: killed by the memory limit
        raise ReaderFailed("读取文件时内存不足（文件可能过于复杂）") from None
    finally:
        receiver.close()
        child.kill()
        child.join()
    if not ok:
        raise value
    return value


def _child(sender, function, args):
    _limit_memory()
    try:
        answer = (True, function(*args))
    except ImportProblem as problem:
        answer = (False, problem)
    except MemoryError:
        answer = (False, ReaderFailed("读取文件时内存不足（文件可能过于复杂）"))
    except Exception as error:  # a malformed file can trip a reader anywhere: it costs this file only
        log.exception("reading a file failed")
        answer = (False, ReaderFailed(f"文件已损坏或格式无法识别（{type(error).__name__}）"))
    sender.send(answer)
    sender.close()


def _limit_memory():
    with open("/proc/self/statm") as statm:
        shared = int(statm.read().split()[0]) * resource.getpagesize()
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = shared + CHILD_MEMORY
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
