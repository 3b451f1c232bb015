"""Rendering one desk order in a child process, so a render that runs too long can be stopped.

A thread cannot be killed; a forked child can. The child starts with the content already
validated and loaded, renders in memory and hands back the PDF bytes through a pipe.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from multiprocessing.connection import Connection

from leaflets.desk.form import Order
from leaflets.render.leaflet import render_leaflet
from leaflets.errors import BuildError, PageBudgetError
from leaflets.content.tree import Content


class RenderTimeout(Exception):
    """The render took longer than the desk allows."""


class DeskBusy(Exception):
    """Every render slot stayed taken for as long as the desk waits."""


class RenderFailed(Exception):
    """The render failed; the message is safe to show (it never echoes what was typed)."""


def _render_child(content: Content, order: Order, sender: Connection) -> None:
    # The child only renders; a stop signal should simply end it, as the parent expects.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)

    try:
        sender.send(("pdf", render_leaflet(content, order.key, order.options)))
    except PageBudgetError as exc:
        sender.send(("budget", (exc.pages, exc.budget)))
    except BuildError:
        sender.send(("failed", "the leaflet could not be rendered"))
    except Exception as exc:  # noqa: BLE001 - reported by type only: messages may hold input
        sender.send(("failed", f"the leaflet could not be rendered ({type(exc).__name__})"))
    finally:
        sender.close()


class Renderer:
    """Renders orders in forked children, a few at a time, each within a time limit."""

    def __init__(self, content: Content, timeout: float, slots: int = 2):
        self.content = content
        self.timeout = timeout
        self.slots = threading.BoundedSemaphore(slots)
        self.context = multiprocessing.get_context("fork")

    def render(self, order: Order) -> bytes:
        if not self.slots.acquire(timeout=self.timeout):
            raise DeskBusy()
        try:
            return self._render(order)
        finally:
            self.slots.release()

    def _render(self, order: Order) -> bytes:
        receiver, sender = self.context.Pipe(duplex=False)
        child = self.context.Process(target=_render_child, args=(self.content, order, sender),
                                     daemon=True)
        child.start()
        sender.close()
        try:
            if not receiver.poll(self.timeout):
                raise RenderTimeout()
            kind, payload = receiver.recv()
        except EOFError:
            raise RenderFailed("the renderer stopped unexpectedly") from None
        finally:
            receiver.close()
            if child.is_alive():
                child.kill()
            child.join()
        if kind == "budget":
            pages, budget = payload
            raise RenderFailed(f"as asked, this leaflet needs {pages} pages, but it must fit "
                               f"on {budget}; shorten the note, leave out the clinic address, "
                               "or choose the other paper size")
        if kind == "failed":
            raise RenderFailed(payload)
        return payload
