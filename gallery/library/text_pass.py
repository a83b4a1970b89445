"""The text pass: after the embedding pass (search is ready first), read the text in photos.

Under the index run's writer lock, like the fingerprint backfill: decode threads make a reduced
decode of each photo (JPEG draft mode: a 12 MP photo at 1/2 scale, `ocr.DECODE_SIDE` on the
short side at least, never the full size) while the OCR models read the one before; what was
read is committed every `BATCH` photos or `COMMIT_SECONDS`, whichever comes first, so a crash
loses at most that. Every photo gets a status row, its lines, none, or the reason it failed,
so it is never read again; the next run asks SQLite for the rest. Cancel and pause are seen
between photos (a photo takes a second or more on a CPU); what was read before is committed.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from gallery.errors import Cancelled, UnsupportedImageError, UserError
from gallery.imaging import decode_image
from gallery.library import texts
from gallery.library.library import Library
from gallery.library.store import FileRow
from gallery.ml.ocr import DECODE_SIDE, TextLine, TextReader

log = logging.getLogger(__name__)

# A commit costs ~1 ms, a photo 0.1-3 s on a CPU: commit often, so a crash loses little.
BATCH = 8
COMMIT_SECONDS = 2.0
_FETCH = 256  # pending rows asked of SQLite at a time


@dataclass
class TextPassResult:
    read: int = 0  # photos read (with or without text)
    with_text: int = 0
    failed: int = 0
    gave_way: bool = False  # ended early for photos waiting to be embedded


def _decode(row: FileRow) -> Image.Image | str:
    """The photo at the text pass's reduced size, or why it cannot be read."""
    try:
        return decode_image(Path(row.path), DECODE_SIDE).image
    except UnsupportedImageError as exc:
        return exc.reason


def _rows(library: Library) -> Iterator[FileRow]:
    last_id = 0
    while rows := texts.pending(library.store, last_id, _FETCH):
        yield from rows
        last_id = rows[-1].id


def read_pending(
    library: Library,
    reader: TextReader,
    threads: int,
    between_photos: Callable[[], None],
    progress: Callable[[int, int, int, str], None],
    *,
    initializer: Callable[[], None] | None = None,
    give_way: Callable[[], bool] | None = None,
) -> TextPassResult:
    """Read every decoded photo the pass has not read yet.

    `between_photos` runs before each photo (it holds while paused and raises Cancelled);
    `progress(done, total, failed, last_path)` after each commit; `initializer` runs in each
    decode thread (the indexer's `yield_to_inference` when the models run on the CPU). The
    models load when the first photo that is not one flat colour needs them. When
    `give_way()` says photos wait to be embedded, the pass commits and ends early (the
    result says so): the next run embeds them first, then goes on reading."""
    result = TextPassResult()
    total = texts.counts(library.store).pending
    if not total:
        return result
    log.info("Reading the text in %d photos", total)
    started = time.perf_counter()
    read: list[tuple[int, list[TextLine]]] = []
    failures: list[tuple[int, str]] = []
    last_commit = time.perf_counter()
    last_path = ""

    def commit() -> None:
        nonlocal last_commit
        if read or failures:
            texts.record(library.store, read, failures)
            log.debug(
                "Text batch of %d: %d read, %d failed",
                len(read) + len(failures),
                len(read),
                len(failures),
            )
            result.read += len(read)
            result.with_text += sum(1 for _, lines in read if lines)
            result.failed += len(failures)
            read.clear()
            failures.clear()
            progress(result.read + result.failed, max(total, result.read), result.failed, last_path)
        last_commit = time.perf_counter()

    rows = _rows(library)
    in_flight: deque[tuple[FileRow, Future[Image.Image | str]]] = deque()
    with ThreadPoolExecutor(threads, "text-decode", initializer) as pool:
        try:
            while True:
                while len(in_flight) < threads * 2:
                    row = next(rows, None)
                    if row is None:
                        break
                    in_flight.append((row, pool.submit(_decode, row)))
                if not in_flight:
                    break
                between_photos()
                if give_way is not None and give_way():
                    result.gave_way = True
                    log.info("The text pass gives way to photos waiting to be indexed")
                    break
                row, future = in_flight.popleft()
                _read_one(reader, row, future.result(), read, failures)
                last_path = row.path
                if (
                    len(read) + len(failures) >= BATCH
                    or time.perf_counter() - last_commit > COMMIT_SECONDS
                ):
                    commit()
        except Cancelled:
            commit()
            raise
        finally:
            for _, future in in_flight:
                future.cancel()
        commit()
    log.info(
        "Read the text in %d photos (%d with text, %d failed) in %.1f s",
        result.read,
        result.with_text,
        result.failed,
        time.perf_counter() - started,
    )
    return result


def _read_one(
    reader: TextReader,
    row: FileRow,
    decoded: Image.Image | str,
    read: list[tuple[int, list[TextLine]]],
    failures: list[tuple[int, str]],
) -> None:
    if isinstance(decoded, str):
        log.info("No text read from %s: %s", row.path, decoded)
        failures.append((row.id, decoded))
        return
    try:
        read.append((row.id, reader.read(decoded)))
    except UserError:  # the models did not load: nothing to do with this photo
        raise
    except Exception as exc:  # the models' runtime (ORT, OpenCV) on one photo: record, go on
        log.warning("Text recognition failed on %s: %s", row.path, exc, exc_info=True)
        failures.append((row.id, f"text recognition failed: {exc}"))
