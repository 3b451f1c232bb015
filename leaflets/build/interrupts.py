"""SIGINT and SIGTERM stop a run cleanly: cleanup code runs and no half-written file is left."""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """The process was asked to stop by a signal."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise(signum: int, frame: object) -> None:
    raise Interrupted(signum)


@contextmanager
def stop_signals_raise() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise Interrupted, so `finally` clauses run.

    SIGTERM's default action kills the process on the spot, leaving temporary files behind.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _raise) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def signals_deferred() -> Iterator[list[int]]:
    """Hold SIGINT and SIGTERM until the block ends, so a step is all or nothing.

    Yields the signals held so far: a loop inside the block may look at it and stop early,
    at a point of its own choosing (`raise_held`). A handler that only records the signal,
    rather than a blocked signal mask: a mask holds the signal for this thread only, and
    with other threads running (a progress bar, the worker pool's manager) the kernel hands
    it to one of them.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    previous = {signum: signal.signal(signum, lambda signum, frame: received.append(signum))
                for signum in STOP_SIGNALS}
    try:
        yield received
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if received:
            signal.raise_signal(received[0])  # now, to the handler the block started with


def raise_held(received: list[int]) -> None:
    """Stop now if `signals_deferred` has held a signal: raise it as Interrupted, once."""
    if received:
        signum = received[0]
        received.clear()
        raise Interrupted(signum)
