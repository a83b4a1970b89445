"""Soak: 20,000 generated photos through the real pipeline with the tiny model. Memory stays
flat (the resident set is sampled at every batch) and the final counts are exact."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from gallery.library.indexer import Indexer, IndexProgress
from gallery.library.library import Library
from gallery.ml.encoder import ClipModel
from gallery.paths import app_paths
from tests.support.library_checks import assert_consistent, write_photos

PHOTOS = 20_000
# What may legitimately grow after the first quarter: the hnswlib index (8-d here; its
# capacity doubles to 32,768 slots of ~300 bytes with links, locks and label map, ~7 MiB), the
# set of live labels (~1.5 MiB) and allocator slack. A leak of 2 KiB per photo would exceed it.
MAX_GROWTH_MIB = 32


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads RSS from /proc")
def test_soak_20000_photos_memory_stays_flat(tmp_path: Path, model_dirs: dict[str, Path]) -> None:
    started = time.monotonic()
    photos = write_photos(tmp_path / "photos", PHOTOS)
    generated = time.monotonic() - started
    model = ClipModel.from_path(model_dirs["colour-hf"], device="cpu")
    samples: list[tuple[int, float]] = []

    def sample(event: IndexProgress) -> None:
        if event.stage == "index":
            samples.append((event.done, _rss_mib()))

    paths = app_paths().ensure()
    with Library(paths) as library:
        summary = Indexer(library, model, decode_threads=2).run([tmp_path / "photos"], sample)
        assert (summary.scanned, summary.embedded, summary.failed) == (PHOTOS, PHOTOS, 0)
        counts = library.store.counts(library.store.find_model(model.name))
        assert (counts.files, counts.indexed, counts.pending) == (PHOTOS, PHOTOS, 0)
        assert len(library.vector_index(model.name, 8)) == PHOTOS
    state = assert_consistent(paths.library_db, {str(p) for p in photos}, 8)
    assert (state.files, state.vectors) == (PHOTOS, PHOTOS)

    def rss_at(fraction: float) -> float:
        return next(rss for done, rss in samples if done >= fraction * PHOTOS)

    quarter, end = rss_at(0.25), samples[-1][1]
    figures = ", ".join(f"{int(f * 100)}% {rss_at(f):.0f}" for f in (0.01, 0.25, 0.5, 0.75, 1.0))
    print(
        f"\nsoak: {PHOTOS} photos generated in {generated:.0f} s, indexed in "
        f"{summary.seconds:.0f} s (batch {summary.batch_size}); RSS MiB: {figures}; "
        f"growth after the first quarter {end - quarter:.1f} MiB"
    )
    assert end - quarter < MAX_GROWTH_MIB
