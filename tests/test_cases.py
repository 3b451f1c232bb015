"""The bad-input corpus: each tests/cases/*.case is a small broken project and its exact errors.

Like Black's test data, one file holds the input and the expected output. A case starts from
the valid tiny project (conftest.py) and changes it with sections opened by `=== ` lines:

    # Comment lines before the first section say what the case shows.
    === content/cramp/en.yaml                   replace or add this file (UTF-8 text)
    === content/cramp/en.yaml (escapes)         the same, with \\t and \\xNN escapes as bytes
    === content/cramp/en.yaml (padded to N bytes)  the text, then comment lines up to N bytes
    === copy content/_locales/nl.yaml           copy this file from the repository
    === delete content/cramp/en.yaml
    === folder content/empty                    make an empty folder
    === link content/cramp/en.yaml -> /etc/passwd
    === run build --topic x                     the arguments (default: build)
    === expected (exit 2)                       stderr exactly, then the exit code (default 1)

A warning case runs `check`, which exits 0 and prints its readability report on stdout;
every other command must print nothing there.

The real CLI runs in a child process forked from the test, in the project folder, with its
address space capped so a file that tried to blow up memory would fail rather than swap.
Nothing may be written.
Set LEAFLETS_UPDATE_CASES=1 to rewrite the expected sections after a deliberate change.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import resource
import selectors
import shutil
import subprocess
import sys
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import REPO

CASES = sorted((Path(__file__).parent / "cases").glob("*.case"))
MEMORY_CAP = 512 * 1024 * 1024
_SECTION = re.compile(r"^=== (?P<head>.*?)(?: \((?P<option>[^)]*)\))?$")


@dataclass
class Case:
    path: Path
    steps: list[tuple[str, str | None, str]] = field(default_factory=list)
    arguments: list[str] = field(default_factory=lambda: ["build"])
    expected: str = ""
    exit_code: int = 1


def parse(path: Path) -> Case:
    case = Case(path)
    head: str | None = None
    option: str | None = None
    lines: list[str] = []

    def close() -> None:
        if head is None:
            return
        body = "".join(lines)
        if head == "expected":
            case.expected = body
            case.exit_code = int(option.removeprefix("exit ")) if option else 1
        elif head.startswith("run "):
            case.arguments = head.split()[1:]
        else:
            case.steps.append((head, option, body))

    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        match = _SECTION.match(line.rstrip("\n"))
        if match:
            close()
            head, option, lines = match["head"], match["option"], []
        elif head is not None:
            lines.append(line)
    close()
    return case


def _padded(data: bytes, size: int) -> bytes:
    line = b"# " + b"x" * 77 + b"\n"
    data += line * ((size - len(data)) // len(line))
    return data + b"#" * (size - len(data))


def materialise(case: Case, root: Path) -> None:
    """Apply the case's changes to the tiny project at `root`."""
    for head, option, body in case.steps:
        verb, _, rest = head.partition(" ")
        if verb == "delete":
            (root / rest).unlink()
        elif verb == "folder":
            (root / rest).mkdir(parents=True)
        elif verb == "copy":
            (root / rest).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(REPO / rest, root / rest)
        elif verb == "link":
            link, target = rest.split(" -> ")
            if (root / link).exists():
                shutil.rmtree(root / link) if (root / link).is_dir() else (root / link).unlink()
            (root / link).symlink_to(target)
        else:
            data = body.encode("utf-8")
            if option == "escapes":
                data = codecs.escape_decode(data)[0]
            elif option and option.startswith("padded to "):
                data = _padded(data, int(option.split()[2]))
            elif option:
                raise ValueError(f"{case.path.name}: unknown option {option!r}")
            (root / head).parent.mkdir(parents=True, exist_ok=True)
            (root / head).write_bytes(data)


def run_cli(root: Path, arguments: list[str]) -> subprocess.CompletedProcess[str]:
    """`leaflets <arguments>` in `root`, in a child process forked from this one.

    The child has the CLI's modules imported already (a fresh interpreter spends half a
    case's time on start-up and imports) and may grow by MEMORY_CAP at most.
    """
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        _child(root, arguments, out_write, err_write, (out_read, err_read))
    os.close(out_write)
    os.close(err_write)
    output = _read_until_closed((out_read, err_read), timeout=300)
    try:
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(out_read)
        os.close(err_read)
    return subprocess.CompletedProcess(["leaflets", *arguments], os.waitstatus_to_exitcode(status),
                                       output[out_read].decode(), output[err_read].decode())


def _child(root: Path, arguments: list[str], out: int, err: int, unused: tuple[int, ...]) -> None:
    """Run the CLI as `python -m leaflets` would, then exit without returning to pytest."""
    code = 1
    try:
        os.dup2(out, 1)
        os.dup2(err, 2)
        for fd in (out, err, *unused):
            os.close(fd)
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8")
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8")
        warnings.resetwarnings()  # pytest records warnings; a fresh interpreter prints them
        warnings.showwarning = warnings._showwarning_orig  # noqa: SLF001
        os.chdir(root)
        size = int(re.search(r"VmSize:\s+(\d+) kB", Path("/proc/self/status").read_text())[1])
        cap = size * 1024 + MEMORY_CAP
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        sys.argv = ["leaflets", *arguments]
        from leaflets.cli import main

        main()
        code = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
    except BaseException:  # noqa: BLE001  (shown as an interpreter would show it)
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        os._exit(code)


def _read_until_closed(fds: tuple[int, ...], timeout: float) -> dict[int, bytes]:
    read = {fd: b"" for fd in fds}
    selector = selectors.DefaultSelector()
    for fd in fds:
        selector.register(fd, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while selector.get_map():
        ready = selector.select(timeout=max(0.0, deadline - time.monotonic()))
        if not ready:
            raise TimeoutError(f"the CLI did not finish within {timeout} s")
        for key, _ in ready:
            data = os.read(key.fd, 65536)
            if data:
                read[key.fd] += data
            else:
                selector.unregister(key.fd)
    return read


def _update(case: Case, stderr: str, exit_code: int) -> None:
    text = case.path.read_text(encoding="utf-8")
    head = text[:text.index("=== expected")]
    option = f" (exit {exit_code})" if exit_code != 1 else ""
    case.path.write_text(f"{head}=== expected{option}\n{stderr}", encoding="utf-8")


def test_the_corpus_covers_every_class_of_bad_input():
    names = {path.stem.split("--")[0] for path in CASES}
    assert {"yaml", "duplicate-key", "wrong-type", "unknown-key", "missing-text",
            "missing-language", "undefined-reference", "unknown-picture",
            "checklist-red-flag", "empty-module", "not-utf8", "too-large", "alias-bomb",
            "tag", "traversal", "link-outside", "refused-link", "invisible-character",
            "check-as-build", "picture", "settings", "logo"} <= names


@pytest.mark.parametrize("path", CASES, ids=lambda path: path.stem)
def test_case(path: Path, tiny_project: Path):
    case = parse(path)
    materialise(case, tiny_project)
    result = run_cli(tiny_project, case.arguments)
    if os.environ.get("LEAFLETS_UPDATE_CASES"):
        _update(case, result.stderr, result.returncode)
        return
    assert (result.stderr, result.returncode) == (case.expected, case.exit_code)
    if case.arguments[0] != "check":
        assert result.stdout == ""
    assert not (tiny_project / "output").exists()
