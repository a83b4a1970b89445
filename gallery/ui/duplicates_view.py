"""Tools > Find Duplicates: the review window. It finds the library's duplicates in a background
job (progress, Cancel), shows each group as one row of its copies side by side (thumbnail,
dimensions, size, format, date, folder) with a Keep/Remove choice per copy pre-filled with the
proposal, and moves the copies chosen for removal to the desktop's Trash (never a permanent
delete), updating the library at once.

The list is one model row per group painted by a delegate: 10,000 groups cost 10,000 small
Python objects and no widgets; thumbnails load on the image pool only for the rows painted.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QCoreApplication,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QHelpEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionViewItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from gallery.errors import Cancelled, GalleryError
from gallery.imaging.thumbnails import thumbnail_file
from gallery.library.duplicates import DuplicateGroup, find_duplicates
from gallery.library.filters import Filters
from gallery.library.library import Library
from gallery.library.photo_files import FileActionResult, trash_photos
from gallery.library.store import PhotoRow
from gallery.text import Text, say
from gallery.ui import i18n
from gallery.ui.context import AppContext
from gallery.ui.images import ImageLoader
from gallery.ui.messages import error_text
from gallery.ui.workers import Job, WorkerThread

translate = QCoreApplication.translate

GROUP_ROLE = Qt.ItemDataRole.UserRole + 1
SETTLE_MS = 150  # the list is still for this long: the rows in sight are the ones to load
THUMBNAIL_CACHE = 600  # scaled pixmaps kept (a screenful is a few dozen)
FAILURES_SHOWN = 3  # failed removals named in the report; the count says the rest

# A group row: a header line, then its copies side by side, each a cell of a thumbnail square,
# INFO_LINES of text and the Keep check box.
PAD = 8
GAP = 10
CELL_WIDTH = 200
THUMB = 150
INFO_LINES = 5
TOGGLE_HEIGHT = 24
# The name keeps its start and extension, the folder its last parts (where the copy lives).
ELIDE = (
    Qt.TextElideMode.ElideMiddle, *[Qt.TextElideMode.ElideRight] * 3, Qt.TextElideMode.ElideLeft
)
REMOVE_TINT = QColor(210, 60, 60, 48)
TRASH_TEXT = QColor(190, 40, 40)

Index = QModelIndex | QPersistentModelIndex


def photo_key(photo: PhotoRow) -> str:
    """Names a thumbnail: the path and the file's version, as the grid keys them."""
    return f"{photo.path}\0{photo.size}\0{photo.mtime_ns}"


@dataclass
class GroupChoice:
    """One group as the review shows it: its copies (the proposed keeper first) and, for each,
    whether it goes to the Trash."""

    group: DuplicateGroup
    copies: list[PhotoRow]
    remove: list[bool]

    @classmethod
    def proposed(cls, group: DuplicateGroup) -> GroupChoice:
        return cls(group, [group.keep, *group.remove], [False] + [True] * len(group.remove))

    @property
    def removals(self) -> int:
        return sum(self.remove)


@dataclass(frozen=True)
class ScanResult:
    groups: list[DuplicateGroup]
    photos: int  # the photos under the folders searched
    waiting: int  # photos whose fingerprint the background pass has not made yet: not compared
    folders: tuple[str, ...]  # the folders searched; () for the whole library
    model_name: str | None  # whose embeddings helped; None: fingerprints alone


@dataclass(frozen=True)
class Progress:
    photos: int  # what the work is about: photos compared or moved
    done: int  # steps, as the core counts them (0 of 0: nothing counted yet)
    total: int


def reporter(job: Job, photos: int) -> Callable[[int, int], None]:
    """A core progress callback that signals at most once per mille: work that counts a
    million steps must not queue a million signals into the GUI thread."""
    shown = -1

    def report(done: int, total: int) -> None:
        nonlocal shown
        step = done * 1000 // max(total, 1)
        if step != shown:
            shown = step
            job.progress.emit(Progress(photos, done, total))

    return report


def scan(
    job: Job, library: Library, model_name: str | None, folders: Sequence[str]
) -> ScanResult:
    """The scan, in the worker thread."""
    store = library.store
    photos = store.photo_count(Filters(folders=tuple(folders)))
    job.progress.emit(Progress(photos, 0, 0))
    groups = find_duplicates(
        library, model_name, folders, None, reporter(job, photos), job.cancel
    )
    waiting = store.fingerprint_pending_count()
    return ScanResult(groups, photos, min(waiting, photos), tuple(folders), model_name)


def trash(job: Job, library: Library, paths: list[str]) -> FileActionResult:
    """The removal, in the worker thread: to the desktop's Trash, the library updated."""
    return trash_photos(
        library, paths, progress=reporter(job, len(paths)), cancel=job.cancel
    )


class DuplicateGroupsModel(QAbstractListModel):
    """One row per group; the choices live here, so a group scrolled away keeps them."""

    choices_changed = Signal(int)  # how many copies are now chosen for the Trash
    refused = Signal(int)  # the row whose last kept copy was to go too
    # A row to paint again, its size unchanged (a thumbnail came, a choice changed): a list
    # view answers dataChanged by laying out every row again, and a batched one scrolls back
    # to its first batch meanwhile, so these never go through dataChanged.
    repaint = Signal(QModelIndex)

    def __init__(self, thumbnails_dir: Path, loader: ImageLoader) -> None:
        super().__init__()
        self.thumbnails_dir = thumbnails_dir
        self.loader = loader
        self.choices: list[GroupChoice] = []
        self._rows: dict[str, int] = {}  # thumbnail key -> the row showing that copy
        self._thumbs: OrderedDict[str, QPixmap] = OrderedDict()
        self._broken: set[str] = set()
        self._removals = 0
        loader.loaded.connect(self._thumbnail_loaded)
        loader.failed.connect(self._thumbnail_failed)

    def set_groups(self, groups: Sequence[DuplicateGroup]) -> None:
        self._reset([GroupChoice.proposed(group) for group in groups])

    def _reset(self, choices: list[GroupChoice]) -> None:
        self.beginResetModel()
        self.choices = choices
        self._rows = {photo_key(p): row for row, c in enumerate(choices) for p in c.copies}
        self._removals = sum(choice.removals for choice in choices)
        self.endResetModel()
        self.choices_changed.emit(self._removals)

    @property
    def removal_count(self) -> int:
        return self._removals

    def removal_paths(self) -> list[str]:
        return [
            photo.path
            for choice in self.choices
            for photo, remove in zip(choice.copies, choice.remove, strict=True)
            if remove
        ]

    def set_remove(self, row: int, copy: int, remove: bool) -> bool:
        """Choose whether a copy goes; refused (False, `refused` emitted) where it would leave
        its group without a copy."""
        choice = self.choices[row]
        if choice.remove[copy] == remove:
            return True
        if remove and choice.removals == len(choice.copies) - 1:
            self.refused.emit(row)
            return False
        choice.remove[copy] = remove
        self._removals += 1 if remove else -1
        self.repaint.emit(self.index(row))
        self.choices_changed.emit(self._removals)
        return True

    def toggle(self, row: int, copy: int) -> bool:
        return self.set_remove(row, copy, not self.choices[row].remove[copy])

    def drop_done(self, done: Collection[str]) -> None:
        """The copies in `done` went to the Trash: a group whose chosen copies all went is
        handled and leaves the list; one with a copy that failed stays, without the copies that
        went, while it still has two."""
        gone = set(done)
        kept: list[GroupChoice] = []
        for choice in self.choices:
            pairs = [(p, r) for p, r in zip(choice.copies, choice.remove, strict=True)]
            if not any(r for p, r in pairs if p.path not in gone):
                continue  # every copy chosen for the Trash is there: handled
            left = [(p, r) for p, r in pairs if p.path not in gone]
            if len(left) >= 2:
                kept.append(GroupChoice(choice.group, [p for p, _ in left], [r for _, r in left]))
        self._reset(kept)

    # the Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.choices)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        choice = self.choices[index.row()]
        if role == GROUP_ROLE:
            return choice
        if role == Qt.ItemDataRole.DisplayRole:  # what accessibility and keyboard search read
            return header_text(choice.group)
        return None

    # thumbnails --------------------------------------------------------------------------------
    def thumbnail(self, photo: PhotoRow) -> QPixmap | None:
        """The copy's thumbnail scaled to the cell, or None while it loads (or cannot)."""
        key = photo_key(photo)
        pixmap = self._thumbs.get(key)
        if pixmap is not None:
            self._thumbs.move_to_end(key)
            return pixmap
        if key not in self._broken:
            cached = thumbnail_file(self.thumbnails_dir, photo.path, photo.size, photo.mtime_ns)
            self.loader.request_thumbnail(key, Path(photo.path), cached)
        return None

    def thumbnail_failed(self, photo: PhotoRow) -> bool:
        return photo_key(photo) in self._broken

    @property
    def thumbnails_loaded(self) -> int:
        return len(self._thumbs)

    @Slot(str, QImage)
    def _thumbnail_loaded(self, key: str, image: QImage) -> None:
        pixmap = QPixmap.fromImage(image).scaled(  # GUI thread: pixmaps only here
            THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self._thumbs[key] = pixmap
        while len(self._thumbs) > THUMBNAIL_CACHE:
            self._thumbs.popitem(last=False)
        self._changed(key)

    @Slot(str, str)
    def _thumbnail_failed(self, key: str, _reason: str) -> None:
        self._broken.add(key)
        self._changed(key)

    def _changed(self, key: str) -> None:
        row = self._rows.get(key)
        if row is not None:
            self.repaint.emit(self.index(row))


def header_text(group: DuplicateGroup) -> str:
    """The group's line: what kind of copies, how alike, and why the keeper is proposed."""
    if group.exact:
        kind = translate("DuplicatesView", "Identical files")
    else:
        percent = QLocale().toString(group.similarity * 100, "f", 1)
        kind = translate("DuplicatesView", "Similar photos, {percent} % alike").format(
            percent=percent
        )
    reason = translate("DuplicatesView", "keep {name}: {reason}").format(
        name=Path(group.keep.path).name, reason=i18n.translated(group.reason)
    )
    return translate("DuplicatesView", "{kind} · {reason}").format(kind=kind, reason=reason)


def copy_lines(photo: PhotoRow) -> list[str]:
    """What a copy's cell says under its thumbnail, INFO_LINES lines."""
    if photo.width and photo.height:
        dimensions = translate("DuplicatesView", "{width} × {height}").format(
            width=photo.width, height=photo.height
        )
    else:
        dimensions = translate("DuplicatesView", "Size unknown")
    kind = (photo.format or Path(photo.path).suffix.lstrip(".")).upper()
    when = i18n.date_time(photo.when)
    if photo.taken_at is not None:
        date = translate("DuplicatesView", "Taken {date}").format(date=when)
    else:
        date = translate("DuplicatesView", "Modified {date}").format(date=when)
    size = f"{i18n.size(photo.size)} · {kind}"
    return [Path(photo.path).name, dimensions, size, date, str(Path(photo.path).parent)]


class GroupDelegate(QStyledItemDelegate):
    """Paints a group row and turns a click on a copy's check box into a choice."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)  # the view is reached as the parent: no reference cycle

    def _view(self) -> QListView:
        return cast(QListView, self.parent())

    def _line(self) -> int:
        return self._view().fontMetrics().height()

    def header_height(self) -> int:
        return self._line() + 8

    def cell_height(self) -> int:
        return THUMB + 4 + INFO_LINES * self._line() + TOGGLE_HEIGHT

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        choice: GroupChoice = index.data(GROUP_ROLE)
        copies = len(choice.copies) if choice else 2
        width = 2 * PAD + copies * CELL_WIDTH + (copies - 1) * GAP
        return QSize(width, 2 * PAD + self.header_height() + self.cell_height())

    def copy_rect(self, row_rect: QRect, copy: int) -> QRect:
        x = row_rect.x() + PAD + copy * (CELL_WIDTH + GAP)
        y = row_rect.y() + PAD + self.header_height()
        return QRect(x, y, CELL_WIDTH, self.cell_height())

    def toggle_rect(self, row_rect: QRect, copy: int) -> QRect:
        """Where a copy's Keep check box and its label are: the click target."""
        cell = self.copy_rect(row_rect, copy)
        return QRect(cell.x(), cell.bottom() - TOGGLE_HEIGHT + 1, cell.width(), TOGGLE_HEIGHT)

    def copy_at(self, row_rect: QRect, point: QPoint, copies: int) -> int | None:
        for copy in range(copies):
            if self.copy_rect(row_rect, copy).contains(point):
                return copy
        return None

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        choice: GroupChoice | None = index.data(GROUP_ROLE)
        if choice is None:
            return
        rect: QRect = option.rect
        palette = option.palette
        painter.save()
        if index.row() % 2:
            painter.fillRect(rect, palette.alternateBase())
        header = QRect(rect.x() + PAD, rect.y() + PAD, rect.width() - 2 * PAD,
                       self.header_height())
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(palette.text().color())
        metrics = painter.fontMetrics()
        painter.drawText(
            header, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            metrics.elidedText(header_text(choice.group), Qt.TextElideMode.ElideRight,
                               header.width()),
        )
        painter.setFont(option.font)
        model = cast(DuplicateGroupsModel, index.model())
        for copy, photo in enumerate(choice.copies):
            self._paint_copy(painter, option, model, photo, copy, choice.remove[copy])
        painter.restore()

    def _paint_copy(
        self, painter: QPainter, option: QStyleOptionViewItem, model: DuplicateGroupsModel,
        photo: PhotoRow, copy: int, remove: bool,
    ) -> None:
        cell = self.copy_rect(option.rect, copy)
        palette = option.palette
        if remove:
            painter.fillRect(cell, REMOVE_TINT)
        square = QRect(cell.x() + (cell.width() - THUMB) // 2, cell.y(), THUMB, THUMB)
        pixmap = model.thumbnail(photo)
        if pixmap is not None:
            target = QRect(QPoint(0, 0), pixmap.size())
            target.moveCenter(square.center())
            painter.drawPixmap(target, pixmap)
        else:
            failed = model.thumbnail_failed(photo)
            painter.fillRect(square, QColor("#5a2d2d" if failed else "#3a3d41"))
        line = self._line()
        metrics = painter.fontMetrics()
        painter.setPen(palette.text().color())
        top = square.bottom() + 4
        lines = copy_lines(photo)
        for number, text in enumerate(lines):
            mode = ELIDE[number]
            box = QRect(cell.x() + 2, top + number * line, cell.width() - 4, line)
            painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(text, mode, box.width()))
        self._paint_toggle(painter, option, self.toggle_rect(option.rect, copy), remove)

    def _paint_toggle(
        self, painter: QPainter, option: QStyleOptionViewItem, rect: QRect, remove: bool
    ) -> None:
        view = self._view()
        style = view.style()
        box = QStyleOptionButton()
        side = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, view)
        box.rect = QRect(rect.x() + 2, rect.y() + (rect.height() - side) // 2, side, side)
        on = QStyle.StateFlag.State_Off if remove else QStyle.StateFlag.State_On
        box.state = QStyle.StateFlag.State_Enabled | on
        box.palette = option.palette
        style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorCheckBox, box, painter, view)
        text = QRect(box.rect.right() + 6, rect.y(), rect.right() - box.rect.right() - 8,
                     rect.height())
        middle = Qt.AlignmentFlag.AlignVCenter
        painter.drawText(text, Qt.AlignmentFlag.AlignLeft | middle, keep_label())
        if remove:
            painter.setPen(TRASH_TEXT)
            painter.drawText(text, Qt.AlignmentFlag.AlignRight | middle, trash_label())

    def editorEvent(
        self, event: QEvent, model: QAbstractItemModel, option: QStyleOptionViewItem,
        index: Index,
    ) -> bool:
        """A left click on a copy's check box flips its choice; so does its number (1 to 9)
        on the keyboard, for the current group."""
        if event.type() == QEvent.Type.KeyPress:
            copy = cast(QKeyEvent, event).key() - Qt.Key.Key_1.value
            if 0 <= copy < min(9, len(index.data(GROUP_ROLE).copies)):
                cast(DuplicateGroupsModel, model).toggle(index.row(), copy)
                return True
            return False
        if event.type() != QEvent.Type.MouseButtonRelease:
            return False
        mouse = cast(QMouseEvent, event)
        if mouse.button() != Qt.MouseButton.LeftButton:
            return False
        choice: GroupChoice = index.data(GROUP_ROLE)
        point = mouse.position().toPoint()
        for copy in range(len(choice.copies)):
            if self.toggle_rect(option.rect, copy).contains(point):
                cast(DuplicateGroupsModel, model).toggle(index.row(), copy)
                return True
        return False

    def helpEvent(
        self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem,
        index: Index,
    ) -> bool:
        """The tooltip of a copy: its full path (the cell elides it)."""
        choice: GroupChoice | None = index.data(GROUP_ROLE)
        if choice is None or event.type() != QEvent.Type.ToolTip:
            return super().helpEvent(event, view, option, index)
        copy = self.copy_at(option.rect, event.pos(), len(choice.copies))
        if copy is None:
            QToolTip.hideText()
            return True
        QToolTip.showText(event.globalPos(), choice.copies[copy].path, view)
        return True


def keep_label() -> str:
    return translate("DuplicatesView", "Keep")


def trash_label() -> str:
    """Beside an unchecked Keep: where that copy goes."""
    return translate("DuplicatesView", "to the Trash")


class DuplicatesView(QDialog):
    """The review window. Non-modal: the library stays usable while it scans. `folders` limits
    the scan to photos under them (() for the whole library)."""

    library_changed = Signal()  # copies went to the Trash: the shown photos changed

    def __init__(
        self, app: AppContext, parent: QWidget | None = None, folders: Sequence[str] = ()
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Find Duplicates"))
        self.app = app
        self.folders = tuple(folders)
        self.scan_result: ScanResult | None = None
        self._scanning: WorkerThread | None = None
        self._trashing: WorkerThread | None = None
        self.loader = ImageLoader()
        self.model = DuplicateGroupsModel(app.library.paths.thumbnails, self.loader)
        self._build()
        self.model.choices_changed.connect(self._choices_changed)
        self.model.refused.connect(self._refused)
        self.resize(1000, 720)
        if parent is not None:
            parent.installEventFilter(self)  # its closing ends the work here first
        self.start_scan()

    def _build(self) -> None:
        self.summary = QLabel(wordWrap=True)
        self.bar = QProgressBar()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.bar, 1)
        scan_row.addWidget(self.cancel_button)
        self.list = QListView()
        self.list.setModel(self.model)
        self.model.repaint.connect(self._repaint)
        self.delegate = GroupDelegate(self.list)
        self.list.setItemDelegate(self.delegate)
        self.list.setLayoutMode(QListView.LayoutMode.Batched)  # 10,000 groups lay out in steps
        self.list.setBatchSize(200)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setMouseTracking(True)
        # Scrolled past rows' thumbnails are dropped from the queue once the list settles.
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self.retain_visible)
        self.list.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.notice = QLabel(wordWrap=True)  # the outcome of the last action, or a refusal
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.trash_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.trash_button.clicked.connect(self.confirm_trash)
        self.rescan_button = self.buttons.addButton(
            self.tr("Find Again"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.rescan_button.clicked.connect(self.start_scan)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(scan_row)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.notice)
        layout.addWidget(self.buttons)
        self._choices_changed(0)

    @Slot(QModelIndex)
    def _repaint(self, index: QModelIndex) -> None:
        self.list.update(index)

    @Slot(int)
    def _scrolled(self, _value: int) -> None:
        self._settle.start()

    def visible_rows(self) -> range:
        viewport = self.list.viewport().rect()
        first = self.list.indexAt(viewport.topLeft())
        if not first.isValid():
            return range(0)
        last = self.list.indexAt(QPoint(0, viewport.bottom()))
        end = last.row() if last.isValid() else self.model.rowCount() - 1
        return range(first.row(), end + 1)

    def retain_visible(self) -> None:
        """Cancel the thumbnail loads of rows no longer in sight (a fling through 10,000 groups
        would otherwise decode every row it passed)."""
        choices = self.model.choices
        self.loader.retain(
            {photo_key(p) for row in self.visible_rows() for p in choices[row].copies}
        )

    # the work in the background --------------------------------------------------------------
    @property
    def scanning(self) -> bool:
        return self._scanning is not None

    @property
    def trashing(self) -> bool:
        return self._trashing is not None

    def _start(self, work: Callable[[Job], object], what: Text) -> WorkerThread:
        """A job for `work` in its thread, not started, its progress going to the bar."""
        job = Job(work, what)
        job.progress.connect(self._progress)
        self.bar.setRange(0, 0)  # busy until the work counts
        return WorkerThread(job, "duplicates", self)

    def _busy(self, on: bool) -> None:
        self.bar.setVisible(on)
        self.cancel_button.setVisible(on)
        self.cancel_button.setEnabled(on)
        self.rescan_button.setEnabled(not on)
        self.list.setEnabled(not self.trashing)
        self._choices_changed(self.model.removal_count)

    def cancel(self) -> None:
        """Stop the scan, or the removal between two files (what went stays in the Trash)."""
        running = self._scanning or self._trashing
        if running is not None:
            cast(Job, running.worker).cancel.set()
            self.cancel_button.setEnabled(False)
            (self.summary if self.scanning else self.notice).setText(self.tr("Cancelling…"))

    @Slot(object)
    def _progress(self, progress: Progress) -> None:
        running = self._scanning or self._trashing
        if running is None or cast(Job, running.worker).cancel.is_set():
            return
        if progress.total:
            self.bar.setRange(0, progress.total)
            self.bar.setValue(progress.done)
        if self.scanning:
            self.summary.setText(
                self.tr("Looking for duplicates among %Ln photos…", "", progress.photos)
            )

    # the scan ----------------------------------------------------------------------------------
    def start_scan(self) -> None:
        if self.scanning or self.trashing:
            return
        model = self.app.host.model
        model_name = model.name if model is not None else None
        library, folders = self.app.library, self.folders
        self.scan_result = None
        self.model.set_groups([])
        self.notice.clear()
        self.summary.setText(self.tr("Looking for duplicates…"))
        self._scanning = self._start(
            lambda job: scan(job, library, model_name, folders), say("The search for duplicates")
        )
        self._busy(True)
        job = cast(Job, self._scanning.worker)
        job.finished.connect(self._scanned)
        job.failed.connect(self._scan_failed)
        self._scanning.start(job.run)

    def _stop_scan(self) -> None:
        if self._scanning is not None:
            self._scanning.stop()
        self._scanning = None
        self._busy(False)

    @Slot(object)
    def _scanned(self, result: ScanResult) -> None:
        self._stop_scan()
        self.scan_result = result
        self.model.set_groups(result.groups)
        self.summary.setText(self.summary_text())

    @Slot(object)
    def _scan_failed(self, error: GalleryError) -> None:
        self._stop_scan()
        if isinstance(error, Cancelled):
            self.summary.setText(self.tr("The search for duplicates was cancelled."))
        else:
            self.summary.setText(error_text(error))

    def summary_text(self) -> str:
        """What was found, or that nothing was, among what was checked and how."""
        result = self.scan_result
        if result is None:
            return ""
        photos = self.tr("%Ln photos", "", result.photos)
        if result.folders:
            where = self.tr("{photos} in {folders}").format(
                photos=photos, folders=", ".join(Path(f).name or f for f in result.folders)
            )
        else:
            where = self.tr("{photos} in the library").format(photos=photos)
        groups = self.model.rowCount()
        if groups:
            found = self.tr("%Ln groups of duplicates among {where}.", "", groups)
        elif result.groups:
            found = self.tr("Every group of duplicates among {where} is reviewed.")
        else:
            found = self.tr("No duplicates found among {where}.")
        if result.model_name is not None:
            how = self.tr("Compared by their pixels and the model {model}.").format(
                model=result.model_name
            )
        else:
            how = self.tr("Compared by their pixels alone (no model is installed).")
        lines = [found.format(where=where), how]
        if result.waiting:
            lines.append(self.tr(
                "%Ln photos were not compared yet: their fingerprints are being made in the "
                "background. Find Again when it is done.", "", result.waiting,
            ))
        if groups:
            lines.append(self.tr(
                "The proposed copy to keep is checked; uncheck Keep (or press the copy's number) "
                "to move a copy to the Trash."
            ))
        return "\n".join(lines)

    # choices and the Trash ---------------------------------------------------------------------
    @Slot(int)
    def _choices_changed(self, count: int) -> None:
        self.trash_button.setText(self.tr("Move %Ln Photos to Trash", "", count))
        self.trash_button.setEnabled(count > 0 and not self.scanning and not self.trashing)

    @Slot(int)
    def _refused(self, row: int) -> None:
        self.notice.setText(self.tr(
            "Each group keeps at least one copy: check Keep on another copy of this group first."
        ))

    def confirm_trash(self) -> bool:
        """Ask, naming the count and that the Trash gives them back; then move them there in
        the background. Returns whether the removal started."""
        paths = self.model.removal_paths()
        if not paths or self.trashing or self.scanning:
            return False
        question = self.tr(
            "Move %Ln photos to the Trash? You can restore them from the system's Trash.",
            "", len(paths),
        )
        answer = QMessageBox.question(
            self, self.tr("Move to Trash"), question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.start_trash(paths)
        return True

    def start_trash(self, paths: list[str]) -> None:
        library = self.app.library
        self.notice.setText(self.tr("Moving %Ln photos to the Trash…", "", len(paths)))
        self._trashing = self._start(
            lambda job: trash(job, library, paths), say("Moving photos to the Trash")
        )
        self._busy(True)  # the list disabled too: the choices stay as they were sent
        job = cast(Job, self._trashing.worker)
        job.finished.connect(self._trashed)
        job.failed.connect(self._trash_failed)
        self._trashing.start(job.run)

    def _stop_trash(self) -> None:
        if self._trashing is not None:
            self._trashing.stop()
        self._trashing = None
        self._busy(False)

    @Slot(object)
    def _trashed(self, result: FileActionResult) -> None:
        self._stop_trash()
        self.model.drop_done(result.done)
        self.notice.setText(self.trash_report(result))
        self.summary.setText(self.summary_text())
        if result.done:
            self.library_changed.emit()

    @Slot(object)
    def _trash_failed(self, error: GalleryError) -> None:
        self._stop_trash()
        self.notice.setText(error_text(error))
        self.library_changed.emit()  # some may have gone before it stopped

    def trash_report(self, result: FileActionResult) -> str:
        lines = [self.tr("Moved %Ln photos to the Trash.", "", len(result.done))]
        if result.cancelled:
            lines.append(self.tr("Stopped before the rest, as asked."))
        if result.failed:
            lines.append(self.tr("%Ln could not be moved:", "", len(result.failed)))
            lines += [
                self.tr("{name}: {reason}").format(name=Path(path).name,
                                                   reason=i18n.translated(reason))
                for path, reason in result.failed[:FAILURES_SHOWN]
            ]
            more = len(result.failed) - FAILURES_SHOWN
            if more > 0:
                lines.append(self.tr("and %Ln more.", "", more))
        return "\n".join(lines)

    # closing -----------------------------------------------------------------------------------
    def reject(self) -> None:
        if self.trashing:  # files are moving: the outcome must reach the library and the list
            return
        super().reject()

    def done(self, result: int) -> None:
        self._stop_scan()  # a scan in flight is cancelled; nothing runs on after the window
        self.loader.close()
        super().done(result)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The window closes (and closes the library): the scan stops, and a removal in flight
        stops after the file it is moving (the core has updated the library for what went)."""
        if watched is self.parent() and event.type() == QEvent.Type.Close:
            self._stop_scan()
            if self._trashing is not None:
                self._trashing.stop()
                self._trashing = None
            self.loader.close()
        return False

