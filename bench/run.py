"""The build benchmark: leaflets against bare WeasyPrint, measured side by side in one run.

    python bench/run.py                      # the project in this repository
    python bench/run.py --project DIR        # any project, e.g. one from bench/synthetic.py

It works on a copy of the project in a temporary folder and prints medians over --runs:
the cold full build through the CLI against the floor (the same documents, each leaflet's
HTML with its stylesheet inside, rendered by bare WeasyPrint in a pool of the same size),
the speed-up of N jobs over 1, a no-op rebuild, a rebuild after one module changes in one
language, `leaflets --help`, and the memory of each worker over --renders renders.
Results also go to bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
sys.path.insert(0, str(REPO))

from leaflets.assemble.leaflet import assemble  # noqa: E402
from leaflets.outputs import leaflet_keys  # noqa: E402
from leaflets.build.plan import plan  # noqa: E402
from leaflets.content.project import CONFIG_NAME, load_project  # noqa: E402
from leaflets.render.html import render_print_css, render_print_html, standalone  # noqa: E402
from leaflets.build.pool import available_cores  # noqa: E402
from leaflets.content.tree import Content
from leaflets.content.validation import load_content  # noqa: E402

ENVIRONMENT = {**os.environ, "PYTHONPATH": str(REPO), "CI": "true"}


@dataclass
class Workspace:
    """A copy of the project, and folders for the floor's HTML and PDFs."""

    project: Path
    html: Path
    floor_pdfs: Path
    content: Content


def cpu_seconds() -> float:
    """CPU time of every finished child process and its own children (the workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_timed(command: list[str]) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Run a command; its wall time and CPU time in seconds, and what it printed."""
    cpu, started = cpu_seconds(), time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=ENVIRONMENT)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr}")
    return seconds, cpu, result


def run(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    seconds, _, result = run_timed(command)
    return seconds, result


def leaflets(project: Path, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "leaflets", "--project", str(project), *arguments]


def workspace(origin: Path, scratch: Path) -> Workspace:
    """Copy the project, and write the HTML every leaflet is rendered from."""
    project = scratch / "project"
    project.mkdir()
    shutil.copy(origin / CONFIG_NAME, project / CONFIG_NAME)
    original = load_project(origin)
    shutil.copytree(original.content_dir, project / original.config.content)
    if (origin / "templates") in original.template_dirs[:-1]:  # the project's own overrides
        shutil.copytree(origin / "templates", project / "templates")
    content = load_content(load_project(project))
    html = scratch / "html"
    html.mkdir()
    template_dirs = tuple(content.project.template_dirs)
    for key in leaflet_keys(content):
        leaflet = assemble(content, key)
        page = standalone(render_print_html(template_dirs, leaflet),
                          render_print_css(template_dirs, leaflet))
        (html / f"{key.topic}-{key.audience}-{key.lang}.html").write_text(page, encoding="utf-8")
    return Workspace(project, html, scratch / "floor", content)


def cold_build(space: Workspace, jobs: int) -> tuple[float, float]:
    """Wall and CPU seconds of a build from an empty output folder."""
    shutil.rmtree(space.project / "output", ignore_errors=True)
    seconds, cpu, _ = run_timed(leaflets(space.project, "build", "-q", "--jobs", str(jobs)))
    return seconds, cpu


def floor(space: Workspace, jobs: int) -> tuple[float, float]:
    shutil.rmtree(space.floor_pdfs, ignore_errors=True)
    seconds, cpu, _ = run_timed([sys.executable, str(BENCH / "floor.py"), str(space.html),
                                 str(space.floor_pdfs), "--jobs", str(jobs),
                                 "--base-url", space.project.resolve().as_uri() + "/"])
    return seconds, cpu


def summary_line(result: subprocess.CompletedProcess[str]) -> str:
    return next(line for line in result.stderr.splitlines() if " rendered, " in line)


def noop_build(space: Workspace) -> tuple[float, str]:
    seconds, result = run(leaflets(space.project, "build"))
    return seconds, summary_line(result)


def noop_imports_weasyprint(space: Workspace) -> bool:
    """Whether a no-op build imports WeasyPrint, from Python's own import log."""
    command = leaflets(space.project, "build", "-q")
    _, result = run([command[0], "-X", "importtime", *command[1:]])
    return any(line.split("|")[-1].strip().startswith("weasyprint")
               for line in result.stderr.splitlines() if line.startswith("import time:"))


def changed_module(space: Workspace) -> tuple[str, str, set[str]]:
    """A module and a language to edit (a translation if there is one), and what it affects."""
    config = space.content.project.config
    lang = next((l for l in config.languages if l != config.source_language),
                config.source_language)
    topic = sorted(space.content.modules)[0]
    expected = {f"output/{job.output}" for job in plan(space.content, [
        key for key in leaflet_keys(space.content) if key.topic == topic and key.lang == lang])
        if job.output != "index.html"}  # the language chooser does not show module texts
    return topic, lang, expected


def change_one(space: Workspace, topic: str, lang: str, edit: int) -> tuple[float, set[str]]:
    """Edit one language file of one module, rebuild; the time and the outputs written."""
    path = space.content.modules[topic].folder / f"{lang}.yaml"
    with path.open("a", encoding="utf-8") as stream:
        stream.write(f"# benchmark edit {edit}\n")
    seconds, result = run(leaflets(space.project, "build"))
    return seconds, rendered_outputs(result)


def rendered_outputs(result: subprocess.CompletedProcess[str]) -> set[str]:
    """The outputs a build rendered, from its progress lines ("[3/8] rendered: en/…")."""
    return {f"output/{line.split('] rendered: ', 1)[1]}" for line in result.stderr.splitlines()
            if "] rendered: " in line}


def help_time() -> float:
    seconds, _ = run([sys.executable, "-m", "leaflets", "--help"])
    return seconds


def memory(space: Workspace, jobs: int, renders: int) -> dict:
    _, result = run([sys.executable, str(BENCH / "memory.py"), str(space.project),
                     "--jobs", str(jobs), "--renders", str(renders)])
    return json.loads(result.stdout)


def median(values: list[float]) -> float:
    return statistics.median(values)


def measure(space: Workspace, jobs: int, runs: int, renders: int) -> dict:
    """Every measure, the ratios from runs taken side by side."""
    cold, bare, single, cold_cpu, bare_cpu = [], [], [], [], []
    for number in range(1, runs + 1):
        wall, cpu = cold_build(space, jobs)
        cold.append(wall)
        cold_cpu.append(cpu)
        wall, cpu = floor(space, jobs)
        bare.append(wall)
        bare_cpu.append(cpu)
        single.append(cold_build(space, 1)[0])
        print(f"  run {number}/{runs}: build {cold[-1]:.2f} s ({cold_cpu[-1]:.1f} s CPU), "
              f"floor {bare[-1]:.2f} s ({bare_cpu[-1]:.1f} s CPU), 1 job {single[-1]:.2f} s",
              file=sys.stderr)
    cold_build(space, jobs)
    noops = [noop_build(space) for _ in range(max(runs, 5))]
    topic, lang, expected = changed_module(space)
    changes = [change_one(space, topic, lang, edit) for edit in range(runs)]
    helps = [help_time() for _ in range(10)]
    print(f"  memory over {renders} renders ...", file=sys.stderr)
    worker_memory = memory(space, jobs, renders)
    return {
        "leaflets": len(leaflet_keys(space.content)), "jobs": jobs, "runs": runs,
        "cold_build_s": cold, "floor_s": bare, "one_job_s": single,
        # Each ratio pairs measures taken one after the other, so drifting load cancels out.
        "ratio_build_to_floor": median([c / f for c, f in zip(cold, bare)]),
        "speed_up": median([s / c for s, c in zip(single, cold)]),
        # CPU time barely depends on what else the machine runs: leaflets' own cost.
        "cold_build_cpu_s": cold_cpu, "floor_cpu_s": bare_cpu,
        "cpu_ratio_build_to_floor": median([c / f for c, f in zip(cold_cpu, bare_cpu)]),
        "noop_s": [seconds for seconds, _ in noops], "noop_summary": noops[-1][1],
        "noop_imports_weasyprint": noop_imports_weasyprint(space),
        "change": {"topic": topic, "lang": lang, "expected": sorted(expected),
                   "seconds": [seconds for seconds, _ in changes],
                   "written": [sorted(written) for _, written in changes]},
        "help_s": helps, "memory": worker_memory,
    }


def mib(kib: float) -> float:
    return kib / 1024


def memory_lines(worker_memory: dict) -> list[str]:
    peak = max(worker_memory["peak_kib"].values())
    lines = [f"peak RSS per worker ({worker_memory['renders']} renders)  {mib(peak):6.0f} MiB"
             f"    target <= 150 MiB, flat"]
    for pid, rss in sorted(worker_memory["rss_kib"].items()):
        tenth, half = rss[len(rss) // 10], rss[len(rss) // 2]
        lines.append(f"  worker {pid}: RSS {mib(tenth):.0f} MiB after 10% of the renders, "
                     f"{mib(half):.0f} at 50%, {mib(rss[-1]):.0f} at 100%")
    return lines


def report(results: dict, project: Path) -> str:
    change = results["change"]
    exact = all(set(written) == set(change["expected"]) for written in change["written"])
    jobs = results["jobs"]
    lines = [
        f"leaflets build benchmark: {project}",
        f"{results['leaflets']} leaflets, {jobs} jobs, {available_cores()} cores, "
        f"medians of {results['runs']} runs; Python {platform.python_version()}",
        *(["(too few leaflets for the ratios to mean much: startup outweighs rendering; "
           "try a project from bench/synthetic.py)"] if results["leaflets"] < 4 * jobs else []),
        "",
        f"full cold build (CLI, {jobs} jobs)       {median(results['cold_build_s']):7.2f} s",
        f"bare WeasyPrint floor (pool of {jobs})   {median(results['floor_s']):7.2f} s",
        f"  build / floor (paired runs)        {results['ratio_build_to_floor']:7.2f}"
        "      target <= 1.10",
        f"  CPU time, build / floor (paired)   {results['cpu_ratio_build_to_floor']:7.2f}"
        f"      {median(results['cold_build_cpu_s']):.1f} s against "
        f"{median(results['floor_cpu_s']):.1f} s",
        f"full cold build, 1 job               {median(results['one_job_s']):7.2f} s",
        f"  speed-up, {jobs} jobs vs 1 (paired)   {results['speed_up']:7.2f} x"
        "    target >= 1.65 x",
        f"no-op rebuild                        {median(results['noop_s']):7.2f} s"
        f"    target <= 1.0 s; {results['noop_summary'].split(', in ')[0]}; WeasyPrint "
        f"{'imported' if results['noop_imports_weasyprint'] else 'not imported'}",
        f"one module, one language changed     {median(change['seconds']):7.2f} s"
        f"    {change['topic']} in {change['lang']}: re-rendered "
        f"{len(change['written'][-1])}, expected {len(change['expected'])}"
        f" ({'exactly those' if exact else 'NOT exactly those'})",
        f"leaflets --help                      {median(results['help_s']):7.2f} s"
        "    target <= 0.25 s",
        *memory_lines(results["memory"]),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=REPO, help="the project to build")
    parser.add_argument("--jobs", type=int, default=available_cores())
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--renders", type=int, default=300)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="leaflets-bench-") as scratch:
        space = workspace(arguments.project.resolve(), Path(scratch))
        print(f"benchmarking {len(leaflet_keys(space.content))} leaflets in {scratch}",
              file=sys.stderr)
        results = measure(space, arguments.jobs, arguments.runs, arguments.renders)
    text = report(results, arguments.project.resolve())
    print(text)
    (BENCH / "results").mkdir(exist_ok=True)
    (BENCH / "results" / "latest.json").write_text(json.dumps(
        {**results, "report": text.splitlines()}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
