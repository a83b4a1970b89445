"""Images for the GUI, made off the GUI thread: QImage in workers, QPixmap only in the GUI.

A thumbnail comes from the indexer's cache when it is there, else from the photo itself (and is
then cached), so folders show up before the model has seen them. The viewer asks for its images
at a size (`request_view`: screen size first, full resolution when zoomed in) and for a photo's
details (`request_info`), and cancels what it no longer needs (`retain`) as the person moves on.
"""

from __future__ import annotations

import logging
import sys
import threading
import weakref
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtGui import QImage

from gallery.errors import UnsupportedImageError
from gallery.imaging import THUMBNAIL_SIZE, decode_image, make_thumbnail, save_thumbnail
from gallery.imaging.photo_info import photo_info

log = logging.getLogger(__name__)

_RGB32_RAW = "BGRX" if sys.byteorder == "little" else "XRGB"  # QImage RGB32: 0xffRRGGBB words


def to_qimage(image: Image.Image) -> QImage:
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    data = rgb.tobytes()
    qimage = QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888)
    return qimage.copy()  # own the pixels: `data` dies with this frame


def load_thumbnail(source: Path, cached: Path) -> QImage:
    """The cached thumbnail, or one made now from the photo (and cached)."""
    if cached.is_file():
        image = QImage(str(cached))
        if not image.isNull():
            return image
    decoded = decode_image(source, THUMBNAIL_SIZE)
    thumb = make_thumbnail(decoded.image)
    try:
        save_thumbnail(thumb, cached)
    except OSError as exc:
        log.debug("Could not cache the thumbnail of %s: %s", source, exc)
    return to_qimage(thumb)


@dataclass(frozen=True)
class ViewImage:
    """A photo decoded for the viewer, and how much of the photo it holds."""

    image: QImage
    original_size: tuple[int, int]  # (width, height) of the whole photo, as displayed

    @property
    def full(self) -> bool:
        """Every pixel of the photo is here: zooming further needs no other decode."""
        return (self.image.width(), self.image.height()) == self.original_size


def to_display_qimage(image: Image.Image) -> QImage:
    """The paint engine's own format (RGB32), laid out by Pillow, which releases the GIL, on a
    buffer the QImage keeps alive (PySide holds it). Qt's copy and conversion of a 24 MP photo
    would hold the GIL, and so stall the GUI thread, for ~170 ms; painting converts nothing."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    data = rgb.tobytes("raw", _RGB32_RAW)
    return QImage(data, rgb.width, rgb.height, rgb.width * 4, QImage.Format.Format_RGB32)


def load_view_image(source: Path, min_side: int) -> ViewImage:
    decoded = decode_image(source, min_side)
    return ViewImage(to_display_qimage(decoded.image), decoded.original_size)


_OPEN_LOADERS: set[ImageLoader] = set()  # alive until closed, so never freed by a worker


class ImageLoader(QObject):
    """Loads images on a thread pool and reports them by key; each key is loaded once at a time.

    `loaded` carries thumbnails, `view_loaded` a `ViewImage`, `info_read` a `PhotoInfo`;
    `failed` any request's reason.

    A loader lives until its owner calls `close()` in the GUI thread. Dropped any earlier, the
    last reference could be a worker's (it holds one while it reports) and the loader, with its
    pool, would then be destroyed in that worker while the pool still runs: a crash.
    """

    loaded = Signal(str, QImage)
    view_loaded = Signal(str, object)
    info_read = Signal(str, object)
    failed = Signal(str, str)
    _finished = Signal(str, object)  # (key, the job's cancel flag): sent before its result

    def __init__(self, threads: int = 2) -> None:
        super().__init__()
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(threads)
        self._pending: dict[str, threading.Event] = {}  # key -> its newest job's cancel flag
        self._finished.connect(self._on_finished)
        self.closed = False
        _OPEN_LOADERS.add(self)

    def request_thumbnail(self, key: str, source: Path, cached: Path) -> None:
        self._start(key, lambda: load_thumbnail(source, cached), _emit_thumbnail)

    def request_view(self, key: str, source: Path, min_side: int, *, urgent: bool = False) -> None:
        """A decode whose short side is at least `min_side` (the whole photo when it is smaller):
        `view_loaded(key, ViewImage)`. Urgent requests (the photo on screen) go first."""
        self._start(key, lambda: load_view_image(source, min_side), _emit_view, int(urgent))

    def request_info(self, key: str, source: Path) -> None:
        """The photo's details, from its header and EXIF: `info_read(key, PhotoInfo)`."""
        self._start(key, lambda: photo_info(source), _emit_info, 1)

    def retain(self, keys: Collection[str]) -> None:
        """Cancel the requests for other keys that have not started; those running finish (their
        results still arrive: the asker drops what it no longer wants)."""
        for key, cancel in self._pending.items():
            if key not in keys:
                cancel.set()

    def _start(
        self, key: str, job: Callable[[], object], emit: _Emit, priority: int = 0
    ) -> None:
        if self.closed or (key in self._pending and not self._pending[key].is_set()):
            return
        cancel = self._pending[key] = threading.Event()
        self.pool.start(_Job(self, key, job, emit, cancel), priority)

    @Slot(str, object)
    def _on_finished(self, key: str, cancel: object) -> None:
        # In the GUI thread, like _start. A cancelled job's key may have been asked for again
        # (a new job, a new flag): only the newest job's end frees the key.
        if self._pending.get(key) is cancel:
            del self._pending[key]

    def pending_keys(self) -> set[str]:
        """Keys asked for and not yet answered or skipped."""
        return set(self._pending)

    @property
    def pending(self) -> int:
        return len(self._pending)

    def clear(self) -> None:
        self.pool.clear()
        self._pending.clear()

    def close(self) -> None:
        """Drop what has not started, wait for what runs, and ignore any later request; the
        loader is then freed with its last reference, in the GUI thread."""
        self.closed = True
        self.clear()
        self.pool.waitForDone()
        _OPEN_LOADERS.discard(self)


_Emit = Callable[[ImageLoader, str, object], None]


def _emit_thumbnail(loader: ImageLoader, key: str, result: object) -> None:
    loader.loaded.emit(key, result)


def _emit_view(loader: ImageLoader, key: str, result: object) -> None:
    loader.view_loaded.emit(key, result)


def _emit_info(loader: ImageLoader, key: str, result: object) -> None:
    loader.info_read.emit(key, result)


class _Job(QRunnable):
    """One load on the pool. It holds its loader weakly: the pool keeps the job alive, and a
    strong reference back would make a cycle that only the garbage collector frees, in
    whichever thread it happens to run (an open loader is held by `_OPEN_LOADERS`)."""

    def __init__(
        self,
        loader: ImageLoader,
        key: str,
        job: Callable[[], object],
        emit: _Emit,
        cancel: threading.Event,
    ) -> None:
        super().__init__()
        self.loader, self.key, self.job = weakref.ref(loader), key, job
        self.emit, self.cancel = emit, cancel

    def run(self) -> None:
        if self.cancel.is_set():
            self._report(None)
            return
        try:
            result = self.job()
        except UnsupportedImageError as exc:
            unsupported = exc.reason
            self._report(lambda loader: loader.failed.emit(self.key, unsupported))
        except Exception as exc:
            log.exception("Loading %s failed", self.key)
            reason = str(exc)
            self._report(lambda loader: loader.failed.emit(self.key, reason))
        else:
            self._report(lambda loader: self.emit(loader, self.key, result))

    def _report(self, emit: Callable[[ImageLoader], object] | None) -> None:
        loader = self.loader()
        if loader is None or loader.closed:  # nobody waits for the result any more
            return
        loader._finished.emit(self.key, self.cancel)
        if emit is not None:
            emit(loader)
