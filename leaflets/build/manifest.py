"""The build manifest: which inputs each output file was made from.

Every build records, per output, the fingerprint of its inputs and the digest of the bytes
it wrote. An output is up to date when a record matches both its current fingerprint and
the file on disk, so an output deleted, edited or overwritten by a merge is rebuilt.

A sharded build writes a manifest of its own (.leaflets-manifest.shard-2-of-4.json), so the
output trees of all shards merge without a conflicting file. Builds read every manifest in
the output folder; an unsharded build folds them all back into .leaflets-manifest.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from leaflets.build.digest import bytes_digest
from leaflets.build.jobs import OutputJob, Shard
from leaflets.build.write import write_all

MANIFEST_STEM = ".leaflets-manifest"
FORMAT = 1


@dataclass(frozen=True)
class Record:
    """What one output was made from, and what was written."""

    fingerprint: str
    sha256: str


def manifest_path(output_dir: Path, shard: Shard | None) -> Path:
    if shard is None:
        return output_dir / f"{MANIFEST_STEM}.json"
    return output_dir / f"{MANIFEST_STEM}.shard-{shard.index}-of-{shard.count}.json"


def manifest_paths(output_dir: Path) -> list[Path]:
    return sorted(output_dir.glob(f"{MANIFEST_STEM}*.json"))


def read_records(path: Path) -> dict[str, Record]:
    """The records of one manifest; an unreadable manifest only costs a rebuild."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != FORMAT:
            return {}
        return {output: Record(**record) for output, record in document["outputs"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def manifest_text(records: dict[str, Record]) -> str:
    """Deterministic JSON: sorted, no timestamps, so two equal builds write equal bytes."""
    outputs = {output: {"fingerprint": r.fingerprint, "sha256": r.sha256}
               for output, r in sorted(records.items())}
    return json.dumps({"format": FORMAT, "outputs": outputs}, indent=1, sort_keys=True) + "\n"


@dataclass
class Manifest:
    """Every manifest in an output folder, checked against the files there."""

    output_dir: Path
    _on_disk: dict[str, str | None] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.records: dict[Path, dict[str, Record]] = {
            path: read_records(path) for path in manifest_paths(self.output_dir)}

    def on_disk(self, output: str) -> str | None:
        """The digest of an output file as it is now, or None when there is none."""
        if output not in self._on_disk:
            path = self.output_dir / output
            self._on_disk[output] = bytes_digest(path.read_bytes()) if path.is_file() else None
        return self._on_disk[output]

    def is_current(self, job: OutputJob) -> bool:
        """The file exists, and was written by a build with the same inputs."""
        digest = self.on_disk(job.output)
        return digest is not None and any(
            records.get(job.output) == Record(job.fingerprint, digest)
            for records in self.records.values())

    def forget(self, outputs: Iterable[str]) -> None:
        """Outputs this build removes: their records are not kept."""
        self._on_disk.update({output: None for output in outputs})

    def current_record(self, job: OutputJob) -> Record:
        return Record(job.fingerprint, self.on_disk(job.output) or "")

    def save(self, shard: Shard | None, built: dict[str, Record]) -> None:
        """Record this build's outputs (see `changes`), on their own."""
        files, removals = self.changes(shard, built)
        write_all(self.output_dir, files, removals)

    def changes(self, shard: Shard | None,
                built: dict[str, Record]) -> tuple[dict[Path, bytes], list[Path]]:
        """The manifest files to write and to remove to record this build's outputs, keeping
        every other record that still holds.

        Write them with the outputs, in the same write phase, so the records always match
        the files on disk.
        """
        self._on_disk.update({output: record.sha256 for output, record in built.items()})
        own = manifest_path(self.output_dir, shard)
        sources = [own] if shard else [own, *(p for p in self.records if p != own)]
        kept: dict[str, Record] = {}
        for path in reversed(sources):  # the own manifest's records win over the others
            kept.update({output: record for output, record in self.records.get(path, {}).items()
                         if self.on_disk(output) == record.sha256})
        kept.update(built)
        text = manifest_text(kept)
        unchanged = (not kept and not own.exists()) or (
            own.is_file() and own.read_text(encoding="utf-8") == text)
        files = {} if unchanged else {own: text.encode()}
        return files, [path for path in sources[1:] if shard is None]
