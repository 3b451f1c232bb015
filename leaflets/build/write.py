"""Writing into the output folder: every file of a build, or none of them.

A build's files are first staged as temporary files beside their targets, then a journal
names every rename to come, then they are renamed into place, each previous file kept as
a hard-linked backup until the end. Any failure puts back every previous file; a build
killed on the spot (kill -9, power loss) leaves the journal, and the next build undoes
what it had begun. Removing the journal is the moment a write phase takes effect.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import secrets
import signal
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

from leaflets.build.interrupts import signals_deferred
from leaflets.content.paths import inside
from leaflets.errors import LeafletsError

JOURNAL = ".leaflets-journal.json"
# What a write phase leaves when it is killed: staged files (".name.x1y2z3w4.tmp", named
# as tempfile names them) and backups of previous files (".name.x1y2z3w4.old").
LEFTOVER = re.compile(r"^\..+\.[a-z0-9_]{8}\.(tmp|old)$")
_NAME_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"
ADVICE = {
    errno.EACCES: "make the output folder writable, or set `output:` to a folder you may "
                  "write to",
    errno.EPERM: "make the output folder writable, or set `output:` to a folder you may "
                 "write to",
    errno.EROFS: "the disk is read-only; set `output:` to a folder on a writable disk",
    errno.ENOSPC: "the disk is full; free some space",
    errno.EDQUOT: "the disk quota is used up; free some space",
    errno.EFBIG: "the file is larger than this process may write (see `ulimit -f`); "
                 "raise the limit",
    errno.EISDIR: "a folder is in the way of this file; remove or rename the folder",
    errno.ENOTDIR: "a file is in the way of a folder here; remove or rename the file",
    errno.EEXIST: "a file is in the way of a folder here; remove or rename the file",
}


def advise(exc: OSError) -> str:
    """The reason a file operation failed, and what to do about it."""
    advice = ADVICE.get(exc.errno or 0, "fix the cause")
    return f"{exc.strerror or exc}; {advice}, then build again"


class WriteError(LeafletsError):
    """Writing the build's files failed; the output folder was left as it was."""

    def __init__(self, path: Path, exc: OSError):
        super().__init__(f"{path}: cannot write: {advise(exc)}. Nothing was written: the "
                         "output folder is as it was before this build.")
        self.path = path


@dataclass(frozen=True)
class Change:
    """One file of a write phase: a staged file to rename into `target`, or a removal."""

    target: Path
    staged: Path | None  # None: the target is removed
    backup: Path | None  # where the previous file is kept meanwhile; None: there was none


def write_atomic(path: Path, data: bytes) -> None:
    """Write one file via a temporary file beside it, so readers never see half a file."""
    write_all(path.parent, {path: data})


def replace_file(path: Path, data: bytes) -> None:
    """One file replaced whole, without the write phase's journal and lock: for a file only
    this program reads (the build stamp), where the old file or the new is all that matters."""
    staged = _stage(path, data)
    try:
        os.replace(staged, path)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise


def write_all(folder: Path, files: Mapping[Path, bytes], removals: Sequence[Path] = ()) -> None:
    """Put every file in place and remove `removals`, or change nothing and raise WriteError.

    SIGINT and SIGTERM wait until the whole phase is over, and exceeding the file-size
    limit is an error rather than the end of the process.
    """
    if not files and not removals:
        return
    with signals_deferred(), file_size_errors():
        phase = _Phase(folder)
        try:
            phase.run(files, removals)
        except OSError as exc:
            phase.roll_back()
            raise WriteError(phase.at, exc) from None
        except BaseException:
            phase.roll_back()
            raise
        else:
            phase.commit()
        finally:
            phase.unlock()


class _Phase:
    """One write phase; `at` is the file being worked on, for the error message."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.journal = folder / JOURNAL
        self.changes: list[Change] = []
        self.created: list[Path] = []  # folders made by this phase, parents first
        self.at = folder
        self.lock: int | None = None

    def run(self, files: Mapping[Path, bytes], removals: Iterable[Path]) -> None:
        self._make_folder(self.folder)
        self.lock = _lock(self.folder, wait=True)
        for path, data in files.items():
            self._make_folder(path.parent)
            self.at = path
            if path.is_dir():
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
            self.changes.append(Change(path, _stage(path, data), _backup_for(path)))
        self.changes += [Change(path, None, _backup_for(path)) for path in removals
                         if path.is_file()]
        self.at = self.journal
        _write_journal(self.journal, self.changes, self.created)
        for change in self.changes:
            self.at = change.target
            _apply(change)
        # The renames reach the disk before the journal goes: a power cut cannot undo them.
        for folder in sorted({change.target.parent for change in self.changes}):
            self.at = folder
            _sync_folder(folder)

    def _make_folder(self, folder: Path) -> None:
        missing = [parent for parent in (folder, *folder.parents) if not parent.exists()]
        for parent in reversed(missing):
            self.at = parent
            parent.mkdir()
            self.created.append(parent)

    def roll_back(self) -> None:
        for change in reversed(self.changes):
            _undo(change)
        _remove_folders(self.created)
        self.journal.unlink(missing_ok=True)

    def unlock(self) -> None:
        if self.lock is not None:
            os.close(self.lock)

    def commit(self) -> None:
        self.journal.unlink(missing_ok=True)
        for change in self.changes:
            if change.backup is not None:
                change.backup.unlink(missing_ok=True)


def _stage(path: Path, data: bytes) -> Path:
    """The bytes in a temporary file beside `path`, flushed to the disk."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    staged = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())  # so a crash cannot leave a renamed but empty file
        os.chmod(staged, 0o644)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return staged


def _backup_for(path: Path) -> Path | None:
    if not path.is_file():
        return None
    token = "".join(secrets.choice(_NAME_CHARACTERS) for _ in range(8))
    return path.with_name(f".{path.name}.{token}.old")


def _apply(change: Change) -> None:
    if change.backup is not None:
        _keep(change.target, change.backup)
    if change.staged is not None:
        os.replace(change.staged, change.target)
    else:
        change.target.unlink()


def _keep(path: Path, backup: Path) -> None:
    """Keep the previous file under the backup name: a hard link, or a whole copy."""
    try:
        os.link(path, backup)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        copy = _stage(backup, path.read_bytes())
        os.replace(copy, backup)


def _undo(change: Change) -> None:
    """Put the previous file back; safe to repeat, and at any point of `_apply`."""
    if change.backup is not None and change.backup.exists():
        if change.target.exists() and os.path.samefile(change.backup, change.target):
            change.backup.unlink()  # not replaced yet (and renaming a link onto itself is a no-op)
        else:
            os.replace(change.backup, change.target)
    elif change.backup is None and change.staged is not None and not change.staged.exists():
        change.target.unlink(missing_ok=True)  # a new file, already renamed into place
    if change.staged is not None:
        change.staged.unlink(missing_ok=True)


def _remove_folders(folders: list[Path]) -> None:
    for folder in reversed(folders):
        try:
            folder.rmdir()
        except OSError:
            pass  # not empty: something else put a file there


def _write_journal(journal: Path, changes: list[Change], created: list[Path]) -> None:
    def relative(path: Path | None) -> str | None:
        return None if path is None else os.path.relpath(path, journal.parent)

    document = {"format": 1, "created": [relative(folder) for folder in created],
                "changes": [[relative(c.target), relative(c.staged), relative(c.backup)]
                            for c in changes]}
    staged = _stage(journal, json.dumps(document).encode())
    os.replace(staged, journal)
    _sync_folder(journal.parent)  # the journal is on the disk before any rename


def _sync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _read_journal(journal: Path) -> tuple[list[Change], list[Path]]:
    """The changes a killed write phase had begun; paths out of the folder are ignored."""
    folder = journal.parent
    try:
        document = json.loads(journal.read_text(encoding="utf-8"))
        changes = [Change(*(None if p is None else folder / p for p in entry))
                   for entry in document["changes"]]
        created = [folder / name for name in document["created"]]
    except (OSError, ValueError, TypeError, KeyError):
        return [], []
    within = [c for c in changes if all(p is None or inside(p, folder) for p in
                                        (c.target, c.staged, c.backup))]
    return within, [path for path in created if inside(path, folder)]


def recover(folder: Path) -> None:
    """Undo a write phase that was killed midway, and remove every file it left behind.

    The output folder is then exactly as it was before that phase began.
    """
    if not folder.is_dir():
        return
    journal = folder / JOURNAL
    lock = _lock(folder, wait=False)
    if lock is None:
        return  # another build is writing: its files are not leftovers
    try:
        with signals_deferred():
            _recover(folder, journal)
    finally:
        os.close(lock)


def _lock(folder: Path, wait: bool) -> int | None:
    """Hold the output folder for one writer (a build writing, or recovering); the lock goes
    with its process, so a killed build never keeps it. None: another process holds it."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        return None
    return handle


def _recover(folder: Path, journal: Path) -> None:
    if journal.is_file():
        changes, created = _read_journal(journal)
        for change in reversed(changes):
            _undo(change)
        _remove_folders(created)
        journal.unlink()
    for directory, _, names in os.walk(folder):
        for name in names:
            if LEFTOVER.match(name):
                Path(directory, name).unlink(missing_ok=True)


@contextmanager
def file_size_errors() -> Iterator[None]:
    """Over the file-size limit (ulimit -f), a write fails with EFBIG instead of killing us."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGXFSZ, previous)
