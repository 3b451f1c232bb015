"""The test suite's wall time against the suite the speed issue measured, in one run.

    python bench/suite.py                    # HEAD against the end of the first round
    python bench/suite.py --baseline REV     # against another commit

Each commit is cloned fresh into a temporary folder and its `make test` runs there with
CI=true, as CI runs it (`.ci/run`): a new .venv, every test. The baseline runs before and
after the commit measured, and the ratios are taken against the mean of its two runs, so a
machine that speeds up or slows down steadily meanwhile does not tilt them. Printed: each
suite's test count and pytest's own time, and the ratios. The baseline d4e898e is main at
the end of the first round, when `make test` ran pytest on one core (the issue measured
371 s there). Takes three suites' time: about 20 minutes on 2 cores (`--once`: the
baseline once, before, about 13).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BASELINE = "d4e898e"
TARGET = 0.55
_SUMMARY = re.compile(r"(\d+) passed(?:, (\d+) \w+)*.* in ([\d.]+)s")


def run_suite(revision: str, folder: Path) -> tuple[int, float, float, str]:
    """(tests passed, pytest's seconds, make test's seconds, the last line) at `revision`."""
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(folder)], check=True)
    subprocess.run(["git", "-C", str(folder), "checkout", "--quiet", revision], check=True)
    started = time.monotonic()
    done = subprocess.run(["make", "test"], cwd=folder, env={**os.environ, "CI": "true"},
                          capture_output=True, text=True)
    elapsed = time.monotonic() - started
    summary = next((line for line in reversed(done.stdout.splitlines())
                    if _SUMMARY.search(line)), "")
    if done.returncode != 0 or not summary:
        sys.exit(f"{revision}: make test failed (exit {done.returncode}):\n"
                 + "\n".join(done.stdout.splitlines()[-20:]) + done.stderr[-2000:])
    found = _SUMMARY.search(summary)
    return int(found[1]), float(found[3]), elapsed, summary.strip("= ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default=BASELINE, help="the commit to compare with")
    parser.add_argument("--revision", default="HEAD", help="the commit to measure")
    parser.add_argument("--once", action="store_true",
                        help="run the baseline once, before the commit measured")
    args = parser.parse_args()
    order = [("baseline", args.baseline), ("now", args.revision)]
    if not args.once:
        order.append(("baseline", args.baseline))
    results: dict[str, list[tuple[int, float, float, str]]] = {"baseline": [], "now": []}
    with tempfile.TemporaryDirectory(prefix="leaflets-suite-") as temporary:
        for run, (name, revision) in enumerate(order):
            print(f"{name}: make test at {revision} ...", flush=True)
            results[name].append(run_suite(revision, Path(temporary) / str(run)))
            tests, seconds, whole, summary = results[name][-1]
            print(f"  {summary}  (make test, with its .venv: {whole:.0f} s)", flush=True)
    base, (now,) = results["baseline"], results["now"]
    base_s = statistics.mean(seconds for _, seconds, _, _ in base)
    base_whole = statistics.mean(whole for _, _, whole, _ in base)
    tests, seconds, whole, _ = now
    runs = " and ".join(f"{seconds:.1f}" for _, seconds, _, _ in base)
    print(f"\n{'':24}{'baseline':>10}{'now':>10}")
    print(f"{'tests':24}{base[0][0]:>10}{tests:>10}")
    print(f"{'pytest, seconds':24}{base_s:>10.1f}{seconds:>10.1f}   (baseline: {runs})")
    print(f"{'make test, seconds':24}{base_whole:>10.1f}{whole:>10.1f}")
    print(f"  pytest now / baseline   {seconds / base_s:.2f}    target <= {TARGET}")
    print(f"  make test now / baseline {whole / base_whole:.2f}")


if __name__ == "__main__":
    main()
