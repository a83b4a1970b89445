"""Images for the GUI, made off the GUI thread: QImage in workers, QPixmap only in the GUI.

A thumbnail comes from the indexer's cache when it is there, else from the photo itself (and is
then cached), so folders show up before the model has seen them.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtGui import QImage

from gallery.errors import UnsupportedImageError
from gallery.imaging import THUMBNAIL_SIZE, decode_image, make_thumbnail, save_thumbnail

log = logging.getLogger(__name__)


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


def load_view_image(source: Path, min_side: int) -> QImage:
    return to_qimage(decode_image(source, min_side).image)


class ImageLoader(QObject):
    """Loads images on a thread pool and reports them by key; each key is loaded once at a time."""

    loaded = Signal(str, QImage)
    failed = Signal(str, str)

    def __init__(self, threads: int = 2) -> None:
        super().__init__()
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(threads)
        self._pending: set[str] = set()
        self.loaded.connect(self._on_loaded)
        self.failed.connect(self._on_loaded)

    def request_thumbnail(self, key: str, source: Path, cached: Path) -> None:
        self._start(key, lambda: load_thumbnail(source, cached))

    def request_view(self, key: str, source: Path, min_side: int) -> None:
        self._start(key, lambda: load_view_image(source, min_side))

    def _start(self, key: str, job: Callable[[], QImage]) -> None:
        if key in self._pending:
            return
        self._pending.add(key)
        self.pool.start(_Job(self, key, job))

    @Slot(str, object)
    def _on_loaded(self, key: str, _result: object) -> None:
        self._pending.discard(key)  # runs in the GUI thread, like _start

    @property
    def pending(self) -> int:
        return len(self._pending)

    def clear(self) -> None:
        self.pool.clear()
        self._pending.clear()

    def wait(self) -> None:
        self.pool.clear()
        self.pool.waitForDone()


class _Job(QRunnable):
    """One load on the pool. It holds its loader weakly: the pool keeps the job alive, and a
    strong reference back would make a cycle that only the garbage collector frees, in
    whichever thread it happens to run."""

    def __init__(self, loader: ImageLoader, key: str, job: Callable[[], QImage]) -> None:
        super().__init__()
        self.loader, self.key, self.job = weakref.ref(loader), key, job

    def run(self) -> None:
        try:
            image = self.job()
        except UnsupportedImageError as exc:
            unsupported = exc.reason
            self._report(lambda loader: loader.failed.emit(self.key, unsupported))
        except Exception as exc:
            log.exception("Loading %s failed", self.key)
            reason = str(exc)
            self._report(lambda loader: loader.failed.emit(self.key, reason))
        else:
            self._report(lambda loader: loader.loaded.emit(self.key, image))

    def _report(self, emit: Callable[[ImageLoader], object]) -> None:
        loader = self.loader()
        if loader is not None:  # else the loader is gone and nobody waits for the image
            emit(loader)
