"""What the app does with models: the first-run offer (the model recommended for this computer
and language selected), downloads, the Models dialog, switching (with what the new model still
has to index), importing a folder, deleting an old index, removing a model, the settings that
choose how the model runs, and the offer of a Chinese-reading model when a Chinese query is
typed into an English-only one."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from gallery.errors import GalleryError
from gallery.library.model_indexes import delete_model_index, index_status
from gallery.library.model_overview import ModelEntry, model_overview
from gallery.ml.catalog import load_catalog
from gallery.ml.model_files import read_facts
from gallery.ml.recommend import has_cjk, language_of, machine_facts, recommend
from gallery.ml.registry import InstalledModel
from gallery.text import say
from gallery.ui import i18n
from gallery.ui.context import AppContext, WindowPart
from gallery.ui.dialogs import FirstRunDialog, SettingsDialog
from gallery.ui.job_dialog import JobDialog
from gallery.ui.messages import error_text, waiting
from gallery.ui.model_download import DownloadDialog
from gallery.ui.models_dialog import ModelsDialog

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelOffer:
    """A model that reads the query's language, to download (or switch to) from the line
    under the search box."""

    name: str
    text: str  # the line, in the interface language
    link: str  # the link's words: "Download X" or "Use X"


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

    @property
    def language(self) -> str:
        """The search language to recommend for: the interface language ('zh' or 'en'),
        which follows the system unless the settings choose one."""
        return language_of(i18n.resolve(self.app.host.settings.language))

    def rows(self) -> list[ModelEntry]:
        settings = self.app.host.settings
        return model_overview(
            self.app.host.registry,
            self.app.library.store,
            settings.default_model,
            machine=machine_facts(settings.device),
            language=self.language,
        )

    def offer_first_run(self, offline_reason: str | None = None) -> None:
        try:
            load_catalog()
        except GalleryError as exc:
            offline_reason = offline_reason or error_text(exc)
        dialog = FirstRunDialog(self.rows(), offline_reason, self.window)
        choice = dialog.exec()
        chosen = dialog.chosen
        if choice == FirstRunDialog.IMPORT:
            self.choose_model_folder()
        elif choice == FirstRunDialog.DOWNLOAD and chosen is not None:
            download = self.download_model(chosen)
            if download.offline and download.error_message:
                self.offer_first_run(download.error_message)

    def chinese_offer(self, query: str) -> ModelOffer | None:
        """For a query with Chinese characters typed into a model that reads English only
        (its languages name neither Chinese nor several languages; a folder that says nothing
        counts as English, like CLIP), the model recommended for Chinese on this computer."""
        model = self.app.host.model
        if model is None or not has_cjk(query):
            return None
        installed = {m.name: m for m in self.app.host.registry.installed()}
        current = installed.get(model.name)
        languages = read_facts(current.path).get("languages") if current else None
        if isinstance(languages, list) and ({"zh", "multilingual"} & set(languages)):
            return None
        try:
            catalog = load_catalog()
        except GalleryError:
            return None
        settings = self.app.host.settings
        chosen = recommend(catalog.models, machine_facts(settings.device), "zh")
        if chosen is None or chosen.name == model.name:
            return None
        entry = catalog.get(chosen.name)
        recall = entry.recall.get("zh")
        text = self.tr(
            "{model} reads English only, so Chinese words find little. {title} searches "
            "Chinese well ({recall} recall)."
        ).format(
            model=model.name,
            title=entry.title,
            recall="—" if recall is None else f"{recall:.1f}",
        )
        if chosen.name in installed:
            link = self.tr("Use {title}").format(title=entry.title)
        else:
            link = self.tr("Download {title}").format(title=entry.title)
        return ModelOffer(chosen.name, text, link)

    def take_offer(self, name: str) -> None:
        """The link of an offer: switch to the model when it is installed, else download it
        (a download puts it to use)."""
        if name in {m.name for m in self.app.host.registry.installed()}:
            self.use_model(name)
        else:
            self.download_model(name)

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
