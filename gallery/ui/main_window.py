"""The main window: search on top, the photo grid, indexing progress in the status bar."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import (
    QByteArray,
    QPoint,
    QSize,
    Qt,
    QThread,
    QTimer,
    QUrl,
    Signal,
    SignalInstance,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gallery import APP_NAME
from gallery.diagnostics import as_text, versions
from gallery.errors import GalleryError, UserError
from gallery.library.indexer import IndexProgress, IndexSummary
from gallery.library.library import Library
from gallery.library.model_indexes import delete_model_index, index_status
from gallery.library.store import PhotoRow
from gallery.ml.catalog import load_catalog
from gallery.ml.encoder import ClipModel
from gallery.ml.providers import DeviceReport
from gallery.ml.registry import SOURCE_MODELS_DIR, ModelRegistry
from gallery.paths import AppPaths
from gallery.settings import Settings
from gallery.ui.dialogs import DiagnosticsDialog, FirstRunDialog, SettingsDialog, about_text
from gallery.ui.images import ImageLoader
from gallery.ui.model_download import DownloadDialog
from gallery.ui.models_dialog import ModelRow, ModelsDialog
from gallery.ui.photo_delegate import PhotoDelegate
from gallery.ui.photo_model import PATH_ROLE, PhotoItem, PhotoListModel
from gallery.ui.viewer import PhotoViewer
from gallery.ui.workers import IndexWorker, SearchWorker

log = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 250
REFRESH_WHILE_INDEXING_MS = 1500
RESULTS = 200


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 90:
        return f", about {seconds:.0f} s left"
    return f", about {seconds / 60:.0f} min left"


class MainWindow(QMainWindow):
    request_photos = Signal(int)
    request_search = Signal(int, str, int)
    request_similar = Signal(int, str, int)

    def __init__(self, paths: AppPaths, *, offer_first_run: bool = True) -> None:
        super().__init__()
        self.paths = paths
        self.settings = Settings.load(paths.settings_file)
        self.library = Library(paths)
        self.registry = ModelRegistry(paths.models, (SOURCE_MODELS_DIR,))
        self.model: ClipModel | None = None
        self.report: DeviceReport | None = None
        self.model_problem: str | None = None
        self._request = 0
        self._index_thread: QThread | None = None
        self._index_worker: IndexWorker | None = None
        self._queued_roots: list[Path] = []
        self.last_summary: IndexSummary | None = None
        self._note = ""  # the outcome of the last indexing run, shown beside the photo count
        self._progress_text = ""
        self._models_dialog: ModelsDialog | None = None
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self._build_widgets()
        self._build_menus()
        self._load_model()
        self._start_search_thread()
        self._restore_geometry()
        self.show_all_photos()
        if offer_first_run and self.model is None:
            QTimer.singleShot(0, self.offer_first_run)

    # construction ----------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.search = QLineEdit(placeholderText="Search your photos: “a red car in the snow”")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_text_changed)
        self.search.installEventFilter(self)
        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._run_search)

        self.loader = ImageLoader()
        self.photo_model = PhotoListModel(self.paths.thumbnails, self.loader)
        self.grid = QListView()
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setUniformItemSizes(True)
        self.grid.setLayoutMode(QListView.LayoutMode.Batched)
        self.grid.setBatchSize(500)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.grid.customContextMenuRequested.connect(self._context_menu)
        self.grid.doubleClicked.connect(lambda index: self.open_viewer(index.row()))
        self.grid.setModel(self.photo_model)
        self.delegate = PhotoDelegate(self.grid)
        self.grid.setItemDelegate(self.delegate)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.grid)
        self.setCentralWidget(central)

        bar = self.statusBar()
        self.status_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setVisible(False)
        self.pause_button = QToolButton()
        self.pause_button.setText("Pause")
        self.pause_button.setVisible(False)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_indexing)
        self.size_slider = QSlider(Qt.Orientation.Horizontal)
        self.size_slider.setRange(64, 320)
        self.size_slider.setMaximumWidth(140)
        self.size_slider.setToolTip("Thumbnail size")
        self.size_slider.valueChanged.connect(self._set_thumbnail_size)
        self.device_button = QPushButton("Device: …", flat=True)
        self.device_button.setToolTip("The device that runs the model; click for diagnostics")
        self.device_button.clicked.connect(self.show_diagnostics)
        bar.addWidget(self.status_label, 1)
        for widget in (
            self.progress,
            self.pause_button,
            self.cancel_button,
            self.size_slider,
            self.device_button,
        ):
            bar.addPermanentWidget(widget)
        self.size_slider.setValue(160)

    def _action(
        self,
        menu: QMenu,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        return action

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file = menus.addMenu("&File")
        self.add_folder_action = self._action(
            file, "&Add Folder…", self.choose_folder, QKeySequence.StandardKey.Open
        )
        self._action(file, "&Remove Folder…", self.choose_folder_to_remove)
        self.rescan_action = self._action(file, "Re&scan", self.rescan, "F5")
        file.addSeparator()
        self._action(file, "&Models…", self.show_models, "Ctrl+M")
        self._action(file, "Import &Model Folder…", self.choose_model_folder)
        self._action(file, "&Settings…", self.show_settings, QKeySequence.StandardKey.Preferences)
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        edit = menus.addMenu("&Edit")
        self._action(edit, "&Find", self.focus_search, QKeySequence.StandardKey.Find)
        self._action(edit, "Show &All Photos", self.clear_search)
        help_menu = menus.addMenu("&Help")
        self.logs_action = self._action(help_menu, "Open &Logs Folder", self.open_logs_folder)
        self._action(help_menu, "&Diagnostics", self.show_diagnostics)
        self._action(help_menu, "&About Lumen Gallery", self.show_about)

    def _restore_geometry(self) -> None:
        if self.settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode()))
        else:
            self.resize(1100, 760)

    # model and search thread -------------------------------------------------------------
    def _load_model(self) -> None:
        try:
            folder = self.registry.resolve(None, self.settings.default_model)
        except UserError as exc:
            self.model, self.model_problem = None, str(exc)
            self.device_button.setText("No model")
            return
        self.model = ClipModel(
            folder,
            device=self.settings.device,
            batch_size=self.settings.batch_size,
            cache_dir=self.paths.cache,
        )
        self.model_problem = None
        self.device_button.setText("Device: loading…")

    def _start_search_thread(self) -> None:
        self._search_thread = QThread(self)
        self._search_thread.setObjectName("search")
        self.search_worker = SearchWorker(self.library, self.model)
        self.search_worker.moveToThread(self._search_thread)
        self.request_photos.connect(self.search_worker.list_photos)
        self.request_search.connect(self.search_worker.search)
        self.request_similar.connect(self.search_worker.similar)
        self.search_worker.photos.connect(self._show_photos)
        self.search_worker.results.connect(self._show_results)
        self.search_worker.failed.connect(self._search_failed)
        self.search_worker.ready.connect(self._model_ready)
        self._search_thread.started.connect(self.search_worker.warm_up)
        self._search_thread.start()

    def _stop_search_thread(self) -> None:
        self._search_thread.quit()
        self._search_thread.wait()
        self.search_worker.deleteLater()

    def reload_model(self) -> None:
        """After a settings change or an import: new model, new warm search worker."""
        self._stop_search_thread()
        self._load_model()
        self._start_search_thread()
        self._refresh_view()

    @Slot(object)
    def _model_ready(self, report: DeviceReport) -> None:
        self.report = report
        self.device_button.setText(
            report.summary() if len(report.summary()) < 60 else report.summary()[:57] + "…"
        )
        self.device_button.setToolTip(report.summary())

    # showing photos -------------------------------------------------------------------------
    def _next_request(self) -> int:
        self._request += 1
        self.search_worker.latest = self._request
        return self._request

    def show_all_photos(self) -> None:
        self.request_photos.emit(self._next_request())

    @Slot(int, object)
    def _show_photos(self, request: int, rows: list[PhotoRow]) -> None:
        if request != self._request:
            return
        self.photo_model.set_items([PhotoItem(row) for row in rows])
        note = f" — {self._note}" if self._note else ""
        self.status_label.setText(self._indexing_text() or f"{len(rows):,} photos{note}")

    @Slot(int, object)
    def _show_results(self, request: int, hits: list[tuple[PhotoRow, float]]) -> None:
        if request != self._request:
            return
        self.photo_model.set_items([PhotoItem(row, score) for row, score in hits])
        self.grid.scrollToTop()
        what = self.search.text().strip() or "the chosen photo"
        self.status_label.setText(self._indexing_text() or f"{len(hits)} results for {what}")

    @Slot(int, str)
    def _search_failed(self, request: int, message: str) -> None:
        if request in (0, self._request):
            self.status_label.setText(message)

    def _search_text_changed(self, _text: str) -> None:
        self._debounce.start()

    def _run_search(self) -> None:
        text = self.search.text().strip()
        if not text:
            self.show_all_photos()
        else:
            request = self._next_request()
            log.info("Search %d: %r", request, text)
            self.request_search.emit(request, text, RESULTS)

    def _refresh_view(self) -> None:
        self._run_search()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def clear_search(self) -> None:
        self.search.clear()
        self._debounce.stop()
        self.show_all_photos()

    def eventFilter(self, watched: object, event: object) -> bool:
        from PySide6.QtCore import QEvent
        from PySide6.QtGui import QKeyEvent

        if (
            watched is self.search
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Escape
        ):
            self.clear_search()
            return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]

    def _set_thumbnail_size(self, size: int) -> None:
        self.grid.setIconSize(QSize(size, size))
        self.grid.setGridSize(self.delegate.cell_size() + QSize(4, 4))

    # grid actions ---------------------------------------------------------------------------
    def _paths(self) -> list[str]:
        return [item.row.path for item in self.photo_model.items]

    def open_viewer(self, row: int) -> PhotoViewer:
        viewer = PhotoViewer(self._paths(), row, self)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.show()
        return viewer

    def find_similar(self, path: str) -> None:
        self.search.blockSignals(True)
        self.search.setText(f"Similar to {Path(path).name}")
        self.search.blockSignals(False)
        self.request_similar.emit(self._next_request(), path, RESULTS)

    def _context_menu(self, point: QPoint) -> None:
        index = self.grid.indexAt(point)
        if not index.isValid():
            return
        path = str(index.data(PATH_ROLE))
        menu = QMenu(self)
        menu.addAction("Open", lambda: self.open_viewer(index.row()))
        menu.addAction(
            "Open Containing Folder",
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent))),
        )
        menu.addAction("Copy Path", lambda: QGuiApplication.clipboard().setText(path))
        menu.addAction("Find Similar", lambda: self.find_similar(path))
        menu.exec(self.grid.viewport().mapToGlobal(point))

    # folders and indexing --------------------------------------------------------------------
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a Photo Folder", str(Path.home()))
        if folder:
            self.add_folders([Path(folder)])

    def add_folders(self, folders: list[Path]) -> None:
        for folder in folders:
            self.library.store.add_root(str(folder.resolve()))
        self.start_indexing([f.resolve() for f in folders])

    def choose_folder_to_remove(self) -> None:
        roots = self.library.store.roots()
        if not roots:
            QMessageBox.information(self, "Remove Folder", "No folders have been added yet.")
            return
        root, ok = QInputDialog.getItem(
            self, "Remove Folder", "Stop showing photos from this folder:", roots, 0, False
        )
        if ok and root:
            self.remove_folder(root)

    def remove_folder(self, root: str) -> None:
        if self.indexing:
            QMessageBox.information(
                self, "Remove Folder", "Please wait for indexing to finish, or cancel it first."
            )
            return
        self.library.forget_files(self.library.store.remove_root(root))
        self.library.save()
        self._refresh_view()

    def rescan(self) -> None:
        roots = [Path(r) for r in self.library.store.roots()]
        if roots:
            self.start_indexing(roots)
        else:
            self.status_label.setText("Add a folder first: File > Add Folder…")

    @property
    def indexing(self) -> bool:
        return self._index_thread is not None

    def start_indexing(self, roots: list[Path]) -> None:
        if self.model is None:
            self.status_label.setText("Folders added. Import or download a model to index them.")
            self._refresh_view()
            return
        if self.indexing:
            self._queued_roots.extend(r for r in roots if r not in self._queued_roots)
            return
        thread = QThread(self)
        thread.setObjectName("indexer")
        worker = IndexWorker(self.library, self.model, roots, self.settings.excluded_patterns)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self._index_progress)
        worker.finished.connect(self._index_finished)
        worker.failed.connect(self._index_failed)
        self._index_thread, self._index_worker = thread, worker
        self.progress.setRange(0, 0)
        self._note, self._progress_text = "", "Scanning…"
        for widget in (self.progress, self.pause_button, self.cancel_button):
            widget.setVisible(True)
        self.pause_button.setText("Pause")
        self._last_refresh = 0
        self._refresh_timer = QTimer(self, interval=REFRESH_WHILE_INDEXING_MS)
        self._refresh_timer.timeout.connect(self._refresh_while_indexing)
        self._refresh_timer.start()
        thread.start()
        self.status_label.setText("Scanning…")

    def _indexing_text(self) -> str:
        return self._progress_text if self.indexing else ""

    @Slot(object)
    def _index_progress(self, p: IndexProgress) -> None:
        if p.stage == "scan":
            self._progress_text = f"Scanning… {p.done:,} files found"
        else:
            self.progress.setRange(0, max(p.total, 1))
            self.progress.setValue(p.done)
            failed = f", {p.failed} skipped" if p.failed else ""
            self._progress_text = (
                f"Indexing {p.done:,} of {p.total:,} — {p.rate:.1f} photos/s"
                f"{_eta(p.eta_seconds)}{failed}"
            )
        self.status_label.setText(self._progress_text)

    def _refresh_while_indexing(self) -> None:
        if not self.search.text().strip():
            self.show_all_photos()

    def _finish_indexing(self) -> None:
        self._refresh_timer.stop()
        thread, worker = self._index_thread, self._index_worker
        self._index_thread = self._index_worker = None
        if thread is not None:
            thread.quit()
            thread.wait()
        if worker is not None:
            worker.deleteLater()
        for widget in (self.progress, self.pause_button, self.cancel_button):
            widget.setVisible(False)
        self._refresh_view()
        if self._models_dialog is not None:  # its counts just changed
            self._models_dialog.set_rows(self.model_rows())
        if self._queued_roots:
            roots, self._queued_roots = self._queued_roots, []
            self.start_indexing(roots)

    @Slot(object)
    def _index_finished(self, summary: IndexSummary) -> None:
        self.last_summary = summary
        verb = "Indexing cancelled" if summary.cancelled else "Indexing done"
        failed = f", {summary.failed} could not be read" if summary.failed else ""
        self._note = f"{verb}: {summary.embedded:,} photos added{failed}."
        self._finish_indexing()
        self.status_label.setText(self._note)

    @Slot(str)
    def _index_failed(self, message: str) -> None:
        self._finish_indexing()
        self.status_label.setText(message)
        QMessageBox.warning(self, "Indexing stopped", message)

    def toggle_pause(self) -> None:
        worker = self._index_worker
        if worker is None:
            return
        if worker.paused:
            worker.resume()
            self.pause_button.setText("Pause")
        else:
            worker.pause()
            self.pause_button.setText("Resume")
            self.status_label.setText("Paused — " + self._indexing_text())

    def cancel_indexing(self) -> None:
        self._queued_roots.clear()
        if self._index_worker is not None:
            self._index_worker.stop()
            self.status_label.setText("Cancelling after the current batch…")

    # models --------------------------------------------------------------------------------
    def offer_first_run(self, offline_reason: str | None = None) -> None:
        try:
            default: str | None = load_catalog().default
        except GalleryError as exc:
            default, offline_reason = None, offline_reason or str(exc)
        choice = FirstRunDialog(default, offline_reason, self).exec()
        if choice == FirstRunDialog.IMPORT:
            self.choose_model_folder()
        elif choice == FirstRunDialog.DOWNLOAD and default is not None:
            dialog = self.download_model(default)
            if dialog.offline and dialog.error:
                self.offer_first_run(dialog.error)

    def download_model(self, name: str) -> DownloadDialog:
        """Download with a progress dialog; on success the new model is put to use."""
        dialog = DownloadDialog(self.paths.models, name, self)
        dialog.exec()
        if dialog.installed is not None:
            self.use_model(dialog.installed.name, ask=False)
        elif dialog.error and not dialog.offline:
            QMessageBox.warning(self, "Download stopped", dialog.error)
        return dialog

    def model_rows(self) -> list[ModelRow]:
        store = self.library.store
        with_index = set(store.model_names())
        installed = {m.name for m in self.registry.installed()}
        try:
            catalog = [(m.name, m.title, ", ".join(m.languages)) for m in load_catalog().models]
        except GalleryError:
            catalog = []
        known = {name for name, _, _ in catalog}
        entries = catalog + [(n, n, "") for n in sorted(installed | with_index) if n not in known]
        rows = []
        for name, title, languages in entries:
            status = index_status(store, name)
            rows.append(
                ModelRow(
                    name,
                    title,
                    languages,
                    name in installed,
                    self.model is not None and self.model.name == name,
                    status.indexed,
                    status.pending,
                    name in with_index,
                )
            )
        return rows

    def show_models(self) -> ModelsDialog:
        dialog = ModelsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        actions: list[tuple[SignalInstance, Callable[[str], object]]] = [
            (dialog.use_requested, self.use_model),
            (dialog.download_requested, self.download_model),
            (dialog.delete_index_requested, self.delete_index),
            (dialog.remove_requested, self.remove_model),
        ]
        for signal, action in actions:
            signal.connect(partial(self._model_action, dialog, action))
        dialog.set_rows(self.model_rows())
        dialog.show()
        self._models_dialog = dialog
        dialog.destroyed.connect(lambda: setattr(self, "_models_dialog", None))
        return dialog

    def _model_action(
        self, dialog: ModelsDialog, action: Callable[[str], object], name: str
    ) -> None:
        action(name)
        dialog.set_rows(self.model_rows())

    def use_model(self, name: str, *, ask: bool = True) -> bool:
        """Switch models; the new one has its own index, so say what it still has to index."""
        if self.indexing:
            QMessageBox.information(
                self, "Switch Model", "Please wait for indexing to finish, or cancel it first."
            )
            return False
        pending = index_status(self.library.store, name).pending
        index_now = pending > 0
        if ask:
            box = QMessageBox(
                QMessageBox.Icon.Question,
                "Switch Model",
                f"Use {name} from now on? {pending:,} photos still have to be "
                "indexed with it; until then searches find only the photos it "
                "has seen.",
                parent=self,
            )
            now = box.addButton("Switch and Index Now", QMessageBox.ButtonRole.AcceptRole)
            later = box.addButton("Switch Only", QMessageBox.ButtonRole.ActionRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.clickedButton() not in (now, later):
                return False
            index_now = index_now and box.clickedButton() is now
        self.settings.default_model = name
        self.settings.save(self.paths.settings_file)
        self.reload_model()
        self.status_label.setText(f"Using the model {name}.")
        if index_now:
            self.rescan()
        return True

    def delete_index(self, name: str) -> None:
        answer = QMessageBox.question(
            self,
            "Delete Index",
            f"Delete the index of {name}? Its vectors are removed; your photos are not touched.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            try:
                delete_model_index(self.library, name)
            except GalleryError as exc:
                QMessageBox.warning(self, "Delete Index", str(exc))

    def remove_model(self, name: str) -> None:
        answer = QMessageBox.question(
            self, "Remove Model", f"Remove the model {name} from this computer?"
        )
        if answer == QMessageBox.StandardButton.Yes:
            try:
                self.registry.remove(name)
            except GalleryError as exc:
                QMessageBox.warning(self, "Remove Model", str(exc))

    def choose_model_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a Model Folder", str(Path.home()))
        if folder:
            self.import_model(Path(folder))

    def import_model(self, folder: Path) -> None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            installed = self.registry.import_folder(folder)
        except GalleryError as exc:
            QMessageBox.warning(self, "Cannot import this model", str(exc))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.settings.default_model = installed.name
        self.settings.save(self.paths.settings_file)
        self.reload_model()
        self.status_label.setText(f"Model {installed.name} is ready.")

    # dialogs -------------------------------------------------------------------------------
    def diagnostics_text(self) -> str:
        store = self.library.store
        model_id = store.find_model(self.model.name) if self.model else None
        counts = store.counts(model_id)
        sections: dict[str, object] = {
            "device": self.report.as_dict() if self.report else (self.model_problem or "loading"),
            "model": {
                "name": self.model.name if self.model else None,
                "path": str(self.model.folder.path) if self.model else None,
                "batch size": self.model.batch_size if self.model and self.report else None,
            },
            "library": {
                "folders": store.roots(),
                "files": counts.files,
                "indexed": counts.indexed,
                "failed": counts.failed,
                "pending": counts.pending,
            },
            "paths": self.paths.as_dict(),
            "versions": versions(),
        }
        return as_text(sections)

    def show_diagnostics(self) -> DiagnosticsDialog:
        dialog = DiagnosticsDialog(self.diagnostics_text(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_about(self) -> None:
        QMessageBox.about(self, f"About {APP_NAME}", about_text())

    def show_settings(self) -> None:
        names = [m.name for m in self.registry.installed()]
        dialog = SettingsDialog(self.settings, names, self)
        if dialog.exec() != SettingsDialog.DialogCode.Accepted:
            return
        before = (self.settings.default_model, self.settings.device, self.settings.batch_size)
        dialog.apply_to(self.settings)
        self.settings.save(self.paths.settings_file)
        after = (self.settings.default_model, self.settings.device, self.settings.batch_size)
        if before != after and not self.indexing:
            self.reload_model()

    def open_logs_folder(self) -> bool:
        self.paths.log.mkdir(parents=True, exist_ok=True)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.paths.log)))

    # drag and drop, closing -----------------------------------------------------------------
    def _dropped_folders(self, event: QDragEnterEvent | QDropEvent) -> list[Path]:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        return [
            Path(u.toLocalFile())
            for u in urls
            if u.isLocalFile() and Path(u.toLocalFile()).is_dir()
        ]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_folders(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        folders = self._dropped_folders(event)
        if folders:
            event.acceptProposedAction()
            self.add_folders(folders)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Cancel and wait for every worker; nothing is destroyed while it runs."""
        worker = self._index_worker
        if worker is not None:
            for signal in (worker.progress, worker.finished, worker.failed):
                signal.disconnect()
            worker.stop()
        thread = self._index_thread
        if thread is not None:
            thread.quit()
            thread.wait()
        self._stop_search_thread()
        self.loader.wait()
        self.settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode()
        self.settings.save(self.paths.settings_file)
        self.library.close()
        super().closeEvent(event)
