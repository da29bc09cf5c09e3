"""Waiting for a condition in tests: polled with a deadline, never a fixed pause. Between polls the test waits
on the process the condition depends on, so that its exit (a server that crashed, a writer that failed) ends the
wait at once instead of at the deadline."""

import subprocess
import time


def wait_for(condition, seconds, watching, step=0.05):
    """True as soon as `condition()` is true; False once `seconds` have passed without it, or once `watching`
    (a subprocess.Popen) has exited without it."""
    deadline = time.monotonic() + seconds
    while not condition():
        if watching.poll() is not None:
            return bool(condition())
        if time.monotonic() >= deadline:
            return False
        try:
            watching.wait(timeout=step)  # returns early if the process exits
        except subprocess.TimeoutExpired:
            pass
    return True


def listening(port):
    """Whether something accepts connections on 127.0.0.1:`port`."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False
