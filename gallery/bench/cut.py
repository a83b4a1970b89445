"""The best-match cut measured where the truth is known (`gallery bench --cut`).

(a) Planted matches in CLIP-like geometry. The photos are the search benchmark's clustered
"cone" vectors. A query direction sits against them as CLIP's text vectors sit against its
image vectors: mostly outside the images' cone (the modality gap), a share of the cone's mean
direction that puts an unrelated photo's score at a median of about 0.185 (2.5-97.5 %: about
0.13-0.23), and a "semantic" direction inside the cone, one along which most photos hardly
vary. The assumption, from real CLIP ViT-B/32: unrelated text-image pairs score ~0.15-0.22,
matches ~0.08-0.15 above that. Each query has, in its own folders, `MATCHES` planted matches
turned towards the image that best fits the query until they score `strength` (0.06-0.15,
±0.01) above the unrelated median, and 1 % related photos turned the same way by 0.02-0.06
(a cat for "a dog": the upper tail real score distributions have and the cone alone lacks;
matches lie among related photos, as real ones do, which is also what lets hnswlib's graph
walk reach them). A query photo holds the direction; `Searcher.find` searches with it as an
image term (its stored vector, left out of the results) and folder filters that make a
library of 500 or of 50,000 photos, so the cut is measured through the app's own search:
allowed set, filtered knn, background, `best_count`. Precision and recall of the best set
against the planted matches; for queries with no planted match, the size of the best set
(it should be 0). Every margin of `MARGINS` is tried on the same scores and background,
which is how `best_matches.MARGIN` was chosen.

(b) A random-weight ViT-B/32 (gallery.bench.vit) embeds real photos (the shared test corpus,
with crops of them, when it is there) and generated ones; its text queries get flat,
meaningless scores, so the cut should say "no close match": best sets near 0.
"""

from __future__ import annotations

import itertools
import math
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image

from gallery.bench.photos import ensure_photos
from gallery.bench.search import Space, cached_library, library_paths, vectors
from gallery.bench.vit import ensure_bench_model
from gallery.library.best_matches import MARGIN, best_count, robust_z
from gallery.library.filters import Filters
from gallery.library.indexer import Indexer
from gallery.library.library import Library
from gallery.library.query import ImagePaths, Query, Term, parse_query
from gallery.library.search import Searcher
from gallery.ml.encoder import ClipModel

FloatArray = npt.NDArray[np.float32]

SIZES = (500, 50_000)
MATCHES = 5
STRENGTHS = (0.06, 0.08, 0.10, 0.12, 0.15)  # above the unrelated median
QUERIES_PER_STRENGTH = 8
NO_MATCH_QUERIES = 8
MARGINS = (-0.5, 0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
UNRELATED_MEDIAN = 0.185
_JITTER = 0.01  # each match's strength varies by this much
_RELATED_SHARE = 0.01
_RELATED_LIFT = (0.02, 0.06)
_SEMANTIC = 0.25  # the query's share of its semantic direction (the best image scores ~0.39)
_ROOT = "/bench/cut"
_LAYOUT = 3  # bump when the planted library changes

VIT_PHOTOS = 300
VIT_TEXTS = (
    "a dog on the beach",
    "red",
    "a birthday cake with candles",
    "snow in the mountains",
    "my children at the party",
    "a sunset over the sea",
)
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
_CORPUS_FOLDERS = ("photos", "captioned", "formats")


def bench_cut(
    folder: Path, progress: Callable[[str], None] | None = None, model: ClipModel | None = None
) -> dict[str, Any]:
    """Both measurements; libraries, models and photos are made once in `folder`. `model`:
    the random-weight ViT-B/32 unless given (the tests give a tiny one); its vectors must
    have room outside the cone's 65 dimensions."""
    announce = progress or (lambda _: None)
    if model is None:
        announce("the random-weight ViT-B/32 model (built once)")
        model = ClipModel.from_path(ensure_bench_model("b32", folder / "models"), device="cpu")
    planted = _planted(folder / "planted", model, announce)
    return {
        "path": "Searcher.find",
        "margin": MARGIN,
        **planted,
        "vit": _random_vit(folder / "vit", model, announce),
    }


# (a) planted matches ----------------------------------------------------------------------------
class _Plan:
    """The planted library: which photo is where, and every vector, the same on every run."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        space = Space(dim)
        rng = np.random.default_rng(31)
        self.inside = _inside(space)
        sample = np.concatenate(list(vectors(4_000, dim, "clustered", seed=22)))
        along = UNRELATED_MEDIAN / float(np.median(sample @ self.inside[:, 0]))
        self.queries = [_direction(self.inside, along, rng) for _ in range(self.query_count)]
        self.unrelated = max(SIZES)
        self.related = [round(_RELATED_SHARE * size) for size in SIZES]  # per size, nested
        self.paths: list[str] = []
        self.folders: dict[str, list[int]] = {}  # folder -> photo numbers in it

    @property
    def query_count(self) -> int:
        return len(STRENGTHS) * QUERIES_PER_STRENGTH + NO_MATCH_QUERIES

    def strength(self, query: int) -> float | None:
        """How far above the median the query's matches score (None: it has no match)."""
        group = query // QUERIES_PER_STRENGTH
        return STRENGTHS[group] if group < len(STRENGTHS) else None

    def layout(self) -> list[tuple[str, int]]:
        """(folder, count) in photo order: unrelated in one folder per size, then for each
        query its related photos (one folder per size), its matches, and the query photo."""
        parts = [("u0", SIZES[0])]
        parts += [(f"u{i}", b - a) for i, (a, b) in enumerate(itertools.pairwise(SIZES), 1)]
        for query in range(self.query_count):
            previous = 0
            for i, related in enumerate(self.related):
                parts.append((f"q{query:02d}/related{i}", related - previous))
                previous = related
            if self.strength(query) is not None:
                parts.append((f"q{query:02d}/matches", MATCHES))
            parts.append((f"q{query:02d}/query", 1))
        return parts

    def build(self) -> tuple[list[str], Callable[[], Iterator[FloatArray]]]:
        number = 0
        for name, count in self.layout():
            self.folders[name] = list(range(number, number + count))
            self.paths += [f"{_ROOT}/{name}/{i:06d}.jpg" for i in range(number, number + count)]
            number += count
        return self.paths, self._chunks

    def _chunks(self) -> Iterator[FloatArray]:
        """The vectors in photo order: unrelated, then each query's related, matches, itself."""
        background = np.concatenate(list(vectors(self.unrelated, self.dim, "clustered", seed=21)))
        yield background
        rng = np.random.default_rng(32)
        for query, direction in enumerate(self.queries):
            median = float(np.median(background @ direction))
            fresh = np.concatenate(
                list(vectors(max(self.related) + MATCHES, self.dim, "clustered", seed=100 + query))
            )
            related = fresh[: max(self.related)]
            lifted = related @ direction + rng.uniform(*_RELATED_LIFT, len(related))
            yield _with_score(related, direction, lifted, self.inside)
            strength = self.strength(query)
            if strength is not None:
                targets = median + strength + rng.uniform(-_JITTER, _JITTER, MATCHES)
                yield _with_score(fresh[len(related) :], direction, targets, self.inside)
            yield direction[None, :].astype(np.float32)


def _direction(inside: FloatArray, along: float, rng: np.random.Generator) -> FloatArray:
    """A unit query direction as CLIP's text vectors sit against its image vectors: the
    cone's mean share for the median score, a "semantic" direction inside the cone that its
    matches lie along (one of the cone's quieter directions, along which most photos hardly
    vary), and the rest outside the cone (the modality gap). `along`: the mean's share."""
    quiet = inside[:, 1 + inside.shape[1] // 2 :]
    semantic = quiet @ rng.standard_normal(quiet.shape[1])
    semantic /= np.linalg.norm(semantic)
    outside = rng.standard_normal(len(inside))
    outside -= inside @ (inside.T @ outside)
    outside /= np.linalg.norm(outside)
    rest = math.sqrt(1 - along**2 - _SEMANTIC**2)
    direction = along * inside[:, 0] + _SEMANTIC * semantic + rest * outside
    return direction.astype(np.float32)


def _inside(space: Space) -> FloatArray:
    """An orthonormal basis of the cone's span: its mean direction first, then the cluster
    subspace from its widest direction to its quietest."""
    basis, _ = np.linalg.qr(np.column_stack([space.mean, space.basis.T]))
    if basis[:, 0] @ space.mean < 0:
        basis[:, 0] *= -1
    return basis.astype(np.float32)


def _with_score(
    photos: FloatArray,
    direction: FloatArray,
    targets: npt.NDArray[np.floating[Any]],
    inside: FloatArray,
) -> FloatArray:
    """Each photo turned towards the image that best fits `direction` (its part inside the
    cone) until it scores its target: unit(x + lam d), lam found by bisection. The turned
    photos stay images (inside the cone), near their neighbours along the way, as a real
    match sits among related photos rather than alone."""
    best = inside @ (inside.T @ direction)
    best /= np.linalg.norm(best)
    low = np.zeros(len(photos))
    high = np.full(len(photos), 1e3)
    for _ in range(60):
        lam = (low + high) / 2
        moved = photos + lam[:, None] * best[None, :]
        score = (moved @ direction) / np.linalg.norm(moved, axis=1)
        short = score < targets
        low = np.where(short, lam, low)
        high = np.where(short, high, lam)
    turned = photos + high[:, None] * best[None, :]
    result: FloatArray = (turned / np.linalg.norm(turned, axis=1, keepdims=True)).astype(np.float32)
    return result


def _planted(folder: Path, model: ClipModel, announce: Callable[[str], None]) -> dict[str, Any]:
    dim = model.dim or int(model.embed_texts(["a photo"]).shape[1])
    plan = _Plan(dim)
    paths, chunks = plan.build()
    announce(f"a library of {len(paths):,} planted vectors (built once)")
    spec = {"model": model.name, "layout": _LAYOUT, "vectors": len(paths), "kind": "planted"}
    cached_library(folder, spec, (_ROOT, dim), paths, chunks)
    announce(f"{plan.query_count} queries among {' and '.join(f'{s:,}' for s in SIZES)} photos")
    with Library(library_paths(folder)) as library:
        searcher = Searcher(library, model)
        runs = []
        for query in range(plan.query_count):
            name = f"q{query:02d}"
            path = f"{_ROOT}/{name}/query/{plan.folders[f'{name}/query'][0]:06d}.jpg"
            term = Query((Term(1.0, image=ImagePaths((path,), name)),), name)
            matches = {n + 1 for n in plan.folders.get(f"{name}/matches", [])}  # ids from 1
            for size_index, size in enumerate(SIZES):
                folders = [f"u{i}" for i in range(size_index + 1)]
                folders += [f"{name}/related{i}" for i in range(size_index + 1)]
                folders += [f"{name}/matches"] if matches else []
                filters = Filters(folders=tuple(f"{_ROOT}/{f}" for f in folders))
                run = _search(searcher, term, filters, matches)
                runs.append(run | {"size": size, "strength": plan.strength(query)})
    return {"planted": _summary(runs), "no_match": _no_match(runs), "margins": _margins(runs)}


def _search(
    searcher: Searcher, query: Query, filters: Filters, matches: set[int]
) -> dict[str, Any]:
    """One search through `Searcher.find`; the same candidates and background (the index
    draws it with a fixed seed) then give the best set at every margin of `MARGINS`."""
    result = searcher.find(query, filters, limit=None)
    index = searcher.open_index()
    hits = sorted(result.hits, key=lambda hit: -(hit.score or 0.0))
    scores = [hit.score or 0.0 for hit in hits]
    vector = searcher.query_vectors().of(query, index.model_id).vector
    background = index.background(vector)  # as find() takes it
    found_z = robust_z(scores, background)
    z = [] if found_z is None else [float(value) for value in found_z]  # [] for a flat one
    planted = [hit.file_id in matches for hit in hits]
    others = [value for value, match in zip(z, planted, strict=False) if not match]
    by_margin = {}
    for margin in MARGINS:
        best = best_count(scores, background, result.searched, margin=margin)
        by_margin[str(margin)] = (best, sum(planted[:best]))
    return {
        "population": result.searched,
        "best": result.best_count,
        "found": sum(hit.file_id in matches for hit in result.hits[: result.best_count]),
        "by_margin": by_margin,
        "median": float(np.median(background)),
        "match_z": [value for value, match in zip(z, planted, strict=False) if match],
        "top_other_z": others[0] if others else None,
    }


def _rates(best: int, found: int, planted: int) -> dict[str, float | None]:
    return {
        "precision": found / best if best else None,
        "recall": found / planted if planted else None,
    }


def _summary(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per size and strength: precision and recall of the best sets (pooled over queries)."""
    rows = []
    for size in SIZES:
        for strength in STRENGTHS:
            group = [r for r in runs if r["size"] == size and r["strength"] == strength]
            best, found = sum(r["best"] for r in group), sum(r["found"] for r in group)
            match_z = [z for r in group for z in r["match_z"]]
            rows.append(
                {
                    "size": size,
                    "population": group[0]["population"],
                    "strength": strength,
                    "queries": len(group),
                    "best_sizes": [r["best"] for r in group],
                    **_rates(best, found, MATCHES * len(group)),
                    "recall_by_margin": {
                        str(margin): sum(r["by_margin"][str(margin)][1] for r in group)
                        / (MATCHES * len(group))
                        for margin in MARGINS
                    },
                    "match_z_mean": float(np.mean(match_z)) if match_z else None,
                    "top_other_z_max": max(
                        (r["top_other_z"] for r in group if r["top_other_z"] is not None),
                        default=None,
                    ),
                    "median": float(np.mean([r["median"] for r in group])),
                }
            )
    return rows


def _no_match(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "size": size,
            "population": group[0]["population"],
            "best_sizes": [r["best"] for r in group],
            "top_other_z_max": max(r["top_other_z"] or -math.inf for r in group),
        }
        for size in SIZES
        for group in [[r for r in runs if r["size"] == size and r["strength"] is None]]
    ]


def _margins(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every margin tried on the same scores: pooled precision and recall per size, and the
    best photos claimed for queries that have no match."""
    rows = []
    for margin in MARGINS:
        for size in SIZES:
            group = [r for r in runs if r["size"] == size]
            matched = [r["by_margin"][str(margin)] for r in group if r["strength"] is not None]
            empty = [r["by_margin"][str(margin)][0] for r in group if r["strength"] is None]
            best, found = sum(b for b, _ in matched), sum(f for _, f in matched)
            rows.append(
                {
                    "margin": margin,
                    "size": size,
                    **_rates(best, found, MATCHES * len(matched)),
                    "no_match_best": sum(empty),
                }
            )
    return rows


# (b) a random-weight ViT --------------------------------------------------------------------------
def _vit_photos(folder: Path) -> tuple[Path, int]:
    """Real photos (the corpus and crops of them) and generated ones, VIT_PHOTOS in all."""
    photos = folder / "photos"
    real = photos / "corpus"
    if not real.is_dir() and CORPUS.is_dir():
        tmp = photos / "corpus.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for sub in _CORPUS_FOLDERS:
            for source in sorted((CORPUS / sub).iterdir()):
                shutil.copy2(source, tmp / f"{sub}-{source.name}")
                if sub != "formats":
                    _crops(source, tmp / f"{sub}-{source.stem}")
        tmp.rename(real)
    count = sum(1 for _ in real.iterdir()) if real.is_dir() else 0
    generated = max(VIT_PHOTOS - count, 0)
    ensure_photos(photos, generated, size=(640, 480))
    return photos, count


def _crops(source: Path, stem: Path) -> None:
    """Three crops of a photo (left, centre, right), as other photos of the same scenes."""
    with Image.open(source) as image:
        rgb = image.convert("RGB")
    width, height = rgb.size
    for name, left in (("left", 0), ("centre", width // 4), ("right", width // 2)):
        rgb.crop((left, 0, left + width // 2, height)).save(f"{stem}-{name}.jpg", quality=90)


def _random_vit(folder: Path, model: ClipModel, announce: Callable[[str], None]) -> dict[str, Any]:
    photos, real = _vit_photos(folder)
    announce(f"indexing {VIT_PHOTOS} photos ({real} real) with {model.name}")
    with Library(library_paths(folder).ensure()) as library:
        summary = Indexer(library, model, thumbnails=False, text=False).run([photos])
        searcher = Searcher(library, model)
        index = searcher.open_index()
        rows = []
        for text in VIT_TEXTS:
            result = searcher.find(parse_query(text), limit=None)
            vector = searcher.query_vectors().text(text)
            background = index.background(vector / np.linalg.norm(vector))
            scores = sorted((hit.score or 0.0 for hit in result.hits), reverse=True)
            z = robust_z(scores, background)
            rows.append(
                {
                    "text": text,
                    "best": result.best_count,
                    "searched": result.searched,
                    "median": float(np.median(background)),
                    "spread": float(np.median(background) - np.percentile(background, 15.87)),
                    "top_score": scores[0] if scores else None,
                    "top_z": float(z[0]) if z is not None and len(z) else None,
                }
            )
        photos_indexed = len(index)
    return {
        "model": model.name,
        "photos": photos_indexed,
        "real": real,
        "failed": summary.failed,
        "queries": rows,
    }
