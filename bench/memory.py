"""Memory of the build's own workers over many renders: is it flat?

    python bench/memory.py PROJECT --jobs N --renders 300

Renders the project's leaflets over and over (nothing is written) through
leaflets.build.pool, sampling every worker's resident memory from /proc after each
render. Prints JSON: per worker, its RSS samples in KiB and its peak (VmHWM).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from leaflets.outputs import leaflet_keys  # noqa: E402
from leaflets.build.plan import plan  # noqa: E402
from leaflets.content.project import load_project  # noqa: E402
from leaflets.build.pool import rendering  # noqa: E402
from leaflets.content.validation import load_content  # noqa: E402


def status_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in KiB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--jobs", type=int, required=True)
    parser.add_argument("--renders", type=int, default=300)
    arguments = parser.parse_args()
    content = load_content(load_project(arguments.project))
    jobs = [job for job in plan(content, leaflet_keys(content)) if job.needs_weasyprint]
    repeated = (jobs * (arguments.renders // len(jobs) + 1))[:arguments.renders]
    samples: dict[int, list[int]] = {}
    peaks: dict[int, int] = {}
    with rendering(repeated, arguments.jobs) as results:
        workers = multiprocessing.active_children()
        for result in results:
            assert result.error is None, result.error
            for worker in workers:
                status = status_kib(worker.pid)
                samples.setdefault(worker.pid, []).append(status["VmRSS"])
                peaks[worker.pid] = status["VmHWM"]
    children_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"renders": len(repeated), "workers": len(samples),
                      "rss_kib": {str(pid): rss for pid, rss in samples.items()},
                      "peak_kib": {str(pid): peak for pid, peak in peaks.items()},
                      "children_maxrss_kib": children_peak}))


if __name__ == "__main__":
    main()
