"""What one search may spend: a deadline the evaluation checks between blocks of postings, and counts of the work
done (index terms looked up, postings read, position lists decoded) that tests and benchmarks compare queries by.

query.search() opens a budget around a backend's run; the Whoosh engine (engine.py) spends from the current one.
A search past its deadline stops at the next check (OutOfTime) and answers what it has, with a note; outside a
search (rebuilds, tests calling the engine directly) the budget is unlimited and only counts.
"""

import contextvars
import time
from contextlib import contextmanager
from dataclasses import dataclass, field


class OutOfTime(Exception):
    """The search's deadline passed: the caller keeps what it has found so far."""


@dataclass
class Budget:
    """A deadline (time.monotonic(); None: none) and what was spent so far. cut: the evaluation stopped at the
    deadline and left something out."""

    deadline: float | None = None
    clock: object = field(default=time.monotonic, repr=False)
    terms: int = 0  # postings lists looked up (a term of a field in a segment)
    postings: int = 0  # postings read: a document's entry in a term's list
    positions: int = 0  # position lists decoded (a document's positions of one bigram)
    cut: bool = False

    def spend(self, terms=0, postings=0, positions=0):
        """Count work, then raise OutOfTime when the deadline has passed (each call is a check)."""
        self.terms += terms
        self.postings += postings
        self.positions += positions
        self.check()

    def check(self):
        if self.deadline is not None and self.clock() > self.deadline:
            self.cut = True
            raise OutOfTime

    @property
    def work(self):
        """The work done, as one number to compare queries by: what was read and decoded."""
        return self.terms + self.postings + self.positions


_current = contextvars.ContextVar("search_budget", default=None)


def current():
    """The budget of the search running in this context; outside one a fresh, unlimited one (counts go nowhere)."""
    return _current.get() or Budget()


@contextmanager
def spending(seconds=None, clock=time.monotonic):
    """Run a search within `seconds` of evaluation (None: no deadline), yielding its Budget."""
    budget = Budget(None if seconds is None else clock() + seconds, clock)
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)
