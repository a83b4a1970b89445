"""The background pass that gives photos decoded before migration 3 their fingerprints.

Runs after the embedding pass of an index run (so it never delays it), under the same writer
lock: a small decode (JPEG draft mode at 1/8 scale when the photo allows, `SMALL` pixels on
the short side are plenty for a 32x32 reduction), the fingerprint, one transaction per batch.
Resumable for free: what is committed has its fingerprint, and the next run asks SQLite for
the rest. No vector is touched, so nothing is re-embedded.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from gallery.errors import UnsupportedImageError
from gallery.imaging import decode_image
from gallery.imaging.fingerprint import fingerprint
from gallery.library.library import Library
from gallery.library.store import NO_FINGERPRINT, FileRow

log = logging.getLogger(__name__)

SMALL = 64  # short side of the backfill's decode: the fingerprint reduces it to 32x32
BATCH = 256


def fingerprint_file(row: FileRow) -> int:
    """The fingerprint of one photo, or NO_FINGERPRINT when it no longer decodes."""
    try:
        return fingerprint(decode_image(Path(row.path), SMALL).image)
    except UnsupportedImageError as exc:
        log.info("No fingerprint for %s: %s", row.path, exc.reason)
        return NO_FINGERPRINT


def backfill(
    library: Library,
    threads: int,
    between_batches: Callable[[], None],
    progress: Callable[[int, int, str], None],
) -> int:
    """Fingerprint every decoded photo that has none; returns how many got one.

    `between_batches` runs before each batch (it holds while paused and raises Cancelled);
    `progress(done, total, last_path)` after each."""
    store = library.store
    total = store.fingerprint_pending_count()
    if not total:
        return 0
    log.info("Fingerprinting %d photos indexed before fingerprints existed", total)
    started = time.perf_counter()
    done = 0
    last_id = 0
    with ThreadPoolExecutor(threads, thread_name_prefix="fingerprint") as pool:
        while True:
            between_batches()
            rows = store.fingerprint_pending(last_id, BATCH)
            if not rows:
                break
            values = list(pool.map(fingerprint_file, rows))
            store.set_fingerprints(
                [(row.id, value) for row, value in zip(rows, values, strict=True)]
            )
            last_id = rows[-1].id
            done += len(rows)
            progress(done, max(total, done), rows[-1].path)
    log.info("Fingerprinted %d photos in %.1f s", done, time.perf_counter() - started)
    return done
