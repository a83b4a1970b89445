"""The grid's model: photo rows (or ranked hits) with lazily loaded, cached thumbnails, and
the cells that set parts of them apart: the divider between the best matches and the rest, and
the timeline's month headers.

Only rows the view asks to paint request a thumbnail, so 100,000 photos cost nothing until they
scroll into sight; loaded pixmaps live in an LRU cache bounded by their bytes (and a count), so
memory stays flat however far the grid scrolls, but never below what the view shows at once
(which the view says, `set_visible_cells`): a cache smaller than a screen would evict what it
is painting and load it again forever.

The grid is an icon view with uniform item sizes, so a header is made of cells: blank cells
complete the last row of the part before it, then a row of header cells (the first carries the
text, "More results" or "March 2024 · 312 photos", the others continue its line) starts the
part on a row of its own. The photos are cut into blocks, each an optional header row, a run of
photos and the blank cells that end its last row; a row is found from a photo (and back) by
bisecting the blocks' first rows, so nothing is done per photo. Where a row ends depends on the
view's column count, so the view tells the model (`set_columns`) and each block's cells follow
(inserted or removed in place, so no photo row moves and selections stay on their photos). The
cells carry no path and cannot be selected: `photo_at(row)` is the one way from a row to a photo.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QIcon, QImage, QPixmap

from gallery.imaging import THUMBNAIL_SIZE
from gallery.imaging.thumbnails import thumbnail_file
from gallery.library.store import PhotoRow
from gallery.library.timeline import Section, month_sections
from gallery.ui import i18n
from gallery.ui.images import ImageLoader

translate = QCoreApplication.translate

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
SCORE_ROLE = Qt.ItemDataRole.UserRole + 2
# A divider cell's column in the divider row (0: the cell that carries the text); None elsewhere.
DIVIDER_ROLE = Qt.ItemDataRole.UserRole + 3
# A month header cell's column in its row (0: the cell that carries the text); None elsewhere.
HEADER_ROLE = Qt.ItemDataRole.UserRole + 4
# A month header cell's (title, count): ("March 2024", "312 photos"); None elsewhere.
HEADER_TEXT_ROLE = Qt.ItemDataRole.UserRole + 5
CACHE_BYTES = 256 * 2**20  # decoded thumbnails kept (a 320 x 240 one is 300 KiB)
CACHE_SIZE = 3000  # and never more than this many
DIVIDER: Literal["divider"] = "divider"

Index = QModelIndex | QPersistentModelIndex
PHOTO_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


@dataclass(frozen=True)
class PhotoItem:
    row: PhotoRow
    score: float | None = None
    best: bool = False  # one of the query's best matches
    text: str | None = None  # the line of the photo's text that made it one

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
    if item.text is not None:
        lines.append(translate("PhotoListModel", "Text: {line}").format(line=item.text))
    if item.row.taken_at is not None:
        taken = i18n.date_time(item.row.taken_at)
        lines.append(translate("PhotoListModel", "Taken {date}").format(date=taken))
    lines += [i18n.size(item.row.size), item.row.path]
    return "\n".join(lines)


def divider_text() -> str:
    return translate("PhotoListModel", "More results")


def month_title(year: int, month: int) -> str:
    """"March 2024" in the interface language (the locale's month name)."""
    name = QLocale().standaloneMonthName(month, QLocale.FormatType.LongFormat)
    return translate("PhotoListModel", "{month} {year}").format(month=name, year=year)


def photo_count_text(count: int) -> str:
    return translate("PhotoListModel", "%Ln photos", "", count)


def section_text(section: Section) -> str:
    """The header's whole line: "March 2024 · 312 photos"."""
    return f"{month_title(section.year, section.month)} · {photo_count_text(section.count)}"


@dataclass(frozen=True)
class Block:
    """Photos `start .. start + count - 1`, after a header row (a month, the divider or none)."""

    header: Section | Literal["divider"] | None
    start: int
    count: int


def _blocks(items: list[PhotoItem], best_count: int, sections: bool) -> list[Block]:
    """The photos cut into blocks: the best matches, the divider, the rest (when both parts are
    there); with `sections`, each part further cut into months."""
    parts = [(0, len(items))]
    if 0 < best_count < len(items):
        parts = [(0, best_count), (best_count, len(items))]
    blocks: list[Block] = []
    for number, (begin, end) in enumerate(parts):
        if not sections:
            blocks.append(Block(DIVIDER if number else None, begin, end - begin))
            continue
        if number:
            blocks.append(Block(DIVIDER, begin, 0))
        part = items[begin:end]
        for section in month_sections(part, lambda item: item.row.when).sections:
            moved = Section(section.year, section.month, begin + section.start, section.count)
            blocks.append(Block(moved, moved.start, moved.count))
    return blocks


def _placeholder(size: int, colour: str) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return pixmap


class PhotoListModel(QAbstractListModel):
    """Rows are the blocks' cells and photos in order; everything is arithmetic on the blocks'
    first rows, so 100,000 photos need no per-row bookkeeping."""

    cells_changed = Signal()  # the blocks or their cells changed (set_items, set_columns)

    def __init__(self, thumbnails_dir: Path, loader: ImageLoader) -> None:
        super().__init__()
        self.thumbnails_dir = thumbnails_dir
        self.loader = loader
        self.items: list[PhotoItem] = []  # the photos in order, without the cells
        self.best_count = 0
        self.sections = False
        self.columns = 1
        self._blocks: list[Block] = []
        self._headers: list[int] = []  # each block's header cells (its columns, or 0)
        self._fills: list[int] = []  # each block's blank cells after its photos
        self._first_rows: list[int] = []  # each block's first row
        self._starts: list[int] = []  # each block's first photo
        self._rows = 0
        self._requested: dict[str, int] = {}  # thumbnail key -> index in items, while loading
        # Icons, not pixmaps: the view scales an icon to its icon size, a pixmap it would clip.
        self._cache: OrderedDict[str, tuple[QIcon, int]] = OrderedDict()  # icon, its bytes
        self._cache_bytes = 0
        self._keep = 0  # the least the cache holds: a few screens of cells
        self._broken: set[str] = set()
        self._loading = QIcon(_placeholder(THUMBNAIL_SIZE, "#3a3d41"))
        self._failed = QIcon(_placeholder(THUMBNAIL_SIZE, "#5a2d2d"))
        loader.loaded.connect(self._thumbnail_loaded)
        loader.failed.connect(self._thumbnail_failed)

    # the photos and their cells ----------------------------------------------------------------
    def set_items(
        self, items: list[PhotoItem], best_count: int = 0, *, sections: bool = False
    ) -> None:
        """Show these photos; the first `best_count` are best matches, set apart from the
        rest by the divider when both parts are there. With `sections` the photos are sorted
        by date (either direction; each part on its own when there are two) and each month
        starts with a header row."""
        self.beginResetModel()
        self.items = items
        self.best_count = best_count
        self.sections = sections
        self._blocks = _blocks(items, best_count, sections)
        self._starts = [block.start for block in self._blocks]
        self._headers = [self._header_cells(block) for block in self._blocks]
        self._fills = [self._fill_cells(number) for number in range(len(self._blocks))]
        self._layout()
        self._requested = {}
        self.endResetModel()
        self.cells_changed.emit()

    def set_columns(self, columns: int) -> None:
        """The view's column count changed: each block's header and blank cells change number
        in place (from the last block up, so the rows above each change stay put), so
        selections stay on their photos."""
        columns = max(1, columns)
        if columns == self.columns:
            return
        self.columns = columns
        for number in reversed(range(len(self._blocks))):
            self._resize(number, self._fills, self._fill_cells(number))
            self._resize(number, self._headers, self._header_cells(self._blocks[number]))
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(self._rows - 1))
        self.cells_changed.emit()

    def _header_cells(self, block: Block) -> int:
        return 0 if block.header is None else self.columns

    def _fill_cells(self, number: int) -> int:
        last = number == len(self._blocks) - 1
        return 0 if last else -self._blocks[number].count % self.columns

    def _layout(self) -> None:
        rows, self._first_rows = 0, []
        for header, block, fill in zip(self._headers, self._blocks, self._fills, strict=True):
            self._first_rows.append(rows)
            rows += header + block.count + fill
        self._rows = rows

    def _resize(self, number: int, cells: list[int], wanted: int) -> None:
        """Make block `number`'s header (`cells` is `_headers`) or fill (`_fills`) `wanted`
        cells long, inserting or removing cells at its end."""
        old = cells[number]
        if wanted == old:
            return
        base = self._first_rows[number]
        if cells is self._fills:
            base += self._headers[number] + self._blocks[number].count
        if wanted > old:
            self.beginInsertRows(QModelIndex(), base + old, base + wanted - 1)
        else:
            self.beginRemoveRows(QModelIndex(), base + wanted, base + old - 1)
        cells[number] = wanted
        delta = wanted - old
        self._first_rows[number + 1 :] = [row + delta for row in self._first_rows[number + 1 :]]
        self._rows += delta
        if delta > 0:
            self.endInsertRows()
        else:
            self.endRemoveRows()

    def _block_at(self, row: int) -> int:
        """The block that holds `row` (a valid row)."""
        return bisect.bisect_right(self._first_rows, row) - 1

    @property
    def has_divider(self) -> bool:
        return any(block.header == DIVIDER for block in self._blocks)

    def divider_row(self) -> int | None:
        """The row of the divider cell that carries the text: the first of its own row."""
        for number, block in enumerate(self._blocks):
            if block.header == DIVIDER:
                return self._first_rows[number]
        return None

    def photo_index(self, row: int) -> int | None:
        """Which photo (an index in `items`) a row shows; None for a header or blank cell."""
        if row < 0 or row >= self._rows:
            return None
        number = self._block_at(row)
        offset = row - self._first_rows[number] - self._headers[number]
        block = self._blocks[number]
        return block.start + offset if 0 <= offset < block.count else None

    def is_title_cell(self, row: int) -> bool:
        """Whether a row is a cell of a month's header or of the divider: a short grid row (the
        delegate asks for every cell while the view lays them out, so no data() round trip)."""
        if row < 0 or row >= self._rows:
            return False
        number = self._block_at(row)
        return row - self._first_rows[number] < self._headers[number]

    def photo_at(self, row: int) -> PhotoItem | None:
        index = self.photo_index(row)
        return None if index is None else self.items[index]

    def row_of(self, index: int) -> int:
        """The row that shows items[index]."""
        number = bisect.bisect_right(self._starts, index) - 1
        return self._first_rows[number] + self._headers[number] + index - self._starts[number]

    def photos(self, rows: list[int]) -> list[PhotoItem]:
        """The photos of these rows, in row order, the cells left out."""
        found = (self.photo_at(row) for row in sorted(set(rows)))
        return [item for item in found if item is not None]

    def photo_runs(self) -> Iterator[tuple[int, int]]:
        """(first row, last row) of each block's photos: every photo, no cell (Select All)."""
        for number, block in enumerate(self._blocks):
            if block.count:
                first = self._first_rows[number] + self._headers[number]
                yield first, first + block.count - 1

    def _header_column(self, row: int) -> tuple[Block, int] | None:
        """The header (its block) and column of a header cell; None for any other row."""
        if not 0 <= row < self._rows:
            return None
        number = self._block_at(row)
        column = row - self._first_rows[number]
        return (self._blocks[number], column) if column < self._headers[number] else None

    def _divider_column(self, row: int) -> int | None:
        found = self._header_column(row)
        return found[1] if found is not None and found[0].header == DIVIDER else None

    # the timeline ------------------------------------------------------------------------------
    def section_at(self, row: int) -> Section | None:
        """The month shown at `row` (a photo, header or blank cell); None outside the timeline
        and for the divider's row."""
        if not self.sections or not 0 <= row < self._rows:
            return None
        header = self._blocks[self._block_at(row)].header
        return header if isinstance(header, Section) else None

    def section_row(self, section: Section) -> int:
        """The first row (the header's first cell) of a month section."""
        number = bisect.bisect_right(self._starts, section.start) - 1
        while self._blocks[number].header != section:  # a zero-photo block shares the start
            number -= 1
        return self._first_rows[number]

    def year_rows(self) -> dict[int, int]:
        """Year -> the first row of its first month, in display order, for jumping by year:
        the timeline of one date-sorted run only (with the divider a year can come twice)."""
        if not self.sections or self.has_divider:
            return {}
        years: dict[int, int] = {}
        for number, block in enumerate(self._blocks):
            if isinstance(block.header, Section):
                years.setdefault(block.header.year, self._first_rows[number])
        return years

    # the Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else self._rows

    def flags(self, index: Index) -> Qt.ItemFlag:
        if index.isValid() and self.photo_index(index.row()) is not None:
            return PHOTO_FLAGS
        return Qt.ItemFlag.NoItemFlags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        found = self.photo_index(index.row())
        if found is None:
            return self._cell_data(index.row(), role)
        item = self.items[found]
        if role == Qt.ItemDataRole.DisplayRole:
            return Path(item.row.path).name
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbnail(item, found)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(item)
        if role == PATH_ROLE:
            return item.row.path
        if role == SCORE_ROLE:
            return item.score
        return None

    def _cell_data(self, row: int, role: int) -> Any:
        found = self._header_column(row)
        if found is None:
            return None  # a blank cell
        block, column = found
        if block.header == DIVIDER:
            if role == DIVIDER_ROLE:
                return column
            if role == Qt.ItemDataRole.DisplayRole and column == 0:
                return divider_text()
            return None
        assert isinstance(block.header, Section)
        if role == HEADER_ROLE:
            return column
        if role == HEADER_TEXT_ROLE:
            return month_title(block.header.year, block.header.month), photo_count_text(
                block.header.count
            )
        if role == Qt.ItemDataRole.DisplayRole and column == 0:
            return section_text(block.header)
        return None

    # thumbnails --------------------------------------------------------------------------------
    def _thumbnail(self, item: PhotoItem, index: int) -> QIcon:
        """The cached icon, else a placeholder while items[index]'s thumbnail loads."""
        cached_icon = self._cache.get(item.key)
        if cached_icon is not None:
            self._cache.move_to_end(item.key)
            return cached_icon[0]
        if item.key in self._broken:
            return self._failed
        cached = thumbnail_file(
            self.thumbnails_dir, item.row.path, item.row.size, item.row.mtime_ns
        )
        self._requested[item.key] = index  # where to show it once loaded
        self.loader.request_thumbnail(item.key, Path(item.row.path), cached)
        return self._loading

    @Slot(str, QImage)
    def _thumbnail_loaded(self, key: str, image: QImage) -> None:
        size = image.sizeInBytes()
        old = self._cache.pop(key, None)
        self._cache_bytes += size - (old[1] if old else 0)
        self._cache[key] = QIcon(QPixmap.fromImage(image)), size  # GUI thread: pixmaps only here
        while len(self._cache) > self._keep and (
            self._cache_bytes > CACHE_BYTES or len(self._cache) > CACHE_SIZE
        ):
            self._cache_bytes -= self._cache.popitem(last=False)[1][1]
        self._changed(key)

    def set_visible_cells(self, cells: int) -> None:
        """How many cells the view shows at once: the cache keeps at least two screens."""
        self._keep = 2 * max(0, cells)

    def thumbnail_bytes(self) -> int:
        return self._cache_bytes

    @Slot(str, str)
    def _thumbnail_failed(self, key: str, _reason: str) -> None:
        self._broken.add(key)
        self._changed(key)

    def _changed(self, key: str) -> None:
        found = self._requested.pop(key, None)  # None: asked for before the last set_items
        if found is not None:
            index = self.index(self.row_of(found))
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def thumbnails_loaded(self) -> int:
        return len(self._cache)
