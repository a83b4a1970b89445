"""The viewer: the grid's photos one at a time, with zoom, full screen, a slideshow and an info
panel. Keys are the window's actions (also in the context menu); any key stops a slideshow.

It holds no reference to the main window (only Qt's parent link) and waits for its loader
when it closes, so no decode outlives it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QContextMenuEvent, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QHBoxLayout, QMenu, QWidget

from gallery.imaging.photo_info import PhotoInfo
from gallery.library import texts
from gallery.library.library import Library
from gallery.library.store import PhotoRow
from gallery.library.text_matches import matched, typed_words
from gallery.ml.ocr import TextLine
from gallery.settings import Settings
from gallery.ui.photo_model import PhotoItem
from gallery.ui.viewer.canvas import KEY_STEP, PhotoCanvas
from gallery.ui.viewer.info_panel import InfoPanel
from gallery.ui.viewer.sources import Shown, ViewerImages

SLIDESHOW_MS = 4000
_MODIFIERS = frozenset(
    {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr}
)


def item_for_path(path: str) -> PhotoItem:
    """A photo known by its path alone (not from the library): size and date from the file."""
    try:
        stat = Path(path).stat()
        size, mtime_ns = stat.st_size, stat.st_mtime_ns
    except OSError:
        size = mtime_ns = 0
    return PhotoItem(PhotoRow(id=0, path=path, size=size, mtime_ns=mtime_ns, taken_at=None))


class PhotoViewer(QDialog):
    """`items` are the grid's photos (a plain path list works too: the library's row is then
    made from the file); `settings`, when given, brings back and keeps the window's geometry
    and whether the info panel is shown; `library`, when given, is where the text read in a
    photo comes from (the info panel shows it, and the lines that hold a word of `query` are
    outlined on the photo)."""

    slideshow_ms = SLIDESHOW_MS  # per instance in tests

    def __init__(
        self,
        items: Sequence[PhotoItem] | Sequence[str],
        start: int,
        parent: QWidget | None = None,
        *,
        settings: Settings | None = None,
        library: Library | None = None,
        query: str = "",
    ) -> None:
        super().__init__(parent)
        self._photos: list[PhotoItem | str] = list(items)
        self._library = library
        self._words = typed_words(query)
        self._lines: list[TextLine] = []  # the text read in the photo on screen
        self.position = max(0, min(start, len(self._photos) - 1))
        self._settings = settings
        self._direction = 1
        self._was_maximized = False
        self._canvas_path = ""  # the photo whose decode the canvas shows
        screen = self.screen()
        side = min(screen.size().width(), screen.size().height()) * screen.devicePixelRatio()
        self.images = ViewerImages(round(side), self)
        self.images.ready.connect(self._ready)
        self.images.failed.connect(self._failed)
        self.images.info_ready.connect(self._info_ready)
        self.canvas = PhotoCanvas(self)
        self.canvas.detail_wanted.connect(self.images.want_full)
        self.info = InfoPanel(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.info)
        self.slideshow = QTimer(self)
        self.slideshow.timeout.connect(self._slide)
        self.actions_by_name: dict[str, QAction] = {}
        self._make_actions()
        self.resize(1100, 800)
        if settings is not None and settings.viewer_geometry:
            self.restoreGeometry(QByteArray.fromBase64(settings.viewer_geometry.encode()))
        self.info.setHidden(settings is None or not settings.viewer_info)
        self._show_current()

    # -- the photo on screen ---------------------------------------------------------------

    @property
    def current_path(self) -> str:
        photo = self._photos[self.position]
        return photo if isinstance(photo, str) else photo.row.path

    @property
    def current_item(self) -> PhotoItem:
        photo = self._photos[self.position]
        return item_for_path(photo) if isinstance(photo, str) else photo

    def _path(self, position: int) -> str:
        photo = self._photos[position]
        return photo if isinstance(photo, str) else photo.row.path

    def go_to(self, position: int) -> None:
        position = max(0, min(position, len(self._photos) - 1))
        if position != self.position:
            self._direction = 1 if position > self.position else -1
            self.position = position
            self._show_current()

    def step(self, by: int) -> None:
        self.go_to(self.position + by)

    def _show_current(self) -> None:
        path = self.current_path
        title = self.tr("{name} ({position} of {count})")
        self.setWindowTitle(
            title.format(name=Path(path).name, position=self.position + 1, count=len(self._photos))
        )
        neighbours = [self._path(p) for p in (self.position - 1, self.position + 1)
                      if 0 <= p < len(self._photos)]
        ahead = self.position + self._direction
        prefetch = self._path(ahead) if 0 <= ahead < len(self._photos) else None
        self.canvas.set_message(self.tr("Loading…"))
        self._lines = self._text_of(self.current_item)
        self.canvas.set_outlines([line.box for line in matched(self._lines, self._words)])
        self.images.show(path, neighbours, prefetch)
        self._refresh_info()

    def _text_of(self, item: PhotoItem) -> list[TextLine]:
        """The lines the text pass read in the photo (none for a photo outside the library)."""
        if self._library is None or not item.row.id:
            return []
        return texts.lines_of(self._library.store, item.row.id)

    @property
    def text_lines(self) -> list[TextLine]:
        return list(self._lines)

    def copy_text(self) -> None:
        """The photo's text on the clipboard, a line each."""
        QGuiApplication.clipboard().setText("\n".join(line.text for line in self._lines))

    @Slot(str, object)
    def _ready(self, path: str, shown: Shown) -> None:
        same_photo = self.canvas.image() is not None and self._canvas_path == path
        self._canvas_path = path
        self.canvas.set_photo(shown.image, shown.original, keep_view=same_photo)

    @Slot(str, str)
    def _failed(self, path: str, reason: str) -> None:
        self._canvas_path = ""
        self.canvas.set_message(self.tr("Cannot show this photo: {reason}").format(reason=reason))

    # -- info panel ------------------------------------------------------------------------

    def toggle_info(self) -> None:
        self.info.setHidden(not self.info.isHidden())
        self._refresh_info()

    def _refresh_info(self) -> None:
        if self.info.isHidden():
            return
        path = self.current_path
        self._show_info(self.images.info(path))
        if self.images.info(path) is None:
            self.images.want_info()

    def _show_info(self, info: PhotoInfo | None) -> None:
        self.info.show_photo(self.current_item, info)
        self.info.show_extra(self.tr("Text in the photo"), [line.text for line in self._lines])

    @Slot(str, object)
    def _info_ready(self, path: str, info: PhotoInfo) -> None:
        if path == self.current_path and not self.info.isHidden():
            self._show_info(info)

    # -- window modes ----------------------------------------------------------------------

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showMaximized() if self._was_maximized else self.showNormal()
        else:
            self._was_maximized = self.isMaximized()
            self.showFullScreen()

    def toggle_slideshow(self) -> None:
        if self.slideshow.isActive():
            self.slideshow.stop()
        else:
            self.slideshow.start(self.slideshow_ms)

    @Slot()
    def _slide(self) -> None:
        self.go_to(self.position + 1 if self.position + 1 < len(self._photos) else 0)

    # -- keys and menu ---------------------------------------------------------------------

    def next_photo(self) -> None:
        self.step(1)

    def previous_photo(self) -> None:
        self.step(-1)

    def first_photo(self) -> None:
        self.go_to(0)

    def last_photo(self) -> None:
        self.go_to(len(self._photos) - 1)

    def fit(self) -> None:
        self.canvas.fit()

    def actual_size(self) -> None:
        self.canvas.actual_size()

    def zoom_in(self) -> None:
        self.canvas.zoom_by(KEY_STEP)

    def zoom_out(self) -> None:
        self.canvas.zoom_by(1 / KEY_STEP)

    def _make_actions(self) -> None:
        """One action a command (its name: the method it runs), also in the context menu.
        The actions hold the command's name, not a closure: nothing refers back to the viewer."""
        standard = QKeySequence.StandardKey
        table: list[tuple[str, str, list[QKeySequence]]] = [
            ("previous_photo", self.tr("Previous"), _keys("Left", "Backspace", "PgUp")),
            ("next_photo", self.tr("Next"), _keys("Right", "Space", "PgDown")),
            ("first_photo", self.tr("First"), _keys("Home")),
            ("last_photo", self.tr("Last"), _keys("End")),
            ("fit", self.tr("Fit to Window"), _keys("F", "0")),
            ("actual_size", self.tr("Actual Size (100 %)"), _keys("1")),
            ("zoom_in", self.tr("Zoom In"),
             [QKeySequence(standard.ZoomIn), *_keys("Ctrl+=", "+", "=")]),
            ("zoom_out", self.tr("Zoom Out"), [QKeySequence(standard.ZoomOut), *_keys("-")]),
            ("toggle_full_screen", self.tr("Full Screen"), _keys("F11")),
            ("toggle_slideshow", self.tr("Slideshow"), _keys("S")),
            ("toggle_info", self.tr("Info"), _keys("I")),
            ("copy_text", self.tr("Copy Text"), _keys("Ctrl+Shift+C")),
        ]
        for name, text, keys in table:
            action = QAction(text, self)
            action.setData(name)
            action.setShortcuts(keys)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(self._run_action)
            self.addAction(action)
            self.actions_by_name[name] = action
        for name in ("toggle_full_screen", "toggle_slideshow", "toggle_info"):
            self.actions_by_name[name].setCheckable(True)

    @Slot()
    def _run_action(self) -> None:
        """A key's command; while a slideshow runs, any key only stops it."""
        action = self.sender()
        if self.slideshow.isActive():
            self.slideshow.stop()
        elif isinstance(action, QAction):
            getattr(self, str(action.data()))()
        self._sync_checks()

    def _sync_checks(self) -> None:
        self.actions_by_name["toggle_full_screen"].setChecked(self.isFullScreen())
        self.actions_by_name["toggle_slideshow"].setChecked(self.slideshow.isActive())
        self.actions_by_name["toggle_info"].setChecked(not self.info.isHidden())

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self._sync_checks()
        menu = QMenu(self)
        groups = (
            ("previous_photo", "next_photo", "first_photo", "last_photo"),
            ("fit", "actual_size", "zoom_in", "zoom_out"),
            ("toggle_full_screen", "toggle_slideshow", "toggle_info"),
        )
        for group in groups:
            for name in group:
                menu.addAction(self.actions_by_name[name])
            menu.addSeparator()
        if self._lines:
            menu.addAction(self.actions_by_name["copy_text"])
        menu.exec(event.globalPos())
        menu.deleteLater()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Keys no action takes: any stops a slideshow; Esc leaves full screen, then closes."""
        if Qt.Key(event.key()) in _MODIFIERS:
            return super().keyPressEvent(event)
        if self.slideshow.isActive():
            self.slideshow.stop()
            self._sync_checks()
            return
        if event.key() == Qt.Key.Key_Escape and self.isFullScreen():
            self.toggle_full_screen()
            return
        super().keyPressEvent(event)

    # -- closing ---------------------------------------------------------------------------

    def done(self, result: int) -> None:
        self.slideshow.stop()
        if self._settings is not None:
            if not self.isFullScreen():
                geometry = bytes(self.saveGeometry().toBase64().data()).decode()
                self._settings.viewer_geometry = geometry
            self._settings.viewer_info = not self.info.isHidden()
        self.images.close()
        super().done(result)


def _keys(*names: str) -> list[QKeySequence]:
    return [QKeySequence(name) for name in names]
