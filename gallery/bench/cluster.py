"""`gallery bench --cluster ADDRESS`: what a cluster run costs and where it stops scaling.

From one run on the same photos and model:
- local: the plain pipeline (`Indexer.run` with the model loaded before), img/s end to end;
- cluster: `Indexer.run` with a `ClusterEmbedder`, img/s end to end (the workers' start and
  model load included) and once the workers are up (their start left out, as the local run
  has its model loaded before);
- the desktop's commit rate: the indexer's real writer (one SQLite transaction per batch, then
  hnswlib add) fed by an embedder that hands out ready-made vectors at once (and writes the
  thumbnail files a cluster run writes, outside the timed stage), so nothing but the writing is
  timed; and hnswlib's add alone, which sets most of it;
- the bytes per photo that cross the network: the photo (read from shared storage by a worker,
  or shipped by the desktop) and what comes back (vector, thumbnail, metadata).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import numpy as np

from gallery.bench.pipeline import (
    ModelSettings,
    Plan,
    bench_paths,
    bench_photos,
    photo_facts,
    run_pipeline,
)
from gallery.cluster.embedder import ClusterEmbedder
from gallery.imaging.thumbnails import thumbnail_file, write_thumbnail
from gallery.library.decoding import DecodedPhoto
from gallery.library.indexer import EmbeddedBatch, EmbedderFacts, Indexer
from gallery.library.library import Library
from gallery.library.path_map import PathMap
from gallery.library.store import Decoded, FileRow
from gallery.library.vectors import new_hnsw

COMMIT_PHOTOS = 20_000  # files the commit-rate run records
COMMIT_BATCH = 64
THUMBNAIL_BYTES = 20_000  # a 320 px JPEG thumbnail of a photo, about
_METADATA_BYTES = 200  # a returned photo's row, size, date, format, fingerprint, pickled


class _ReadyVectors:
    """An embedder whose vectors are ready at once: the writer alone is timed."""

    def __init__(self, dim: int, thumbnails: Path) -> None:
        self.dim = dim
        self.thumbnails = thumbnails
        self.thumbnail = bytes(THUMBNAIL_BYTES)

    def start(self) -> EmbedderFacts:
        return EmbedderFacts("ready-made vectors", COMMIT_BATCH, self.dim, 0)

    def close(self) -> None:
        """Nothing to let go of."""

    def batches(self, rows: list[FileRow], batch_size: int) -> Generator[EmbeddedBatch, None, None]:
        rng = np.random.default_rng(0)
        for start in range(0, len(rows), batch_size):
            part = rows[start : start + batch_size]
            photos = [
                DecodedPhoto(row, meta=Decoded(row.id, 4000, 3000, None, "jpeg", 0)) for row in part
            ]
            for row in part:  # as ClusterEmbedder writes what the workers send back
                where = thumbnail_file(self.thumbnails, row.path, row.size, row.mtime_ns)
                write_thumbnail(self.thumbnail, where)
            vectors = rng.standard_normal((len(part), self.dim)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            yield EmbeddedBatch(photos, vectors, 0.0)


def commit_rate(settings: ModelSettings, dim: int, work: Path, count: int) -> dict[str, Any]:
    """Vectors per second the desktop writes: `count` empty .jpg files scanned, diffed and
    committed by the real indexer, `COMMIT_BATCH` to a transaction."""
    folder = work / "files"
    for number in range(count):
        sub = folder / f"{number // 1000:03d}"
        if number % 1000 == 0:
            sub.mkdir(parents=True)
        (sub / f"{number:06d}.jpg").touch()
    paths = bench_paths(work / "commit-home")
    ready = _ReadyVectors(dim, paths.thumbnails)
    with Library(paths) as library:
        summary = Indexer(library, settings.make(), embedder=ready, text=False).run([folder])
    write = summary.stage_seconds["write"]
    return {
        "vectors": summary.embedded,
        "batch": COMMIT_BATCH,
        "write_seconds": write,
        "vectors_per_second": summary.embedded / write if write else 0.0,
        "seconds_with_scan": summary.seconds,
        "hnswlib_vectors_per_second": _hnswlib_rate(dim, count),
    }


def _hnswlib_rate(dim: int, count: int) -> float:
    """Vectors per second hnswlib alone adds, in batches of COMMIT_BATCH: the writer's share
    that SQLite does not explain."""
    vectors = np.random.default_rng(1).standard_normal((count, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = new_hnsw(dim, count)
    started = time.perf_counter()
    for start in range(0, count, COMMIT_BATCH):
        part = vectors[start : start + COMMIT_BATCH]
        index.add_items(part, np.arange(start, start + len(part)))
    return count / (time.perf_counter() - started)


def _cluster_run(folder: Path, settings: ModelSettings, home: Path, address: str) -> dict[str, Any]:
    paths = bench_paths(home)
    model = settings.make()
    embedder = ClusterEmbedder(
        address,
        model,
        path_map=PathMap(),
        thumbnails=paths.thumbnails,
        device=settings.device,
        batch_size=settings.batch_size,
    )
    with Library(paths) as library:
        summary = Indexer(library, model, embedder=embedder, text=False).run([folder])
    working = summary.seconds - embedder.start_seconds
    embedded = max(summary.embedded, 1)
    return {
        "images_per_second": summary.embedded / summary.seconds if summary.seconds else 0.0,
        "start_seconds": embedder.start_seconds,
        "working_images_per_second": summary.embedded / working if working > 0 else 0.0,
        "seconds": summary.seconds,
        "embedded": summary.embedded,
        "device": summary.device,
        "workers_decode_threads": summary.decode_threads,
        "shipped_bytes_per_photo": embedder.shipped_bytes / embedded,
        "returned_bytes_per_photo": embedder.returned_bytes / embedded + _METADATA_BYTES,
    }


def bench_cluster(
    settings: ModelSettings,
    bench_dir: Path,
    plan: Plan,
    address: str,
    announce: Callable[[str], None],
    commit_photos: int = COMMIT_PHOTOS,
) -> dict[str, Any]:
    """Every figure of the module's docstring, as a JSON-ready dict."""
    bench_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=bench_dir, prefix="cluster-") as tmp:
        work = Path(tmp)
        folder, photos = bench_photos(plan, bench_dir, work, announce)
        announce("local: the indexer in a fresh library")
        model = settings.make()
        model.load_image_tower()
        dim = model.image_dim()
        local = run_pipeline(folder, settings, work / "local", model)
        announce(f"cluster {address}: the indexer with Ray workers in a fresh library")
        cluster = _cluster_run(folder, settings, work / "cluster", address)
        announce(f"the desktop's commit rate: {commit_photos} ready-made vectors")
        commits = commit_rate(settings, dim, work, commit_photos)
        facts = photo_facts(plan, folder, photos)
    photo_bytes = facts["mean_megabytes"] * 1e6
    return {
        "address": address,
        "photos": facts,
        "local": {
            "images_per_second": local["images_per_second"],
            "seconds": local["seconds"],
            "embedded": local["embedded"],
            "decode_threads": local["decode_threads"],
        },
        "cluster": cluster,
        "overhead": 1 - cluster["images_per_second"] / local["images_per_second"],
        "commit": commits,
        "network": {
            "photo_bytes": photo_bytes,
            "returned_bytes": cluster["returned_bytes_per_photo"],
            "bytes_per_photo": photo_bytes + cluster["returned_bytes_per_photo"],
        },
    }


def cluster_lines(result: dict[str, Any]) -> list[str]:
    local, cluster, commit, network = (
        result["local"],
        result["cluster"],
        result["commit"],
        result["network"],
    )
    return [
        f"{result['photos']['count']} photos, {result['photos']['mean_megabytes']:.1f} MB each",
        f"local: {local['images_per_second']:.2f} img/s ({local['embedded']} in "
        f"{local['seconds']:.1f} s, {local['decode_threads']} decode threads)",
        f"cluster {result['address']}: {cluster['images_per_second']:.2f} img/s end to end "
        f"({cluster['embedded']} in {cluster['seconds']:.1f} s), "
        f"{cluster['working_images_per_second']:.2f} img/s once the workers were up "
        f"({cluster['start_seconds']:.1f} s to connect and load the model); {cluster['device']}",
        f"overhead against local: {result['overhead'] * 100:.0f} %",
        f"desktop commit rate: {commit['vectors_per_second']:,.0f} vectors/s "
        f"({commit['vectors']} in batches of {commit['batch']}: SQLite + hnswlib; hnswlib "
        f"alone {commit['hnswlib_vectors_per_second']:,.0f} vectors/s)",
        f"network per photo: {network['photo_bytes'] / 1e6:.2f} MB photo (read from shared "
        f"storage or shipped), {network['returned_bytes'] / 1e3:.1f} kB back (vector, "
        f"thumbnail, metadata)",
    ]
