"""The Help menu: the logs folder, the diagnostics report (the same sections as `gallery
doctor`), the library check and About."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from gallery import APP_NAME
from gallery.diagnostics import as_text, report_sections
from gallery.library.library import Library
from gallery.ui.dialogs import DiagnosticsDialog, about_text
from gallery.ui.indexing import IndexingController
from gallery.ui.library_check import LibraryCheckDialog
from gallery.ui.model_host import ModelHost


class HelpActions(QObject):
    def __init__(
        self, window: QWidget, host: ModelHost, library: Library, indexing: IndexingController
    ) -> None:
        super().__init__(window)
        self.window = window
        self.host = host
        self.library = library
        self.indexing = indexing

    def open_logs_folder(self) -> bool:
        folder = self.host.paths.log
        folder.mkdir(parents=True, exist_ok=True)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def diagnostics_text(self) -> str:
        sections = report_sections(
            self.host.paths, self.host.settings, self.host.facts(), self.library.store
        )
        return as_text(sections)

    def show_diagnostics(self) -> DiagnosticsDialog:
        dialog = DiagnosticsDialog(self.diagnostics_text(), self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def check_library(self) -> LibraryCheckDialog:
        dialog = LibraryCheckDialog(
            self.host.paths, lambda: not self.indexing.running, self.window
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_about(self) -> None:
        QMessageBox.about(self.window, f"About {APP_NAME}", about_text())
