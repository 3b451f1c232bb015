"""How the build's costs grow with the library: synthetic projects of 48 to 2,000 leaflets.

    python bench/scale.py                        # 48 and 2,000 leaflets (the 2,000: an hour
                                                 #   on 2 cores; run it on a quiet machine)
    python bench/scale.py --sizes 48 480 --runs 3

For each size it writes a project with bench/synthetic.py (the bundled module under many
names, in every language) in a temporary folder and measures, through the CLI:
- the full cold build, per leaflet (wall and CPU), and the main process's peak RSS;
- a no-op rebuild, and whether it imported WeasyPrint; and one with no build stamp
  (`unstamped`: every module loaded, every output checked against the manifest);
- a rebuild after one module changes in one language;
- `leaflets check`.
Then, from the largest size's time per leaflet, how many shards (`build --shard K/N`, one
machine like this one each) build a library of --library leaflets in under 10 minutes.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from run import (REPO, changed_module, change_one, cpu_seconds, leaflets,  # noqa: E402
                 noop_imports_weasyprint, run)
from synthetic import synthetic_project  # noqa: E402

from leaflets.build.pool import available_cores  # noqa: E402
from leaflets.build.stamp import STAMP  # noqa: E402
from leaflets.content.project import load_project  # noqa: E402
from leaflets.content.validation import load_content  # noqa: E402
from leaflets.outputs import leaflet_keys  # noqa: E402

ENVIRONMENT = {**os.environ, "PYTHONPATH": str(REPO), "CI": "true"}
# Runs the CLI, then prints the main process's own peak RSS (workers not included).
PEAK_RSS = ("import resource, sys\nfrom leaflets.cli import cli\n"
            "try:\n    cli.main(sys.argv[1:], prog_name='leaflets', standalone_mode=False)\n"
            "finally:\n    print('peak-rss-kib', resource.getrusage(resource.RUSAGE_SELF)"
            ".ru_maxrss, file=sys.stderr)\n")
DEADLINE_S = 600.0


class Space:
    """A synthetic project of about `size` leaflets in a scratch folder."""

    def __init__(self, scratch: Path, size: int, languages: list[str]) -> None:
        origin = load_project(REPO)
        per_topic = len(languages) * len(origin.config.audiences)
        self.project = synthetic_project(REPO, scratch / f"project-{size}",
                                         max(1, math.ceil(size / per_topic)), languages)
        self.content = load_content(load_project(self.project))
        self.leaflets = len(leaflet_keys(self.content))


def cold_build(space: Space, jobs: int) -> dict:
    """Wall and CPU seconds of a build from nothing, and the main process's peak RSS."""
    output = space.project / "output"
    shutil.rmtree(output, ignore_errors=True)
    command = [sys.executable, "-c", PEAK_RSS, "--project", str(space.project), "build", "-q",
               "--jobs", str(jobs)]
    cpu, started = cpu_seconds(), time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=ENVIRONMENT)
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stderr}")
    peak = next(int(line.split()[1]) for line in reversed(result.stderr.splitlines())
                if line.startswith("peak-rss-kib"))
    return {"wall_s": wall, "cpu_s": cpu, "peak_rss_mib": peak / 1024}


def _unstamped_noop(space: Space) -> float:
    """A no-op rebuild with no stamp to answer it (a fresh clone whose output/ a CI cache
    restored): every module is loaded and every output checked against the manifest."""
    (space.project / STAMP).unlink(missing_ok=True)
    return run(leaflets(space.project, "build", "-q"))[0]


def measure_size(space: Space, jobs: int, runs: int) -> dict:
    builds = [cold_build(space, jobs) for _ in range(runs)]
    noops = [run(leaflets(space.project, "build", "-q"))[0] for _ in range(max(runs, 3))]
    unstamped = [_unstamped_noop(space) for _ in range(runs)]
    topic, lang, expected = changed_module(space)
    changes = [change_one(space, topic, lang, edit) for edit in range(runs)]
    checks = [run(leaflets(space.project, "check"))[0] for _ in range(runs)]
    wall = statistics.median(build["wall_s"] for build in builds)
    return {
        "leaflets": space.leaflets, "build_s": wall, "per_leaflet_s": wall / space.leaflets,
        "cpu_per_leaflet_s": statistics.median(b["cpu_s"] for b in builds) / space.leaflets,
        "peak_rss_mib": max(build["peak_rss_mib"] for build in builds),
        "noop_s": statistics.median(noops),
        "noop_imports_weasyprint": noop_imports_weasyprint(space),
        "noop_unstamped_s": statistics.median(unstamped),
        "one_module_s": statistics.median(seconds for seconds, _ in changes),
        "one_module_exact": all(written == expected for _, written in changes),
        "check_s": statistics.median(checks),
    }


def report(results: list[dict], jobs: int, library: int) -> str:
    first, last = results[0], results[-1]
    lines = [f"build costs by library size; {jobs} jobs on {available_cores()} cores; "
             f"load {os.getloadavg()[0]:.1f}",
             f"{'leaflets':>9} {'build s':>9} {'s/leaflet':>10} {'CPU s/leaflet':>14} "
             f"{'peak RSS':>9} {'no-op s':>8} {'unstamped':>10} {'1 module s':>11} "
             f"{'check s':>8}"]
    for r in results:
        lines.append(f"{r['leaflets']:>9} {r['build_s']:>9.1f} {r['per_leaflet_s']:>10.3f} "
                     f"{r['cpu_per_leaflet_s']:>14.3f} {r['peak_rss_mib']:>6.0f} MiB "
                     f"{r['noop_s']:>8.2f} {r['noop_unstamped_s']:>10.2f} "
                     f"{r['one_module_s']:>11.2f} {r['check_s']:>8.2f}"
                     f"{'' if r['one_module_exact'] else '  (one-module rebuild NOT exact)'}"
                     f"{'  (no-op imported WeasyPrint)' if r['noop_imports_weasyprint'] else ''}")
    growth = last["per_leaflet_s"] / first["per_leaflet_s"]
    lines += [
        f"time per leaflet, {last['leaflets']} against {first['leaflets']}: {growth:.2f}x "
        "(target within 1.10x)",
        f"no-op rebuild at {last['leaflets']}: {last['noop_s']:.2f} s (target <= 1.5 s, "
        f"WeasyPrint {'imported' if last['noop_imports_weasyprint'] else 'not imported'})",
        f"main-process peak RSS at {last['leaflets']}: {last['peak_rss_mib']:.0f} MiB "
        "(target <= 300 MiB)",
    ]
    # Each shard is one machine like this one; it also pays a start-up and a no-op-sized
    # planning cost, which the smallest run's fixed part approximates.
    shards = math.ceil(library * last["per_leaflet_s"] / (DEADLINE_S - last["noop_s"]))
    lines.append(f"{library} leaflets at {last['per_leaflet_s']:.3f} s each: {shards} shards "
                 f"of this machine build them in under {DEADLINE_S / 60:.0f} minutes")
    lines.append("Timings on a shared machine vary; run it on a quiet one.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[48, 2000])
    parser.add_argument("--languages", nargs="+", default=load_project(REPO).config.languages,
                        help="default: the bundled project's languages")
    parser.add_argument("--jobs", type=int, default=available_cores())
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--library", type=int, default=18_000,
                        help="the library to plan shards for (default: 300 topics x 20 "
                             "languages x 3 audiences)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    arguments = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="leaflets-scale-") as scratch:
        for size in sorted(arguments.sizes):
            space = Space(Path(scratch), size, arguments.languages)
            print(f"  {space.leaflets} leaflets ...", file=sys.stderr)
            results.append(measure_size(space, arguments.jobs, arguments.runs))
            print(f"  {json.dumps(results[-1])}", file=sys.stderr, flush=True)
    print(report(results, arguments.jobs, arguments.library))
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
