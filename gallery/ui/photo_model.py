"""The grid's model: photo rows (or ranked hits) with lazily loaded, cached thumbnails, and
the cells that set the best matches apart from the rest.

Only rows the view asks to paint request a thumbnail, so 100,000 photos cost nothing until they
scroll into sight; loaded pixmaps live in a bounded LRU cache.

The grid is an icon view with uniform item sizes, so the divider between the best matches and
the rest is made of cells: blank cells complete the last row of best matches, then a row of
divider cells (the first carries "More results", the others continue its line) starts the
rest on a row of its own. Where a row ends depends on the view's column count, so the view
tells the model (`set_columns`) and the cells follow; no photo row moves. The cells carry no
path and cannot be selected: `photo_at(row)` is the one way from a row to a photo.
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
# A divider cell's column in the divider row (0: the cell that carries the text); None elsewhere.
DIVIDER_ROLE = Qt.ItemDataRole.UserRole + 3
CACHE_SIZE = 3000

Index = QModelIndex | QPersistentModelIndex
PHOTO_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


@dataclass(frozen=True)
class PhotoItem:
    row: PhotoRow
    score: float | None = None
    best: bool = False  # one of the query's best matches

    @property
    def key(self) -> str:
        return f"{self.row.path}\0{self.row.size}\0{self.row.mtime_ns}"


def tooltip(item: PhotoItem) -> str:
    """The score (from a search), the date taken, the size and the path, in the locale's forms."""
    lines = []
    if item.score is not None:
        score = f"{item.score:.3f}"
        if item.best:
            text = translate("PhotoListModel", "Score {score} · best match")
        else:
            text = translate("PhotoListModel", "Score {score}")
        lines.append(text.format(score=score))
    if item.row.taken_at is not None:
        taken = i18n.date_time(item.row.taken_at)
        lines.append(translate("PhotoListModel", "Taken {date}").format(date=taken))
    lines += [i18n.size(item.row.size), item.row.path]
    return "\n".join(lines)


def divider_text() -> str:
    return translate("PhotoListModel", "More results")


def _placeholder(size: int, colour: str) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return pixmap


class PhotoListModel(QAbstractListModel):
    """Rows are the best matches, then (when both parts are there) the blank and divider
    cells, then the rest; everything is arithmetic on three numbers, so 100,000 photos need
    no per-row bookkeeping."""

    def __init__(self, thumbnails_dir: Path, loader: ImageLoader) -> None:
        super().__init__()
        self.thumbnails_dir = thumbnails_dir
        self.loader = loader
        self.items: list[PhotoItem] = []  # the photos in order, without the divider's cells
        self.best_count = 0
        self.columns = 1
        self._keys: dict[str, int] = {}  # thumbnail key -> index in items
        # Icons, not pixmaps: the view scales an icon to its icon size, a pixmap it would clip.
        self._cache: OrderedDict[str, QIcon] = OrderedDict()
        self._broken: set[str] = set()
        self._loading = QIcon(_placeholder(THUMBNAIL_SIZE, "#3a3d41"))
        self._failed = QIcon(_placeholder(THUMBNAIL_SIZE, "#5a2d2d"))
        loader.loaded.connect(self._thumbnail_loaded)
        loader.failed.connect(self._thumbnail_failed)

    # the photos and the divider ----------------------------------------------------------------
    def set_items(self, items: list[PhotoItem], best_count: int = 0) -> None:
        """Show these photos; the first `best_count` are best matches, set apart from the
        rest by the divider when both parts are there."""
        self.beginResetModel()
        self.items = items
        self.best_count = best_count
        self._keys = {item.key: i for i, item in enumerate(items)}
        self.endResetModel()

    def set_columns(self, columns: int) -> None:
        """The view's column count changed: only the cells between the parts change number
        (added or removed right after the best matches), so selections stay on their photos."""
        columns = max(1, columns)
        if columns == self.columns:
            return
        before = self._cells()
        self.columns = columns
        after = self._cells()
        start = self.best_count
        if after > before:
            self.beginInsertRows(QModelIndex(), start, start + after - before - 1)
            self.endInsertRows()
        elif after < before:
            self.beginRemoveRows(QModelIndex(), start, start + before - after - 1)
            self.endRemoveRows()
        if after:
            self.dataChanged.emit(self.index(start), self.index(start + after - 1))

    @property
    def has_divider(self) -> bool:
        return 0 < self.best_count < len(self.items)

    def divider_row(self) -> int | None:
        """The row of the divider cell that carries the text: the first of its own row."""
        if not self.has_divider:
            return None
        return self.best_count + (-self.best_count) % self.columns

    def _cells(self) -> int:
        divider = self.divider_row()
        return 0 if divider is None else divider + self.columns - self.best_count

    def photo_index(self, row: int) -> int | None:
        """Which photo (an index in `items`) a row shows; None for a cell of the divider."""
        if row < 0 or row >= self.rowCount():
            return None
        if row < self.best_count or not self.has_divider:
            return row
        rest = row - self._cells()
        return rest if rest >= self.best_count else None

    def photo_at(self, row: int) -> PhotoItem | None:
        index = self.photo_index(row)
        return None if index is None else self.items[index]

    def row_of(self, index: int) -> int:
        """The row that shows items[index]."""
        return index if index < self.best_count else index + self._cells()

    def photos(self, rows: list[int]) -> list[PhotoItem]:
        """The photos of these rows, in row order, the divider's cells left out."""
        found = (self.photo_at(row) for row in sorted(set(rows)))
        return [item for item in found if item is not None]

    def _divider_column(self, row: int) -> int | None:
        divider = self.divider_row()
        if divider is None or not divider <= row < divider + self.columns:
            return None
        return row - divider

    # the Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.items) + self._cells()

    def flags(self, index: Index) -> Qt.ItemFlag:
        if index.isValid() and self.photo_index(index.row()) is not None:
            return PHOTO_FLAGS
        return Qt.ItemFlag.NoItemFlags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.photo_at(index.row())
        if item is None:
            if role == DIVIDER_ROLE:
                return self._divider_column(index.row())
            if role == Qt.ItemDataRole.DisplayRole and self._divider_column(index.row()) == 0:
                return divider_text()
            return None
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

    # thumbnails --------------------------------------------------------------------------------
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
        found = self._keys.get(key)
        if found is not None:
            index = self.index(self.row_of(found))
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def thumbnails_loaded(self) -> int:
        return len(self._cache)
