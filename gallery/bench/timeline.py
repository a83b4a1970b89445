"""The timeline benchmark: a large library opened to a painted, month-sectioned grid, then
scrolled end to end.

Each size is a real SQLite library (built once through the store's own methods, then cached in
the bench folder) of photos dated over twenty years, a tenth of them without EXIF (dated by
their modification time). The photos need not exist: the grid's thumbnail requests are counted
by a loader that answers each with a generated thumbnail of the indexer's size, so the model's
thumbnail cache fills as it would. Measured in an offscreen QApplication, the app's own path:
`browse` (SQLite rows, sorted newest first) and the items the search worker makes of them, the
month sections, `set_items`, then the grid's first paint; then jumps down the whole scroll range
(a page or more each), each painted, counting the thumbnails each paint asks for and the
process's resident memory before and after each of two passes.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QImage, QPaintEvent
from PySide6.QtWidgets import QApplication

from gallery.bench.machine import describe, rss_mb
from gallery.library.filters import NO_FILTERS
from gallery.library.library import Library
from gallery.library.search import browse
from gallery.library.store import Decoded, ScannedFile
from gallery.paths import AppPaths
from gallery.ui.grid import PhotoGrid
from gallery.ui.images import ImageLoader
from gallery.ui.photo_model import PhotoItem, PhotoListModel

SIZES = (100_000,)
_MARKER = "bench-library.json"
_LAYOUT = 1
_ROOT = "/bench/timeline"
_FOLDERS = 100
_MODEL = "bench-timeline"  # recording a photo as decoded goes through a model's batch
_YEARS = 20
_FIRST_DAY = 35 * 365.25 * 86400  # about 2005-01-01, wall-clock seconds
_NO_EXIF = 0.1
_CHUNK = 50_000
WINDOW = (1280, 800)
THUMBNAIL = 160  # the slider's default
SCROLL_STEPS = 300  # jumps per pass at most (a page each when the range is shorter)


def library_paths(folder: Path) -> AppPaths:
    return AppPaths(folder / "data", folder / "cache", folder / "config", folder / "log")


def ensure_library(folder: Path, n: int) -> dict[str, Any]:
    """A library of `n` decoded photos dated over `_YEARS` years; built once, then cached.
    Returns its spec with the seconds the build took (when this call built it)."""
    spec = {"layout": _LAYOUT, "photos": n}
    marker = folder / _MARKER
    if marker.is_file():
        built: dict[str, Any] = json.loads(marker.read_text(encoding="utf-8"))
        if all(built.get(key) == value for key, value in spec.items()):
            return built
        marker.unlink()
    shutil.rmtree(folder / "data", ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(14)
    taken = _FIRST_DAY + rng.uniform(0, _YEARS * 365.25 * 86400, n)
    exif = rng.uniform(0, 1, n) >= _NO_EXIF
    # mtime: the moment the wall clock showed `taken` (near enough: UTC) for photos without EXIF
    mtimes = (taken * 1e9).astype(np.int64)
    started = time.perf_counter()
    with Library(library_paths(folder).ensure()) as library:
        store = library.store
        root_id = store.add_root(_ROOT)
        scanned = [
            ScannedFile(f"{_ROOT}/f{i % _FOLDERS:03d}/{i:07d}.jpg", 3_800_000, int(mtimes[i]))
            for i in range(n)
        ]
        store.apply_scan(root_id, scanned)
        model_id = store.model_id(_MODEL, 4)
        no_vectors = np.zeros((0, 4), dtype=np.float32)
        for begin in range(0, n, _CHUNK):
            decoded = [
                Decoded(i + 1, 4000, 3000, float(taken[i]) if exif[i] else None, "jpeg")
                for i in range(begin, min(n, begin + _CHUNK))
            ]
            store.commit_batch(model_id, decoded, [], no_vectors, [])
    built = spec | {"build_seconds": time.perf_counter() - started}
    marker.write_text(json.dumps(built), encoding="utf-8")
    return built


def bench_timeline(
    bench_dir: Path,
    sizes: tuple[int, ...],
    announce: Callable[[str], None],
    *,
    steps: int = SCROLL_STEPS,
) -> dict[str, Any]:
    """The timeline figures at each size (see the module's docstring); `steps`: the jumps of
    each scroll pass at most."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    results = []
    for n in sizes or SIZES:
        folder = bench_dir / f"photos-{n}"
        if not (folder / _MARKER).is_file():
            announce(f"building a library of {n:,} dated photos (once)")
        built = ensure_library(folder, n)
        announce(f"{n:,} photos: opening the timeline and scrolling it end to end")
        results.append(measure_grid(library_paths(folder), n, built, steps))
    return {"machine": describe(), "sizes": results}


def timeline_lines(result: dict[str, Any]) -> list[str]:
    """The report, one size a paragraph."""
    lines = []
    for size in result["sizes"]:
        opened = size["open_ms"]
        lines += [
            f"timeline of {size['photos']:,} photos in {size['sections']:,} months "
            f"({size['years']} years), window {size['window']}, thumbnails {size['thumbnail']} px:",
            f"  open to first paint: {opened['total']:.0f} ms "
            f"(browse {opened['browse']:.0f}, items {opened['items']:.0f}, "
            f"set_items {opened['set_items']:.0f}, first paint {opened['paint']:.0f})",
            f"  thumbnails asked for by the first paint: {size['first_paint_requests']} "
            f"(visible cells {size['visible_cells']})",
            f"  layout of every row done: {size['layout_ms']:.0f} ms after the first paint",
        ]
        for number, scroll in enumerate(size["passes"], start=1):
            lines.append(
                f"  scroll pass {number}: {scroll['steps']} jumps over {scroll['range_px']:,} px, "
                f"paint p50 {scroll['paint_p50_ms']:.1f} ms / p95 {scroll['paint_p95_ms']:.1f} ms, "
                f"thumbnails asked per jump max {scroll['max_requests']} "
                f"(total {scroll['requests']:,} of {size['photos']:,}), "
                f"RSS {_mb(scroll['rss_before_mb'])} -> {_mb(scroll['rss_after_mb'])} MiB"
            )
        lines.append(
            f"  column change ({size['columns']} -> {size['columns_after']} columns, every "
            f"month's cells moved): {size['column_change_ms']:.0f} ms"
        )
        lines.append(
            f"  thumbnails cached at the end: {size['cached']:,} "
            f"({size['cached_mb']:.0f} MiB: the cache's bound)"
        )
    machine = result["machine"]
    lines.append(
        f"machine: {machine['cpu']}, {machine['cores']} cores, load {machine['load_average']}"
    )
    return lines


def _mb(value: float | None) -> str:
    return "?" if value is None else f"{value:.0f}"


def _percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else 0.0


class _CountingLoader(ImageLoader):
    """Counts the thumbnails the grid asks for and answers each (once the event loop runs,
    as a worker would) with a generated image of the indexer's 4:3 thumbnail size."""

    def __init__(self) -> None:
        super().__init__(threads=1)
        self.requests = 0
        self._image = QImage(320, 240, QImage.Format.Format_RGB32)
        self._image.fill(QColor("#5b7c99"))

    def request_thumbnail(self, key: str, source: Path, cached: Path) -> None:
        self.requests += 1
        image = self._image.copy()  # pixels of its own, as a decoded thumbnail has
        QTimer.singleShot(0, lambda: self.loaded.emit(key, image))


class _TimedGrid(PhotoGrid):
    """The grid, noting when a paint that drew photos (asked for thumbnails) ends."""

    loader: _CountingLoader
    painted_at: float | None = None

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        before = self.loader.requests
        super().paintEvent(event)
        if self.painted_at is None and self.loader.requests > before:
            self.painted_at = time.perf_counter()


def _wait(app: QApplication, done: Callable[[], bool], seconds: float = 60.0) -> None:
    deadline = time.perf_counter() + seconds
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the grid did not get there in time")
        app.processEvents()


def measure_grid(
    paths: AppPaths, n: int, built: dict[str, Any], steps: int = SCROLL_STEPS
) -> dict[str, Any]:
    """Open the library's timeline in a grid as the app does, then scroll it end to end."""
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    loader = _CountingLoader()
    model = PhotoListModel(paths.thumbnails, loader)
    grid = _TimedGrid(model)
    grid.loader = loader
    grid.set_thumbnail_size(THUMBNAIL)
    grid.resize(*WINDOW)
    grid.show()  # the window is there at start-up; the photos come from the search worker
    _wait(app, lambda: grid.isVisible())
    app.processEvents()
    started = time.perf_counter()
    with Library(paths) as library:  # the search worker's browse of an empty query
        result = browse(library.store, NO_FILTERS, "date", None)
    browsed = time.perf_counter()
    items = [PhotoItem(hit.row, hit.score, hit.best) for hit in result.hits]
    itemised = time.perf_counter()
    model.set_items(items, result.best_count, sections=True)
    set_at = time.perf_counter()
    _wait(app, lambda: grid.painted_at is not None)
    painted = grid.painted_at or set_at
    first_requests = loader.requests
    _wait(app, lambda: grid.visualRect(model.index(model.rowCount() - 1)).isValid())
    laid_out = time.perf_counter()
    app.processEvents()
    rows_visible = math.ceil(grid.viewport().height() / grid.pitch().height()) + 1
    visible = model.columns * rows_visible
    passes = [_scroll_pass(app, grid, loader, steps) for _ in range(2)]
    columns_before = model.columns
    began = time.perf_counter()
    grid.resize(WINDOW[0] - 3 * grid.pitch().width() // 2, WINDOW[1])
    columns_ms = (time.perf_counter() - began) * 1000
    figures = {
        "photos": n,
        "sections": sum(1 for _ in model.photo_runs()),
        "years": len(model.year_rows()),
        "window": f"{WINDOW[0]}x{WINDOW[1]}",
        "thumbnail": THUMBNAIL,
        "columns": columns_before,
        "open_ms": {
            "browse": (browsed - started) * 1000,
            "items": (itemised - browsed) * 1000,
            "set_items": (set_at - itemised) * 1000,
            "paint": (painted - set_at) * 1000,
            "total": (painted - started) * 1000,
        },
        "first_paint_requests": first_requests,
        "visible_cells": visible,
        "layout_ms": (laid_out - painted) * 1000,
        "passes": passes,
        "column_change_ms": columns_ms,
        "columns_after": model.columns,
        "cached": model.thumbnails_loaded(),
        "cached_mb": model.thumbnail_bytes() / 2**20,
        "library": built,
    }
    grid.close()
    grid.deleteLater()
    loader.close()
    app.processEvents()
    return figures


def _scroll_pass(
    app: QApplication, grid: _TimedGrid, loader: _CountingLoader, most: int
) -> dict[str, Any]:
    """Jump from the top to the bottom in even steps (a page at least, `most` of them at
    most), painting each."""
    bar = grid.verticalScrollBar()
    bar.setValue(0)
    app.processEvents()
    page = max(1, grid.viewport().height())
    steps = min(most, math.ceil(bar.maximum() / page) + 1)
    positions = np.linspace(0, bar.maximum(), steps).round().astype(int)
    rss_before = rss_mb()
    counted = loader.requests
    per_step, paint_ms = [], []
    for position in positions:
        before = loader.requests
        bar.setValue(int(position))
        began = time.perf_counter()
        grid.viewport().repaint()
        paint_ms.append((time.perf_counter() - began) * 1000)
        per_step.append(loader.requests - before)
        app.processEvents()  # the thumbnails arrive and are cached
    return {
        "steps": int(steps),
        "range_px": int(bar.maximum()),
        "requests": loader.requests - counted,
        "max_requests": max(per_step, default=0),
        "paint_p50_ms": _percentile(paint_ms, 50),
        "paint_p95_ms": _percentile(paint_ms, 95),
        "rss_before_mb": rss_before,
        "rss_after_mb": rss_mb(),
    }
