"""The desk benchmark: a personalised PDF over HTTP against bare WeasyPrint, in one run.

    python bench/desk.py                     # the project in this repository
    python bench/desk.py --project DIR --topic night-leg-cramps --lang en

It measures, side by side:
- the floor: the same personalised HTML rendered by bare WeasyPrint in this process,
  warm (after a few renders), with one FontConfiguration, the same PDF variant;
- the desk: `leaflets serve` started as a user starts it, on 127.0.0.1 with a free port,
  asked for the same PDF over HTTP one at a time (30 requests), then by 4 concurrent
  clients (10 requests each), then by a burst of 100 concurrent requests, each of which
  must get a PDF or an immediate 503.

It prints medians, p95s, throughput and the ratios against the targets. Loopback only.
The machine's load is printed too: on a shared machine, run it more than once.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from leaflets.assemble.leaflet import assemble  # noqa: E402
from leaflets.build.pool import available_cores  # noqa: E402
from leaflets.content.project import load_project  # noqa: E402
from leaflets.content.validation import load_content  # noqa: E402
from leaflets.desk.form import read_order  # noqa: E402
from leaflets.render.html import render_print_css, render_print_html, standalone  # noqa: E402

ENVIRONMENT = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
FORM = {"patient_name": "Anna Jansen", "clinic_name": "Riverside Health Centre",
        "clinic_phone": "0113 496 0000", "clinic_address": "1 River Road\nLeeds",
        "note": "Stretch your calves before bed; see you in two weeks.", "paper": "a4"}
TARGETS = {"median": 1.3, "p95": 3.0, "throughput": 0.7}


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def floor(project: Path, form: dict[str, str], renders: int) -> float:
    """Median seconds of a warm bare-WeasyPrint render of the desk's personalised HTML."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    content = load_content(load_project(project))
    order = read_order(form, content, None)
    template_dirs = tuple(content.project.template_dirs)
    leaflet = assemble(content, order.key, order.options)
    source = standalone(render_print_html(template_dirs, leaflet),
                        render_print_css(template_dirs, leaflet))
    fonts = FontConfiguration()
    base_url = content.project.root.as_uri() + "/"

    def once() -> float:
        start = time.perf_counter()
        document = weasyprint.HTML(string=source, base_url=base_url)
        document.render(font_config=fonts, pdf_forms=True).write_pdf(
            pdf_variant="pdf/ua-1", pdf_forms=True)
        return time.perf_counter() - start

    for _ in range(3):  # warm-up
        once()
    return statistics.median(once() for _ in range(renders))


@contextmanager
def desk_server(project: Path, workers: int | None) -> Iterator[str]:
    """`leaflets serve --port 0` in a child process; its loopback address."""
    command = [sys.executable, "-m", "leaflets", "--project", str(project), "serve",
               "--host", "127.0.0.1", "--port", "0"]
    if workers:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=ENVIRONMENT)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()  # "Print desk: http://127.0.0.1:PORT/desk/"
        if "http://127.0.0.1:" not in line:
            raise SystemExit(f"leaflets serve did not start: {server.stderr.read()}")
        yield line.split()[-1].removesuffix("/desk/")
    finally:
        server.terminate()
        server.wait(timeout=30)


def ask(address: str, form: dict[str, str]) -> tuple[int, float, bool]:
    """One POST: status, seconds, and whether the 503 said the desk is busy."""
    data = urllib.parse.urlencode(form).encode()
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(f"{address}/desk/leaflet", data, timeout=120) as response:
            body, status = response.read(), response.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read(), exc.code
    seconds = time.perf_counter() - start
    if status == 200 and not body.startswith(b"%PDF-"):
        status = -1
    return status, seconds, b"The desk is busy with" in body


def clients(address: str, form: dict[str, str], count: int, each: int) -> tuple[list, float]:
    """`count` clients, each sending `each` requests one after another; answers and wall time."""
    start = threading.Barrier(count)

    def client(_: int) -> list[tuple[int, float, bool]]:
        start.wait()
        return [ask(address, form) for _ in range(each)]

    began = time.perf_counter()
    with ThreadPoolExecutor(count) as pool:
        answers = [answer for batch in pool.map(client, range(count)) for answer in batch]
    return answers, time.perf_counter() - began


def latency(answers: list, wall: float) -> dict:
    times = [seconds for status, seconds, _ in answers if status == 200]
    return {"requests": len(answers), "pdfs": len(times), "median": statistics.median(times),
            "p95": percentile(times, 0.95), "max": max(times), "per_second": len(times) / wall}


def burst(address: str, form: dict[str, str], count: int) -> dict:
    answers, wall = clients(address, form, count, 1)
    busy = [seconds for status, seconds, said in answers if status == 503 and said]
    pdfs = [seconds for status, seconds, _ in answers if status == 200]
    return {"requests": count, "pdfs": len(pdfs), "busy_503": len(busy),
            "other": count - len(pdfs) - len(busy),
            "slowest_503": max(busy, default=0.0), "slowest_pdf": max(pdfs, default=0.0),
            "wall": wall}


def measure(arguments: argparse.Namespace) -> dict:
    content = load_content(load_project(arguments.project))
    topic = arguments.topic or next(iter(content.modules))
    audience = arguments.audience or next(iter(content.modules[topic].topic.audiences))
    form = {**FORM, "topic": topic, "lang": arguments.lang, "audience": audience}
    cores = available_cores()
    results: dict = {"cores": cores, "load_before": os.getloadavg(), "order": form}
    results["floor"] = floor(arguments.project, form, arguments.floor_renders)
    with desk_server(arguments.project, arguments.workers) as address:
        clients(address, form, cores, 2)  # warm-up: every worker renders this leaflet once
        results["sequential"] = latency(*clients(address, form, 1, 30))
        results["concurrent"] = latency(*clients(address, form, 4, 10))
        results["burst"] = burst(address, form, 100)
    results["load_after"] = os.getloadavg()
    return results


def report(results: dict) -> str:
    floor_s, seq, con, bur = (results[k] for k in ("floor", "sequential", "concurrent", "burst"))
    cores = results["cores"]
    ratios = {"median": seq["median"] / floor_s, "p95": con["p95"] / floor_s,
              "throughput": con["per_second"] / (cores / floor_s)}
    results["ratios"] = ratios
    ok = {"median": ratios["median"] <= TARGETS["median"], "p95": ratios["p95"] <= TARGETS["p95"],
          "throughput": ratios["throughput"] >= TARGETS["throughput"],
          "burst": bur["other"] == 0 and bur["slowest_503"] < 1.0}
    mark = {key: "meets" if value else "MISSES" for key, value in ok.items()}
    o = results["order"]
    return "\n".join([
        f"desk benchmark: {o['topic']} {o['lang']} {o['audience']}, personalised; {cores} cores; "
        f"load {results['load_before'][0]:.1f} before, {results['load_after'][0]:.1f} after",
        f"floor (warm bare WeasyPrint, same HTML): {floor_s:.3f} s",
        f"one at a time ({seq['requests']}): median {seq['median']:.3f} s, p95 {seq['p95']:.3f} s,"
        f" {seq['per_second']:.2f} PDFs/s",
        f"4 clients x 10: median {con['median']:.3f} s, p95 {con['p95']:.3f} s, max "
        f"{con['max']:.3f} s, {con['per_second']:.2f} PDFs/s",
        f"  median/floor {ratios['median']:.2f} (target <= {TARGETS['median']}: {mark['median']})",
        f"  4-client p95/floor {ratios['p95']:.2f} (target <= {TARGETS['p95']}: {mark['p95']})",
        f"  throughput {ratios['throughput']:.0%} of cores/floor = {cores / floor_s:.2f}/s "
        f"(target >= {TARGETS['throughput']:.0%}: {mark['throughput']})",
        f"burst of {bur['requests']}: {bur['pdfs']} PDFs (slowest {bur['slowest_pdf']:.2f} s), "
        f"{bur['busy_503']} busy 503s (slowest {bur['slowest_503']:.3f} s), {bur['other']} "
        f"other ({mark['burst']}: every request a PDF or a 503 within 1 s)",
        "Timings on a shared machine vary; the ratios pair runs taken side by side.",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=REPO)
    parser.add_argument("--topic", default="night-leg-cramps")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--audience", default="patient")
    parser.add_argument("--workers", type=int, default=None,
                        help="desk workers (default: the desk's own, one per core)")
    parser.add_argument("--floor-renders", type=int, default=15)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    arguments = parser.parse_args()
    results = measure(arguments)
    print(report(results))
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
