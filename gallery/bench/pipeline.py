"""The indexing benchmark: the real pipeline against the machine's bound and a naive baseline.

All figures come from one run, so their ratios hold even on a machine whose speed drifts:

- bound = cores / (model core-seconds per image + decode core-seconds per image). The model is
  measured alone at its best batch, as the smaller of (a) wall-seconds per image with one
  intra-op thread and (b) wall-seconds per image with the pipeline's threads times those
  threads; decode (decode, model tensor, thumbnail made and saved, as the indexer does it) is
  measured single-threaded. On a GPU the model term is its own rate instead, and the bound is
  the smaller of what the GPU and the decoding cores can do.
- drift: a shared or throttling machine changes speed by 10-20 % within minutes, so the model
  (at the pipeline's batch) and decode are timed both just before and just after the pipeline;
  the bound uses the mean of the two, and both are reported.
- pipeline = `Indexer.run` on the photos, in a fresh library, end to end (scan to saved index);
  the model is loaded (and run once) before, as an app session does once, and timed on its own.
- naive = full-size decode, batch 1, one step at a time (ONNX Runtime at its default threads),
  vectors kept in memory and not written: that favours the baseline.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from gallery.bench.machine import cores, rss_mb
from gallery.bench.photos import ensure_photos
from gallery.errors import UserError
from gallery.imaging import THUMBNAIL_SIZE, decode_image, make_thumbnail, save_thumbnail
from gallery.library.indexer import Indexer, IndexProgress
from gallery.library.library import Library
from gallery.library.scanner import scan
from gallery.ml.encoder import ClipModel
from gallery.ml.model_folder import ModelFolder
from gallery.ml.preprocess import image_tensor
from gallery.paths import AppPaths

DEFAULT_PHOTOS = 200
_DECODE_SAMPLE = 40  # photos timed single-threaded (decode) and for the naive baseline


@dataclass(frozen=True)
class Plan:
    """What to measure: the photos, the batch sizes of the model-alone curve, and how long
    each model measurement runs (after a warm-up batch)."""

    folder: Path | None = None  # the user's photos (only read); None: generated ones
    count: int = DEFAULT_PHOTOS
    batch_sizes: tuple[int, ...] = (1, 2, 4, 8, 16)
    seconds: float = 2.0


@dataclass(frozen=True)
class ModelSettings:
    """How the pipeline's model is made: the CLI's --device, --threads and --batch-size."""

    folder: ModelFolder
    device: str = "auto"
    threads: int | None = None
    batch_size: int | None = None
    cache_dir: Path | None = None
    text: bool = False  # the text pass after the embedding pass (the text bench turns it on)

    def make(self, *, threads: int | None = None) -> ClipModel:
        return ClipModel(
            self.folder,
            device=self.device,
            threads=threads or self.threads,
            batch_size=self.batch_size,
            cache_dir=self.cache_dir,
        )


def model_rate(model: ClipModel, batch: int, seconds: float) -> float:
    """Images per second of the image tower alone at `batch` (random pixels: same cost),
    after one warm-up batch, over at least `seconds`."""
    size = model.folder.preprocess.size
    pixels = np.random.default_rng(0).standard_normal((batch, 3, size, size), dtype=np.float32)
    model.embed_image_tensors(pixels)
    done, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds or not done:
        model.embed_image_tensors(pixels)
        done += batch
    return done / elapsed


def decode_core_seconds(paths: Sequence[Path], model: ClipModel, thumbs: Path) -> float:
    """Seconds per photo, one thread, of what a decode worker does for each photo: decode at
    the reduced scale, the model tensor and the thumbnail (made and saved)."""
    spec = model.folder.preprocess
    min_side = max(spec.size, THUMBNAIL_SIZE)
    sample = list(paths[:_DECODE_SAMPLE])
    started = time.perf_counter()
    for number, path in enumerate(sample):
        decoded = decode_image(path, min_side)
        image_tensor(decoded.image, spec)
        save_thumbnail(make_thumbnail(decoded.image), thumbs / f"{number:02x}" / "t.jpg")
    return (time.perf_counter() - started) / len(sample)


def naive_rate(paths: Sequence[Path], model: ClipModel, thumbs: Path) -> float:
    """Images per second of the naive way: open, decode at full size, make the tensor and the
    thumbnail from the full image, embed alone; one photo at a time."""
    spec = model.folder.preprocess
    sample = list(paths[:_DECODE_SAMPLE])
    model.embed_image_tensors(np.zeros((1, 3, spec.size, spec.size), dtype=np.float32))
    started = time.perf_counter()
    for number, path in enumerate(sample):
        with Image.open(path) as image:
            full = image.convert("RGB")
        model.embed_image_tensors(image_tensor(full, spec)[None])
        save_thumbnail(make_thumbnail(full), thumbs / f"{number:02x}" / "n.jpg")
    return len(sample) / (time.perf_counter() - started)


def _bound(model_cs: float, decode_cs: float, cores: int, *, on_gpu: bool) -> float:
    """Images per second the machine allows: the model and decode share the cores on a CPU;
    on a GPU the slower of the GPU and the decoding cores sets the pace."""
    if on_gpu:
        return min(1.0 / model_cs, cores / decode_cs)
    return cores / (model_cs + decode_cs)


def _warm_page_cache(paths: Sequence[Path]) -> None:
    """Read every photo once, so no stage is timed against the disk and another from memory."""
    for path in paths:
        with path.open("rb") as handle:
            while handle.read(1 << 22):
                pass


def bench_paths(home: Path) -> AppPaths:
    """A throw-away library's folders under `home`."""
    return AppPaths(home / "data", home / "cache", home / "config", home / "log").ensure()


def run_pipeline(
    folder: Path, settings: ModelSettings, home: Path, model: ClipModel
) -> dict[str, Any]:
    """`Indexer.run` on `folder` in a fresh library under `home`; stage times and memory."""
    paths = bench_paths(home)
    samples: list[tuple[int, float]] = []  # (photos done, RSS MiB) after each batch

    def progress(update: IndexProgress) -> None:
        rss = rss_mb()
        if rss is not None and update.stage == "index":
            samples.append((update.done, rss))

    before = rss_mb()
    with Library(paths) as library:
        summary = Indexer(library, model, decode_threads=settings.threads, text=settings.text).run(
            [folder], progress
        )
    stages = summary.stage_seconds
    total = sum(stages.values()) or 1.0
    rate = summary.embedded / summary.seconds if summary.seconds else 0.0
    return {
        "images_per_second": rate,
        "seconds": summary.seconds,
        "embedded": summary.embedded,
        "failed": summary.failed,
        "batch_size": summary.batch_size,
        "decode_threads": summary.decode_threads,
        "stages": {
            name: {"seconds": seconds, "share": seconds / total} for name, seconds in stages.items()
        },
        "memory": _memory(before, samples),
    }


def _memory(before: float | None, samples: list[tuple[int, float]]) -> dict[str, float | None]:
    """RSS before the run, its peak and end, and its growth per photo between the first and
    the last batch (what grows with the number of photos, allocator noise included)."""
    memory: dict[str, float | None] = {
        "rss_before_mb": before,
        "rss_peak_mb": None,
        "rss_end_mb": None,
        "rss_growth_per_photo_kb": None,
    }
    if samples:
        memory["rss_peak_mb"] = max(rss for _, rss in samples)
        memory["rss_end_mb"] = samples[-1][1]
    if len(samples) > 1 and samples[-1][0] > samples[0][0]:
        (first_done, first), (last_done, last) = samples[0], samples[-1]
        memory["rss_growth_per_photo_kb"] = (last - first) * 1024 / (last_done - first_done)
    return memory


def _link(photos: Sequence[Path], folder: Path) -> Path:
    """A folder holding exactly these photos (hard links, copies across file systems)."""
    folder.mkdir(parents=True)
    for photo in photos:
        target = folder / photo.name
        try:
            os.link(photo, target)
        except OSError:
            shutil.copyfile(photo, target)
    return folder


def bench_indexing(
    settings: ModelSettings,
    bench_dir: Path,
    plan: Plan,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Every indexing figure of one run, as a JSON-ready dict (keys in docs/benchmarks.md).

    The library, thumbnails and all else live in a temporary folder under `bench_dir`.
    """
    announce = progress or (lambda _: None)
    bench_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=bench_dir, prefix="run-") as tmp:
        work = Path(tmp)
        folder, photos = bench_photos(plan, bench_dir, work, announce)
        result = _measure(settings, folder, photos, work, plan, announce)
    result["photos"] = photo_facts(plan, folder, photos)
    return result


def bench_photos(
    plan: Plan, bench_dir: Path, work: Path, announce: Callable[[str], None]
) -> tuple[Path, list[Path]]:
    """The folder to index and its photos: the plan's, or generated ones linked under `work`."""
    if plan.folder is None:
        announce(f"{plan.count} generated photos (made once, then kept in {bench_dir})")
        photos = ensure_photos(bench_dir, plan.count)
        return _link(photos, work / "photos"), photos
    photos = [Path(found.path) for found in scan(plan.folder)]
    if not photos:
        raise UserError(f"No photos found in {plan.folder}.", "Give a folder with photos.")
    return plan.folder, photos


def photo_facts(plan: Plan, folder: Path, photos: Sequence[Path]) -> dict[str, Any]:
    return {
        "count": len(photos),
        "folder": str(photos[0].parent if plan.folder is None else folder),
        "generated": plan.folder is None,
        "mean_megabytes": sum(p.stat().st_size for p in photos) / len(photos) / 1e6,
    }


def _measure(
    settings: ModelSettings,
    folder: Path,
    photos: Sequence[Path],
    work: Path,
    plan: Plan,
    announce: Callable[[str], None],
) -> dict[str, Any]:
    _warm_page_cache(photos)
    announce("loading the model")
    model = settings.make()
    started = time.perf_counter()
    report = model.load_image_tower().report  # once per app session, timed on its own
    batch = model.batch_size_for(report)
    size = model.folder.preprocess.size
    model.embed_image_tensors(np.zeros((batch, 3, size, size), dtype=np.float32))
    load_seconds = time.perf_counter() - started
    announce(f"before the pipeline: model alone at batch {batch}, decode on one thread")
    # At the pipeline's own batch, so the arena holds no more than the pipeline needs and the
    # RSS measured next is the app's alone.
    rate_before = model_rate(model, batch, plan.seconds)
    decode_before = decode_core_seconds(photos, model, work / "thumbs")
    announce("pipeline: the indexer in a fresh library")
    pipeline = run_pipeline(folder, settings, work / "home", model)
    n = cores()
    announce(f"after: model alone on {report.summary()}: batches {list(plan.batch_sizes)}")
    curve = {b: model_rate(model, b, plan.seconds) for b in plan.batch_sizes}
    rate_after = curve[batch] if batch in curve else model_rate(model, batch, plan.seconds)
    best_batch = max(curve, key=lambda b: curve[b])
    single = None
    if report.on_gpu:
        model_after = 1.0 / curve[best_batch]  # wall-seconds of the GPU, not core-seconds
    else:
        announce("model alone on one thread")
        single = model_rate(settings.make(threads=1), best_batch, plan.seconds)
        model_after = min(1.0 / single, (settings.threads or n) / curve[best_batch])
    announce("decode, one thread")
    decode_after = decode_core_seconds(photos, model, work / "thumbs")
    # The best-batch figures scaled by how fast the machine ran the same batch before.
    model_before = model_after * rate_after / rate_before
    bound_before = _bound(model_before, decode_before, n, on_gpu=report.on_gpu)
    bound_after = _bound(model_after, decode_after, n, on_gpu=report.on_gpu)
    model_cs = (model_before + model_after) / 2
    decode_cs = (decode_before + decode_after) / 2
    bound = _bound(model_cs, decode_cs, n, on_gpu=report.on_gpu)
    announce("naive baseline")
    naive_model = ClipModel(settings.folder, device=settings.device, batch_size=1)
    naive = naive_rate(photos, naive_model, work / "thumbs")
    rate = pipeline["images_per_second"]
    return {
        "provider": report.provider,
        "device": report.summary(),
        "batch_size": batch,
        "threads": settings.threads,
        "decode_threads": pipeline["decode_threads"],
        "model_load_seconds": load_seconds,
        "pipeline": pipeline,
        "bound": {
            "images_per_second": bound,
            "cores": n,
            "model_core_seconds_per_image": model_cs,
            "model_best_batch": best_batch,
            "model_one_thread_images_per_second": single,
            "decode_core_seconds_per_image": decode_cs,
            "before_images_per_second": bound_before,
            "after_images_per_second": bound_after,
        },
        "efficiency": rate / bound,
        "naive": {"images_per_second": naive, "photos": min(len(photos), _DECODE_SAMPLE)},
        "speedup_vs_naive": rate / naive,
        "batch_curve": [{"batch": b, "images_per_second": curve[b]} for b in plan.batch_sizes],
    }
