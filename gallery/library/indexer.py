"""The indexing pipeline shared by the app's worker and `gallery index`.

scan -> bulk diff against SQLite -> decode in a thread pool (one decode makes both the model
tensor and the thumbnail) -> batches of the model-aware size -> encode -> one transaction per
batch -> hnswlib add. Decoding overlaps inference (Pillow and ONNX Runtime release the GIL).
Cancellation and pausing are checked between batches; whatever was committed stays committed.
A run holds the library's writer lock (paused too), so two indexers never write one library at
once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from gallery.errors import Cancelled, LibraryError, UserError
from gallery.imaging import THUMBNAIL_SIZE, save_thumbnail, thumbnail_file
from gallery.library import faults, fingerprints, text_pass
from gallery.library.decoding import DecodedPhoto, decode_photo
from gallery.library.library import Library
from gallery.library.scanner import scan
from gallery.library.store import FileRow
from gallery.library.vectors import VectorIndex
from gallery.ml.encoder import ClipModel
from gallery.ml.ocr import TextReader
from gallery.text import say

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]
SAVE_INTERVAL_SECONDS = 60.0
DECODE_NICE = 19  # a decode thread's nice value while the model runs on the CPU: the lowest


def yield_to_inference() -> None:
    """Lower the calling decode thread's priority (Linux: nice is per thread).

    On the CPU, ONNX Runtime's threads meet at a barrier after every operator: a decode thread
    that preempts one of them stalls the others. At a lower priority decode fills the time they
    leave idle and takes the cores when the model waits for photos, so the two share the cores
    instead of fighting over them (measured: docs/benchmarks.md). Nice 19 rather than
    SCHED_IDLE, which measured the same but would stop decoding whenever anything else runs.
    """
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), DECODE_NICE)


@dataclass(frozen=True)
class IndexProgress:
    stage: str  # "scan", "index", "fingerprints" (the backfill after the embedding pass), "text"
    done: int
    total: int
    failed: int
    rate: float  # images per second, time paused left out
    eta_seconds: float | None
    current: str


@dataclass
class IndexSummary:
    scanned: int = 0
    new: int = 0
    updated: int = 0
    removed: int = 0
    failed: int = 0
    skipped: int = 0
    embedded: int = 0
    fingerprinted: int = 0  # photos indexed before fingerprints existed that got one
    text_read: int = 0  # photos the text pass read (with or without text)
    text_found: int = 0  # of them, photos with text
    text_failed: int = 0
    seconds: float = 0.0
    cancelled: bool = False
    stage_seconds: dict[str, float] = field(default_factory=dict)
    model: str = ""
    device: str = ""
    batch_size: int = 0
    decode_threads: int = 0
    retried: int = 0  # batches tried again after a cluster worker died on them

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        data["stage_seconds"] = {k: round(v, 3) for k, v in self.stage_seconds.items()}
        return data


@dataclass(frozen=True)
class EmbedderFacts:
    """What the writer needs to know of where photos are embedded."""

    device: str  # for the summary and the log: "CPU", "GPU: CUDA", a cluster's actors
    batch_size: int
    dim: int
    decode_threads: int


@dataclass
class EmbeddedBatch:
    """Photos in a batch, decoded and encoded: `vectors` has one row per photo that has `meta`
    (in order); the others carry their `error`."""

    photos: list[DecodedPhoto]
    vectors: FloatArray
    encode_seconds: float
    retried: int = 0  # how many times a cluster worker died on it first


class Embedder(Protocol):
    """Where photos are decoded and encoded: this process (`LocalEmbedder`) or a cluster
    (`gallery.cluster.ClusterEmbedder`); the indexer stays the only writer either way."""

    def start(self) -> EmbedderFacts:
        """Load the model (and reach the workers); before the clock of the batches."""
        ...

    def batches(self, rows: list[FileRow], batch_size: int) -> Generator[EmbeddedBatch, None, None]:
        """Every row embedded, a batch at a time; the next batch is asked for only after the
        previous one is committed (and not while the run is paused)."""
        ...

    def close(self) -> None:
        """Let go of what `start` took (workers, connections); the run is over."""
        ...


def encode_photos(model: ClipModel, photos: list[DecodedPhoto], dim: int) -> EmbeddedBatch:
    """Encode the decoded photos of a batch (here or on a cluster worker)."""
    tensors = [photo.tensor for photo in photos if photo.tensor is not None]
    started = time.perf_counter()
    if tensors:
        vectors = model.embed_image_tensors(np.stack(tensors))
    else:
        vectors = np.zeros((0, dim), dtype=np.float32)
    for photo in photos:
        photo.tensor = None  # the batch waits for the writer: keep only what it records
    return EmbeddedBatch(photos, vectors, time.perf_counter() - started)


class LocalEmbedder:
    """Decode in a thread pool (one decode makes both the model tensor and the thumbnail),
    encode here; decoding overlaps inference (Pillow and ONNX Runtime release the GIL)."""

    def __init__(self, model: ClipModel, decode_threads: int, thumbnails: Path | None) -> None:
        """`thumbnails`: the cache folder they are written to (None: no thumbnails)."""
        self.model = model
        self.decode_threads = decode_threads
        self.thumbnails = thumbnails
        size = model.folder.preprocess.size
        self.min_side = max(size, THUMBNAIL_SIZE) if thumbnails is not None else size
        self.on_gpu = False
        self.dim = 0

    def start(self) -> EmbedderFacts:
        report = self.model.load_image_tower().report
        self.on_gpu = report.on_gpu
        self.dim = self.model.image_dim()
        return EmbedderFacts(
            report.summary(),
            self.model.batch_size_for(report),
            self.dim,
            self.decode_threads,
        )

    def close(self) -> None:
        """The model stays loaded for the next run."""

    def _decode(self, row: FileRow) -> DecodedPhoto:
        photo = decode_photo(
            row,
            self.model.folder.preprocess,
            self.min_side,
            thumbnail=self.thumbnails is not None,
        )
        if photo.thumbnail is not None and self.thumbnails is not None:
            try:
                save_thumbnail(
                    photo.thumbnail,
                    thumbnail_file(self.thumbnails, row.path, row.size, row.mtime_ns),
                )
            except OSError as exc:  # the thumbnail cache, not the photo
                log.warning("Could not write the thumbnail of %s: %s", row.path, exc)
            photo.thumbnail = None
        return photo

    def batches(self, rows: list[FileRow], batch_size: int) -> Generator[EmbeddedBatch, None, None]:
        in_flight: deque[Future[DecodedPhoto]] = deque()
        pending = iter(rows)
        prefetch = batch_size * 2 + self.decode_threads * 2
        with ThreadPoolExecutor(
            self.decode_threads,
            thread_name_prefix="decode",
            initializer=None if self.on_gpu else yield_to_inference,
        ) as pool:
            try:
                while True:
                    while len(in_flight) < prefetch:
                        row = next(pending, None)
                        if row is None:
                            break
                        in_flight.append(pool.submit(self._decode, row))
                    if not in_flight:
                        return
                    photos = [
                        in_flight.popleft().result() for _ in range(min(batch_size, len(in_flight)))
                    ]
                    yield encode_photos(self.model, photos, self.dim)
            finally:
                for future in in_flight:
                    future.cancel()


ProgressCallback = Callable[[IndexProgress], None]
_PAUSE_SLICE = 0.1  # seconds: how soon a cancel is seen while paused


@dataclass
class _Run:
    """One `run` call: its inputs, the model's device facts, and what it has done so far."""

    roots: list[Path]
    progress: ProgressCallback | None
    cancel: threading.Event
    paused: threading.Event | None
    summary: IndexSummary
    batch_size: int
    index: VectorIndex
    identities: dict[str, tuple[int, int]] = field(default_factory=dict)  # root: (dev, ino)
    paused_seconds: float = 0.0

    def emit(self, event: IndexProgress) -> None:
        if self.progress is not None:
            self.progress(event)

    def timed(self, stage: str, since: float) -> float:
        """Add the time from `since` to `stage`; returns now."""
        now = time.perf_counter()
        self.summary.stage_seconds[stage] += now - since
        return now

    def check_roots(self) -> None:
        """Stop when a root is gone or is no longer the folder it was (a drive unmounted under
        its mount point), before its files are recorded as vanished or deleted."""
        for path, identity in self.identities.items():
            try:
                info = Path(path).stat()
            except OSError:
                info = None
            if info is None or (info.st_dev, info.st_ino) != identity:
                raise UserError(
                    say(
                        "The folder {path} disappeared during indexing "
                        "(was its drive disconnected?).",
                        path=path,
                    ),
                    say("Reconnect it and index again; {kept}.", kept=faults.KEPT),
                )

    def check_cancel(self) -> None:
        if self.cancel.is_set():
            raise Cancelled("indexing cancelled")

    def hold_while_paused(self) -> None:
        """Hold between batches while `paused` is set, in short slices so a cancel is seen."""
        if self.paused is None or not self.paused.is_set():
            return
        log.info("Indexing paused after %d photos", self.summary.embedded + self.summary.failed)
        started = time.perf_counter()
        while self.paused.is_set():
            if self.cancel.wait(_PAUSE_SLICE):
                raise Cancelled("indexing cancelled while paused")
        held = time.perf_counter() - started
        self.paused_seconds += held
        log.info("Indexing resumed after %.1f s paused", held)


class Indexer:
    def __init__(
        self,
        library: Library,
        model: ClipModel,
        *,
        decode_threads: int | None = None,
        excluded: Sequence[str] = (),
        thumbnails: bool = True,
        lock_wait: float = 0.0,
        embedder: Embedder | None = None,
        text: bool = True,
        text_reader: TextReader | None = None,
        photos_waiting: Callable[[], bool] | None = None,
    ) -> None:
        """`lock_wait`: seconds to wait for another indexer of the library before LibraryBusy;
        `embedder`: where photos are decoded and encoded (default: here); `text`: run the text
        pass after the embedding pass (with `text_reader`, or one on the model's device, loaded
        when a photo needs it); `photos_waiting()`: new photos wait for a run (the app's queue,
        the watcher's), so the text pass ends early for them."""
        self.library = library
        self.model = model
        self.text = text
        self._text_reader = text_reader
        self.photos_waiting = photos_waiting
        self.decode_threads = decode_threads or max(1, os.cpu_count() or 1)
        self.excluded = tuple(excluded)
        self.lock_wait = lock_wait
        self.embedder: Embedder = embedder or LocalEmbedder(
            model, self.decode_threads, library.paths.thumbnails if thumbnails else None
        )

    # the run -----------------------------------------------------------------------------------
    def run(
        self,
        roots: Sequence[Path],
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        *,
        paused: threading.Event | None = None,
    ) -> IndexSummary:
        """Index `roots`, holding the library's writer lock for the whole run (paused too).

        While `paused` is set the run holds between batches; a cancel still ends it."""
        cancel = cancel or threading.Event()
        with self.library.writing(say("indexing this library"), self.lock_wait, cancel):
            try:
                return self._run(list(roots), progress, cancel, paused)
            finally:
                self.embedder.close()

    def _run(
        self,
        roots: list[Path],
        progress: ProgressCallback | None,
        cancel: threading.Event,
        paused: threading.Event | None,
    ) -> IndexSummary:
        started = time.perf_counter()
        facts = self.embedder.start()  # before the clock of the batches
        summary = IndexSummary(
            model=self.model.name,
            device=facts.device,
            batch_size=facts.batch_size,
            decode_threads=facts.decode_threads,
            stage_seconds=dict.fromkeys(("scan", "decode", "encode", "write"), 0.0),
        )
        run = _Run(
            roots,
            progress,
            cancel,
            paused,
            summary,
            facts.batch_size,
            self.library.vector_index(self.model.name, facts.dim),
        )
        log.info(
            "Indexing %s with %s on %s, batch %d, %d decode threads",
            [str(r) for r in roots],
            self.model.name,
            facts.device,
            facts.batch_size,
            facts.decode_threads,
        )
        finished = False
        try:
            try:
                root_ids = self._scan_roots(run)
                pending = self.library.store.pending(run.index.model_id, root_ids)
                summary.skipped = summary.scanned - len(pending)
                self._index_files(run, pending)
                self._backfill_fingerprints(run)
                if self.text:
                    self._read_text(run)
            except Cancelled:
                summary.cancelled = True
                log.info("Indexing cancelled; committed batches are kept")
            finished = True
        finally:
            write_started = time.perf_counter()
            try:
                _save_index(run.index, after_error=not finished)
            finally:
                run.timed("write", write_started)
                summary.seconds = time.perf_counter() - started
                log.info(
                    "Indexed in %.1f s: %d scanned, %d new, %d updated, %d removed, "
                    "%d embedded, %d failed, %d skipped; stages %s",
                    summary.seconds,
                    summary.scanned,
                    summary.new,
                    summary.updated,
                    summary.removed,
                    summary.embedded,
                    summary.failed,
                    summary.skipped,
                    {k: round(v, 2) for k, v in summary.stage_seconds.items()},
                )
        return summary

    def _scan_roots(self, run: _Run) -> list[int]:
        scan_started = time.perf_counter()
        summary = run.summary
        root_ids = []
        for root in run.roots:
            root = root.expanduser().resolve()
            if not root.is_dir():
                raise UserError(
                    say("The folder {root} does not exist or is not a folder.", root=root),
                    say("Check the path, or reconnect the drive it is on."),
                )
            info = root.stat()
            run.identities[str(root)] = (info.st_dev, info.st_ino)
            root_id = self.library.store.add_root(str(root))
            root_ids.append(root_id)

            def found(count: int, where: str = str(root)) -> None:
                if count % 200 == 0:
                    run.emit(IndexProgress("scan", summary.scanned + count, 0, 0, 0.0, None, where))

            unreadable: list[str] = []
            scanned = list(scan(root, self.excluded, run.cancel, found, unreadable.append))
            run.check_roots()  # a drive gone mid-scan must not read as "every photo deleted"
            self._refuse_emptied_root(root, root_id, scanned)
            diff = self.library.store.apply_scan(root_id, scanned, unreadable)
            self.library.forget_files(diff.removed_ids)
            summary.scanned += len(scanned)
            summary.new += diff.new
            summary.updated += diff.updated
            summary.removed += len(diff.removed_ids) - diff.updated
        run.timed("scan", scan_started)
        return root_ids

    def _refuse_emptied_root(self, root: Path, root_id: int, scanned: Sequence[object]) -> None:
        """An empty mount point of an unplugged drive looks like a folder whose photos were all
        deleted; dropping hours of index on that guess is worse than asking."""
        if scanned:
            return
        known = len(self.library.store.files_under(root_id))
        if known:
            raise UserError(
                say(
                    "The folder {root} is empty now, but the library holds {known} photos from it.",
                    root=root,
                    known=known,
                ),
                say(
                    "If it is on a drive that is not connected, connect it and index again; if "
                    "you emptied it on purpose, remove the folder from the library ({kept}).",
                    kept=faults.KEPT,
                ),
            )

    def _index_files(self, run: _Run, pending: list[FileRow]) -> None:
        total = len(pending)
        if not total:
            return
        started = time.perf_counter()
        done = 0
        last_save = started
        batches = self.embedder.batches(pending, run.batch_size)
        with contextlib.closing(batches):
            while True:
                run.hold_while_paused()  # before more work is handed out
                batch = next(batches, None)
                if batch is None:
                    break
                run.check_cancel()
                self._commit(run, batch)
                done += len(batch.photos)
                elapsed = time.perf_counter() - started - run.paused_seconds
                rate = done / elapsed if elapsed > 0 else 0.0
                run.emit(
                    IndexProgress(
                        "index",
                        done,
                        total,
                        run.summary.failed,
                        rate,
                        (total - done) / rate if rate else None,
                        batch.photos[-1].row.path,
                    )
                )
                if time.perf_counter() - last_save > SAVE_INTERVAL_SECONDS:
                    run.index.save()
                    last_save = time.perf_counter()

    def _backfill_fingerprints(self, run: _Run) -> None:
        """Fingerprints for the photos decoded before they existed, after the embedding pass."""
        started = time.perf_counter()
        paused_before = run.paused_seconds

        def between_batches() -> None:
            run.hold_while_paused()
            run.check_cancel()

        def progress(done: int, total: int, current: str) -> None:
            elapsed = time.perf_counter() - started - (run.paused_seconds - paused_before)
            rate = done / elapsed if elapsed > 0 else 0.0
            eta = (total - done) / rate if rate else None
            run.emit(IndexProgress("fingerprints", done, total, 0, rate, eta, current))
            run.summary.fingerprinted = done

        fingerprints.backfill(self.library, self.decode_threads, between_batches, progress)

    def text_reader(self) -> TextReader:
        if self._text_reader is None:
            self._text_reader = TextReader(self.model.device, self.model.threads)
        return self._text_reader

    def _read_text(self, run: _Run) -> None:
        """The text pass, after the embedding pass and the fingerprints (search is ready)."""
        started = time.perf_counter()
        paused_before = run.paused_seconds

        def between_photos() -> None:
            run.hold_while_paused()
            run.check_cancel()

        def progress(done: int, total: int, failed: int, current: str) -> None:
            elapsed = time.perf_counter() - started - (run.paused_seconds - paused_before)
            rate = done / elapsed if elapsed > 0 else 0.0
            eta = (total - done) / rate if rate else None
            run.emit(IndexProgress("text", done, total, failed, rate, eta, current))
            run.summary.text_read, run.summary.text_failed = done - failed, failed

        report = self.model.loaded_report  # the text reader runs on the model's device
        on_gpu = report is not None and report.on_gpu
        result = text_pass.read_pending(
            self.library,
            self.text_reader(),
            self.decode_threads,
            between_photos,
            progress,
            initializer=None if on_gpu else yield_to_inference,
            give_way=self.photos_waiting,
        )
        run.summary.text_found = result.with_text

    def _commit(self, run: _Run, batch: EmbeddedBatch) -> None:
        """One transaction for the batch's metadata, vectors and failures, then hnswlib."""
        run.summary.stage_seconds["decode"] += sum(photo.seconds for photo in batch.photos)
        run.summary.stage_seconds["encode"] += batch.encode_seconds
        run.summary.retried += batch.retried
        if any(photo.error is not None for photo in batch.photos):
            run.check_roots()
        good = [photo.meta for photo in batch.photos if photo.meta is not None]
        failures = [
            (photo.row.id, photo.error) for photo in batch.photos if photo.error is not None
        ]
        for photo in batch.photos:
            if photo.error is not None:
                log.info("Skipping %s: %s", photo.row.path, photo.error)
        write_started = time.perf_counter()
        ids = [meta.file_id for meta in good]
        generation = self.library.store.commit_batch(
            run.index.model_id, good, ids, batch.vectors, failures
        )
        run.index.add(ids, batch.vectors, generation)
        run.timed("write", write_started)
        run.summary.embedded += len(good)
        run.summary.failed += len(failures)
        log.debug(
            "Batch of %d: %d embedded, %d failed, encode %.0f ms (%.1f img/s)",
            len(batch.photos),
            len(good),
            len(failures),
            batch.encode_seconds * 1000,
            len(good) / max(batch.encode_seconds, 1e-9),
        )


def _save_index(index: VectorIndex, *, after_error: bool) -> None:
    """Save at the end of a run. After another error a failed save is only logged: that first
    error is the one to report, and SQLite holds every committed batch either way."""
    try:
        index.save()
    except LibraryError as exc:
        if not after_error:
            raise
        log.warning("The vector index was not saved: %s", exc)
