"""The grid's model: photo rows (or ranked hits) with lazily loaded, cached thumbnails.

Only rows the view asks to paint request a thumbnail, so 100,000 photos cost nothing until they
scroll into sight; loaded pixmaps live in a bounded LRU cache.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Slot,
)
from PySide6.QtGui import QColor, QIcon, QImage, QPixmap

from gallery.imaging import THUMBNAIL_SIZE
from gallery.imaging.thumbnails import thumbnail_file
from gallery.library.store import PhotoRow
from gallery.ui import i18n
from gallery.ui.images import ImageLoader

translate = QCoreApplication.translate

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
SCORE_ROLE = Qt.ItemDataRole.UserRole + 2
CACHE_SIZE = 3000

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class PhotoItem:
    row: PhotoRow
    score: float | None = None

    @property
    def key(self) -> str:
        return f"{self.row.path}\0{self.row.size}\0{self.row.mtime_ns}"


def tooltip(item: PhotoItem) -> str:
    """The score (from a search), the date taken, the size and the path, in the locale's forms."""
    lines = []
    if item.score is not None:
        lines.append(translate("PhotoListModel", "Score {score}").format(score=f"{item.score:.3f}"))
    if item.row.taken_at is not None:
        taken = i18n.date_time(item.row.taken_at)
        lines.append(translate("PhotoListModel", "Taken {date}").format(date=taken))
    lines += [i18n.size(item.row.size), item.row.path]
    return "\n".join(lines)


def _placeholder(size: int, colour: str) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return pixmap


class PhotoListModel(QAbstractListModel):
    def __init__(self, thumbnails_dir: Path, loader: ImageLoader) -> None:
        super().__init__()
        self.thumbnails_dir = thumbnails_dir
        self.loader = loader
        self.items: list[PhotoItem] = []
        self._rows_by_key: dict[str, int] = {}
        # Icons, not pixmaps: the view scales an icon to its icon size, a pixmap it would clip.
        self._cache: OrderedDict[str, QIcon] = OrderedDict()
        self._broken: set[str] = set()
        self._loading = QIcon(_placeholder(THUMBNAIL_SIZE, "#3a3d41"))
        self._failed = QIcon(_placeholder(THUMBNAIL_SIZE, "#5a2d2d"))
        loader.loaded.connect(self._thumbnail_loaded)
        loader.failed.connect(self._thumbnail_failed)

    def set_items(self, items: list[PhotoItem]) -> None:
        self.beginResetModel()
        self.items = items
        self._rows_by_key = {item.key: i for i, item in enumerate(items)}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.items):
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return Path(item.row.path).name
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbnail(item)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(item)
        if role == PATH_ROLE:
            return item.row.path
        if role == SCORE_ROLE:
            return item.score
        return None

    def _thumbnail(self, item: PhotoItem) -> QIcon:
        icon = self._cache.get(item.key)
        if icon is not None:
            self._cache.move_to_end(item.key)
            return icon
        if item.key in self._broken:
            return self._failed
        cached = thumbnail_file(
            self.thumbnails_dir, item.row.path, item.row.size, item.row.mtime_ns
        )
        self.loader.request_thumbnail(item.key, Path(item.row.path), cached)
        return self._loading

    @Slot(str, QImage)
    def _thumbnail_loaded(self, key: str, image: QImage) -> None:
        self._cache[key] = QIcon(QPixmap.fromImage(image))  # GUI thread: pixmaps only here
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        self._changed(key)

    @Slot(str, str)
    def _thumbnail_failed(self, key: str, _reason: str) -> None:
        self._broken.add(key)
        self._changed(key)

    def _changed(self, key: str) -> None:
        row = self._rows_by_key.get(key)
        if row is not None:
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def thumbnails_loaded(self) -> int:
        return len(self._cache)
