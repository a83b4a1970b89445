"""Progress lines on stderr (a terminal only), rewritten in place; every figure comes from
`gallery.formatting`, the same words as the app."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from gallery import formatting

if TYPE_CHECKING:
    from gallery.library.indexer import IndexProgress
    from gallery.ml.download import ModelDownloadProgress

_WIDTH = 100
P = TypeVar("P")


def _overwrite(line: str) -> None:
    sys.stderr.write("\r" + line[:_WIDTH].ljust(_WIDTH))
    sys.stderr.flush()


def _with_eta(figures: str, seconds: float | None) -> str:
    left = formatting.eta(seconds)
    return f"{figures}, {left}" if left else figures


def _line_of_index(p: IndexProgress) -> str:
    if p.stage == "scan":
        return f"Scanning... {p.done} files"
    figures = _with_eta(formatting.rate(p.rate, "img"), p.eta_seconds)
    return f"Indexing {p.done}/{p.total} ({figures}), {p.failed} failed"


def _line_of_download(name: str, p: ModelDownloadProgress) -> str:
    if p.stage == "install":
        return f"Installing {name}: checking that the model runs..."
    if p.stage == "wait":
        return str(p.current_file)  # "Waiting for another download of NAME…"
    done = formatting.size(p.bytes_done)
    of_total = f" of {formatting.size(p.bytes_total)}" if p.bytes_total else ""
    figures = _with_eta(formatting.rate(p.speed, "B"), p.eta)
    return f"Downloading {name}: {done}{of_total} ({figures}) {p.current_file}"


def _on_terminal(line: Callable[[P], str]) -> Callable[[P], None] | None:
    """A printer that rewrites its line in place, or None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None
    return lambda progress: _overwrite(line(progress))


def index_printer() -> Callable[[IndexProgress], None] | None:
    """Scan count, then photos done with the rate and the time left."""
    return _on_terminal(_line_of_index)


def download_printer(name: str) -> Callable[[ModelDownloadProgress], None] | None:
    """Bytes, speed and the time left, then the install step."""
    return _on_terminal(partial(_line_of_download, name))


def rows_printer(verb: str) -> Callable[[int, int], None] | None:
    """Rows of a vectors file done, of all."""
    if not sys.stderr.isatty():
        return None
    return lambda done, total: _overwrite(f"{verb} {done}/{total} rows")


def end_line(printer: object | None) -> None:
    """Leave the progress line behind before anything else is printed."""
    if printer is not None:
        sys.stderr.write("\n")
