"""Keeping the index true: writing it, the queue of operations and its applier, warming a process, the names it pickles."""
