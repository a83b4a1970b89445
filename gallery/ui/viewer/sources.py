"""The viewer's images: screen-size decodes of the photo on screen and its neighbours, and the
full-resolution decode of the photo on screen when the person zooms past the screen-size one.

All decoding (and the conversion to the paint engine's format) runs on the loader's pool; the
GUI thread only paints. What is kept is bounded: images of the current, previous and next photo
(screen size) and at most one full-resolution image (the current photo's). Results for a photo
the person has left are dropped, and requests for it that have not started are cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Signal, Slot
from PySide6.QtGui import QImage

from gallery.imaging.photo_info import PhotoInfo
from gallery.ui.images import ImageLoader, ViewImage

FULL_SIDE = 1 << 30  # "no reduction": decode_image keeps images smaller than the asked side
_SCREEN, _FULL, _INFO = "screen", "full", "info"


@dataclass(frozen=True)
class Shown:
    """A decode ready to paint."""

    image: QImage  # Format_RGB32, painted as it is
    original: QSize  # the whole photo, as displayed
    full: bool  # every pixel of the photo: no sharper decode exists


def _key(kind: str, path: str) -> str:
    return f"{kind}\0{path}"


class ViewerImages(QObject):
    """Asks the loader for what the viewer needs and hands back what is still wanted."""

    ready = Signal(str, object)  # (path, Shown) for the photo on screen
    failed = Signal(str, str)  # (path, reason) for the photo on screen
    info_ready = Signal(str, object)  # (path, PhotoInfo) for the photo on screen

    def __init__(self, screen_side: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.screen_side = screen_side  # short side of a screen-size decode, in pixels
        self.loader = ImageLoader(threads=2)
        self.loader.view_loaded.connect(self._loaded)
        self.loader.info_read.connect(self._info_read)
        self.loader.failed.connect(self._failed)
        self.current = ""
        self._kept: set[str] = set()  # current, previous, next
        self._screen: dict[str, Shown] = {}
        self._full: tuple[str, Shown] | None = None
        self._errors: dict[str, str] = {}
        self._infos: dict[str, PhotoInfo] = {}

    def show(self, path: str, neighbours: list[str], prefetch: str | None) -> None:
        """Make `path` the photo on screen: its best decode at once if held (`ready`), else a
        screen-size request ahead of the others; `prefetch` is decoded next. Everything not
        about `path` or `neighbours` is let go."""
        self.current = path
        self._kept = {path, *neighbours}
        self._screen = {p: shown for p, shown in self._screen.items() if p in self._kept}
        self._errors = {p: reason for p, reason in self._errors.items() if p in self._kept}
        self._infos = {p: info for p, info in self._infos.items() if p in self._kept}
        if self._full is not None and self._full[0] != path:
            self._full = None
        wanted = {_key(_SCREEN, p) for p in self._kept} | {_key(_INFO, path)}
        if self._full is None:
            wanted.add(_key(_FULL, path))
        self.loader.retain(wanted)
        held = self.held(path)
        if path in self._errors:
            self.failed.emit(path, self._errors[path])
        elif held is not None:
            self.ready.emit(path, held)
        else:
            self.loader.request_view(
                _key(_SCREEN, path), Path(path), self.screen_side, urgent=True
            )
        if prefetch is not None and prefetch not in self._screen and prefetch not in self._errors:
            self.loader.request_view(_key(_SCREEN, prefetch), Path(prefetch), self.screen_side)

    def held(self, path: str) -> Shown | None:
        """The sharpest decode of `path` in memory."""
        if self._full is not None and self._full[0] == path:
            return self._full[1]
        return self._screen.get(path)

    def want_full(self) -> bool:
        """Ask for the photo on screen at full resolution unless it is held or on its way;
        returns whether a request went out."""
        held = self.held(self.current)
        key = _key(_FULL, self.current)
        if held is None or held.full or key in self.loader.pending_keys():
            return False
        self.loader.request_view(key, Path(self.current), FULL_SIDE, urgent=True)
        return True

    def want_info(self) -> None:
        """The details of the photo on screen (`info_ready`), read once while it is kept."""
        path = self.current
        if path in self._infos:
            self.info_ready.emit(path, self._infos[path])
        else:
            self.loader.request_info(_key(_INFO, path), Path(path))

    def info(self, path: str) -> PhotoInfo | None:
        return self._infos.get(path)

    def kept_images(self) -> int:
        """How many decodes are in memory (the bound the tests check)."""
        return len(self._screen) + (self._full is not None)

    def close(self) -> None:
        """Let running decodes finish (closing: none may outlive the viewer)."""
        self.loader.close()

    @Slot(str, object)
    def _loaded(self, key: str, image: object) -> None:
        kind, _, path = key.partition("\0")
        if path not in self._kept or not isinstance(image, ViewImage):
            return  # the person moved on
        width, height = image.original_size
        shown = Shown(image.image, QSize(width, height), image.full)
        if kind == _FULL:
            if path != self.current:
                return
            self._full = (path, shown)
        else:
            self._screen[path] = shown
        if path == self.current:
            self.ready.emit(path, shown)

    @Slot(str, object)
    def _info_read(self, key: str, info: object) -> None:
        path = key.partition("\0")[2]
        if path in self._kept and isinstance(info, PhotoInfo):
            self._infos[path] = info
            if path == self.current:
                self.info_ready.emit(path, info)

    @Slot(str, str)
    def _failed(self, key: str, reason: str) -> None:
        kind, _, path = key.partition("\0")
        if path not in self._kept or kind == _INFO:
            return
        if kind == _FULL and path in self._screen:
            return  # the screen-size decode stays on screen
        self._errors[path] = reason
        if path == self.current:
            self.failed.emit(path, reason)
