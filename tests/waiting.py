"""Waiting for a condition in tests: polled with a deadline, never a fixed pause."""

import time


def wait_for(condition, seconds, step=0.05):
    """True as soon as `condition()` is true, False once `seconds` have passed without it."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(step)  # the poll interval; the wait ends on the condition or the deadline
    return True


def listening(port):
    """Whether something accepts connections on 127.0.0.1:`port`."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False
