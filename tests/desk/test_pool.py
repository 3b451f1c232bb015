"""The desk's pool of render workers, over real HTTP on loopback.

Workers are paused with SIGSTOP where a test needs them busy, so the queue fills
deterministically rather than by racing a render.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from werkzeug.serving import make_server

from leaflets.content.project import load_project
from leaflets.content.validation import load_content
from leaflets.desk.app import QuietHandler, create_app

from pdf_tools import pdf_text

pytestmark = pytest.mark.starts_first  # mostly waits on a server (tests/conftest.py)

FORM = {"topic": "cramp", "lang": "en", "audience": "patient", "paper": "a4"}


@contextmanager
def serving(project: Path, **options) -> Iterator[tuple[str, object]]:
    """The desk app served on 127.0.0.1 in a thread: its address and its Desk."""
    app = create_app(load_content(load_project(project)), None, **options)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    desk = app.extensions["desk"]
    try:
        yield f"http://127.0.0.1:{server.server_port}", desk
    finally:
        server.shutdown()
        server.server_close()
        desk.renderer.close()


def order(address: str, **fields: str) -> tuple[int, bytes, dict[str, str], float]:
    """POST one order: status, body, headers and the seconds it took."""
    data = urllib.parse.urlencode({**FORM, **fields}).encode()
    start = time.monotonic()
    try:
        with urllib.request.urlopen(f"{address}/desk/leaflet", data, timeout=120) as response:
            status, body, headers = response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        status, body, headers = exc.code, exc.read(), dict(exc.headers)
    return status, body, headers, time.monotonic() - start


def text_of(pdf: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return pdf_text(path)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_until(condition, seconds: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def test_warm_workers_render_every_order_with_its_own_details(tiny_project: Path,
                                                               tmp_path: Path):
    with serving(tiny_project, workers=2, warm=True) as (address, desk):
        workers = desk.renderer.worker_pids()
        assert len(workers) == 2
        names = ["Anna", "Bram", "Cleo", "Dara"]
        with ThreadPoolExecutor(4) as clients:
            answers = list(clients.map(lambda name: order(address, patient_name=name), names))
        for name, (status, body, headers, _) in zip(names, answers):
            assert status == 200 and headers["Content-Type"] == "application/pdf"
            assert f"A note for {name}" in text_of(body, tmp_path, name)
        # The same processes answered: no fork per request.
        assert desk.renderer.worker_pids() == workers


def test_a_render_over_the_limit_is_stopped_and_its_worker_replaced(tiny_project: Path,
                                                                    tmp_path: Path):
    with serving(tiny_project, workers=1, timeout=0.01) as (address, desk):
        [first] = desk.renderer.worker_pids()
        status, body, _, _ = order(address, patient_name="Anna")
        assert status == 503
        assert "took longer than 0.01 seconds. Please try again" in body.decode()
        assert not alive(first)
        [second] = desk.renderer.worker_pids()
        assert second != first and alive(second)
        desk.renderer.timeout = 60  # the replacement renders as the first one would have
        status, body, _, _ = order(address, patient_name="Bram")
        assert status == 200 and "A note for Bram" in text_of(body, tmp_path, "bram")
        assert desk.renderer.worker_pids() == [second]


def test_a_full_queue_is_refused_at_once_and_says_so(tiny_project: Path, tmp_path: Path):
    with serving(tiny_project, workers=1, queue_length=1) as (address, desk):
        [worker] = desk.renderer.worker_pids()
        os.kill(worker, signal.SIGSTOP)  # busy for as long as the test says
        try:
            with ThreadPoolExecutor(2) as clients:
                held = [clients.submit(order, address, patient_name=name)
                        for name in ("Anna", "Bram")]
                wait_until(lambda: desk.renderer.taken == 2)
                status, body, headers, seconds = order(address, patient_name="Cleo")
                assert status == 503 and seconds < 1.0
                assert "The desk is busy with 2 leaflets; try again in a moment." in body.decode()
                assert "took longer" not in body.decode() and headers["Retry-After"] == "1"
                os.kill(worker, signal.SIGCONT)
                for name, future in zip(("Anna", "Bram"), held):
                    status, body, _, _ = future.result()
                    assert status == 200 and f"A note for {name}" in text_of(body, tmp_path, name)
        finally:
            os.kill(worker, signal.SIGCONT)


def test_waiting_orders_are_served_first_come_first_served(tiny_project: Path):
    with serving(tiny_project, workers=1, queue_length=3) as (address, desk):
        [worker] = desk.renderer.worker_pids()
        os.kill(worker, signal.SIGSTOP)
        finished: list[str] = []

        def client(name: str) -> None:
            assert order(address, patient_name=name)[0] == 200
            finished.append(name)

        names = ["Anna", "Bram", "Cleo", "Dara"]
        try:
            with ThreadPoolExecutor(4) as clients:
                for number, name in enumerate(names, 1):
                    clients.submit(client, name)
                    wait_until(lambda: desk.renderer.taken == number)  # noqa: B023
                os.kill(worker, signal.SIGCONT)
        finally:
            os.kill(worker, signal.SIGCONT)
        assert finished == names


def test_a_burst_of_100_is_answered_each_with_a_pdf_or_an_immediate_503(tiny_project: Path):
    with serving(tiny_project, workers=2, queue_length=2) as (address, desk):
        workers = desk.renderer.worker_pids()
        for pid in workers:
            os.kill(pid, signal.SIGSTOP)
        try:
            with ThreadPoolExecutor(100) as clients:
                answers = [clients.submit(order, address, patient_name=f"P{n}")
                           for n in range(100)]
                # While every worker is paused, all but the 4 admitted are answered.
                wait_until(lambda: sum(answer.done() for answer in answers) == 96)
                for pid in workers:
                    os.kill(pid, signal.SIGCONT)
                results = [answer.result() for answer in answers]
        finally:
            for pid in workers:
                os.kill(pid, signal.SIGCONT)
    pdfs = [r for r in results if r[0] == 200]
    busy = [r for r in results if r[0] == 503]
    assert len(pdfs) == 4 and all(body.startswith(b"%PDF-") for _, body, _, _ in pdfs)
    assert len(busy) == 96
    assert all(b"The desk is busy with 4 leaflets" in body for _, body, _, _ in busy)
    assert max(seconds for _, _, _, seconds in busy) < 10  # generous: 100 threads, 2 cores


def test_a_reload_renders_from_the_new_content_in_fresh_workers(tiny_project: Path,
                                                                tmp_path: Path):
    with serving(tiny_project, workers=1) as (address, desk):
        [old] = desk.renderer.worker_pids()
        text = tiny_project / "content/cramp/en.yaml"
        text.write_text(text.read_text().replace("title: Test cramps", "title: Night cramps"))
        desk.renderer.reload(load_content(load_project(tiny_project)))
        assert not alive(old)
        status, body, _, _ = order(address, patient_name="Anna")
        assert status == 200 and "Night cramps" in text_of(body, tmp_path, "reloaded")


def test_an_order_in_flight_when_the_desk_reloads_finishes_and_the_next_is_new(
        tiny_project: Path, tmp_path: Path):
    with serving(tiny_project, workers=1) as (address, desk):
        [old] = desk.renderer.worker_pids()
        os.kill(old, signal.SIGSTOP)  # the order below waits in it, in flight
        with ThreadPoolExecutor(1) as pool:
            in_flight = pool.submit(order, address)
            wait_until(lambda: desk.renderer.taken == 1)
            text = tiny_project / "content/cramp/en.yaml"
            text.write_text(text.read_text().replace("title: Test cramps", "title: Night cramps"))
            desk.reload(load_content(load_project(tiny_project)), None)
            os.kill(old, signal.SIGCONT)
            status, body, _, _ = in_flight.result()
        assert status == 200 and "Test cramps" in text_of(body, tmp_path, "in-flight")
        wait_until(lambda: not alive(old))
        status, body, _, _ = order(address)
        assert status == 200 and "Night cramps" in text_of(body, tmp_path, "next")
