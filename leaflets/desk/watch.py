"""What `leaflets serve` watches, and when an edit has settled.

An editor's save is several events (a temporary file written, renamed over the file, its
mode set): they are gathered until the project has been quiet for a moment, so one save
is one rebuild. Only changes count (created, modified, deleted, moved): the build reading
the project must not set off another build.
"""

from __future__ import annotations

import queue
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from watchdog.events import (DirCreatedEvent, DirDeletedEvent, DirMovedEvent, FileCreatedEvent,
                             FileDeletedEvent, FileModifiedEvent, FileMovedEvent,
                             FileSystemEvent, FileSystemEventHandler)
from watchdog.observers import Observer

from leaflets.content.project import CONFIG_NAME, Project

QUIET = 0.3  # seconds without an event: the save is over
LONGEST = 3.0  # seconds a stream of events may hold a rebuild back
CHANGES = [FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent,
           DirCreatedEvent, DirDeletedEvent, DirMovedEvent]


def scratch(name: str) -> bool:
    """An editor's or a tool's own file: hidden, a backup, a swap file, vim's write test."""
    return (name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp"))
            or name.isdigit())


@dataclass(frozen=True)
class Watched:
    """The folders read whole (content, templates and their pictures), the single files
    read (leaflets.yaml, the clinic profile, its logo), and the output folder, never read."""

    folders: frozenset[Path]
    files: frozenset[Path]
    output: Path

    def wants(self, path: Path) -> bool:
        if scratch(path.name) or path.is_relative_to(self.output):
            return False
        return path in self.files or any(path.is_relative_to(f) for f in self.folders)

    def places(self) -> list[tuple[Path, bool]]:
        """Where to listen (the folders there are), and whether inside subfolders too."""
        inside = {file.parent for file in self.files} - self.folders
        return sorted(place for place in [*((f, True) for f in self.folders),
                                          *((f, False) for f in inside)] if place[0].is_dir())


def watched(project: Project, files: Iterable[Path]) -> Watched:
    """Everything a build or the desk reads from: content (its locales and regions too),
    templates and pictures, leaflets.yaml, and `files` (the clinic profiles, their logos)."""
    # The project's templates/ too before it exists: making it is an edit like any other.
    folders = {project.content_dir, project.root / "templates", *project.template_dirs}
    return Watched(frozenset(f.resolve() for f in folders),
                   frozenset(f.resolve() for f in {project.root / CONFIG_NAME, *files}),
                   project.output_dir.resolve())


class _Collect(FileSystemEventHandler):
    """Queues each wanted path an event touches, and whether the event made it."""

    def __init__(self, found: queue.Queue[tuple[Path, bool]], watching: Watched) -> None:
        self.found = found
        self.watching = watching

    def on_any_event(self, event: FileSystemEvent) -> None:
        made = event.event_type == "created"
        for where, new in ((event.src_path, made), (event.dest_path, True)):
            if where and self.watching.wants(Path(str(where))):
                self.found.put((Path(str(where)), new))


class Watcher:
    """Listens to the project's files while it is open (`with Watcher(...) as watcher`)."""

    def __init__(self, watching: Watched) -> None:
        self.found: queue.Queue[tuple[Path, bool]] = queue.Queue()
        self.watching = watching
        self.listening: list[tuple[Path, bool]] = []
        self.observer = Observer()

    def __enter__(self) -> Watcher:
        self._listen()
        self.observer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.observer.stop()
        self.observer.join()

    def follow(self, watching: Watched) -> None:
        """Listen to these files from now on (leaflets.yaml may have moved a folder, or a
        folder been made)."""
        if watching != self.watching or watching.places() != self.listening:
            self.observer.unschedule_all()
            self.watching = watching
            self._listen()

    def _listen(self) -> None:
        handler = _Collect(self.found, self.watching)
        self.listening = self.watching.places()
        for place, recursive in self.listening:
            try:
                self.observer.schedule(handler, str(place), recursive=recursive,
                                       event_filter=CHANGES)
            except OSError:  # removed meanwhile: its parent's watch sees it come back
                pass

    def next_changes(self) -> set[Path]:
        """The files changed by the next edit, once it has settled (blocks until then).

        A file made and gone within the edit (a tool's temporary file, renamed over the one
        it edits) is left out.
        """
        while True:
            events = [self.found.get()]
            started = time.monotonic()
            while time.monotonic() - started < LONGEST:
                try:
                    events.append(self.found.get(timeout=QUIET))
                except queue.Empty:
                    break
            made = {path for path, new in events if new}
            changed = {path for path, _ in events if path.exists() or path not in made}
            if changed:
                return changed
