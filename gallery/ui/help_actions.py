"""The Help menu: the logs folder, the diagnostics report (the same sections as `gallery
doctor`), the library check and About."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from gallery import APP_NAME
from gallery.diagnostics import as_text, report_sections
from gallery.ui.context import WindowPart
from gallery.ui.dialogs import DiagnosticsDialog, about_text
from gallery.ui.library_check import LibraryCheckDialog


class HelpActions(WindowPart):

    def open_logs_folder(self) -> bool:
        folder = self.app.host.paths.log
        folder.mkdir(parents=True, exist_ok=True)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def diagnostics_text(self) -> str:
        host = self.app.host
        sections = report_sections(host.paths, host.settings, host.facts(), self.app.library.store)
        return as_text(sections)

    def show_diagnostics(self) -> DiagnosticsDialog:
        dialog = DiagnosticsDialog(self.diagnostics_text(), self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def check_library(self) -> LibraryCheckDialog:
        dialog = LibraryCheckDialog(
            self.app.host.paths, lambda: not self.app.indexer.running, self.window
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_about(self) -> None:
        title = self.tr("About {app}").format(app=APP_NAME)
        QMessageBox.about(self.window, title, about_text())
