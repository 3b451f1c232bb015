"""Shards: deterministic, disjoint slices that together cover every job."""

from __future__ import annotations

import pytest

from leaflets.build.jobs import OutputJob, Shard, parse_shard, shard_slice


def job(output: str, kind: str = "pdf") -> OutputJob:
    return OutputJob(output=output, kind=kind, fingerprint=output, render=lambda: b"")


JOBS = [job(f"{lang}/topic-{n}/patient/topic-{n}-patient-{lang}.pdf")
        for lang in ("en", "id", "nl", "ru") for n in range(12)] \
    + [job(f"{lang}/topic-{n}/patient/index.html", kind="page")
       for lang in ("en", "nl") for n in range(5)]


@pytest.mark.parametrize("count", [1, 2, 3, 4, 7, 100])
def test_shards_are_disjoint_and_cover_the_matrix(count: int):
    slices = [shard_slice(JOBS, Shard(index, count)) for index in range(1, count + 1)]
    outputs = [j.output for part in slices for j in part]
    assert len(outputs) == len(set(outputs))
    assert set(outputs) == {j.output for j in JOBS}


@pytest.mark.parametrize("count", [2, 3, 4])
def test_shards_share_out_every_kind_evenly(count: int):
    for kind in ("pdf", "page"):
        sizes = [sum(j.kind == kind for j in shard_slice(JOBS, Shard(index, count)))
                 for index in range(1, count + 1)]
        assert max(sizes) - min(sizes) <= 1


def test_a_shard_does_not_depend_on_the_order_jobs_come_in():
    assert shard_slice(list(reversed(JOBS)), Shard(2, 3)) == shard_slice(JOBS, Shard(2, 3))
    assert shard_slice(JOBS, None) == sorted(JOBS, key=lambda j: j.output)


def test_parse_shard():
    assert parse_shard("2/4") == Shard(2, 4) and str(parse_shard(" 1 / 1 ")) == "1/1"
    with pytest.raises(ValueError, match="write K/N, such as 1/4"):
        parse_shard("2of4")
    with pytest.raises(ValueError, match="shard 5/4 does not exist; K counts from 1 to 4"):
        parse_shard("5/4")
    with pytest.raises(ValueError, match="K counts from 1 to 4"):
        parse_shard("0/4")
    with pytest.raises(ValueError, match="N must be 1 or more"):
        parse_shard("0/0")
