"""Logging filters named in settings.LOGGING."""

import logging


class WithoutTraceback(logging.Filter):
    """Keeps a record's message and drops its traceback: for the client's mistakes (a Host that is not the
    site's), where the one line saying what was refused is what an operator needs."""

    def filter(self, record):
        record.exc_info = record.exc_text = None
        return True
