"""What the app does with models: the first-run offer, downloads, the Models dialog, switching
(with what the new model still has to index), importing a folder, deleting an old index,
removing a model, and the settings that choose how the model runs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from gallery.errors import GalleryError
from gallery.library.model_indexes import delete_model_index, index_status
from gallery.library.model_overview import ModelEntry, model_overview
from gallery.ml.catalog import load_catalog
from gallery.ml.registry import InstalledModel
from gallery.text import say
from gallery.ui.context import AppContext, WindowPart
from gallery.ui.dialogs import FirstRunDialog, SettingsDialog
from gallery.ui.job_dialog import JobDialog
from gallery.ui.messages import error_text, waiting
from gallery.ui.model_download import DownloadDialog
from gallery.ui.models_dialog import ModelsDialog

log = logging.getLogger(__name__)



class ModelActions(WindowPart):
    message = Signal(str)  # a line for the status bar
    index_requested = Signal()  # the new model should index the library now
    failed = Signal(str, object)  # a dialog title and the GalleryError to show in it

    def __init__(self, app: AppContext, window: QWidget) -> None:
        super().__init__(app, window)
        self.dialog: ModelsDialog | None = None
        app.indexer.idle.connect(self.refresh_dialog)  # its counts just changed

    @property
    def _settings_file(self) -> Path:
        return self.app.host.paths.settings_file

    def rows(self) -> list[ModelEntry]:
        configured = self.app.host.settings.default_model
        return model_overview(self.app.host.registry, self.app.library.store, configured)

    def offer_first_run(self, offline_reason: str | None = None) -> None:
        try:
            default: str | None = load_catalog().default
        except GalleryError as exc:
            default, offline_reason = None, offline_reason or error_text(exc)
        choice = FirstRunDialog(default, offline_reason, self.window).exec()
        if choice == FirstRunDialog.IMPORT:
            self.choose_model_folder()
        elif choice == FirstRunDialog.DOWNLOAD and default is not None:
            dialog = self.download_model(default)
            if dialog.offline and dialog.error_message:
                self.offer_first_run(dialog.error_message)

    def download_model(self, name: str) -> DownloadDialog:
        """Download with a progress dialog; on success the new model is put to use."""
        dialog = DownloadDialog(self.app.host.paths.models, name, self.window)
        dialog.exec()
        if dialog.installed is not None:
            self.use_model(dialog.installed.name, ask=False)
        elif dialog.error is not None and not dialog.offline:
            self.failed.emit(self.tr("Download stopped"), dialog.error)
        return dialog

    def show_models(self) -> ModelsDialog:
        dialog = ModelsDialog(self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        actions: list[tuple[SignalInstance, Callable[[str], object]]] = [
            (dialog.use_requested, self.use_model),
            (dialog.download_requested, self.download_model),
            (dialog.delete_index_requested, self.delete_index),
            (dialog.remove_requested, self.remove_model),
        ]
        for signal, action in actions:
            signal.connect(partial(self._then_refresh, action))
        dialog.set_rows(self.rows())
        dialog.show()
        self.dialog = dialog
        dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        return dialog

    def refresh_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.set_rows(self.rows())

    def _then_refresh(self, action: Callable[[str], object], name: str) -> None:
        action(name)
        self.refresh_dialog()

    def use_model(self, name: str, *, ask: bool = True) -> bool:
        """Switch models; the new one has its own index, so say what it still has to index."""
        if self.app.indexer.running:
            QMessageBox.information(self.window, self.tr("Switch Model"), waiting())
            return False
        pending = index_status(self.app.library.store, name).pending
        index_now = pending > 0
        if ask:
            box = QMessageBox(
                QMessageBox.Icon.Question,
                self.tr("Switch Model"),
                self.tr(
                    "Use {name} from now on? %Ln photos still have to be indexed with it; "
                    "until then searches find only the photos it has seen.",
                    "",
                    pending,
                ).format(name=name),
                parent=self.window,
            )
            now = box.addButton(self.tr("Switch and Index Now"), QMessageBox.ButtonRole.AcceptRole)
            later = box.addButton(self.tr("Switch Only"), QMessageBox.ButtonRole.ActionRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.clickedButton() not in (now, later):
                return False
            index_now = index_now and box.clickedButton() is now
        self._make_default(name)
        self.message.emit(self.tr("Using the model {name}.").format(name=name))
        if index_now:
            self.index_requested.emit()
        return True

    def _make_default(self, name: str | None) -> None:
        self.app.host.settings.default_model = name
        self.app.host.settings.save(self._settings_file)
        self.app.host.load()

    def delete_index(self, name: str) -> None:
        answer = QMessageBox.question(
            self.window,
            self.tr("Delete Index"),
            self.tr(
                "Delete the index of {name}? Its vectors are removed; your photos are not touched."
            ).format(name=name),
        )
        if answer == QMessageBox.StandardButton.Yes:
            try:
                delete_model_index(self.app.library, name)
            except GalleryError as exc:
                self.failed.emit(self.tr("Delete Index"), exc)

    def remove_model(self, name: str) -> None:
        answer = QMessageBox.question(
            self.window,
            self.tr("Remove Model"),
            self.tr("Remove the model {name} from this computer?").format(name=name),
        )
        if answer == QMessageBox.StandardButton.Yes:
            try:
                self.app.host.registry.remove(name)
            except GalleryError as exc:
                self.failed.emit(self.tr("Remove Model"), exc)

    def choose_model_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.window, self.tr("Import a Model Folder"), str(Path.home())
        )
        if folder:
            self.import_model(Path(folder))

    def import_model(self, folder: Path) -> None:
        """Copy the folder in and run the model once, in the background (a large model takes
        a while); the dialog is modal until it is done."""
        registry = self.app.host.registry
        dialog = JobDialog(
            self.tr("Importing a Model"),
            self.tr("Copying {folder} and checking that the model runs…").format(folder=folder),
            lambda _job: registry.import_folder(folder),
            say("The import"),
            self.window,
            cancellable=False,
        )
        dialog.exec()
        installed = dialog.outcome
        if isinstance(installed, InstalledModel):
            self._make_default(installed.name)
            self.message.emit(self.tr("Model {name} is ready.").format(name=installed.name))
        elif dialog.error is not None:
            self.failed.emit(self.tr("Cannot import this model"), dialog.error)

    def show_settings(self) -> None:
        settings = self.app.host.settings
        names = [m.name for m in self.app.host.registry.installed()]
        dialog = SettingsDialog(settings, names, self.window)
        if dialog.exec() != SettingsDialog.DialogCode.Accepted:
            return
        before = (settings.default_model, settings.device, settings.batch_size)
        dialog.apply_to(settings)
        settings.save(self._settings_file)
        if before != (settings.default_model, settings.device, settings.batch_size):
            if self.app.indexer.running:
                self.message.emit(self.tr("The new model settings apply after indexing."))
            else:
                self.app.host.load()
