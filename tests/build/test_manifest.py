"""The manifest: a record holds only while both the inputs and the output file match it."""

from __future__ import annotations

import json
from pathlib import Path

from leaflets.build.digest import bytes_digest
from leaflets.build.jobs import OutputJob, Shard
from leaflets.build.manifest import Manifest, Record, manifest_path

OUTPUT = "en/cramp/patient/cramp-patient-en.pdf"


def job(fingerprint: str = "inputs-1", output: str = OUTPUT) -> OutputJob:
    return OutputJob(output=output, kind="pdf", fingerprint=fingerprint, render=lambda: b"")


def built(output_dir: Path, data: bytes, fingerprint: str = "inputs-1",
          shard: Shard | None = None, output: str = OUTPUT) -> None:
    """Write an output as a build would, and record it."""
    (output_dir / output).parent.mkdir(parents=True, exist_ok=True)
    (output_dir / output).write_bytes(data)
    Manifest(output_dir).save(shard, {output: Record(fingerprint, bytes_digest(data))})


def test_a_recorded_output_is_current_until_its_inputs_change(tmp_path: Path):
    built(tmp_path, b"%PDF-1")
    manifest = Manifest(tmp_path)
    assert manifest.is_current(job("inputs-1"))
    assert not manifest.is_current(job("inputs-2"))
    assert not manifest.is_current(job("inputs-1", output="nl/cramp/patient/x.pdf"))


def test_an_output_edited_or_deleted_is_not_current(tmp_path: Path):
    built(tmp_path, b"%PDF-1")
    (tmp_path / OUTPUT).write_bytes(b"%PDF-edited")
    assert not Manifest(tmp_path).is_current(job())
    (tmp_path / OUTPUT).unlink()
    assert not Manifest(tmp_path).is_current(job())


def test_the_manifest_is_deterministic_json(tmp_path: Path):
    built(tmp_path, b"b", output="nl/b.pdf")
    built(tmp_path, b"a", output="en/a.pdf")
    text = (tmp_path / ".leaflets-manifest.json").read_text()
    document = json.loads(text)
    assert document == {"format": 1, "outputs": {
        "en/a.pdf": {"fingerprint": "inputs-1", "sha256": bytes_digest(b"a")},
        "nl/b.pdf": {"fingerprint": "inputs-1", "sha256": bytes_digest(b"b")}}}
    assert text == json.dumps(document, indent=1, sort_keys=True) + "\n"


def test_shards_keep_manifests_of_their_own_which_a_full_build_folds_in(tmp_path: Path):
    built(tmp_path, b"a", shard=Shard(1, 2), output="en/a.pdf")
    built(tmp_path, b"b", shard=Shard(2, 2), output="nl/b.pdf")
    assert manifest_path(tmp_path, Shard(2, 2)).name == ".leaflets-manifest.shard-2-of-2.json"
    assert sorted(p.name for p in tmp_path.glob(".leaflets-*")) == [
        ".leaflets-manifest.shard-1-of-2.json", ".leaflets-manifest.shard-2-of-2.json"]
    manifest = Manifest(tmp_path)
    assert all(manifest.is_current(job(output=o)) for o in ("en/a.pdf", "nl/b.pdf"))
    manifest.save(None, {})
    assert [p.name for p in tmp_path.glob(".leaflets-*")] == [".leaflets-manifest.json"]
    manifest = Manifest(tmp_path)
    assert all(manifest.is_current(job(output=o)) for o in ("en/a.pdf", "nl/b.pdf"))


def test_an_unreadable_manifest_only_means_a_rebuild(tmp_path: Path):
    built(tmp_path, b"a")
    (tmp_path / ".leaflets-manifest.json").write_text("{not json")
    assert not Manifest(tmp_path).is_current(job())
