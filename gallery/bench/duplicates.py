"""The duplicates benchmark: how fast `find_duplicates` is at 100k / 1M photos, and how well it
groups a generated set of real copies.

(a) Speed. Each size is a library (cached in the bench folder, built once like the search
bench's) of N photo rows with clustered 512-d vectors and random fingerprints (63 bits, 31 set,
as every pHash has), where every PLANT_EVERY-th photo is a planted copy of the photo before it:
a vector at cosine ~0.99 and a fingerprint 2-12 bits away. Timed: `find_duplicates` with the
model's vectors and without; recall of the planted pairs beside it.

(b) Quality. From the corpus's real photos: for some, copies of each kind (resized, recompressed,
PNG, WebP, 5 % cropped, brightened, EXIF-rotated, byte-identical); for the others, two views of
one scene offset by a tenth of its width (a similar shot, not a copy) and nothing else. Indexed
by the real pipeline with each model, then grouped: pair precision and recall (a pair is two
photos in one group; true pairs are the copies of one photo), recall by kind, and how many
similar-scene pairs were grouped.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageEnhance

from gallery.bench.search import cached_library, library_paths, vectors
from gallery.bench.vit import ensure_bench_model
from gallery.library.duplicates import find_duplicates
from gallery.library.indexer import Indexer
from gallery.library.library import Library
from gallery.ml.encoder import ClipModel
from gallery.paths import AppPaths

FloatArray = np.ndarray[Any, np.dtype[np.float32]]
SIZES = (100_000, 1_000_000)
DIM = 512
PLANT_EVERY = 50  # 2 % of the photos are planted copies
_MODEL = "bench-duplicates"
_ROOT = "/bench/duplicates"
_CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
_CORPUS_FOLDERS = ("photos", "captioned")
KINDS = ("resized", "recompressed", "png", "webp", "cropped", "brightened", "rotated", "identical")
SCENE_SHIFT = 0.1  # a similar shot: the view moved by a tenth of the width


def bench_duplicates(
    bench_dir: Path,
    sizes: tuple[int, ...],
    announce: Callable[[str], None],
    *,
    models: Sequence[ClipModel] | None = None,
) -> dict[str, Any]:
    """Speed at each size, then quality with each model (default: the random-weight ViT-B/32,
    and the colour test model when the checkout's tests/support is there)."""
    speed = [_speed(bench_dir / f"speed-{n}", n, announce) for n in (sizes or SIZES)]
    chosen = list(models) if models is not None else _default_models(bench_dir, announce)
    quality = [_quality(bench_dir / "quality", model, announce) for model in chosen]
    return {"speed": speed, "quality": quality}


# (a) speed ------------------------------------------------------------------------------------
def _fingerprints(n: int, seed: int) -> Iterator[np.ndarray[Any, np.dtype[np.int64]]]:
    """Random 63-bit prints with 31 bits set in chunks; planted copies 2-12 bits from the
    photo before them (bit pairs swapped, so the weight stays 31)."""
    rng = np.random.default_rng(seed)
    weights = 1 << np.arange(63, dtype=np.int64)
    for start in range(0, n, 20_000):
        rows = min(20_000, n - start)
        bits = np.argsort(rng.random((rows, 63)), axis=1) < 31
        for row in _planted(start, rows):
            bits[row] = bits[row - 1]
            ones, zeros = np.flatnonzero(bits[row]), np.flatnonzero(~bits[row])
            swaps = int(rng.integers(1, 7))
            bits[row, rng.choice(ones, swaps, replace=False)] = False
            bits[row, rng.choice(zeros, swaps, replace=False)] = True
        yield (bits * weights).sum(axis=1)


def _planted(start: int, rows: int) -> list[int]:
    """Rows of a chunk (starting at photo `start`) that are planted copies of the row before."""
    return [r for r in range(1, rows) if (start + r) % PLANT_EVERY == 0]


def _with_copies(n: int) -> Iterator[FloatArray]:
    """The search bench's clustered vectors, each planted copy near its original."""
    rng = np.random.default_rng(5)
    for start, chunk in zip(range(0, n, 20_000), vectors(n, DIM, "clustered", 0), strict=True):
        for row in _planted(start, len(chunk)):
            near = chunk[row - 1] + 0.1 / np.sqrt(DIM) * rng.standard_normal(DIM)
            chunk[row] = near / np.linalg.norm(near)
        yield chunk


def _speed(folder: Path, n: int, announce: Callable[[str], None]) -> dict[str, Any]:
    spec = {"model": _MODEL, "vectors": n, "plant_every": PLANT_EVERY, "dim": DIM, "layout": 1}
    if not (folder / "bench-library.json").is_file():
        announce(f"building a library of {n:,} photos with fingerprints and vectors (once)")
    paths = [f"{_ROOT}/f{i * 100 // n:03d}/{i:07d}.jpg" for i in range(n)]
    built = cached_library(folder, spec, (_ROOT, DIM), paths, lambda: _with_copies(n))
    with Library(library_paths(folder)) as library:
        store = library.store
        if not built.get("fingerprints"):
            ids = 1
            for chunk in _fingerprints(n, 11):
                store.set_fingerprints(
                    list(zip(range(ids, ids + len(chunk)), chunk.tolist(), strict=True))
                )
                ids += len(chunk)
            built["fingerprints"] = True
            (folder / "bench-library.json").write_text(_json(built), encoding="utf-8")
        planted = {(i, i + 1) for i in range(PLANT_EVERY, n, PLANT_EVERY)}  # file ids
        result: dict[str, Any] = {"photos": n, "planted_pairs": len(planted)}
        for label, model in (("fingerprints", None), ("with_vectors", _MODEL)):
            announce(f"{n:,} photos: find_duplicates ({label.replace('_', ' ')})")
            library.vector_index(_MODEL, DIM)  # opened before the clock: the app has it open
            started = time.perf_counter()
            groups = find_duplicates(library, model)
            seconds = time.perf_counter() - started
            found = {
                (min(a, b), max(a, b))
                for group in groups
                for a, b in combinations([group.keep.id, *(r.id for r in group.remove)], 2)
            }
            result[label] = {
                "seconds": round(seconds, 2),
                "groups": len(groups),
                "planted_recall": round(len(found & planted) / max(len(planted), 1), 4),
                "other_pairs": len(found - planted),
            }
    return result


def _json(data: dict[str, Any]) -> str:
    import json

    return json.dumps(data)


# (b) quality ----------------------------------------------------------------------------------
def _default_models(bench_dir: Path, announce: Callable[[str], None]) -> list[ClipModel]:
    announce("the random-weight ViT-B/32 model (built once)")
    chosen = [ClipModel.from_path(ensure_bench_model("b32", bench_dir / "models"), device="cpu")]
    try:
        from tests.support.tiny_models import build_clip_folder  # a source checkout only
    except ImportError:
        return chosen
    folder = bench_dir / "models" / "colours"
    if not folder.is_dir():
        build_clip_folder(folder)
    return [ClipModel.from_path(folder, device="cpu"), *chosen]


def _corpus() -> list[Path]:
    return sorted(p for name in _CORPUS_FOLDERS for p in (_CORPUS / name).iterdir() if p.is_file())


def _copy(image: Image.Image, source: Path, kind: str, dest: Path) -> Path:
    """One copy of `kind` of the photo `image` (read from `source`) in `dest`."""
    width, height = image.size
    stem = dest / f"{source.stem}-{kind}"
    if kind == "identical":
        target = stem.with_suffix(source.suffix)
        shutil.copyfile(source, target)
        return target
    if kind == "png":
        image.save(stem.with_suffix(".png"))
        return stem.with_suffix(".png")
    if kind == "webp":
        image.save(stem.with_suffix(".webp"), quality=80)
        return stem.with_suffix(".webp")
    target = stem.with_suffix(".jpg")
    if kind == "resized":
        image.resize((max(1, width // 2), max(1, height // 2)), Image.Resampling.LANCZOS).save(
            target, quality=90
        )
    elif kind == "recompressed":
        image.save(target, quality=40)
    elif kind == "cropped":  # 5 % of each side's length cut away, half at each end
        dx, dy = width // 40, height // 40
        image.crop((dx, dy, width - dx, height - dy)).save(target, quality=90)
    elif kind == "brightened":
        ImageEnhance.Brightness(image).enhance(1.2).save(target, quality=90)
    elif kind == "rotated":  # pixels turned the other way, Orientation 6 shows them upright
        exif = Image.Exif()
        exif[0x0112] = 6
        image.transpose(Image.Transpose.ROTATE_90).save(target, quality=90, exif=exif)
    return target


def make_quality_set(dest: Path, photos: Sequence[Path]) -> tuple[list[list[str]], list[list[str]]]:
    """Write the set; returns the families (an original and its copies) and the scenes (two
    views of one scene, no copy of either)."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    families, scenes = [], []
    for number, source in enumerate(photos):
        image = Image.open(source).convert("RGB")
        if number % 3 == 2:
            width, height = image.size
            shift = int(width * SCENE_SHIFT)
            views = []
            for side, box in (
                ("left", (0, 0, width - shift, height)),
                ("right", (shift, 0, width, height)),
            ):
                target = dest / f"{source.stem}-scene-{side}.jpg"
                image.crop(box).save(target, quality=90)
                views.append(str(target))
            scenes.append(views)
            continue
        original = dest / source.name
        shutil.copyfile(source, original)
        family = [str(original)]
        (dest / "copies").mkdir(exist_ok=True)
        for kind in KINDS:
            family.append(str(_copy(image, source, kind, dest / "copies")))
        families.append(family)
    return families, scenes


def _pairs(groups: Sequence[Sequence[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(pair)) for group in groups for pair in combinations(group, 2)}  # type: ignore[misc]


def _quality(folder: Path, model: ClipModel, announce: Callable[[str], None]) -> dict[str, Any]:
    announce(f"quality: generated copies of the corpus, indexed with {model.name}")
    photos = folder / "photos"
    families, scenes = make_quality_set(photos, _corpus())
    data = folder / f"library-{model.name}"
    shutil.rmtree(data, ignore_errors=True)
    paths = AppPaths(data / "data", data / "cache", data / "config", data / "log").ensure()
    with Library(paths) as library:
        Indexer(library, model, thumbnails=False, text=False).run([photos])
        result: dict[str, Any] = {
            "model": model.name,
            "photos": sum(map(len, families)) + 2 * len(scenes),
        }
        for label, name in (("fingerprints", None), ("with_vectors", model.name)):
            groups = find_duplicates(library, name)
            found = _pairs([[g.keep.path, *(r.path for r in g.remove)] for g in groups])
            truth = _pairs(families)
            scene_pairs = _pairs(scenes)
            by_kind = {}
            for offset, kind in enumerate(KINDS, start=1):
                wanted = {tuple(sorted((f[0], f[offset]))) for f in families}
                by_kind[kind] = round(len(wanted & found) / len(wanted), 3)
            hits = len(found & truth)
            result[label] = {
                "precision": round(hits / len(found), 3) if found else 1.0,
                "recall": round(hits / len(truth), 3),
                "recall_by_kind": by_kind,
                "scene_pairs_grouped": f"{len(found & scene_pairs)} of {len(scene_pairs)}",
                "groups": len(groups),
                "families": len(families),
            }
    return result


def duplicate_lines(result: dict[str, Any]) -> list[str]:
    lines = []
    for row in result["speed"]:
        for label in ("fingerprints", "with_vectors"):
            part = row[label]
            lines.append(
                f"{row['photos']:>9,} photos, {label.replace('_', ' '):<13} "
                f"{part['seconds']:8.2f} s  {part['groups']:,} groups, planted recall "
                f"{part['planted_recall']:.3f}, {part['other_pairs']} other pairs"
            )
    for row in result["quality"]:
        for label in ("fingerprints", "with_vectors"):
            part = row[label]
            kinds = " ".join(f"{k} {v:.2f}" for k, v in part["recall_by_kind"].items())
            lines.append(
                f"{row['model']} ({label.replace('_', ' ')}): precision {part['precision']:.3f}, "
                f"recall {part['recall']:.3f}, similar scenes grouped {part['scene_pairs_grouped']}"
            )
            lines.append(f"  recall by kind: {kinds}")
    return lines
