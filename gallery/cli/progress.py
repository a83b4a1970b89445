"""Progress lines on stderr (a terminal only), rewritten in place; every figure comes from
`gallery.formatting`, the same words as the app."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from gallery import formatting

if TYPE_CHECKING:
    from gallery.library.indexer import IndexProgress
    from gallery.ml.download import ModelDownloadProgress

_WIDTH = 100


def _overwrite(line: str) -> None:
    sys.stderr.write("\r" + line[:_WIDTH].ljust(_WIDTH))
    sys.stderr.flush()


def _with_eta(figures: str, seconds: float | None) -> str:
    left = formatting.eta(seconds)
    return f"{figures}, {left}" if left else figures


def index_printer() -> Callable[[IndexProgress], None] | None:
    """Scan count, then photos done with the rate and the time left."""
    if not sys.stderr.isatty():
        return None

    def show(p: IndexProgress) -> None:
        if p.stage == "scan":
            _overwrite(f"Scanning... {p.done} files")
            return
        figures = _with_eta(formatting.rate(p.rate, "img"), p.eta_seconds)
        _overwrite(f"Indexing {p.done}/{p.total} ({figures}), {p.failed} failed")

    return show


def download_printer(name: str) -> Callable[[ModelDownloadProgress], None] | None:
    """Bytes, speed and the time left, then the install step."""
    if not sys.stderr.isatty():
        return None

    def show(p: ModelDownloadProgress) -> None:
        if p.stage == "install":
            _overwrite(f"Installing {name}: checking that the model runs...")
            return
        done = formatting.size(p.bytes_done)
        of_total = f" of {formatting.size(p.bytes_total)}" if p.bytes_total else ""
        figures = _with_eta(formatting.rate(p.speed, "B"), p.eta)
        _overwrite(f"Downloading {name}: {done}{of_total} ({figures}) {p.current_file}")

    return show


def end_line(printer: object | None) -> None:
    """Leave the progress line behind before anything else is printed."""
    if printer is not None:
        sys.stderr.write("\n")
