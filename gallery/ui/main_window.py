"""The main window: lays out the folders sidebar at the left and, at the right, the search
box, the filter bar, the message under them and the photo grid, with the status bar below;
builds the menus, wires the parts that do the work (search, indexing, folders, models, help),
and puts back what the person left: the folder, the sort, the thumbnail size, the window's and
the splitter's geometry."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import cast

from PySide6.QtCore import QByteArray, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QMainWindow, QMenu, QSplitter, QVBoxLayout, QWidget

from gallery import APP_NAME
from gallery.errors import Action, GalleryError, Remedy
from gallery.library.filters import SORTS, Filters, NoPhotosMatch
from gallery.library.folders import folder_tree
from gallery.library.library import Library
from gallery.library.query import ImagePaths, QueryError
from gallery.ml.encoder import ClipModel
from gallery.ml.providers import DeviceReport
from gallery.ml.registry import SOURCE_MODELS_DIR, ModelRegistry
from gallery.paths import AppPaths
from gallery.settings import Settings
from gallery.ui.context import AppContext
from gallery.ui.duplicates_view import DuplicatesView
from gallery.ui.filter_bar import FilterBar
from gallery.ui.folder_actions import FolderActions, dropped_folders
from gallery.ui.folders_sidebar import FoldersSidebar
from gallery.ui.grid import PhotoGrid
from gallery.ui.help_actions import HelpActions
from gallery.ui.images import ImageLoader
from gallery.ui.indexing import IndexingController
from gallery.ui.messages import RemedyHandlers, show_error
from gallery.ui.model_actions import ModelActions
from gallery.ui.model_host import ModelHost
from gallery.ui.photo_actions import PhotoActions
from gallery.ui.photo_model import PhotoListModel
from gallery.ui.search_box import SearchBox
from gallery.ui.search_controller import Answer, SearchController
from gallery.ui.search_message import SearchMessage
from gallery.ui.statusbar.device import DeviceButton
from gallery.ui.statusbar.message import StatusMessage
from gallery.ui.statusbar.progress import IndexingProgress
from gallery.ui.statusbar.thumbnail_size import DEFAULT, LARGEST, SMALLEST, ThumbnailSizeSlider
from gallery.ui.viewer import PhotoViewer
from gallery.ui.watching import FolderWatching

Shortcut = QKeySequence.StandardKey | str | None
Keys = QKeySequence.StandardKey
SIDEBAR_WIDTH = 230  # the sidebar's first width, before the person moves the splitter
SAVE_DELAY_MS = 1000  # a changed sort, size or folder is saved once the person stops changing
REACHABLE_CHECK_MS = 5000  # how often the sidebar looks whether a library folder came or went


class MainWindow(QMainWindow):
    def __init__(self, paths: AppPaths, *, offer_first_run: bool = True) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.paths = paths
        self.settings = Settings.load(paths.settings_file)
        self.library = Library(paths)
        registry = ModelRegistry(paths.models, (SOURCE_MODELS_DIR,))
        self.host = ModelHost(paths, self.settings, registry, self)
        self.indexer = IndexingController(self.library, self.settings, self)
        self.searching = SearchController(self.library, self)
        app = self.app_context = AppContext(self.host, self.library, self.indexer)
        self.folders = FolderActions(app, self)
        self.photo_actions = PhotoActions(app, self)
        self.watching = FolderWatching(self.indexer, self.host, self)
        self.models = ModelActions(app, self)
        self.help = HelpActions(app, self)
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self._save_settings)
        self._reachable_check = QTimer(self, interval=REACHABLE_CHECK_MS)
        self._build_widgets()
        self._build_status_bar()
        self.menu_actions = self._build_menus()
        self._wire()
        self._restore_view()
        self.host.load()
        self._watch_roots()
        self._restore_geometry()
        if offer_first_run and not registry.installed():
            QTimer.singleShot(0, self.models.offer_first_run)

    # what tests and the parts read --------------------------------------------------------
    @property
    def model(self) -> ClipModel | None:
        return self.host.model

    @property
    def report(self) -> DeviceReport | None:
        return self.host.report

    def remedy_handlers(self) -> RemedyHandlers:
        """What the window does when the person takes an error's remedy (a dialog button).
        Made for each dialog: the closures refer to the window, which must hold no cycle."""

        def models(_remedy: Remedy) -> object:
            return self.models.show_models()

        def library_check(_remedy: Remedy) -> object:
            return self.help.check_library()

        return {
            Action.IMPORT_MODEL: lambda _r: self.models.choose_model_folder(),
            Action.DOWNLOAD_MODEL: models,
            Action.LIST_MODELS: models,
            Action.CHOOSE_MODEL: models,
            Action.CHOOSE_PRECISION: models,
            Action.INDEX_FOLDER: lambda r: self.folders.index_folder(r.subject),
            Action.WAIT_FOR_INDEXER: lambda _r: self.folders.rescan(),
            Action.CHECK_LIBRARY: library_check,
            Action.REPAIR_LIBRARY: library_check,
        }

    @Slot(str, object)
    def show_error(self, title: str, error: GalleryError) -> None:
        show_error(self, title, error, self.remedy_handlers())

    # layout -----------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        """A splitter: the folders sidebar at the left; at the right the search box, the
        filter bar right below it, the message about a query that got no answer (hidden until
        there is one), then the grid, in `grid_area` (a row: whatever sits beside the grid, a
        year bar at its right edge, goes there)."""
        self.search = SearchBox()
        self.search.set_recent(self.settings.recent_searches)
        self.filter_bar = FilterBar()
        self.filter_bar.set_folders(self.library.store.roots())
        self.search_message = SearchMessage()
        self.loader = ImageLoader()
        self.photo_model = PhotoListModel(self.paths.thumbnails, self.loader)
        self.grid = PhotoGrid(self.photo_model)
        self.grid_area = QWidget()
        row = QHBoxLayout(self.grid_area)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.grid, 1)
        right = QWidget()
        layout = QVBoxLayout(right)
        layout.setContentsMargins(6, 6, 6, 0)
        for widget in (self.search, self.filter_bar, self.search_message):
            layout.addWidget(widget)
        layout.addWidget(self.grid_area, 1)
        self.sidebar = FoldersSidebar()
        self.sidebar.set_tree(folder_tree(self.library.store))
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([SIDEBAR_WIDTH, 1100 - SIDEBAR_WIDTH])
        self.setCentralWidget(self.splitter)

    def _build_status_bar(self) -> None:
        self.status = StatusMessage()
        self.progress = IndexingProgress()
        self.size_slider = ThumbnailSizeSlider()
        self.device_button = DeviceButton()
        bar = self.statusBar()
        bar.addWidget(self.status, 1)
        for widget in (self.progress, self.size_slider, self.device_button):
            bar.addPermanentWidget(widget)

    def _build_menus(self) -> dict[str, QAction]:
        """Menus from a table: (menu, [(key, text, slot, shortcut) or None for a separator])."""
        folders, models, help_ = self.folders, self.models, self.help
        table: list[tuple[str, list[tuple[str, str, Callable[[], object], Shortcut] | None]]] = [
            (self.tr("&File"), [
                ("add_folder", self.tr("&Add Folder…"), folders.choose_folder, Keys.Open),
                ("remove", self.tr("&Remove Folder…"), folders.choose_folder_to_remove, None),
                ("rescan", self.tr("Re&scan"), folders.rescan, "F5"),
                None,
                ("models", self.tr("&Models…"), models.show_models, "Ctrl+M"),
                ("import", self.tr("Import &Model Folder…"), models.choose_model_folder, None),
                ("settings", self.tr("&Settings…"), models.show_settings, Keys.Preferences),
                None,
                ("quit", self.tr("&Quit"), self.close, Keys.Quit),
            ]),
            (self.tr("&Edit"), [
                ("find", self.tr("&Find"), self.focus_search, Keys.Find),
                ("show_all", self.tr("Show &All Photos"), self.clear_search, None),
            ]),
            (self.tr("&Tools"), [
                ("find_duplicates", self.tr("Find &Duplicates…"), self.find_duplicates, None),
            ]),
            (self.tr("&Help"), [
                ("logs", self.tr("Open &Logs Folder"), help_.open_logs_folder, None),
                ("diagnostics", self.tr("&Diagnostics"), help_.show_diagnostics, None),
                ("check_library", self.tr("&Check Library…"), help_.check_library, None),
                ("about", self.tr("&About Lumen Gallery"), help_.show_about, None),
            ]),
        ]  # fmt: skip
        actions: dict[str, QAction] = {}
        for title, entries in table:
            menu = self.menuBar().addMenu(title)
            for entry in entries:
                if entry is None:
                    menu.addSeparator()
                    continue
                key, text, slot, shortcut = entry
                action = actions[key] = menu.addAction(text)
                action.triggered.connect(slot)
                if shortcut is not None:
                    action.setShortcut(QKeySequence(shortcut))
        edit = cast(QMenu, self.menuBar().actions()[1].menu())  # Undo heads the Edit menu
        undo = self.photo_actions.undo_action
        edit.insertAction(edit.actions()[0], undo)
        edit.insertSeparator(edit.actions()[1])
        actions["undo"] = undo
        return actions

    def _restore_geometry(self) -> None:
        if self.settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode()))
        else:
            self.resize(1100, 760)
        if self.settings.splitter_state:
            self.splitter.restoreState(QByteArray.fromBase64(self.settings.splitter_state.encode()))

    def _restore_view(self) -> None:
        """The sort, thumbnail size and folder the person left, before the first browse; a
        folder the library no longer has gives All Photos."""
        remembered = self.settings
        if remembered.sort in SORTS:
            self.filter_bar.set_sort(remembered.sort)
        size = DEFAULT if remembered.thumbnail_size is None else remembered.thumbnail_size
        self.size_slider.setValue(min(max(size, SMALLEST), LARGEST))
        self.grid.set_thumbnail_size(self.size_slider.value())  # also when the value was there
        folder = remembered.last_folder
        if folder is not None and self.sidebar.select_folder(folder):
            self.filter_bar.set_filters(Filters(folders=(folder,)))
        self._filters_changed()

    def _save_settings(self) -> None:
        """What the window shows now, into the settings file."""
        self._save_timer.stop()
        remembered = self.settings
        remembered.sort = self.filter_bar.sort()
        remembered.thumbnail_size = self.size_slider.value()
        remembered.last_folder = self.sidebar.current_folder()
        remembered.window_geometry = _base64(self.saveGeometry())
        remembered.splitter_state = _base64(self.splitter.saveState())
        remembered.save(self.paths.settings_file)

    # wiring ------------------------------------------------------------------------------
    def _wire(self) -> None:
        search, status, indexer, progress = self.searching, self.status, self.indexer, self.progress
        box = self.search
        box.textChanged.connect(self._query_changed)
        box.cleared.connect(search.run_now)
        box.returnPressed.connect(self._query_entered)
        box.recent_selected.connect(search.run_now)
        box.recent_changed.connect(self._recent_changed)
        self.filter_bar.changed.connect(self._filters_changed)
        search.answered.connect(self._show_answer)
        search.failed.connect(self._search_failed)
        self.search_message.offer_taken.connect(self.models.take_offer)
        search.settled.connect(box.remember)
        search.device_ready.connect(self.host.on_device_ready)
        search.device_ready.connect(self.device_button.on_device_ready)
        self.host.changed.connect(self._model_changed)
        self.grid.open_requested.connect(self.open_viewer)
        self.grid.trash_requested.connect(self.trash_selection)
        self.grid.similar_requested.connect(self.find_similar)
        self.size_slider.valueChanged.connect(self.grid.set_thumbnail_size)
        self.size_slider.valueChanged.connect(self._save_timer.start)
        sidebar = self.sidebar
        sidebar.folder_selected.connect(self._folder_selected)
        sidebar.add_requested.connect(self.folders.choose_folder)
        sidebar.remove_requested.connect(self.folders.ask_to_remove)
        sidebar.rescan_requested.connect(self._rescan_requested)
        self._reachable_check.timeout.connect(self._check_reachable)
        self._reachable_check.start()
        self.device_button.clicked.connect(self.help.show_diagnostics)
        progress.pause_clicked.connect(indexer.toggle_pause)
        progress.cancel_clicked.connect(self.cancel_indexing)
        for signal, slots in (
            (indexer.started, (progress.on_started, status.on_index_started, self._roots_changed)),
            (indexer.progress, (progress.on_progress, status.on_index_progress)),
            (indexer.paused_changed, (progress.on_paused, status.on_paused)),
            (indexer.finished, (status.on_index_finished, self.refresh_folders)),
            (indexer.failed, (status.on_index_failed, self._indexing_failed, self.refresh_folders)),
            (indexer.idle, (progress.on_stopped, search.run_now)),
            (indexer.refresh_due, (self._refresh_while_indexing, self.refresh_folders)),
            (self.folders.message, (status.say,)),
            (self.folders.library_changed, (search.run_now, self._roots_changed)),
            (self.photo_actions.library_changed, (search.run_now, self.refresh_folders)),
            (self.photo_actions.message, (status.say,)),
            (self.photo_actions.failed, (self.show_error,)),
            (indexer.quiet_failed, (status.on_error,)),
            (self.models.message, (status.say,)),
            (self.models.index_requested, (self.folders.rescan,)),
            (self.models.failed, (self.show_error,)),
        ):
            for slot in slots:
                signal.connect(slot)

    @Slot(bool)
    def _model_changed(self, has_model: bool) -> None:
        self.device_button.on_model_changed(has_model)
        self.searching.use_model(self.host.model)
        self.status.on_model_problem(self.host.problem)  # e.g. several models, none chosen
        self.searching.run_now()

    @Slot(str)
    def _query_changed(self, text: str) -> None:
        self.searching.set_text(text, self.search.attachments())

    @Slot()
    def _query_entered(self) -> None:
        self.searching.run_now()
        self.search.remember(self.search.text())

    @Slot()
    def _filters_changed(self) -> None:
        """The filter bar's filters or sort, or the sidebar's folder (through the filter
        bar's folder filter), changed: search again and show the folder in the sidebar."""
        filters = self.filter_bar.filters()
        self.searching.set_filters(filters, self.filter_bar.sort())
        self.sidebar.show_scope(filters.folders)
        self._save_timer.start()

    @Slot(object)
    def _folder_selected(self, folder: str | None) -> None:
        folders = () if folder is None else (folder,)
        self.filter_bar.set_filters(dataclasses.replace(self.filter_bar.filters(), folders=folders))
        self._filters_changed()

    @Slot(object)
    def _rescan_requested(self, root: str | None) -> None:
        if root is None:
            self.folders.rescan()
        else:
            self.folders.rescan_folder(root)

    @Slot()
    def _roots_changed(self) -> None:
        self.filter_bar.set_folders(self.library.store.roots())
        self.refresh_folders()
        self._watch_roots()

    def _watch_roots(self) -> None:
        """The watcher follows the library's folders: photos copied in arrive by themselves."""
        self.watching.set_roots([Path(root) for root in self.library.store.roots()])

    @Slot()
    def refresh_folders(self) -> None:
        """The sidebar's folders and counts from the library as it is now (after indexing,
        adding, removing, or any part that changed the photos)."""
        self.sidebar.set_tree(folder_tree(self.library.store))

    @Slot()
    def _check_reachable(self) -> None:
        """A drive plugged in or out changes no photo: look at the roots themselves."""
        roots = self.sidebar.tree.roots
        if any(Path(root.path).is_dir() != root.reachable for root in roots):
            self.refresh_folders()

    @Slot(list)
    def _recent_changed(self, texts: list[str]) -> None:
        self.settings.recent_searches = texts
        self.settings.save(self.paths.settings_file)

    @Slot(object)
    def _show_answer(self, answer: Answer) -> None:
        # The timeline's months: when browsing by date, and for a search sorted by date.
        sort = self.filter_bar.sort()
        dated = ("date", "date-asc") if answer.ranked else ("relevance", "date", "date-asc")
        self.photo_model.set_items(answer.items, answer.best_count, sections=sort in dated)
        if answer.ranked:
            self.grid.scrollToTop()
        self.search_message.on_answer()
        offer = self.models.chinese_offer(answer.query) if answer.ranked else None
        if offer is not None:
            self.search_message.on_offer(offer.name, offer.text, offer.link)
        self.status.on_answer(answer)

    @Slot(object)
    def _search_failed(self, error: GalleryError) -> None:
        """What is wrong with the query or the filters shows under the search box (the grid
        keeps the last answer while the person fixes a typo); anything else in the status."""
        if isinstance(error, NoPhotosMatch):
            self.photo_model.set_items([])
            self.status.on_nothing_matched(error)
        elif not isinstance(error, QueryError):
            self.status.on_error(error)
            return
        self.search_message.on_error(error)

    @Slot(object)
    def _indexing_failed(self, error: GalleryError) -> None:
        self.show_error(self.tr("Indexing stopped"), error)

    def _refresh_while_indexing(self) -> None:
        if not self.searching.text:
            self.searching.run_now()

    # actions the menus, the grid and tests use -----------------------------------------------
    def add_folders(self, folders: list[Path]) -> None:
        self.folders.add_folders(folders)

    def cancel_indexing(self) -> None:
        self.indexer.cancel()
        self.progress.on_cancelling()
        self.status.on_cancelling()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def clear_search(self) -> None:
        """Every photo: no query, no filters (the sort stays)."""
        self.search.clear()
        self.filter_bar.clear_filters()
        self.searching.run_now()

    def open_viewer(self, photo: int) -> PhotoViewer:
        """The viewer over the grid's photos, at photo number `photo`; opening a result makes
        its query a recent search."""
        viewer = PhotoViewer(
            self.photo_model.items,
            photo,
            self,
            settings=self.settings,
            library=self.library,
            query=self.search.text(),
        )
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.finished.connect(self._save_settings)
        viewer.show()
        self.search.remember(self.search.text())
        return viewer

    @Slot()
    def trash_selection(self) -> None:
        """The Delete key: the selected photos to the Trash, once the person confirms."""
        self.photo_actions.trash(self.grid.selected_photos())

    def find_duplicates(self) -> DuplicatesView:
        """Tools > Find Duplicates: the review window over the library (one at a time), scoped
        to the sidebar's folder when one is chosen."""
        for view in self.findChildren(DuplicatesView):
            if view.isVisible():
                view.raise_()
                view.activateWindow()
                return view
        folder = self.sidebar.current_folder()
        view = DuplicatesView(self.app_context, self, folders=() if folder is None else (folder,))
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.library_changed.connect(self.searching.run_now)
        view.library_changed.connect(self.refresh_folders)
        view.show()
        return view

    @Slot(list)
    def find_similar(self, paths: list[str]) -> None:
        """The query becomes these photos (one: Find Similar; several: More Like These, their
        mean), answered at once; the photos themselves are left out of the answer."""
        count = len(paths)
        label = Path(paths[0]).name if count == 1 else self.tr("%Ln photos", "", count)
        self.search.set_image_query(ImagePaths(tuple(paths), label))
        self.searching.run_now()

    # drag and drop, closing -----------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_folders(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        folders = dropped_folders(event.mimeData())
        if folders:
            event.acceptProposedAction()
            self.add_folders(folders)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Cancel and wait for every worker; nothing is destroyed while it runs."""
        self.watching.stop()
        self.photo_actions.shutdown()
        self.indexer.shutdown()
        self.searching.stop()
        self.loader.close()
        self._reachable_check.stop()
        self._save_settings()
        self.library.close()
        super().closeEvent(event)


def _base64(data: QByteArray) -> str:
    return bytes(data.toBase64().data()).decode()
