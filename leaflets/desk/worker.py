"""Rendering desk orders in a small pool of warm worker processes.

Each worker is forked with the content loaded and WeasyPrint imported (and, for `leaflets
serve`, warm: the desk renders one stock leaflet before it forks, so fonts, hyphenation
dictionaries and templates are loaded once and inherited), builds its own font
configuration, then renders orders one at a time. A
worker that runs past the time limit is stopped and a fresh one forked in its place, so
the limit holds (a thread cannot be stopped; a process can). A bounded queue stands in
front: when every worker is busy and the queue is full, the desk says so at once.

Orders and PDFs travel through pipes, in memory only: nothing typed is logged or written.
`Renderer.reload` swaps the workers for ones forked from new content.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import threading
import weakref
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from leaflets.build.pool import available_cores, frozen_heap
from leaflets.content.tree import Content
from leaflets.desk.form import Order
from leaflets.errors import BuildError, PageBudgetError
from leaflets.outputs import leaflet_keys
from leaflets.render.leaflet import render_leaflet

QUEUE_PER_WORKER = 4  # orders that may wait for each worker before the desk says it is busy
START_LIMIT = 60.0  # seconds a new worker may take to start and configure its fonts
STOP_GRACE = 2.0  # seconds a worker asked to stop may take before it is killed


class RenderTimeout(Exception):
    """The render took longer than the desk allows."""


class DeskBusy(Exception):
    """Every worker is busy and the queue in front of them is full."""

    def __init__(self, taken: int) -> None:
        super().__init__(taken)
        self.taken = taken

    def __str__(self) -> str:
        return (f"The desk is busy with {self.taken} leaflet{'s' if self.taken != 1 else ''}; "
                "try again in a moment.")


class RenderFailed(Exception):
    """The render failed; the message is safe to show (it never echoes what was typed)."""


def _outcome(content: Content, order: Order) -> tuple[str, Any]:
    """Render one order: ("pdf", bytes), ("budget", (pages, budget)) or ("failed", why)."""
    try:
        return "pdf", render_leaflet(content, order.key, order.options)
    except PageBudgetError as exc:
        return "budget", (exc.pages, exc.budget)
    except BuildError:
        return "failed", "the leaflet could not be rendered"
    except Exception as exc:  # noqa: BLE001 - reported by type only: messages may hold input
        return "failed", f"the leaflet could not be rendered ({type(exc).__name__})"


def _stop_now(signum: int, frame: object) -> None:
    sys.exit(0)  # unwinds, so the exit hooks remove this worker's temporary font folder


def warm_up(content: Content) -> None:
    """Render one stock leaflet in this process, so workers forked from it start warm.

    Its font configuration is released afterwards: each worker makes its own (they must
    not share one folder of fonts), which takes little once the fonts have been read.
    """
    from leaflets.render.pdf import release_font_config

    keys = leaflet_keys(content)
    if keys:
        try:
            render_leaflet(content, keys[0])
        except Exception:  # noqa: BLE001 - only a warm-up; the orders report their own errors
            pass
    release_font_config()


def _serve_orders(content: Content, conn: Connection) -> None:
    """In a worker: configure fonts, say so, then answer orders until the pipe closes."""
    from leaflets.render.pdf import font_config

    # Ctrl-C reaches the whole process group; the desk alone handles it and stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_now)
    font_config()
    conn.send(("ready", None))
    while True:
        try:
            order = conn.recv()
        except (EOFError, OSError):
            return
        if order is None:
            return
        conn.send(_outcome(content, order))


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    generation: int
    ready: bool = False

    def stop(self) -> None:
        """Ask the worker to end (it cleans up), and kill it if it does not."""
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(STOP_GRACE)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


class _Waiting:
    """An order waiting in the queue; a worker is handed to it when its turn comes."""

    def __init__(self) -> None:
        self.handed = threading.Event()
        self.worker: _Worker | None = None


def _stop_idle(idle: deque[_Worker]) -> None:
    while idle:
        idle.popleft().stop()


class Renderer:
    """A pool of warm render workers behind a bounded queue; each render within a time limit."""

    def __init__(self, content: Content, timeout: float, workers: int | None = None,
                 queue_length: int | None = None, warm: bool = False) -> None:
        self.content = content
        self.timeout = timeout
        self.workers = max(1, workers or available_cores())
        waiting = QUEUE_PER_WORKER * self.workers if queue_length is None else queue_length
        self.capacity = self.workers + max(0, waiting)
        self._lock = threading.Lock()  # guards the counts, the generation and the forks
        self._taken = 0  # orders rendering or waiting for a worker
        self._idle: deque[_Worker] = deque()
        self._waiting: deque[_Waiting] = deque()  # first come, first served
        self._generation = 0
        self._closed = False
        self._context = multiprocessing.get_context("fork")
        import leaflets.render.pdf  # noqa: F401  (imports WeasyPrint once, before any fork)
        if warm:
            warm_up(content)
        # A renderer that is dropped (a test's app, a replaced desk) stops its idle workers.
        weakref.finalize(self, _stop_idle, self._idle)
        self._start_workers()

    @property
    def taken(self) -> int:
        """Orders being rendered or waiting for a worker, now."""
        return self._taken

    def render(self, order: Order) -> bytes:
        """The order's PDF. Raises DeskBusy at once when the queue is full, RenderTimeout,
        or RenderFailed with a message safe to show."""
        with self._lock:
            if self._taken >= self.capacity:
                raise DeskBusy(self._taken)
            self._taken += 1
        try:
            kind, payload = self._render_on(self._take(), order)
        finally:
            with self._lock:
                self._taken -= 1
        if kind == "budget":
            pages, budget = payload
            raise RenderFailed(f"as asked, this leaflet needs {pages} pages, but it must fit "
                               f"on {budget}; shorten the note, leave out the clinic address, "
                               "or choose the other paper size")
        if kind == "failed":
            raise RenderFailed(payload)
        return payload

    def reload(self, content: Content) -> None:
        """Render from now on with `content`: fresh workers replace the current ones.

        Orders already being rendered finish on their old worker, which then stops.
        """
        with self._lock:
            self.content = content
            self._generation += 1
            stale = self._drain()
        for worker in stale:
            worker.stop()
        self._start_workers()

    def close(self) -> None:
        """Stop every idle worker; busy ones stop when their render ends."""
        with self._lock:
            self._closed = True
            stale = self._drain()
        for worker in stale:
            worker.stop()

    def worker_pids(self) -> list[int]:
        """The process ids of the idle workers (for tests and diagnostics)."""
        with self._lock:
            return sorted(worker.process.pid or 0 for worker in self._idle)

    def _drain(self) -> list[_Worker]:
        drained = list(self._idle)
        self._idle.clear()
        return drained

    def _hand_over(self, worker: _Worker) -> None:
        """Give an idle worker to the order that has waited longest, or keep it idle."""
        if self._waiting:
            waiting = self._waiting.popleft()
            waiting.worker = worker
            waiting.handed.set()
        else:
            self._idle.append(worker)

    def _start_workers(self) -> None:
        for _ in range(self.workers):
            self._spawn()

    def _spawn(self) -> None:
        """Fork one worker from the current content and add it to the idle ones."""
        with self._lock:
            if self._closed:
                return
            receiver, sender = self._context.Pipe()
            with frozen_heap():
                process = self._context.Process(target=_serve_orders, daemon=True,
                                                args=(self.content, sender))
                process.start()
            sender.close()
            self._hand_over(_Worker(process, receiver, self._generation))

    def _take(self) -> _Worker:
        """An idle worker of the current content; waits while all are busy (the queue)."""
        # At most `capacity` orders wait, each for at most the time limit.
        patience = START_LIMIT + self.timeout * (self.capacity // self.workers + 1)
        with self._lock:
            if self._idle:
                return self._idle.popleft()
            waiting = _Waiting()
            self._waiting.append(waiting)
        waiting.handed.wait(patience)
        with self._lock:
            if waiting.worker is None:  # never handed one: give up the place in the queue
                self._waiting.remove(waiting)
                raise DeskBusy(self._taken)
            return waiting.worker

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            current = worker.generation == self._generation and not self._closed
            if current:
                self._hand_over(worker)
        if not current:
            worker.stop()

    def _replace(self, worker: _Worker) -> None:
        """Stop a worker that overran or failed, and fork a fresh one in its place."""
        worker.stop()
        if worker.generation == self._generation:
            self._spawn()

    def _render_on(self, worker: _Worker, order: Order) -> tuple[str, Any]:
        try:
            if not worker.ready:
                if not worker.conn.poll(START_LIMIT):
                    raise RenderFailed("the renderer did not start")
                worker.conn.recv()
                worker.ready = True
            worker.conn.send(order)
            if not worker.conn.poll(self.timeout):
                raise RenderTimeout()
            outcome = worker.conn.recv()
        except (EOFError, OSError):
            self._replace(worker)
            raise RenderFailed("the renderer stopped unexpectedly") from None
        except BaseException:
            self._replace(worker)
            raise
        self._give_back(worker)
        return outcome
